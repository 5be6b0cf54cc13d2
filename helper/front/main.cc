// SPDX-License-Identifier: Apache-2.0
// fedcred, the static front (docs/ARCHITECTURE.md "The static front"): a
// statically linked program (no ld.so, no shared object mapped) that serves
// the credential commands from the cache, and execs the dynamic fetcher for
// everything else: a miss, and every other command (serve, doctor, setup,
// cache, help). A hit then costs about what an empty C program costs
// (bench/README.md, issue 15). glibc cannot dlopen libcurl or OpenSSL safely
// from a static program, hence two binaries and not one.
#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "clock.h"
#include "commands/registry.h"
#include "handoff.h"

namespace {

// What the front runs itself (the registry's rows served_by_front, and the
// version); the rest goes to the fetcher before any work.
bool served_here(CliRows rows, std::string_view word) {
  if (word == "version" || word == "--version") return true;
  for (auto const* row : rows) {
    if (row->words == word && row->served_by_front) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // The run's one deadline starts here, and goes to the fetcher if it runs.
  fedcred::front::prepare_hand_off(argv, fedcred::SystemClock().monotonic_ms());
  std::vector<fedcred::CommandRow const*> rows;
  for (auto const& row : fedcred::front_rows()) rows.push_back(&row);
  if (argc < 2 || !served_here(rows, argv[1])) {
    auto const error = fedcred::front::exec_fetcher();
    std::string const line = "fedcred: " + error.message + "\n";
    (void)!write(STDERR_FILENO, line.data(), line.size());
    return static_cast<int>(error.status);
  }
  return cli_main(argc, argv, CliOptions{.rows = rows, .hold_log_lines = true});
}
