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

namespace fedcred::testing {

// uid/gid of "nobody": a user the tests can hand files to when run as root.
inline constexpr uid_t kOtherUid = 65534;
inline constexpr gid_t kOtherGid = 65534;

inline bool running_as_root() { return geteuid() == 0; }

// A fresh private directory, removed with everything in it afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ =
        (std::filesystem::temp_directory_path() / "fedcred-cache-test-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) std::abort();
    path_ = templ;
  }
  ScratchDir(ScratchDir const&) = delete;
  ScratchDir& operator=(ScratchDir const&) = delete;
  ~ScratchDir() {
    // Tests leave read-only directories behind; give access back first.
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(
             path_, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) {
        std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
      }
    }
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  std::string const& path() const { return path_; }
  std::string operator/(std::string const& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Time stands still unless a test (or sleep_ms) moves it.

// Returns the scripted values in turn, then repeats the last.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<std::uint64_t> values) : values_(std::move(values)) {}
  std::uint64_t next_u64() override {
    std::uint64_t v = values_[std::min(next_, values_.size() - 1)];
    ++next_;
    return v;
  }

 private:
  std::vector<std::uint64_t> values_;
  std::size_t next_ = 0;
};

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
