// SPDX-License-Identifier: Apache-2.0
// Who is calling: the uid that owns the other end of a loopback TCP
// connection, asked of the kernel through NETLINK_SOCK_DIAG (inet_diag), as
// `ss -e` shows it (issue 21.3). Both ends live on this host, so the
// client's socket is found by the connection's 4-tuple.
#pragma once

#include <sys/types.h>

#include <optional>

namespace fedcred::serve {

// The owner of the peer socket of the accepted connection `fd`; nullopt when
// the kernel does not know it (the peer closed, or is not on this host), so
// the caller is refused rather than guessed.
std::optional<uid_t> loopback_peer_uid(int fd);

}  // namespace fedcred::serve
