// SPDX-License-Identifier: Apache-2.0
// GoogleTokenClient: a Google OAuth 2.0 access token from a subject token:
// the Security Token Service exchange (docs/PROTOCOLS.md 8.1), then, when a service
// account is impersonated, IAM Credentials generateAccessToken (8.3).
//
// Errors: Status::usage for bad inputs (nothing sent), Status::denied when
// Google refuses (invalid_grant, invalid_target, PERMISSION_DENIED...: the
// message carries Google's error and error_description, which name no
// secret), Status::transient after retries on 429/5xx/connection failures,
// Status::response for answers that are not Google's documents. Messages never
// contain the subject token or an access token.
//
// Module operation FEDCRED_OP_ACCESS_TOKEN (fedcred/module.h), read and
// written with module_messages.h (AccessTokenParams -> AccessTokenResult).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clock.h"
#include "http_client.h"
#include "logger.h"
#include "module_call.h"
#include "result.h"
#include "retry.h"
#include "secret.h"

namespace fedcred::modules {

struct GoogleTokenRequest {
  std::string token_url;
  std::string audience;
  Secret subject_token;
  std::string subject_token_type;
  std::string scope;              // space-separated
  std::string impersonation_url;  // empty: the STS token is the result
  std::int64_t lifetime_seconds = 3600;
  std::int64_t deadline_ms = 0;
};

struct GoogleAccessToken {
  Secret token;
  std::int64_t expiration = 0;  // unix seconds
};

class GoogleTokenClient {
 public:
  static constexpr std::int64_t kAttemptTimeoutMs = 8000;
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;  // access tokens reach 12 KiB
  static RetryPolicy default_policy() { return RetryPolicy{4, 250, 2000, 500}; }

  GoogleTokenClient(HttpClient& http, Clock& clock, RetryPolicy policy = default_policy(),
                    RandomSource& random = system_random());
  void set_logger(Logger log) { log_ = std::move(log); }

  Result<GoogleAccessToken> access_token(GoogleTokenRequest const& request);

 private:
  Result<GoogleAccessToken> exchange(GoogleTokenRequest const& request);
  Result<GoogleAccessToken> impersonate(GoogleTokenRequest const& request, Secret const& sts_token);
  // POSTs with retries; returns the 200 body, or the classified error.
  Result<Secret> post(std::string const& url, std::string const& what, HeaderList const& headers, Secret const& body,
                      std::int64_t deadline_ms);

  HttpClient& http_;
  Clock& clock_;
  RetryPolicy policy_;
  RandomSource& random_;
  Logger log_;
};

// The documents of a 200 answer, as functions of bytes (unit tests and
// tests/fuzz/fuzz_google_json.cc). `host` names the server in messages.
// Google STS (docs/PROTOCOLS.md 8.1): access_token and a positive expires_in
// (an integer or a string of one) of at most a day, expiring `now` +
// expires_in.
Result<GoogleAccessToken> parse_sts_token_response(std::string_view body, std::string const& host,
                                                   std::int64_t now);
// IAM Credentials generateAccessToken (8.3): accessToken and an RFC 3339
// expireTime.
Result<GoogleAccessToken> parse_generate_access_token_response(std::string_view body, std::string const& host);
// What an error body says, from either shape: OAuth {"error",
// "error_description"} (STS) or {"error":{"code","message","status"}} (IAM
// Credentials); printable ASCII, bounded; "" when neither.
std::string google_error_text(std::string_view body);

// https anywhere, plain http only to a loopback address (tests): a subject
// token or access token never crosses a network in clear text.
Result<void> check_google_url(std::string const& url, std::string const& what);

int run_google_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock,
                         RandomSource& random = system_random());

}  // namespace fedcred::modules
