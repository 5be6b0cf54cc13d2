// SPDX-License-Identifier: Apache-2.0
// The static front's wiring of commands/runtime.h (the full one is
// commands/runtime_full.cc): only the rows it serves
// (commands/registry_front.cc), and wherever the full wiring would load
// something a static program must not (a module with dlopen, a host name or
// a group through NSS) the run is handed to the fetcher (handoff.h) instead.
// So the front's link never pulls the module loader, files/group.cc or the
// other commands, and links with --fatal-warnings to keep it so.
#include "commands/runtime.h"

#include "commands/run.h"
#include "handoff.h"
#include "module_host/runner.h"
#include "net/endpoint.h"

namespace fedcred {
namespace {

// A module is loaded only to fetch; the fetcher does that. Every path to the
// network goes through cached_fetch, which hands off before the lock; this
// catches any other, so that the front can never reach a module at all.
class HandOffModuleRunner final : public ModuleRunner {
 public:
  Result<Values> run(std::string const&, std::string const&, Values const&, Logger const&) override {
    return front::exec_fetcher();
  }
};

// The front resolves no host name: glibc's NSS is unsafe in a static program
// (net/endpoint.h). An IMDS endpoint named by a host name goes to the fetcher,
// which resolves it; it returns only when the hand-off failed.
class HandOffResolver final : public net::HostResolver {
 public:
  Result<std::vector<net::SocketAddress>> resolve(std::string const&, std::uint16_t, std::int64_t) override {
    return front::exec_fetcher();
  }
};

// A group name is resolved through NSS too: `token --output-group` looks its
// group up first thing, before the cache is read or locked, so handing off
// here keeps the rule that the fetcher takes the lock.
Result<gid_t> hand_off_group_lookup(std::string const&) { return front::exec_fetcher(); }

}  // namespace

CommandRow const* find_linked_row(std::string_view name) { return find_front_row(name); }

Result<Secret> run_linked_row(CommandRow const& row, Request const& req, Env const& env, Logger const& log,
                              std::optional<Secret>& failure_document) {
  HandOffModuleRunner modules;
  FetchHandoff const hand_off = [] { return front::exec_fetcher(); };
  HandOffResolver resolver;
  // The front serves hits: a burst of them asks the metadata server its
  // account once per kAccountRecallSeconds (flows/recalled_account.h).
  RunSeams const seams{modules, resolver, hand_off_group_lookup, &hand_off, front::run_started_ms(),
                       /*may_recall_account=*/true};
  return run_row(row, req, env, log, seams, failure_document);
}

}  // namespace fedcred
