// SPDX-License-Identifier: Apache-2.0
// When fedcred serve refreshes: ahead of the cache margin by a jittered lead,
// and retries that bridge an outage before the served credentials expire.
#include "commands/serve_schedule.h"

#include <gtest/gtest.h>

#include "fakes/random.h"

namespace fedcred {
namespace {
using fedcred::test::ScriptedRandom;

constexpr std::int64_t kNow = 1'800'000'000;

TEST(PlanRefresh, AnHourOfCredentialsRefreshesAheadOfTheCacheMargin) {
  ScriptedRandom none({0});
  auto p = plan_refresh(kNow, kNow + 3600, 900, none);
  EXPECT_EQ(p.margin_seconds, 900 + 300);
  EXPECT_EQ(p.at_unix, kNow + 3600 - 1200);
  ScriptedRandom most({150});
  auto late = plan_refresh(kNow, kNow + 3600, 900, most);
  EXPECT_EQ(late.at_unix, kNow + 3600 - 1200 + 150);
  // Whatever the jitter, the entry is due in the cache's eyes at that time.
  EXPECT_LE(kNow + 3600 - late.at_unix, late.margin_seconds);
  EXPECT_GT(kNow + 3600 - late.at_unix, 900);
}

TEST(PlanRefresh, ShortCredentialsRefreshAtHalfTheirLife) {
  ScriptedRandom none({0});
  auto p = plan_refresh(kNow, kNow + 600, 900, none);
  EXPECT_EQ(p.margin_seconds, 300);
  EXPECT_EQ(p.at_unix, kNow + 300);
  auto tiny = plan_refresh(kNow, kNow + 1, 0, none);
  EXPECT_GE(tiny.at_unix, kNow);
}

TEST(RetryDelay, BacksOffButBridgesBeforeExpiry) {
  EXPECT_EQ(retry_delay_seconds(1, kNow, kNow + 3600), 1);
  EXPECT_EQ(retry_delay_seconds(3, kNow, kNow + 3600), 4);
  EXPECT_EQ(retry_delay_seconds(20, kNow, kNow + 3600), 60);
  EXPECT_EQ(retry_delay_seconds(20, kNow, kNow + 30), 15);
  EXPECT_EQ(retry_delay_seconds(20, kNow, kNow - 5), 60);
  EXPECT_EQ(retry_delay_seconds(1, kNow, kNow + 1), 1);
}

// Issue 21.8: early requests wait as long as the first fetches may take, by
// the profiles' own deadlines (they run one after the other), not a fixed 60 s.
TEST(FirstFetchHold, IsTheSumOfTheProfilesDeadlines) {
  EXPECT_EQ(first_fetch_hold_seconds({15}), 16);
  EXPECT_EQ(first_fetch_hold_seconds({120}), 121) << "a slow profile's first fetch is waited for";
  EXPECT_EQ(first_fetch_hold_seconds({5, 30}), 36) << "the Google and the AWS route, one after the other";
  EXPECT_EQ(first_fetch_hold_seconds({}), 1);
}

}  // namespace
}  // namespace fedcred
