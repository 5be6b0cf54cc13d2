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

#include "cli.h"
#include "clock.h"
#include "handoff.h"

namespace {

// What the front runs itself; the rest goes to the fetcher before any work.
bool served_here(std::string_view command) {
  for (std::string_view name : {"aws", "gcp", "token", "access-token", "version", "--version"}) {
    if (command == name) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // The run's one deadline starts here, and goes to the fetcher if it runs.
  fedcred::front::prepare_hand_off(argv, fedcred::SystemClock().monotonic_ms());
  if (argc < 2 || !served_here(argv[1])) {
    auto const error = fedcred::front::exec_fetcher();
    std::string const line = "fedcred: " + error.message + "\n";
    (void)!write(STDERR_FILENO, line.data(), line.size());
    return static_cast<int>(error.status);
  }
  return cli_main(argc, argv, CliOptions{.hold_log_lines = true});
}
