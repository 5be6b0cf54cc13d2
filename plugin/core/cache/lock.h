// SPDX-License-Identifier: Apache-2.0
// CacheLock: "one fetch per key across processes".
//
// An exclusive flock(2) on <dir>/<hash>.lock. The lock lives on the open file
// description, so the kernel releases it when the holder closes the fd, exits
// or is killed (SIGKILL included): a crashed fetch never wedges the others,
// which a lock file whose mere existence means "locked" would.
//
// Caveats for holders: the fd is O_CLOEXEC, so an exec'd child does not keep
// the lock, but a fork()ed child shares it until it exits or closes its copy.
#pragma once

#include <cstdint>
#include <string>

#include "files/policy.h"
#include "clock.h"
#include "result.h"
#include "base/unique_fd.h"

namespace fedcred {

class CacheLock {
 public:
  // An empty lock (holds nothing).
  CacheLock() = default;
  explicit CacheLock(UniqueFd fd) noexcept : fd_(std::move(fd)) {}
  CacheLock(CacheLock&&) noexcept = default;
  CacheLock& operator=(CacheLock&&) noexcept = default;
  ~CacheLock() = default;  // closing the fd releases the flock

  bool held() const noexcept { return fd_.valid(); }
  // Releases early (before destruction).
  void release() noexcept { fd_.reset(); }

 private:
  UniqueFd fd_;
};

// Takes the lock dir_fd/name (creating the file, 0600, O_NOFOLLOW), polling
// with LOCK_NB and short sleeps on `clock` until monotonic_ms() reaches
// deadline_monotonic_ms; one attempt is made even if the deadline has passed.
// Errors: Status::transient when the deadline passed while another process
// held the lock; Status::io when the lock file cannot be opened or is not a
// private file of `policy`. `dir_path` only serves error messages.
Result<CacheLock> acquire_cache_lock(int dir_fd, std::string const& dir_path,
                                     std::string const& name, CachePolicy const& policy,
                                     std::int64_t deadline_monotonic_ms, Clock& clock);

// For `cache clear`: removes dir_fd/name if no one holds the lock, and
// returns whether it is gone. A held lock file stays: its holder is fetching.
bool remove_idle_lock_file(int dir_fd, std::string const& name);

}  // namespace fedcred
