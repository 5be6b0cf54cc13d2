// SPDX-License-Identifier: Apache-2.0
// The HostResolver of the dynamic programs (the fetcher, libfedcred):
// getaddrinfo(). Never linked into the static front (helper/front/request.cc
// has its own, which hands a name off): glibc's NSS in a static binary is
// unsafe, and the front links with --fatal-warnings to keep it out.
#pragma once

#include "net/endpoint.h"

namespace fedcred::net {

class SystemHostResolver final : public HostResolver {
 public:
  // getaddrinfo() cannot be given a deadline; /etc/hosts and the resolver's
  // own timeouts bound it. IMDS endpoints are addresses in practice.
  Result<std::vector<SocketAddress>> resolve(std::string const& host, std::uint16_t port) override;
};

}  // namespace fedcred::net
