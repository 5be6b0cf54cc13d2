// SPDX-License-Identifier: Apache-2.0
// base64url encoding (RFC 4648 section 5, no padding) for building test JWTs;
// the product only ever decodes (plugin/core/jwt_claims.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fedcred::testing {

inline std::string base64url_encode(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

}  // namespace fedcred::testing
