// SPDX-License-Identifier: Apache-2.0
#include "cache/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>

namespace fedcred {
namespace {

// Waiters poll: a fetch takes tens to hundreds of milliseconds, so start
// short (a waiter should see the fresh entry promptly) and back off so that
// a 32-way stampede does not spin.
constexpr std::int64_t kFirstPollMs = 2;
constexpr std::int64_t kMaxPollMs = 50;

int flock_nointr(int fd, int op) {
  int rc;
  do {
    rc = flock(fd, op);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

// Whether `fd` is still the file named dir_fd/name. `cache clear` may unlink
// a lock file between our open() and flock(); a lock on the unlinked inode
// would exclude nobody who opens the name afresh.
bool still_linked(int dir_fd, std::string const& name, int fd) {
  struct stat by_fd {};
  struct stat by_name {};
  if (fstat(fd, &by_fd) != 0 || fstatat(dir_fd, name.c_str(), &by_name, AT_SYMLINK_NOFOLLOW) != 0) {
    return false;
  }
  return by_fd.st_dev == by_name.st_dev && by_fd.st_ino == by_name.st_ino;
}

}  // namespace

Result<CacheLock> acquire_cache_lock(int dir_fd, std::string const& dir_path,
                                     std::string const& name, CachePolicy const& policy,
                                     std::int64_t deadline_monotonic_ms, Clock& clock) {
  std::string const path = dir_path + "/" + name;
  std::int64_t pause = kFirstPollMs;
  for (;;) {
    UniqueFd fd(
        openat(dir_fd, name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600));
    if (!fd) {
      return make_error(Status::io, "cannot open cache lock " + path + ": " + ::strerror(errno));
    }
    struct stat st {};
    if (fstat(fd.get(), &st) != 0) {
      return make_error(Status::io, "cannot stat cache lock " + path + ": " + ::strerror(errno));
    }
    // The umask may have narrowed the mode of a file we just created.
    if (st.st_uid == policy.owner && (st.st_mode & 07777) != 0600 && fchmod(fd.get(), 0600) == 0) {
      st.st_mode = (st.st_mode & ~mode_t{07777}) | 0600;
    }
    if (auto problem = private_object_problem(st, policy, PrivateKind::file)) {
      return make_error(Status::io, "cache lock " + path + " " + *problem);
    }
    if (flock_nointr(fd.get(), LOCK_EX | LOCK_NB) == 0) {
      if (still_linked(dir_fd, name, fd.get())) return CacheLock(std::move(fd));
      continue;  // raced with `cache clear`: lock the new file instead
    }
    if (errno != EWOULDBLOCK) {
      return make_error(Status::io, "cannot lock " + path + ": " + ::strerror(errno));
    }
    std::int64_t const now = clock.monotonic_ms();
    if (now >= deadline_monotonic_ms) {
      return make_error(Status::transient,
                        "timed out waiting for another fedcred process holding " + path);
    }
    clock.sleep_ms(std::min(pause, deadline_monotonic_ms - now));
    pause = std::min(pause * 2, kMaxPollMs);
  }
}

bool remove_idle_lock_file(int dir_fd, std::string const& name) {
  UniqueFd fd(
      openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return errno == ENOENT;
  if (flock_nointr(fd.get(), LOCK_EX | LOCK_NB) != 0) return false;
  // Unlink while holding the lock: a process that opened the old file waits
  // for us, then finds it unlinked (still_linked) and moves to a new one.
  return unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT;
}

}  // namespace fedcred
