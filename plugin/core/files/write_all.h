// SPDX-License-Identifier: Apache-2.0
// The one write(2) loop: write(2) may write less than asked (signals, pipes,
// quotas), so every writer of a whole buffer goes through here.
#pragma once

#include <errno.h>
#include <unistd.h>

#include <cstddef>
#include <string_view>

namespace fedcred {

// Writes all of `data` to `fd`, retrying on EINTR. False with errno set when
// a write fails (EIO when it wrote nothing).
inline bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace fedcred
