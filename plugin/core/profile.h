// SPDX-License-Identifier: Apache-2.0
// Profile resolution: turns explicit settings (flags), the environment, the
// configuration files and the defaults into one validated request, in that
// order of precedence (DESIGN.md). Everything here happens before any I/O on
// the network, so bad input fails fast with Status::usage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config.h"
#include "endpoints.h"
#include "env.h"
#include "result.h"
#include "settings.h"

namespace fedcred {

// The "aws" command's request, fully resolved.
struct AwsRequest {
  std::string profile;  // empty when no --profile was given
  std::string source = "gce";
  std::string token_file;  // source "file"
  std::string role_arn;
  std::string audience = "sts.amazonaws.com";
  std::string region = "us-east-1";
  std::optional<std::string> session_name;  // nullopt: derived from the subject token
  std::int64_t duration_seconds = 3600;
  bool use_fips_endpoint = false;
  std::int64_t timeout_seconds = 15;
  bool cache = true;
  // botocore re-runs a credential_process whose credentials expire within 15
  // minutes (PROTOCOLS.md fact 2), so a cached entry closer to expiry is useless.
  std::int64_t refresh_margin_seconds = 900;
  Endpoint sts;
  Endpoint metadata_host;
  std::string log_target = "syslog";  // the audit trail: syslog, stderr or none
};

// `explicit_settings` are the values set through the API (command-line
// flags), already validated; `profile` may be empty.
Result<AwsRequest> resolve_aws_request(ConfigSet const& config, std::string const& profile,
                                       Settings const& explicit_settings, Env const& env,
                                       std::int64_t default_timeout_seconds);

// The merged settings of one profile: [default] < [profile P] < environment <
// explicit. Exposed for `doctor`-style reporting and tests.
Result<Settings> effective_settings(ConfigSet const& config, std::string const& profile,
                                    Settings const& explicit_settings, Env const& env);

}  // namespace fedcred
