// SPDX-License-Identifier: Apache-2.0
// The one fake Clock of the unit tests: time moves only when a test (or the
// code under test, by sleeping) moves it, so retries, deadlines and expiry
// are tested instantly and deterministically. Sleeps are recorded.
#pragma once

#include <cstdint>
#include <vector>

#include "clock.h"

namespace fedcred::testing {

class FakeClock : public Clock {
 public:
  // 2023-11-14T22:30:00Z: a round time that reads well in signed dates.
  explicit FakeClock(std::int64_t unix_seconds = 1'700'001'000, std::int64_t monotonic_ms = 1'000'000)
      : unix_now(unix_seconds), mono_now(monotonic_ms) {}

  std::int64_t unix_seconds() const override { return unix_now; }
  std::int64_t monotonic_ms() const override { return mono_now; }
  void sleep_ms(std::int64_t ms) override {
    sleeps.push_back(ms);
    advance(ms);
  }
  // Both clocks move together; wall time keeps the sub-second remainder so
  // many short sleeps still add up.
  void advance(std::int64_t ms) {
    mono_now += ms;
    wall_remainder_ms_ += ms;
    unix_now += wall_remainder_ms_ / 1000;
    wall_remainder_ms_ %= 1000;
  }

  std::int64_t unix_now;  // seconds
  std::int64_t mono_now;  // milliseconds
  std::vector<std::int64_t> sleeps;

 private:
  std::int64_t wall_remainder_ms_ = 0;
};

}  // namespace fedcred::testing
