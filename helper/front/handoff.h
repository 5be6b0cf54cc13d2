// SPDX-License-Identifier: Apache-2.0
// The static front's way out: exec the dynamic fetcher (fedcred-fetch, the
// full command line over the C API) with the same arguments and environment,
// plus the run's start (FEDCRED_RUN_STARTED_MS, commands/run.h), so that the
// whole run keeps the one deadline --timeout set when the front started.
#pragma once

#include <cstdint>
#include <string>

#include "result.h"

namespace fedcred::front {

// Where the fetcher is: the build tree's, next to this binary, when this is
// the build tree's front (the tests and benchmarks run it there); else the
// path the build configured (meson's libexecdir). Never PATH, never the
// environment: the front runs as whoever calls it, and must exec only what
// the package installed.
std::string fetcher_path();

// What the hand-off needs: argv as main received it, the run's start.
void prepare_hand_off(char** argv, std::int64_t started_ms);

// CLOCK_MONOTONIC ms of the run's start, as prepare_hand_off recorded it.
std::int64_t run_started_ms();

// Execs the fetcher. Returns only when that failed: the error to report
// (Status::internal, naming the path: the installation is incomplete).
Error exec_fetcher();

}  // namespace fedcred::front
