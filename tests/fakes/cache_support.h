// SPDX-License-Identifier: Apache-2.0
// Shared fixtures for the cache tests: a scratch directory, a fake clock, a
// scripted random source, and a way to run code in a child process (for
// locks across processes and for dropping root).
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cache/freshness.h"
#include "fakes/fake_clock.h"
#include "clock.h"
#include "fakes/random.h"
#include "fakes/temp_dir.h"

namespace fedcred::testing {

// uid/gid of "nobody": a user the tests can hand files to when run as root.
inline constexpr uid_t kOtherUid = 65534;
inline constexpr gid_t kOtherGid = 65534;

inline bool running_as_root() { return geteuid() == 0; }

using test::TempDir;

// Time stands still unless a test (or sleep_ms) moves it.

using test::ScriptedRandom;

// Runs fn in a forked child and returns its exit code (or 128 + signal).
// The child must not use gtest assertions: it reports through its code.
inline int run_in_child(std::function<int()> const& fn) {
  pid_t pid = fork();
  if (pid == 0) _exit(fn());
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// In a child running as root: become kOtherUid for good. False if the
// container does not allow it.
inline bool drop_to_other_user() {
  return setgroups(0, nullptr) == 0 && setgid(kOtherGid) == 0 && setuid(kOtherUid) == 0;
}

inline void write_file(std::string const& path, std::string const& content, mode_t mode = 0600) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) std::abort();
  if (write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
    std::abort();
  fchmod(fd, mode);
  close(fd);
}

inline std::string read_file(std::string const& path) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

inline mode_t mode_of(std::string const& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

inline std::vector<std::string> names_in(std::string const& dir) {
  std::vector<std::string> names;
  for (auto const& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace fedcred::testing
