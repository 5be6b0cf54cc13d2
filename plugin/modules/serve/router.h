// SPDX-License-Identifier: Apache-2.0
// The server's request handling, independent of the HTTP library: the Host
// and caller checks every request passes (one place, whatever the route:
// routes added later inherit them), then /healthz, /stats, the AWS route,
// the GCE metadata route and the Azure managed-identity routes, and the audit
// report of what was handed out.
// Thread-safe: the daemon's threads share one Router.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "azure_route.h"
#include "caller_audit.h"
#include "counters.h"
#include "http_types.h"
#include "published.h"

namespace fedcred::serve {

// What the Google route says about its identity besides the token.
struct GoogleIdentity {
  std::string email;
  std::vector<std::string> scopes;
  std::string project_id;
  std::string numeric_project_id;
};

struct RouterConfig {
  // The token file's content, a secret: the AWS route's Authorization and
  // the Azure App Service form's X-IDENTITY-HEADER. nullopt: neither route.
  std::optional<std::string> client_token;
  bool aws = false;                        // the AWS route (needs client_token)
  std::optional<GoogleIdentity> google;    // nullopt: no metadata emulation
  std::optional<AzureIdentity> azure;      // nullopt: no Azure managed-identity routes
  // The caller policy (caller_policy.h); every caller is refused without one.
  std::function<bool(uid_t)> caller_allowed;
  // Before each request the token file authorizes (AWS route, App Service
  // form): lets the library re-read the file and publish it into
  // authorization() (issue 21.4).
  std::function<void()> check_authorization;
  // The rate-limited audit report: caller, route, served or refused, count.
  std::function<void(uid_t, int, bool, std::uint64_t)> audit;
  // Until then (unix seconds) a request for credentials not yet published
  // waits for them (issue 21.8).
  std::int64_t hold_until_unix = 0;
};

class Router {
 public:
  explicit Router(RouterConfig config);
  Router(Router const&) = delete;
  Router& operator=(Router const&) = delete;
  ~Router();  // wipes the authorization token

  HttpResponse handle(HttpRequest const& req, std::int64_t now_unix);

  // Whether the request should wait (the HTTP side suspends it) because it
  // asks for credentials whose first fetch has not ended yet.
  bool should_hold(HttpRequest const& req, std::int64_t now_unix) const;
  std::int64_t hold_until_unix() const { return config_.hold_until_unix; }
  // Whether the request's answer may wait on the library (the Azure routes'
  // per-request token fetch): the HTTP side answers it off its threads.
  // A caller the policy refuses is answered at once, on the daemon's thread:
  // it must not queue work in front of the callers it is not.
  bool answers_on_worker(HttpRequest const& req) const {
    return config_.azure && is_azure_path(req.path) && req.caller && config_.caller_allowed &&
           config_.caller_allowed(*req.caller);
  }

  PublishedSlot& aws() { return aws_; }
  PublishedSlot& authorization() { return authorization_; }
  PublishedSlot& google() { return google_; }
  Counters& counters() { return counters_; }

 private:
  HttpResponse dispatch(HttpRequest const& req, std::int64_t now_unix) const;
  std::optional<HttpResponse> refuse_caller(HttpRequest const& req, std::int64_t now_unix);
  void report(uid_t caller, int route, bool served, std::int64_t now_unix);
  HttpResponse healthz(std::int64_t now_unix) const;
  HttpResponse stats() const;

  RouterConfig config_;
  PublishedSlot authorization_;  // the token file's content (client_token)
  PublishedSlot aws_;
  PublishedSlot google_;
  Counters counters_;
  CallerAudit audit_;
};

}  // namespace fedcred::serve
