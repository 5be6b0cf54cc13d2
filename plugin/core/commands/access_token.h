// SPDX-License-Identifier: Apache-2.0
// `fedcred access-token`: the whole AWS -> GCP exchange done by fedcred, for
// the credential config users already have (flows/credential_config.h): the
// subject token (aws1: a signed GetCallerIdentity from the AWS credential
// chain; a token file; or fedcred's own gcp flow, in-process), then Google STS
// and, when configured, IAM Credentials generateAccessToken (fedcred-google.so).
// Cached, single-flight and audited like the other credential commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "commands/credential_deps.h"
#include "output/audit.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// What a profile's tokens are for, as its credential config and settings say
// (no exchange): `fedcred serve` describes them on its metadata paths.
struct AccessTokenTarget {
  std::string audience;           // the workload identity provider
  std::string impersonation_url;  // empty: the federated token itself
  std::string scope;              // space-separated
  std::string project_id;         // the profile's project_id key, may be empty
  std::int64_t timeout_seconds = 15;  // the profile's deadline for one exchange
};
Result<AccessTokenTarget> resolve_access_token_target(CommandInputs const& in, CredentialDeps const& deps);

struct IssuedAccessToken {
  Secret access_token;
  std::int64_t expiration = 0;  // unix seconds
};

// The profile's token through the cache and single flight of `fedcred
// access-token` (one cache entry for both): served from the cache while more
// than `margin_seconds` remain (nullopt: the profile's refresh margin, as the
// command does), else exchanged. Fills in `audit`.
Result<IssuedAccessToken> cached_access_token(CommandInputs const& in, std::optional<std::int64_t> margin_seconds,
                                              CredentialDeps const& deps, AuditRecord& audit);

// options: "format" (token | json); output_file: write there (atomic, 0600)
// and print nothing.
Result<Secret> run_access_token_command(CommandInputs const& in, CommandOptions const& options,
                                        std::string const& output_file, CredentialDeps const& deps);

}  // namespace fedcred
