// SPDX-License-Identifier: Apache-2.0
#include "commands/request.h"

#include "clock.h"
#include "commands/run.h"
#include "commands/registry.h"
#include "module_host/runner.h"
#include "net/system_resolver.h"

namespace fedcred {

// The longest --timeout (config/settings.cc): a handed-off start older than
// this cannot belong to a run still going.
constexpr std::int64_t kLongestRunMs = 300 * 1000;

bool is_known_command(std::string_view command) { return find_any_row(command) != nullptr; }

bool command_holds_secrets(std::string_view command) {
  auto const* row = find_any_row(command);
  return row == nullptr || row->holds_secrets;
}

Result<void> set_request_key(Request& req, std::string const& key, std::string const& value) {
  return set_row_key(find_any_row, req, key, value);
}

std::optional<Secret> failure_document_for(std::string const& command, Error const& error) {
  return row_failure_document(find_any_row, command, error);
}

Result<Secret> run_request(Request const& req, Env const& env, Logger const& log,
                           std::optional<Secret>& failure_document) {
  failure_document.reset();
  auto const* spec = find_any_row(req.command);
  if (spec == nullptr) return make_error(Status::usage, "unknown command '" + req.command + "'");
  auto modules = make_dlopen_module_runner(env);
  net::SystemHostResolver resolver;
  RunSeams seams{*modules, resolver};
  // A command the static front handed over (helper/front/) keeps the
  // deadline that started there; serve, doctor and the rest start their own.
  if (spec->served_by_front) {
    seams.started_ms = handed_off_start_ms(env, SystemClock().monotonic_ms(), kLongestRunMs);
  }
  return run_row(*spec, req, env, log, seams, failure_document);
}

}  // namespace fedcred
