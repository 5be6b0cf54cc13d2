// SPDX-License-Identifier: Apache-2.0
#include "cache/key.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace fedcred {
namespace {

#ifdef __SIZEOF_INT128__
// Textbook FNV-1a 128 with the compiler's 128-bit integers, as the reference
// for the two-word implementation (which must also work without them).
std::string reference_fnv1a128(std::string const& s) {
  __extension__ using u128 = unsigned __int128;
  u128 const prime = (u128{1} << 88) + 0x13b;
  u128 h = (u128{0x6c62272e07bb0142ULL} << 64) | 0x62b821756295c58dULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= prime;
  }
  char buf[33];
  snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h >> 64),
           static_cast<unsigned long long>(h));
  return buf;
}
#endif

TEST(CacheKey, KnownVectors) {
  // The offset basis and the published FNV-1a 128 value of "a".
  EXPECT_EQ(CacheKey{""}.hash_hex(), "6c62272e07bb014262b821756295c58d");
  EXPECT_EQ(CacheKey{"a"}.hash_hex(), "d228cb696f1a8caf78912b704e4a8964");
}

#ifdef __SIZEOF_INT128__
TEST(CacheKey, MatchesReferenceImplementation) {
  std::string s;
  for (int i = 0; i < 600; ++i) {
    s.push_back(static_cast<char>((i * 37 + 11) & 0xff));  // includes bytes >= 0x80
    ASSERT_EQ(CacheKey{s}.hash_hex(), reference_fnv1a128(s)) << "length " << s.size();
  }
}
#endif

TEST(CacheKey, IsThirtyTwoLowercaseHexDigits) {
  std::string h = CacheKey{"v1\ncommand=aws\nrole_arn=arn:aws:iam::1:role/r\n"}.hash_hex();
  ASSERT_EQ(h.size(), 32u);
  for (char c : h) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << h;
}

TEST(CacheKey, NearbyKeysGetDistinctNames) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    seen.insert(
        CacheKey{"v1\ncommand=aws\nrole_arn=arn:aws:iam::1:role/r" + std::to_string(i)}.hash_hex());
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// Values may hold anything (a profile or token file path with a newline or
// "="): fields that would have run together as "name=value\n" text must still
// give different keys.
TEST(CacheKeyBuilder, LengthPrefixedFieldsAreUnambiguous) {
  auto two = [](std::string const& a, std::string const& b) {
    return CacheKeyBuilder("aws").add("profile", a).add("token_file", b).build().canonical;
  };
  EXPECT_NE(two("p\ntoken_file=x", ""), two("p", "x"));
  EXPECT_NE(two("a=", "b"), two("a", "=b"));
  EXPECT_EQ(two("p", "x"), two("p", "x"));
  EXPECT_EQ(CacheKeyBuilder("aws").add("profile", "p\n").build().canonical,
            "fedcred-cache-key-v2\ncommand=3:aws\nprofile=2:p\n\n");
}

TEST(CacheKeyBuilder, KindIsPartOfTheKey) {
  EXPECT_NE(CacheKeyBuilder("aws").add("profile", "p").build().canonical,
            CacheKeyBuilder("subject-token").add("profile", "p").build().canonical);
}

}  // namespace
}  // namespace fedcred
