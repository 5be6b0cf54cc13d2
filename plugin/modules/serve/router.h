// SPDX-License-Identifier: Apache-2.0
// The server's request handling, independent of the HTTP library: the Host
// check every request passes, then /healthz, /stats, the AWS route and the
// GCE metadata route. Thread-safe: the daemon's threads share one Router.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  std::optional<std::string> aws_authorization;  // a secret; nullopt: no AWS route
  std::optional<GoogleIdentity> google;          // nullopt: no metadata emulation
};

class Router {
 public:
  explicit Router(RouterConfig config);
  Router(Router const&) = delete;
  Router& operator=(Router const&) = delete;
  ~Router();  // wipes the authorization token

  HttpResponse handle(HttpRequest const& req, std::int64_t now_unix);

  PublishedSlot& aws() { return aws_; }
  PublishedSlot& google() { return google_; }
  Counters& counters() { return counters_; }

 private:
  HttpResponse dispatch(HttpRequest const& req, std::int64_t now_unix) const;
  HttpResponse healthz(std::int64_t now_unix) const;
  HttpResponse stats() const;

  RouterConfig config_;
  PublishedSlot aws_;
  PublishedSlot google_;
  Counters counters_;
};

}  // namespace fedcred::serve
