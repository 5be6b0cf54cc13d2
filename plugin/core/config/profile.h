// SPDX-License-Identifier: Apache-2.0
// Profile resolution: turns explicit settings (flags), the environment, the
// configuration files and the defaults into one validated request, in that
// order of precedence (docs/DESIGN.md). Everything here happens before any I/O on
// the network, so bad input fails fast with Status::usage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/azure_source.h"
#include "config/config.h"
#include "config/endpoints.h"
#include "base/env.h"
#include "result.h"
#include "config/settings.h"

namespace fedcred {

// How a credential command runs, whatever it hands out: its deadline, the
// cache and the audit trail. Read from the same keys by every command.
struct RunSettings {
  std::int64_t timeout_seconds = 15;
  bool cache = true;
  std::int64_t refresh_margin_seconds = 0;  // each command sets its default
  std::string log_target = "syslog";        // the audit trail: syslog, stderr or none
  // Where a `log` setting that was not honoured came from (a file not owned
  // by root, a request key): empty when none was refused.
  std::string log_target_refused;
};

// Overrides `run` with the timeout, cache, refresh_margin and log keys of `s`.
// `log` moves the audit trail away from syslog only when it comes from a
// root-owned file or the caller is root: a user must not silence the record
// of the credentials they obtain (issue 12, item 15).
void apply_run_settings(Settings const& s, RunSettings& run);

// The "aws" command's request, fully resolved.
struct AwsRequest : RunSettings {
  // botocore re-runs a credential_process whose credentials expire within 15
  // minutes (docs/PROTOCOLS.md fact 2), so a cached entry closer to expiry is useless.
  AwsRequest() { refresh_margin_seconds = 900; }

  std::string profile;  // empty when no --profile was given
  std::string source = "gce";
  std::string token_file;  // source "file"
  std::string role_arn;
  std::string audience = "sts.amazonaws.com";
  std::string region = "us-east-1";
  std::optional<std::string> session_name;  // nullopt: derived from the subject token
  std::int64_t duration_seconds = 3600;
  bool use_fips_endpoint = false;
  Endpoint sts;
  Endpoint metadata_host;
  AzureSourceInputs azure;  // source azure: what Azure IMDS is asked for
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
