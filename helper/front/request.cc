// SPDX-License-Identifier: Apache-2.0
// The static front's implementation of commands/request.h, linked in place of
// the library's commands/request.cc (which the front never pulls from its
// static archive, these symbols being defined here): only the rows it
// serves (commands/registry_front.cc), and every miss handed to the fetcher
// (handoff.h) instead of a module loaded. This is what keeps dlopen and NSS
// out of the static binary: request.cc names the whole table (serve's token
// group needs getgrnam_r) and the dlopen module runner.
#include "commands/request.h"

#include "commands/run.h"
#include "commands/registry.h"
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

}  // namespace

bool is_known_command(std::string_view command) { return find_front_row(command) != nullptr; }

bool command_holds_secrets(std::string_view command) {
  auto const* row = find_front_row(command);
  return row == nullptr || row->holds_secrets;
}

Result<void> set_request_key(Request& req, std::string const& key, std::string const& value) {
  return set_row_key(find_front_row, req, key, value);
}

std::optional<Secret> failure_document_for(std::string const& command, Error const& error) {
  return row_failure_document(find_front_row, command, error);
}

Result<Secret> run_request(Request const& req, Env const& env, Logger const& log,
                           std::optional<Secret>& failure_document) {
  failure_document.reset();
  auto const* spec = find_front_row(req.command);
  if (spec == nullptr) return make_error(Status::usage, "unknown command '" + req.command + "'");
  HandOffModuleRunner modules;
  FetchHandoff const hand_off = [] { return front::exec_fetcher(); };
  HandOffResolver resolver;
  RunSeams const seams{modules, resolver, &hand_off, front::run_started_ms()};
  return run_row(*spec, req, env, log, seams, failure_document);
}

}  // namespace fedcred
