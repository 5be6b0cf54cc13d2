// SPDX-License-Identifier: Apache-2.0
// The HostResolver of the dynamic programs (the fetcher, libfedcred):
// getaddrinfo(), bounded by the run's deadline. Never linked into the static
// front (helper/front/runtime_front.cc has its own, which hands a name off):
// glibc's NSS in a static binary is unsafe, and the front links with
// --fatal-warnings to keep it out.
#pragma once

#include "net/endpoint.h"

namespace fedcred::net {

class SystemHostResolver final : public HostResolver {
 public:
  // getaddrinfo() takes no deadline and a resolver that never answers holds
  // it for timeout x attempts of resolv.conf (libcurl runs it on a thread for
  // the same reason). It runs on a detached thread here: after `timeout_ms`
  // the caller gets Status::transient and goes on, and the thread frees what
  // it found whenever glibc gives up.
  Result<std::vector<SocketAddress>> resolve(std::string const& host, std::uint16_t port,
                                             std::int64_t timeout_ms) override;
};

}  // namespace fedcred::net
