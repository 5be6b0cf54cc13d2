// SPDX-License-Identifier: Apache-2.0
// The "aws" command from inputs to document: configuration, profile
// resolution, the flow, the credential_process rendering. The C ABI and the
// tests drive this; it owns no process-global state.
#pragma once

#include <string>

#include "flows/aws.h"
#include "cache/key.h"
#include "commands/credential_deps.h"

namespace fedcred {

Result<Secret> run_aws_command(CommandInputs const& in, CredentialDeps const& deps);

// The configuration read and the profile resolved, as `fedcred aws` does.
Result<AwsRequest> resolve_aws_command(CommandInputs const& in, CredentialDeps const& deps);

// The credentials of `req` through the cache and its single flight: served
// from the cache while more than `margin_seconds` remain (`fedcred aws`
// passes the profile's refresh margin, `fedcred serve` a larger one to
// refresh ahead of its clients). Fills in `audit`.
Result<AwsCredentials> cached_aws_credentials(AwsRequest const& req, std::int64_t margin_seconds,
                                              CredentialDeps const& deps, AuditRecord& audit);

// Everything that changes the credentials an "aws" request gets, so two
// requests share a cache entry only when they would get the same role
// session. A derived session name is recorded as such: it depends only on the
// VM, which the cache directory (per user, per machine) already pins.
CacheKey aws_cache_key(AwsRequest const& req, std::string const& metadata_account = "");

}  // namespace fedcred
