// SPDX-License-Identifier: Apache-2.0
// UniqueFd: sole owner of a file descriptor. Closing in the destructor means
// no early return can leak an fd, and (for the cache lock) that the flock held
// on it is released exactly when the owner goes away.
#pragma once

#include <unistd.h>

#include <utility>

namespace fedcred {

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  // Takes ownership of fd (a negative value means "none").
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd const&) = delete;
  UniqueFd& operator=(UniqueFd const&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  // Gives up ownership without closing.
  int release() noexcept { return std::exchange(fd_, -1); }

  // Closes the current fd (if any) and owns fd instead. close() is not retried
  // on EINTR: on Linux the descriptor is gone either way.
  void reset(int fd = -1) noexcept {
    int old = std::exchange(fd_, fd);
    if (old >= 0) ::close(old);
  }

 private:
  int fd_ = -1;
};

}  // namespace fedcred
