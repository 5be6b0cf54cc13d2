// SPDX-License-Identifier: Apache-2.0
#include "net/system_resolver.h"

#include <netdb.h>

#include <cstring>
#include <memory>

namespace fedcred::net {

Result<std::vector<SocketAddress>> SystemHostResolver::resolve(std::string const& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int const rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) return make_error(Status::transient, "cannot reach " + host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
  std::vector<SocketAddress> out;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress address;
    std::memcpy(&address.storage, a->ai_addr, a->ai_addrlen);
    address.length = a->ai_addrlen;
    out.push_back(address);
  }
  if (out.empty()) return make_error(Status::transient, "cannot reach " + host + ": no address");
  return out;
}

}  // namespace fedcred::net
