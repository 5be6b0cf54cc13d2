// SPDX-License-Identifier: Apache-2.0
#include "cache/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace fedcred {
namespace {

// FIPS 180-2 appendix B's examples.
TEST(Sha256, PublishedVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Every padding case: the length field fits in the last block (55), just
// does not (56, 63), whole blocks (64, 128) and one past; the bytes cover the
// high bit. Expected values from Python's hashlib.sha256.
TEST(Sha256, PaddingBoundaries) {
  auto pattern = [](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>((i * 7 + 3) % 256));
    return s;
  };
  struct Case {
    std::size_t length;
    char const* hex;
  };
  for (Case const& c : {
           Case{55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
           Case{56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
           Case{63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
           Case{64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
           Case{65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
           Case{119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
           Case{120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
           Case{128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
       }) {
    EXPECT_EQ(sha256_hex(pattern(c.length)), c.hex) << c.length << " bytes";
  }
}

}  // namespace
}  // namespace fedcred
