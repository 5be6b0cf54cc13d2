// SPDX-License-Identifier: Apache-2.0
#include "net/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace fedcred::net {

Result<HttpEndpoint> parse_http_endpoint(std::string const& url) {
  constexpr std::string_view kHttp = "http://";
  if (url.compare(0, kHttp.size(), kHttp) != 0) {
    return make_error(Status::usage, "the instance metadata endpoint '" + url +
                                         "' is not a plain http:// URL: IMDS speaks plain http (fedcred asks it for "
                                         "the instance role before every cache lookup, without TLS)");
  }
  std::string authority = url.substr(kHttp.size());
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string::npos) {
    return make_error(Status::usage, "the instance metadata endpoint '" + url + "' has no usable host");
  }
  HttpEndpoint out;
  out.host_header = authority;
  std::string port;
  if (authority.front() == '[') {
    std::size_t const close = authority.find(']');
    if (close == std::string::npos) return make_error(Status::usage, "the instance metadata endpoint '" + url + "': bad IPv6 literal");
    out.host = authority.substr(1, close - 1);
    std::string rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return make_error(Status::usage, "the instance metadata endpoint '" + url + "': bad port");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    std::size_t const colon = authority.find(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return make_error(Status::usage, "the instance metadata endpoint '" + url + "' has no host");
  if (!port.empty()) {
    unsigned long value = 0;
    bool ok = port.size() <= 5;
    for (char c : port) {
      ok = ok && c >= '0' && c <= '9';
      value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!ok || value == 0 || value > 65535) return make_error(Status::usage, "the instance metadata endpoint '" + url + "': bad port");
    out.port = static_cast<std::uint16_t>(value);
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
