// SPDX-License-Identifier: Apache-2.0
// The "aws" command from inputs to document: configuration, profile
// resolution, the flow, the credential_process rendering. The C ABI and the
// tests drive this; it owns no process-global state.
#pragma once

#include <string>

#include "flows/aws.h"
#include "cache/key.h"
#include "commands/command.h"

namespace fedcred {

Result<Secret> run_aws_command(CommandInputs const& in, CommandDeps const& deps);

// Everything that changes the credentials an "aws" request gets, so two
// requests share a cache entry only when they would get the same role
// session. A derived session name is recorded as such: it depends only on the
// VM, which the cache directory (per user, per machine) already pins.
CacheKey aws_cache_key(AwsRequest const& req);

}  // namespace fedcred
