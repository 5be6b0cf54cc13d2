// SPDX-License-Identifier: Apache-2.0
// The one IMDS client (docs/PROTOCOLS.md 4.1): the EC2 instance metadata
// service's protocol, spoken once, over the HTTP seam (http_client.h) that
// both of fedcred's HTTP clients satisfy. Its users:
//
// - the core's instance-role lookup (core/flows/instance_role.cc), over the
//   core's plain-http client (core/net/plain_http_client.h), before every
//   cache lookup of the imds link: on the static front's cache-hit path,
//   which maps neither libcurl nor OpenSSL;
// - the aws module's credentials and region (modules/aws/imds.cc), over
//   libcurl (modules/common/curl_http.h), on a miss;
// - doctor's probe (modules/common/probe.cc), which sends the two requests
//   of probe_requests() once each and judges the answers itself.
//
// What it does is imds_rules.h: IMDSv2 only (a session token from PUT
// kTokenPath, sent with every GET; no IMDSv1 fallback), 1 s per attempt
// within the run's deadline, 5xx and transport failures retried, a PUT that
// gets no answer at all named as the hop limit, every failure Status::source
// with what to check. No message holds the session token.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "clock.h"
#include "http_client.h"
#include "imds_rules.h"
#include "random_source.h"
#include "result.h"
#include "retry.h"
#include "secret.h"

namespace fedcred::imds {

class ImdsClient {
 public:
  // base_url: scheme://host[:port] (AWS_EC2_METADATA_SERVICE_ENDPOINT or
  // http://169.254.169.254); trailing '/'s are ignored. `deadline_ms`
  // (CLOCK_MONOTONIC) bounds every attempt and retry.
  ImdsClient(modules::HttpClient& http, Clock& clock, std::string base_url, std::int64_t deadline_ms,
             modules::RetryPolicy policy = default_policy(), RandomSource& random = system_random());

  // host[:port] of the base URL, as messages name it.
  std::string const& host() const { return host_; }

  // The session token, asked once (PUT kTokenPath, retried) and kept for
  // every get(). Status::usage when the base URL is not an http(s) URL.
  Result<void> ensure_token();
  // GET base_url + path with the session token (retried); `what` names the
  // read in messages. 200 only (imds_rules.h check_get_status).
  Result<Secret> get(std::string const& path, std::string const& what);
  // The instance's role: the first line of the role listing (kRolesPath).
  Result<std::string> role_name();

  // The session token, handed from the core's role lookup to the aws module
  // with the role it listed (one session per fetch, issue 20.3): take_token()
  // gives it up (empty before ensure_token()); adopt_token() goes on with one
  // instead of a PUT (an empty one changes nothing).
  Secret take_token() { return std::move(token_); }
  void adopt_token(Secret token) {
    if (!token.empty()) token_ = std::move(token);
  }

  // Doctor's probe: the token PUT (a session of `ttl_seconds`) and a GET of
  // /latest/meta-data/ without a token (an instance requiring IMDSv2 answers
  // it 401: it answers). Built, not sent: the probe sends each once, measures
  // it and never keeps the token. Each takes its attempt timeout when built.
  modules::HttpRequest probe_token_request(int ttl_seconds) const;
  modules::HttpRequest probe_untokened_request() const;

 private:
  modules::HttpRequest request(char const* method, std::string const& path) const;
  template <typename Fn>
  auto with_retries(Fn&& fn) -> decltype(fn());

  modules::HttpClient& http_;
  Clock& clock_;
  std::string base_url_;
  std::string host_;
  std::int64_t deadline_ms_;
  modules::RetryPolicy policy_;
  RandomSource& random_;
  Secret token_;
};

}  // namespace fedcred::imds
