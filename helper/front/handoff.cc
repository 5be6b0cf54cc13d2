// SPDX-License-Identifier: Apache-2.0
#include "handoff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string_view>

#include "commands/run.h"
#include "fedcred_build_config.h"

namespace fedcred::front {
namespace {

char** saved_argv = nullptr;
std::int64_t saved_start_ms = 0;

}  // namespace

std::string fetcher_path() {
  // Read only on a miss: a hit never gets here.
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self));
  if (n > 0 && std::string_view(self, static_cast<std::size_t>(n)) == FEDCRED_BUILD_HELPER_DIR "/fedcred") {
    return FEDCRED_BUILD_HELPER_DIR "/fedcred-fetch";
  }
  return FEDCRED_FETCHER_PATH;
}

void prepare_hand_off(char** argv, std::int64_t started_ms) {
  saved_argv = argv;
  saved_start_ms = started_ms;
}

std::int64_t run_started_ms() { return saved_start_ms; }

Error exec_fetcher() {
  std::string const path = fetcher_path();
  static char fallback_name[] = "fedcred";
  char* fallback_argv[] = {fallback_name, nullptr};
  char** argv = saved_argv != nullptr && saved_argv[0] != nullptr ? saved_argv : fallback_argv;
  // Replaces whatever the caller's environment says: only this process knows
  // when the run started.
  std::string const started = std::to_string(saved_start_ms);
  if (setenv(kRunStartedEnv, started.c_str(), 1) != 0) {
    return make_error(Status::internal, std::string("cannot pass the run's start to the fetcher: ") + strerror(errno));
  }
  execv(path.c_str(), argv);
  int const error = errno;
  unsetenv(kRunStartedEnv);
  return make_error(Status::internal, "cannot run the fetcher " + path + ": " + strerror(error) +
                                          " (the fedcred installation is incomplete; reinstall the package)");
}

}  // namespace fedcred::front
