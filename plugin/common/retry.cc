// SPDX-License-Identifier: Apache-2.0
#include "retry.h"

#include <algorithm>
#include <cmath>

namespace fedcred::modules {

std::int64_t RetryPolicy::backoff_ms(int retry, double unit) const {
  // Cap the shift so base * 2^n cannot overflow before min() applies.
  int shift = std::clamp(retry, 0, 30);
  std::int64_t ceiling = std::min(max_delay_ms, base_delay_ms * (std::int64_t{1} << shift));
  unit = std::clamp(unit, 0.0, 1.0);
  return std::max<std::int64_t>(0, std::llround(unit * static_cast<double>(ceiling)));
}

std::int64_t attempt_timeout_ms(Clock const& clock, std::int64_t deadline_ms, std::int64_t cap_ms) {
  return std::max<std::int64_t>(1, std::min(cap_ms, remaining_ms(clock, deadline_ms)));
}

Retrier::Retrier(RetryPolicy policy, Clock& clock, std::int64_t deadline_ms, RandomSource& random)
    : policy_(policy), clock_(clock), deadline_ms_(deadline_ms), random_(random) {}

bool Retrier::next_delay(Error const& last) {
  if (attempts_ >= policy_.max_attempts) return false;
  // Shorten the sleep rather than skip the attempt when the deadline is near:
  // one more try beats giving up early.
  std::int64_t budget = remaining_ms(clock_, deadline_ms_) - policy_.min_attempt_ms;
  if (budget < 0) return false;
  std::int64_t delay = std::min(budget, policy_.backoff_ms(attempts_ - 1, unit_interval(random_)));
  if (observer_) observer_(attempts_, last, delay);
  clock_.sleep_ms(delay);
  return true;
}

}  // namespace fedcred::modules
