// SPDX-License-Identifier: Apache-2.0
// The full wiring of commands/runtime.h, linked by libfedcred.so.1 and
// fedcred-fetch (and the unit tests): every row of the registry, modules
// loaded with dlopen, host names resolved with getaddrinfo, groups through NSS.
#include "commands/runtime.h"

#include "clock.h"
#include "commands/run.h"
#include "files/group.h"
#include "module_host/runner.h"
#include "net/system_resolver.h"

namespace fedcred {
namespace {

// The longest --timeout (config/settings.cc): a handed-off start older than
// this cannot belong to a run still going.
constexpr std::int64_t kLongestRunMs = 300 * 1000;

}  // namespace

CommandRow const* find_linked_row(std::string_view name) { return find_any_row(name); }

Result<Secret> run_linked_row(CommandRow const& row, Request const& req, Env const& env, Logger const& log,
                              std::optional<Secret>& failure_document) {
  auto modules = make_dlopen_module_runner(env);
  net::SystemHostResolver resolver;
  RunSeams seams{*modules, resolver, lookup_group};
  // A command the static front handed over (helper/front/) keeps the
  // deadline that started there; serve, doctor and the rest start their own.
  if (row.served_by_front) {
    seams.started_ms = handed_off_start_ms(env, SystemClock().monotonic_ms(), kLongestRunMs);
  }
  return run_row(row, req, env, log, seams, failure_document);
}

}  // namespace fedcred
