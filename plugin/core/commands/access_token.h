// SPDX-License-Identifier: Apache-2.0
// `fedcred access-token`: the whole AWS -> GCP exchange done by fedcred, for
// the credential config users already have (flows/credential_config.h): the
// subject token (aws1: a signed GetCallerIdentity from the AWS credential
// chain; a token file; or fedcred's own gcp flow, in-process), then Google STS
// and, when configured, IAM Credentials generateAccessToken (fedcred-google.so).
// Cached, single-flight and audited like the other credential commands.
#pragma once

#include <string>

#include "commands/command.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// options: "format" (token | json); output_file: write there (atomic, 0600)
// and print nothing.
Result<Secret> run_access_token_command(CommandInputs const& in, CommandOptions const& options,
                                        std::string const& output_file, CommandDeps const& deps);

}  // namespace fedcred
