// SPDX-License-Identifier: Apache-2.0
// `fedcred token`: the raw subject token (a JWT), for consumers that read a
// token file (AWS_WEB_IDENTITY_TOKEN_FILE, Google file-sourced configs).
#pragma once

#include <string>

#include "commands/command.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// With `output_file`, the token is written there atomically (mode 0600) and
// the returned document is empty; otherwise the document is the token.
Result<Secret> run_token_command(CommandInputs const& in, std::string const& output_file, CommandDeps const& deps);

}  // namespace fedcred
