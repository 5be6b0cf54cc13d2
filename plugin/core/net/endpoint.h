// SPDX-License-Identifier: Apache-2.0
// Where the core's plain-http client connects: the host and port of an
// http:// base URL (IMDS: http://169.254.169.254, http://[fd00:ec2::254], or
// a loopback stand-in; config/endpoints.cc has already checked which hosts
// are allowed), and the addresses to try.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "result.h"

namespace fedcred::net {

struct HttpEndpoint {
  std::string host;         // IPv6 without brackets
  std::uint16_t port = 80;
  std::string host_header;  // as in the URL: "[fd00:ec2::254]", "127.0.0.1:8080"
};

// The host and port of "http://HOST[:PORT][/...]". Status::usage for another
// scheme (https needs TLS, which the core does not link), user information,
// or a bad port.
Result<HttpEndpoint> parse_http_endpoint(std::string const& url);

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

// An IPv4 dotted quad or an IPv6 literal, with `port`; nullopt for a name.
// No resolver runs: a name needs NSS, which a static program cannot load
// safely (docs/ARCHITECTURE.md "The static front").
std::optional<SocketAddress> numeric_address(std::string const& host, std::uint16_t port);

// Turns a host name into addresses: the seam between the static front, which
// hands a name off to the fetcher, and the fetcher, which resolves it
// (system_resolver.h).
class HostResolver {
 public:
  virtual ~HostResolver() = default;
  // The addresses of `host` (a name, never a literal), or an error;
  // Status::transient when the name cannot be resolved within `timeout_ms`
  // (the run's one deadline bounds a DNS stall too, issue 12 item 5).
  virtual Result<std::vector<SocketAddress>> resolve(std::string const& host, std::uint16_t port,
                                                     std::int64_t timeout_ms) = 0;
};

// numeric_address() when `host` is a literal, else resolver.resolve().
Result<std::vector<SocketAddress>> addresses_of(HttpEndpoint const& endpoint, HostResolver& resolver,
                                                std::int64_t timeout_ms);

}  // namespace fedcred::net
