// SPDX-License-Identifier: Apache-2.0
#include "cache/key.h"

#include <cstdint>
#include <string>

namespace fedcred {
namespace {

// FNV-1a 128 (http://www.isthe.com/chongo/tech/comp/fnv/), in two 64-bit
// halves so that it needs no __int128 and builds on 32-bit targets too.
struct Hash128 {
  std::uint64_t hi = 0x6c62272e07bb0142ULL;  // offset basis
  std::uint64_t lo = 0x62b821756295c58dULL;

  // *this *= 2^88 + 0x13b (the FNV-128 prime), mod 2^128.
  void multiply_by_prime() noexcept {
    constexpr std::uint64_t kLowPart = 0x13b;
    std::uint64_t const lo_low = (lo & 0xffffffffULL) * kLowPart;
    std::uint64_t const lo_high = (lo >> 32) * kLowPart;
    std::uint64_t const new_lo = lo_low + (lo_high << 32);
    std::uint64_t const carry = (lo_high >> 32) + (new_lo < lo_low ? 1 : 0);
    // The 2^88 term only reaches the high word: (hi:lo) << 88 == lo << 24 there.
    hi = hi * kLowPart + carry + (lo << 24);
    lo = new_lo;
  }
};

}  // namespace

// v2: the values are length-prefixed (v1 wrote "name=value\n").
CacheKeyBuilder::CacheKeyBuilder(std::string_view kind) : text_("fedcred-cache-key-v2\n") { add("command", kind); }

CacheKeyBuilder& CacheKeyBuilder::add(std::string_view name, std::string_view value) {
  text_.append(name).append("=").append(std::to_string(value.size())).append(":").append(value).append("\n");
  return *this;
}

std::string CacheKey::hash_hex() const {
  Hash128 h;
  for (char c : canonical) {
    h.lo ^= static_cast<unsigned char>(c);
    h.multiply_by_prime();
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<std::size_t>(15 - i)] = kDigits[(h.hi >> (4 * i)) & 0xf];
    out[static_cast<std::size_t>(31 - i)] = kDigits[(h.lo >> (4 * i)) & 0xf];
  }
  return out;
}

}  // namespace fedcred
