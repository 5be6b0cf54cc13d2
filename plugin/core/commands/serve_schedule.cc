// SPDX-License-Identifier: Apache-2.0
#include "commands/serve_schedule.h"

#include <algorithm>

namespace fedcred {

RefreshPlan plan_refresh(std::int64_t now, std::int64_t expiration, std::int64_t cache_margin, RandomSource& random) {
  std::int64_t lifetime = std::max<std::int64_t>(expiration - now, 1);
  std::int64_t lead = std::clamp<std::int64_t>(lifetime / 10, 1, 300);
  std::int64_t margin = std::max<std::int64_t>(cache_margin, 0) + lead;
  if (margin >= lifetime) {
    margin = std::max<std::int64_t>(lifetime / 2, 1);
    lead = std::max<std::int64_t>(margin / 2, 1);
  }
  // Jitter inside the lead only: at refresh time less than `margin` remains,
  // so the cache treats the entry as due and this refresh really happens.
  std::int64_t span = lead / 2;
  std::int64_t jitter = span > 0 ? static_cast<std::int64_t>(random.next_u64() % static_cast<std::uint64_t>(span + 1)) : 0;
  return RefreshPlan{margin, std::max(expiration - margin + jitter, now)};
}

std::int64_t retry_delay_seconds(int failures, std::int64_t now, std::int64_t expiration) {
  std::int64_t delay = std::int64_t{1} << std::clamp(failures - 1, 0, 6);
  delay = std::min<std::int64_t>(delay, 60);
  if (expiration > now) delay = std::min(delay, std::max<std::int64_t>((expiration - now) / 2, 1));
  return std::max<std::int64_t>(delay, 1);
}

std::int64_t first_fetch_hold_seconds(std::vector<std::int64_t> const& fetch_timeouts) {
  std::int64_t total = 0;
  for (std::int64_t t : fetch_timeouts) total += std::max<std::int64_t>(t, 0);
  return total + 1;
}

}  // namespace fedcred
