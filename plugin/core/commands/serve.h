// SPDX-License-Identifier: Apache-2.0
// `fedcred serve` (issue 14): a loopback credentials endpoint for SDKs that
// cannot run a helper. This file runs it: resolve [serve] and the flags,
// prepare the token file, start fedcred-serve.so, fetch what it serves (fail
// fast), then refresh ahead of expiry until SIGTERM. The HTTP side lives in
// the module (common/serve_abi.h).
#pragma once

#include "commands/credential_deps.h"
#include "commands/setup.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// Options (CommandOptions, serve's row in commands/registry.cc): "listen"
// (newline-separated ADDR:PORT), "aws_profile", "gcp_profile", "azure_profile", "token_file",
// "token_group" (override [serve]), "stats" ("true": print a running
// server's counters and exit).

// Runs until SIGTERM, SIGINT or SIGHUP; returns an empty document then.
// SIGUSR1 logs the counters.
Result<Secret> run_serve_command(CommandInputs const& in, CommandOptions const& options, CredentialDeps const& deps);

}  // namespace fedcred
