// SPDX-License-Identifier: Apache-2.0
// StsExchange: AWS STS AssumeRoleWithWebIdentity (docs/PROTOCOLS.md section 2):
// an unsigned form POST, XML back, retried within the deadline on throttling,
// IdP hiccups, 5xx and connection errors (the classification is
// StsQueryClient's, shared with GetWebIdentityToken).
//
// Errors: Status::usage for bad inputs (nothing sent), Status::denied when STS
// refuses (retrying the same inputs will not help), Status::transient when a
// retryable failure outlasted the retries, Status::response for answers that
// are not STS documents. Messages name the endpoint host, the role and the
// STS code/message/request id, never the token or the credentials.
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
#include "sts_query.h"
#include "sts_xml.h"

namespace fedcred::modules {

struct AssumeRoleRequest {
  std::string endpoint;  // e.g. https://sts.us-east-1.amazonaws.com
  std::string region;
  std::string role_arn;
  std::string session_name;
  std::string duration;  // seconds, decimal
  Secret web_identity_token;
  std::int64_t deadline_ms = 0;  // absolute CLOCK_MONOTONIC ms
};

class StsExchange {
 public:
  // STS usually answers in well under a second; its IdP lookups can take a
  // few. Longer attempts would leave no room for a retry in the deadline.
  static constexpr std::int64_t kAttemptTimeoutMs = 8000;
  static RetryPolicy default_policy() { return RetryPolicy{4, 250, 2000, 500}; }

  StsExchange(HttpClient& http, Clock& clock, RetryPolicy policy = default_policy(),
              RandomSource& random = system_random());

  void set_logger(Logger log) { log_ = std::move(log); }

  Result<StsCredentials> assume_role_with_web_identity(AssumeRoleRequest const& request);

 private:
  HttpClient& http_;
  Clock& clock_;
  RetryPolicy policy_;
  RandomSource& random_;
  Logger log_;
};

// The Query-protocol form body (exposed for tests).
Secret assume_role_form(AssumeRoleRequest const& request);

// The module's operation dispatch: "assume_role_with_web_identity" with its
// parameters read from call; results as listed in fedcred/module.h.
int run_sts_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock);

}  // namespace fedcred::modules
