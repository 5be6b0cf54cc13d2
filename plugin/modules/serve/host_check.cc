// SPDX-License-Identifier: Apache-2.0
#include "host_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

namespace fedcred::serve {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool loopback_v4(std::string const& text) {
  in_addr a{};
  return inet_pton(AF_INET, text.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

bool loopback_v6(std::string const& text) {
  in6_addr a{};
  return inet_pton(AF_INET6, text.c_str(), &a) == 1 && IN6_IS_ADDR_LOOPBACK(&a);
}

}  // namespace

bool host_allowed(std::optional<std::string_view> header) {
  if (!header) return false;
  std::string_view host = *header;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !valid_port(rest.substr(1)))) return false;
    return loopback_v6(std::string(host.substr(1, close - 1)));
  }
  if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    if (!valid_port(host.substr(colon + 1))) return false;
    host = host.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // the absolute form names the same host
  return equals_ignoring_case(host, "localhost") || equals_ignoring_case(host, "metadata.google.internal") ||
         loopback_v4(std::string(host));
}

}  // namespace fedcred::serve
