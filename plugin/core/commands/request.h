// SPDX-License-Identifier: Apache-2.0
// One library request: what the C ABI's fedcred_request holds, how its keys
// are set, and how it runs with the production seams (system clock, random
// source, dlopen'd modules). The C shim only checks arguments and copies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "commands/context.h"
#include "base/env.h"
#include "logger.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct Request {
  std::string command;
  CommandInputs inputs;
  CommandOptions options;  // the command's own keys (its row's option flags, commands/registry.h)
};

// A command of the registry (commands/registry.h).
bool is_known_command(std::string_view command);

// False for a row that cannot hold a token or key (setup prints
// configuration); true for every other command, and an unknown one.
bool command_holds_secrets(std::string_view command);

// "profile", "config", a command option (token's output, doctor, setup-*)
// or a profile key (settings.h). Status::usage for unknown keys and bad values.
Result<void> set_request_key(Request& req, std::string const& key, std::string const& value);

// Runs the request. Credential commands leave an audit record. On failure,
// `failure_document` receives what the command prints even then: gcp's error
// response, doctor's report.
Result<Secret> run_request(Request const& req, Env const& env, Logger const& log,
                           std::optional<Secret>& failure_document);

// The document `command` prints on failure (gcp: the executable error
// response), or nullopt when it prints none.
std::optional<Secret> failure_document_for(std::string const& command, Error const& error);

}  // namespace fedcred
