// SPDX-License-Identifier: Apache-2.0
#include "retry.h"

#include <gtest/gtest.h>

#include <functional>

#include "fakes.h"

namespace fedcred::modules {
namespace {

using testing::FakeClock;
using testing::FixedRandom;

Result<int> transient_failure() { return make_error(Status::transient, "flaky"); }

// Runs `r` on an operation that always fails transiently (after `each`, its
// simulated I/O); expects the run to fail and returns how many attempts ran.
int failing_attempts(Retrier& r, std::function<void()> const& each = [] {}) {
  int calls = 0;
  auto result = r.run(
      [&](int) {
        ++calls;
        each();
        return transient_failure();
      },
      is_transient);
  EXPECT_FALSE(result.ok());
  return calls;
}

TEST(Backoff, FullJitterWithinExponentialCeiling) {
  RetryPolicy p{10, 100, 1000, 0};
  EXPECT_EQ(p.backoff_ms(0, 0.0), 0);
  EXPECT_EQ(p.backoff_ms(0, 0.999999), 100);
  EXPECT_EQ(p.backoff_ms(1, 0.5), 100);
  EXPECT_EQ(p.backoff_ms(2, 0.5), 200);
  EXPECT_EQ(p.backoff_ms(3, 1.0), 800);
  EXPECT_EQ(p.backoff_ms(4, 1.0), 1000);   // capped by max_delay_ms
  EXPECT_EQ(p.backoff_ms(200, 1.0), 1000);  // no overflow for large attempts
  EXPECT_EQ(p.backoff_ms(1, 7.0), 200);     // out-of-range randomness is clamped
}

TEST(Backoff, SystemRandomStaysInBounds) {
  RetryPolicy p{10, 100, 1000, 0};
  RandomSource& r = system_random();
  for (int i = 0; i < 1000; ++i) {
    double u = unit_interval(r);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    std::int64_t d = p.backoff_ms(i % 6, u);
    ASSERT_GE(d, 0);
    ASSERT_LE(d, std::min<std::int64_t>(1000, 100LL << (i % 6)));
  }
}

TEST(Retrier, StopsOnSuccess) {
  FakeClock clock;
  FixedRandom random = FixedRandom::unit(1.0);
  Retrier r({4, 100, 1000, 10}, clock, clock.monotonic_ms() + 10'000, random);
  int calls = 0;
  auto result = r.run(
      [&](int attempt) -> Result<int> {
        ++calls;
        EXPECT_EQ(attempt, calls);
        if (calls < 3) return transient_failure();
        return 42;
      },
      is_transient);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(r.attempts(), 3);
  EXPECT_EQ(clock.sleeps, (std::vector<std::int64_t>{100, 200}));
}

TEST(Retrier, DoesNotRetryWhatTheClassifierRejects) {
  FakeClock clock;
  FixedRandom random = FixedRandom::unit(1.0);
  Retrier r({4, 100, 1000, 10}, clock, clock.monotonic_ms() + 10'000, random);
  int calls = 0;
  auto result = r.run(
      [&](int) -> Result<int> {
        ++calls;
        return make_error(Status::denied, "no");
      },
      is_transient);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(Retrier, GivesUpAfterMaxAttempts) {
  FakeClock clock;
  FixedRandom random = FixedRandom::unit(0.5);
  Retrier r({3, 100, 1000, 10}, clock, clock.monotonic_ms() + 10'000, random);
  int calls = failing_attempts(r);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(r.attempts(), 3);
  EXPECT_EQ(clock.sleeps, (std::vector<std::int64_t>{50, 100}));
}

TEST(Retrier, NeverSleepsPastTheDeadline) {
  FakeClock clock;
  std::int64_t const deadline = clock.monotonic_ms() + 1000;
  FixedRandom random = FixedRandom::unit(1.0);
  Retrier r({100, 400, 400, 100}, clock, deadline, random);
  // Each attempt takes 150 ms, bounded by its timeout as real I/O is.
  int calls = failing_attempts(r, [&] { clock.advance(attempt_timeout_ms(clock, deadline, 150)); });
  EXPECT_LE(clock.monotonic_ms(), deadline);
  // t=150 sleep 400; t=700 only 300 left: sleep 200 to leave 100 for the
  // last attempt; then no room remains.
  EXPECT_EQ(clock.sleeps, (std::vector<std::int64_t>{400, 200}));
  EXPECT_EQ(calls, 3);
}

TEST(Retrier, ShortensTheLastBackoffToFitAnAttempt) {
  FakeClock clock;
  std::int64_t const deadline = clock.monotonic_ms() + 500;
  FixedRandom random = FixedRandom::unit(1.0);
  Retrier r({4, 1000, 1000, 200}, clock, deadline, random);
  int calls = failing_attempts(r, [&] { clock.advance(50); });
  // At t=50, 450 left and 200 needed per attempt: the 1000 ms backoff is cut
  // to 250; after the second attempt (t=350) no room remains.
  EXPECT_EQ(clock.sleeps, (std::vector<std::int64_t>{250}));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(clock.monotonic_ms(), deadline - 150);
}

TEST(Retrier, FirstAttemptRunsEvenPastTheDeadline) {
  FakeClock clock;
  FixedRandom random = FixedRandom::unit(1.0);
  Retrier r({4, 100, 100, 10}, clock, clock.monotonic_ms() - 1, random);
  int calls = failing_attempts(r);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(Retrier, ObserverSeesEachRetry) {
  FakeClock clock;
  FixedRandom random = FixedRandom::unit(1.0);
  Retrier r({3, 100, 1000, 10}, clock, clock.monotonic_ms() + 10'000, random);
  std::vector<std::pair<int, std::int64_t>> seen;
  r.set_observer([&](int attempt, Error const& e, std::int64_t delay) {
    EXPECT_EQ(e.message, "flaky");
    seen.emplace_back(attempt, delay);
  });
  (void)r.run([](int) { return transient_failure(); }, is_transient);
  EXPECT_EQ(seen, (std::vector<std::pair<int, std::int64_t>>{{1, 100}, {2, 200}}));
}

TEST(AttemptTimeout, BoundedByCapAndDeadline) {
  FakeClock clock;
  std::int64_t now = clock.monotonic_ms();
  EXPECT_EQ(attempt_timeout_ms(clock, now + 10'000, 3000), 3000);
  EXPECT_EQ(attempt_timeout_ms(clock, now + 1200, 3000), 1200);
  EXPECT_EQ(attempt_timeout_ms(clock, now - 5, 3000), 1);
}

}  // namespace
}  // namespace fedcred::modules
