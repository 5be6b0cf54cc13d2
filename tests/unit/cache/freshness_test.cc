// SPDX-License-Identifier: Apache-2.0
#include "cache/freshness.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>

#include "fakes/cache_support.h"

namespace fedcred {
namespace {

using testing::ScriptedRandom;

constexpr std::int64_t kNow = 1'700'000'000;

CacheEntry expiring_in(std::int64_t seconds) {
  CacheEntry e;
  e.expiration = kNow + seconds;
  return e;
}

TEST(IsFresh, RemainingLifetimeMustExceedMargin) {
  EXPECT_TRUE(is_fresh(expiring_in(3600), kNow, 900, 0));
  EXPECT_TRUE(is_fresh(expiring_in(901), kNow, 900, 0));
  EXPECT_FALSE(is_fresh(expiring_in(900), kNow, 900, 0));  // exactly the margin: refresh
  EXPECT_FALSE(is_fresh(expiring_in(899), kNow, 900, 0));
}

TEST(IsFresh, JitterMovesTheRefreshEarlier) {
  EXPECT_TRUE(is_fresh(expiring_in(1001), kNow, 900, 100));
  EXPECT_FALSE(is_fresh(expiring_in(1000), kNow, 900, 100));
  EXPECT_FALSE(is_fresh(expiring_in(950), kNow, 900, 100));  // fresh without jitter
  EXPECT_TRUE(is_fresh(expiring_in(950), kNow, 900, 0));
}

TEST(IsFresh, ExpiredIsNeverFresh) {
  EXPECT_FALSE(is_fresh(expiring_in(0), kNow, 0, 0));
  EXPECT_FALSE(is_fresh(expiring_in(-10), kNow, 0, 0));
  EXPECT_TRUE(is_fresh(expiring_in(1), kNow, 0, 0));
}

TEST(IsFresh, NegativeMarginAndJitterCountAsZero) {
  EXPECT_TRUE(is_fresh(expiring_in(1), kNow, -500, -500));
  EXPECT_FALSE(is_fresh(expiring_in(0), kNow, -500, -500));
}

TEST(IsFresh, ExtremeInputsDoNotOverflow) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_FALSE(is_fresh(expiring_in(3600), kNow, kMax, kMax));
  EXPECT_FALSE(is_fresh(expiring_in(3600), kMax, 900, 0));
  EXPECT_TRUE(is_fresh(expiring_in(3600), kMin, 900, 0));
  CacheEntry far;
  far.expiration = kMax;
  EXPECT_TRUE(is_fresh(far, kNow, kMax, kMax));
}

TEST(RefreshJitter, UpperBoundIsAnEighthOfTheMarginCappedAtTwoMinutes) {
  // With a source returning every residue, the draws cover exactly [0, max].
  auto range = [](std::int64_t margin) {
    std::vector<std::uint64_t> all;
    for (std::uint64_t i = 0; i < 300; ++i) all.push_back(i);
    ScriptedRandom r(all);
    std::set<std::int64_t> seen;
    for (int i = 0; i < 300; ++i) seen.insert(refresh_jitter_seconds(margin, r));
    return std::make_pair(*seen.begin(), *seen.rbegin());
  };
  EXPECT_EQ(range(900), std::make_pair(std::int64_t{0}, std::int64_t{112}));  // aws default 15 min
  EXPECT_EQ(range(300), std::make_pair(std::int64_t{0}, std::int64_t{37}));   // gcp default 5 min
  EXPECT_EQ(range(3600), std::make_pair(std::int64_t{0}, kMaxRefreshJitterSeconds));
  EXPECT_EQ(range(8), std::make_pair(std::int64_t{0}, std::int64_t{1}));
}

TEST(RefreshJitter, NoJitterForTinyOrNegativeMargins) {
  ScriptedRandom r({~std::uint64_t{0}});
  EXPECT_EQ(refresh_jitter_seconds(7, r), 0);
  EXPECT_EQ(refresh_jitter_seconds(0, r), 0);
  EXPECT_EQ(refresh_jitter_seconds(-900, r), 0);
}

TEST(RefreshJitter, ExtremeRandomValuesStayInBounds) {
  for (std::uint64_t v :
       {std::uint64_t{0}, std::uint64_t{1}, ~std::uint64_t{0}, std::uint64_t{1} << 63}) {
    ScriptedRandom r({v});
    std::int64_t j = refresh_jitter_seconds(900, r);
    EXPECT_GE(j, 0);
    EXPECT_LE(j, 112);
  }
}

}  // namespace
}  // namespace fedcred
