// SPDX-License-Identifier: Apache-2.0
// The one random source of the core and the modules, and the fakes' draws.
#include "random_source.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

#include "fakes/random.h"

namespace fedcred {
namespace {

using test::FixedRandom;

TEST(SystemRandom, ProducesVaryingValues) {
  SystemRandom r;
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 8; ++i) seen.insert(r.next_u64());
  EXPECT_GT(seen.size(), 1u);
}

TEST(UnitInterval, SpansZeroToJustBelowOne) {
  FixedRandom lowest(0);
  FixedRandom highest(~std::uint64_t{0});
  FixedRandom half(std::uint64_t{1} << 63);
  EXPECT_EQ(unit_interval(lowest), 0.0);
  EXPECT_LT(unit_interval(highest), 1.0);
  EXPECT_EQ(unit_interval(highest), 1.0 - 0x1.0p-53);
  EXPECT_EQ(unit_interval(half), 0.5);
}

TEST(UnitInterval, SystemDrawsStayInBounds) {
  for (int i = 0; i < 1000; ++i) {
    double u = unit_interval(system_random());
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(FixedRandom, UnitDrawsTheGivenFraction) {
  for (double u : {0.0, 0.25, 0.5, 0.75}) {
    FixedRandom r = FixedRandom::unit(u);
    EXPECT_EQ(unit_interval(r), u);
  }
  FixedRandom top = FixedRandom::unit(1.0);
  EXPECT_EQ(unit_interval(top), 1.0 - 0x1.0p-53);
}

}  // namespace
}  // namespace fedcred
