// SPDX-License-Identifier: Apache-2.0
// The command table: every command the library runs, with what the dispatch,
// the request-key validation and the audit trail need to know of it. Adding a
// command is one row in table.cc plus its run function (docs/ARCHITECTURE.md).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct CommandSpec {
  std::string_view name;  // the library's command name: "aws", "cache-list", "setup-aws-config"
  // Hands out credentials: audited (one line per run, success or not).
  bool hands_out_credentials;
  // Google's libraries merge the executable's stderr into the JSON they parse
  // (docs/ARCHITECTURE.md "Output rules"), so nothing may be written there.
  bool quiet_stderr;
  // Its own request keys beyond "profile", "config" and the profile keys.
  std::span<std::string_view const> options;
  Result<Secret> (*run)(CommandCall const& call);
  // Checks one of its options; nullptr: validate_command_option (setup.h).
  Result<void> (*validate_option)(std::string_view key, std::string_view value);
  // What it prints on stdout when it fails (gcp: an executable error
  // response), or nullptr for nothing.
  Secret (*failure_document)(Error const& error);
};

// The rows that hand out credentials (credential_table.cc): aws, gcp, token,
// access-token. A file of their own, so that a binary running only these
// (the static front, helper/front/) links none of the other commands' code.
std::span<CommandSpec const> credential_command_table();
CommandSpec const* find_credential_command(std::string_view name);

// Every command: the credential rows, then the others (table.cc).
std::vector<CommandSpec const*> command_table();

// The row named `name`, or nullptr.
CommandSpec const* find_command(std::string_view name);

// True when `key` is one of the row's own options (not a profile key).
bool is_row_option(CommandSpec const& spec, std::string_view key);

// True when `key` is one of `command`'s own options (not a profile key).
bool is_command_option(std::string_view command, std::string_view key);

}  // namespace fedcred
