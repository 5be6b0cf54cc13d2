// SPDX-License-Identifier: Apache-2.0
// AwsSource: the "aws" subject-token source. The machine's AWS identity
// (static keys from the caller, else the instance role through IMDSv2)
// becomes a JWT from STS GetWebIdentityToken, for Google workload identity
// federation (issue 4).
//
// Module operation "subject_token" (all values strings, empty = absent):
//   in:  audience (required), imds_endpoint (required: base URL),
//        region, sts_endpoint (URL override), access_key_id,
//        secret_access_key, session_token (all three from the caller's
//        AWS_* variables; without them IMDS is used), duration (60..3600,
//        default 3600), deadline_ms
//   out: subject_token (the JWT), expiration (RFC 3339), region (the
//        region used); read and written with module_messages.h
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clock.h"
#include "http_client.h"
#include "log_fn.h"
#include "module_call.h"
#include "result.h"
#include "retry.h"
#include "secret.h"
#include "sigv4.h"

namespace fedcred::modules {

struct AwsSourceRequest {
  std::string audience;
  std::string imds_endpoint;
  std::string region;        // empty: from IMDS
  std::string sts_endpoint;  // empty: the regional endpoint
  std::optional<sigv4::Credentials> credentials;  // nullopt: from IMDS
  std::int64_t duration_seconds = 3600;
  std::int64_t deadline_ms = 0;  // absolute CLOCK_MONOTONIC ms
};

struct AwsSubjectToken {
  Secret token;
  std::int64_t expiration = 0;  // unix seconds
  std::string region;
};

class AwsSource {
 public:
  AwsSource(HttpClient& http, Clock& clock, RandomSource random = default_random());

  void set_logger(LogFn log) { log_ = std::move(log); }

  Result<AwsSubjectToken> subject_token(AwsSourceRequest const& request);

 private:
  HttpClient& http_;
  Clock& clock_;
  RandomSource random_;
  LogFn log_;
};

// The operation's parameters, validated before any I/O (Status::usage).
Result<AwsSourceRequest> aws_source_request(ModuleCall const& call, Clock const& clock);

// The module's operation dispatch (see the top of this file).
int run_aws_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock,
                      RandomSource random = default_random());

}  // namespace fedcred::modules
