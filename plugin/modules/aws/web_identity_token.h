// SPDX-License-Identifier: Apache-2.0
// WebIdentityTokenClient: AWS STS GetWebIdentityToken (IAM outbound identity
// federation, docs/PROTOCOLS.md section 3): a SigV4-signed form POST to a regional
// STS endpoint, answered with an RS256 JWT for the requested audience.
//
// Errors: Status::usage for bad inputs (nothing sent), Status::denied when STS
// refuses (with what to do for the known codes), Status::transient when a
// retryable failure outlasted the retries, Status::response for answers that
// are not STS documents. Messages never hold the credentials or the JWT.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clock.h"
#include "http_client.h"
#include "logger.h"
#include "result.h"
#include "retry.h"
#include "secret.h"
#include "sigv4.h"
#include "sts_xml.h"

namespace fedcred::modules {

struct WebIdentityTokenRequest {
  std::string endpoint;  // regional STS URL (sts_endpoint_url)
  std::string region;    // SigV4 scope
  std::string audience;  // the aud claim: the GCP workload identity provider
  std::int64_t duration_seconds = 3600;  // 60..3600
  std::int64_t deadline_ms = 0;          // absolute CLOCK_MONOTONIC ms
};

class WebIdentityTokenClient {
 public:
  static constexpr std::int64_t kAttemptTimeoutMs = 8000;
  static constexpr std::int64_t kMinDuration = 60;
  static constexpr std::int64_t kMaxDuration = 3600;
  static RetryPolicy default_policy() { return RetryPolicy{4, 250, 2000, 500}; }

  WebIdentityTokenClient(HttpClient& http, Clock& clock, RetryPolicy policy = default_policy(),
                         RandomSource& random = system_random());

  void set_logger(Logger log) { log_ = std::move(log); }

  Result<StsWebIdentityToken> get(WebIdentityTokenRequest const& request, sigv4::Credentials const& credentials);

 private:
  HttpClient& http_;
  Clock& clock_;
  RetryPolicy policy_;
  RandomSource& random_;
  Logger log_;
};

// The Query-protocol form body (exposed for tests). RS256, because Google's
// STS accepts only RS256 and ES256 subject tokens and AWS offers RS256/ES384.
Secret web_identity_token_form(WebIdentityTokenRequest const& request);

// The STS endpoint: the override when given, else https://sts.REGION.SUFFIX.
// GetWebIdentityToken does not exist on the global endpoint, so an override
// naming sts.amazonaws.com is Status::usage.
Result<std::string> web_identity_sts_endpoint(std::string const& region, std::string const& override_url);

}  // namespace fedcred::modules
