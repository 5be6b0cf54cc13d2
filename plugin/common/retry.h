// SPDX-License-Identifier: Apache-2.0
// Retries with full-jitter exponential backoff inside an absolute deadline.
//
// delay before retry n (n = 0 for the second attempt) is
//   unit_interval(random) * min(base_delay_ms * 2^n, max_delay_ms)
// (botocore's standard mode, as AWS's "Exponential Backoff And Jitter").
// The deadline is a CLOCK_MONOTONIC time in ms (the module ABI's deadline_ms):
// the retrier never sleeps past it and does not start an attempt that would
// have less than min_attempt_ms left, because such an attempt could only time
// out and would hide the real error behind a timeout.
#pragma once

#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>

#include "clock.h"
#include "random_source.h"
#include "result.h"

namespace fedcred::modules {

struct RetryPolicy {
  int max_attempts = 4;
  std::int64_t base_delay_ms = 200;
  std::int64_t max_delay_ms = 2000;
  std::int64_t min_attempt_ms = 200;

  // The jittered delay before retry n, given a random value in [0, 1).
  std::int64_t backoff_ms(int retry, double unit) const;
};

// Milliseconds left until deadline_ms (negative when past).
inline std::int64_t remaining_ms(Clock const& clock, std::int64_t deadline_ms) {
  return deadline_ms - clock.monotonic_ms();
}

// The timeout for one attempt: at most cap_ms, never past the deadline, and
// at least 1 ms (0 would mean "no timeout" to libcurl).
std::int64_t attempt_timeout_ms(Clock const& clock, std::int64_t deadline_ms, std::int64_t cap_ms);

// Called before each retry's sleep; for diagnostics.
using RetryObserver = std::function<void(int failed_attempt, Error const& error, std::int64_t delay_ms)>;

class Retrier {
 public:
  // `random` draws the jitter (tests pin it); it must outlive the Retrier.
  Retrier(RetryPolicy policy, Clock& clock, std::int64_t deadline_ms, RandomSource& random = system_random());

  void set_observer(RetryObserver observer) { observer_ = std::move(observer); }

  // Runs fn(attempt) (attempt counts from 1) until it succeeds, fails with an
  // error retryable(error) rejects, attempts run out, or the deadline leaves
  // no room for another attempt (a backoff is shortened to fit). Returns fn's last result. The first attempt
  // always runs; fn itself bounds its I/O with attempt_timeout_ms().
  template <typename Fn, typename Classify>
  auto run(Fn&& fn, Classify&& retryable) -> std::invoke_result_t<Fn&, int> {
    attempts_ = 1;
    auto result = fn(1);
    while (!result.ok() && retryable(result.error()) && next_delay(result.error())) {
      ++attempts_;
      result = fn(attempts_);
    }
    return result;
  }

  // Attempts made by the last run().
  int attempts() const noexcept { return attempts_; }

 private:
  // Sleeps before the next attempt; false when no attempt may follow.
  bool next_delay(Error const& last);

  RetryPolicy policy_;
  Clock& clock_;
  std::int64_t deadline_ms_;
  RandomSource& random_;
  RetryObserver observer_;
  int attempts_ = 0;
};

// Errors marked Status::transient are retryable; the usual classifier.
inline bool is_transient(Error const& error) { return error.status == Status::transient; }

}  // namespace fedcred::modules
