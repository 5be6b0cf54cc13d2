// SPDX-License-Identifier: Apache-2.0
// What one binary links to run commands: the registry's rows it runs and the
// seams it runs them with. Two files implement it, each listed by the
// executables that use it in meson (docs/ARCHITECTURE.md "The two wirings"):
// commands/runtime_full.cc (libfedcred.so.1 and fedcred-fetch: every row,
// dlopen'd modules, getaddrinfo, NSS groups) and helper/front/runtime_front.cc
// (the static front: the rows it serves, and a hand-off to the fetcher
// wherever the full wiring would load something). Neither is in a static
// archive, so no link depends on which definition an archive yields first.
#pragma once

#include <optional>
#include <string_view>

#include "base/env.h"
#include "commands/registry.h"
#include "commands/request.h"
#include "logger.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// The row named `name` among those this binary runs, or nullptr.
CommandRow const* find_linked_row(std::string_view name);

// Runs `row` with this binary's seams (commands/run.h, run_row).
Result<Secret> run_linked_row(CommandRow const& row, Request const& req, Env const& env, Logger const& log,
                              std::optional<Secret>& failure_document);

}  // namespace fedcred
