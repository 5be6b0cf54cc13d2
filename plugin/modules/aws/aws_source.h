// SPDX-License-Identifier: Apache-2.0
// AwsSource: the "aws" subject-token source. The workload's AWS identity (one
// link of the credential chain, credential_chain.h) becomes a JWT from STS
// GetWebIdentityToken, for Google workload identity federation (issue 4).
//
// Module operation FEDCRED_OP_SUBJECT_TOKEN (fedcred/module.h; read and
// written with module_messages.h): audience, region (empty: from IMDS at
// imds_endpoint), sts_endpoint, duration (60..3600, default 3600),
// deadline_ms and the AWS credential link -> subject_token, expiration,
// region, identity, credential_link.
// The duration is capped to the signing credentials' remaining life: STS
// refuses a token that would outlive its caller's session
// (SessionDurationEscalationException).
//
// Module operation FEDCRED_OP_AWS4_REQUEST: see caller_identity_token.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clock.h"
#include "credential_chain.h"
#include "http_client.h"
#include "logger.h"
#include "module_call.h"
#include "module_messages.h"
#include "result.h"
#include "retry.h"
#include "secret.h"
#include "sigv4.h"

namespace fedcred::modules {

struct AwsSourceRequest {
  std::string audience;
  std::string imds_endpoint;  // for the region when not given
  std::string region;         // empty: from IMDS
  std::string sts_endpoint;   // empty: the regional endpoint
  std::int64_t duration_seconds = 3600;
  std::int64_t deadline_ms = 0;  // absolute CLOCK_MONOTONIC ms
  std::optional<messages::AwsKeys> caller_keys;  // the environment link
  messages::AwsLinkInputs aws_link;
};

struct AwsSubjectToken {
  Secret token;
  std::int64_t expiration = 0;  // unix seconds
  std::string region;
};

// The duration GetWebIdentityToken may ask for with credentials expiring at
// `expiration` (0: long-term keys, no cap). Status::source when they expire
// too soon for STS's 60 s minimum.
Result<std::int64_t> capped_duration(std::int64_t requested, std::int64_t expiration, std::int64_t now);

class Imds;

// The region: `region` when given, else the availability zone from `imds`
// (nullptr: no IMDS endpoint was given, Status::usage).
Result<std::string> resolve_region(std::string const& region, Imds* imds);

class AwsSource {
 public:
  AwsSource(HttpClient& http, Clock& clock, RandomSource& random = system_random());

  void set_logger(Logger log) { log_ = std::move(log); }

  // `request.region` must be resolved already.
  Result<AwsSubjectToken> subject_token(AwsSourceRequest const& request, AwsCredentials const& credentials);

 private:
  HttpClient& http_;
  Clock& clock_;
  RandomSource& random_;
  Logger log_;
};

// The operation's parameters, validated before any I/O (Status::usage).
Result<AwsSourceRequest> aws_source_request(ModuleCall const& call, Clock const& clock);

// The module's operation dispatch (see the top of this file).
int run_aws_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock,
                      RandomSource& random = system_random());

}  // namespace fedcred::modules
