// SPDX-License-Identifier: Apache-2.0
// One request against one row of the registry, with the seams its caller
// built. Two callers, the two wirings of commands/runtime.h:
// commands/runtime_full.cc (every row, dlopen'd modules) and the static
// front's helper/front/runtime_front.cc (its rows only; a miss is handed to
// the fetcher). Nothing here names the rows or the module loader, so the
// front links neither.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/env.h"
#include "cache/fetch.h"
#include "commands/command.h"
#include "commands/request.h"
#include "commands/registry.h"
#include "module_host/runner.h"
#include "net/endpoint.h"
#include "logger.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct RunSeams {
  ModuleRunner& modules;
  // Resolves an IMDS endpoint's host name for the instance-role lookup
  // (CredentialDeps::instance_role): getaddrinfo in the fetcher, a hand-off in
  // the static front.
  net::HostResolver& resolver;
  GroupLookup lookup_group;                // CommandCall::lookup_group
  FetchHandoff const* hand_off = nullptr;  // CredentialDeps::hand_off
  std::int64_t started_ms = 0;             // CommandContext::started_ms
  // Whether a metadata server's account confirmed a few seconds ago may be
  // recalled instead of asked (flows/recalled_account.h): the static front's
  // hits only; a process that fetches always asks.
  bool may_recall_account = false;
};

// The variable through which the static front tells the fetcher it execs
// when the run started (CLOCK_MONOTONIC ms): --timeout is one deadline for
// the whole run, whichever process spends it (docs/DESIGN.md).
inline constexpr char kRunStartedEnv[] = "FEDCRED_RUN_STARTED_MS";

// The start of a run another process began: kRunStartedEnv's value when it
// is a whole number of ms, not after `now_ms` and at most `max_age_ms`
// before it; else 0 (the run starts with the command). Bounded so that a
// stray or forged value can only shorten the caller's own deadline, as
// --timeout can, never lengthen it.
std::int64_t handed_off_start_ms(Env const& env, std::int64_t now_ms, std::int64_t max_age_ms);

// How a caller finds its rows: find_any_row or find_front_row (registry.h).
using FindRow = CommandRow const* (*)(std::string_view name);

// set_request_key (request.h) for the row `find` gives for req.command.
Result<void> set_row_key(FindRow find, Request& req, std::string const& key, std::string const& value);

// run_request (request.h) for the row `spec`: runs it, writes the audit line
// of a row that hands out credentials, fills `failure_document` on failure.
Result<Secret> run_row(CommandRow const& spec, Request const& req, Env const& env, Logger const& log,
                       RunSeams const& seams, std::optional<Secret>& failure_document);

// failure_document_for (request.h) for the row `find` gives for `command`.
std::optional<Secret> row_failure_document(FindRow find, std::string const& command, Error const& error);

}  // namespace fedcred
