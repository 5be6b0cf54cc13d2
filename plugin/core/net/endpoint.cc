// SPDX-License-Identifier: Apache-2.0
#include "net/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "url.h"

namespace fedcred::net {

Result<HttpEndpoint> parse_http_endpoint(std::string const& url) {
  auto parsed = modules::parse_url(url);
  if (!parsed) return make_error(Status::usage, "the instance metadata endpoint '" + url + "': " + parsed.error().message);
  if (parsed->scheme != "http") {
    return make_error(Status::usage, "the instance metadata endpoint '" + url +
                                         "' is not a plain http:// URL: IMDS speaks plain http (fedcred asks it for "
                                         "the instance role before every cache lookup, without TLS)");
  }
  HttpEndpoint out;
  out.host_header = parsed->authority();
  out.host = parsed->host;
  if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  if (!parsed->port.empty()) {
    unsigned long const port = std::stoul(parsed->port);  // 1 to 5 digits (parse_url)
    if (port == 0 || port > 65535) return make_error(Status::usage, "the instance metadata endpoint '" + url + "': bad port");
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
}

namespace {

template <typename SockAddr>
SocketAddress socket_address(SockAddr const& addr) {
  SocketAddress out;
  std::memcpy(&out.storage, &addr, sizeof addr);
  out.length = sizeof addr;
  return out;
}

}  // namespace

std::optional<SocketAddress> numeric_address(std::string const& host, std::uint16_t port) {
  sockaddr_in v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    return socket_address(v4);
  }
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    return socket_address(v6);
  }
  return std::nullopt;
}

Result<std::vector<SocketAddress>> addresses_of(HttpEndpoint const& endpoint, HostResolver& resolver,
                                                std::int64_t timeout_ms) {
  if (auto literal = numeric_address(endpoint.host, endpoint.port)) return std::vector<SocketAddress>{*literal};
  return resolver.resolve(endpoint.host, endpoint.port, timeout_ms);
}

}  // namespace fedcred::net
