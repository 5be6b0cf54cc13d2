// SPDX-License-Identifier: Apache-2.0
// One implementation for every binary: the rows and the seams come from the
// binary's wiring (commands/runtime.h).
#include "commands/request.h"

#include "commands/run.h"
#include "commands/runtime.h"

namespace fedcred {

bool is_known_command(std::string_view command) { return find_linked_row(command) != nullptr; }

bool command_holds_secrets(std::string_view command) {
  auto const* row = find_linked_row(command);
  return row == nullptr || row->holds_secrets;
}

Result<void> set_request_key(Request& req, std::string const& key, std::string const& value) {
  return set_row_key(find_linked_row, req, key, value);
}

std::optional<Secret> failure_document_for(std::string const& command, Error const& error) {
  return row_failure_document(find_linked_row, command, error);
}

Result<Secret> run_request(Request const& req, Env const& env, Logger const& log,
                           std::optional<Secret>& failure_document) {
  failure_document.reset();
  auto const* row = find_linked_row(req.command);
  if (row == nullptr) return make_error(Status::usage, "unknown command '" + req.command + "'");
  return run_linked_row(*row, req, env, log, failure_document);
}

}  // namespace fedcred
