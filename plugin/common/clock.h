// SPDX-License-Identifier: Apache-2.0
// Clock: the time seam. Production code asks an injected Clock for wall time,
// monotonic time and sleeps, so tests of retries, deadlines and expiry run
// instantly and deterministically with a fake.
#pragma once

#include <time.h>

#include <cstdint>

namespace fedcred {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch (wall clock; for expirations).
  virtual std::int64_t unix_seconds() const = 0;
  // Milliseconds on CLOCK_MONOTONIC (for deadlines and backoff).
  virtual std::int64_t monotonic_ms() const = 0;
  virtual void sleep_ms(std::int64_t ms) = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t unix_seconds() const override {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec);
  }
  std::int64_t monotonic_ms() const override {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  }
  void sleep_ms(std::int64_t ms) override {
    if (ms <= 0) return;
    timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
    while (nanosleep(&ts, &ts) != 0) {
    }
  }
};

}  // namespace fedcred
