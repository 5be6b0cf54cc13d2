// SPDX-License-Identifier: Apache-2.0
// botocore's rule for the container credentials endpoint (ECS, EKS Pod
// Identity; docs/PROTOCOLS.md 4.2, botocore ContainerMetadataFetcher): https may go
// anywhere; plain http only to a loopback address or the agents' own hosts.
// Shared by the core (which refuses a bad URL before anything runs) and the
// aws module (which checks what it is handed).
#pragma once

#include <arpa/inet.h>

#include <string>
#include <string_view>

namespace fedcred::aws {

// `host` lower-cased, IPv6 without brackets.
inline bool is_allowed_container_http_host(std::string_view host) {
  if (host == "localhost" || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23") {
    return true;
  }
  std::string const h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, h.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace fedcred::aws
