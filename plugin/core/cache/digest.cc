// SPDX-License-Identifier: Apache-2.0
#include "cache/digest.h"

#include <string.h>

#include <array>
#include <cstdint>

namespace fedcred {
namespace {

// FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
// roots of the first 64 primes.
constexpr std::array<std::uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

constexpr std::uint32_t rotate_right(std::uint32_t x, int n) noexcept { return (x >> n) | (x << (32 - n)); }

class Sha256 {
 public:
  ~Sha256() {
    explicit_bzero(block_.data(), block_.size());
    explicit_bzero(schedule_.data(), sizeof(schedule_));
  }

  void update(std::string_view data) {
    for (char c : data) {
      block_[filled_++] = static_cast<unsigned char>(c);
      if (filled_ == block_.size()) compress();
    }
    length_bytes_ += data.size();
  }

  // FIPS 180-4 5.1.1: a 1 bit, zeros up to 56 mod 64 bytes, the length in bits (big-endian).
  std::string finish_hex() {
    std::uint64_t const length_bits = length_bytes_ * 8;
    block_[filled_++] = 0x80;
    if (filled_ > 56) {
      while (filled_ < block_.size()) block_[filled_++] = 0;
      compress();
    }
    while (filled_ < 56) block_[filled_++] = 0;
    for (int i = 7; i >= 0; --i) block_[filled_++] = static_cast<unsigned char>(length_bits >> (8 * i));
    compress();
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (std::uint32_t word : state_) {
      for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kDigits[(word >> shift) & 0xf]);
    }
    return out;
  }

 private:
  // FIPS 180-4 6.2.2, one 512-bit block.
  void compress() noexcept {
    for (std::size_t t = 0; t < 16; ++t) {
      schedule_[t] = std::uint32_t{block_[4 * t]} << 24 | std::uint32_t{block_[4 * t + 1]} << 16 |
                     std::uint32_t{block_[4 * t + 2]} << 8 | std::uint32_t{block_[4 * t + 3]};
    }
    for (std::size_t t = 16; t < 64; ++t) {
      std::uint32_t const w15 = schedule_[t - 15], w2 = schedule_[t - 2];
      std::uint32_t const s0 = rotate_right(w15, 7) ^ rotate_right(w15, 18) ^ (w15 >> 3);
      std::uint32_t const s1 = rotate_right(w2, 17) ^ rotate_right(w2, 19) ^ (w2 >> 10);
      schedule_[t] = schedule_[t - 16] + s0 + schedule_[t - 7] + s1;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    std::uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (std::size_t t = 0; t < 64; ++t) {
      std::uint32_t const sum1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
      std::uint32_t const choose = (e & f) ^ (~e & g);
      std::uint32_t const t1 = h + sum1 + choose + kRoundConstants[t] + schedule_[t];
      std::uint32_t const sum0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
      std::uint32_t const majority = (a & b) ^ (a & c) ^ (b & c);
      std::uint32_t const t2 = sum0 + majority;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
    filled_ = 0;
  }

  // FIPS 180-4 5.3.3: the initial hash value.
  std::array<std::uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<unsigned char, 64> block_{};
  std::array<std::uint32_t, 64> schedule_{};
  std::size_t filled_ = 0;
  std::uint64_t length_bytes_ = 0;
};

}  // namespace

std::string sha256_hex(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish_hex();
}

}  // namespace fedcred
