// SPDX-License-Identifier: Apache-2.0
// The DNS-rebinding defence: a browser tricked into sending requests to the
// loopback server still names the attacker's host in Host, so only loopback
// addresses and "localhost" are answered (not metadata.google.internal:
// host_check.cc and DESIGN.md say why).
#pragma once

#include <optional>
#include <string_view>

namespace fedcred::serve {

// `host` is the Host header (with or without a port); nullopt when absent,
// which is refused too (HTTP/1.1 requires it, every SDK sends it).
bool host_allowed(std::optional<std::string_view> host);

}  // namespace fedcred::serve
