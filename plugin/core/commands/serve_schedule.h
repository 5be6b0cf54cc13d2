// SPDX-License-Identifier: Apache-2.0
// When `fedcred serve` refreshes what it serves. The server refreshes ahead
// of its clients: botocore and the JS SDK refresh container credentials in
// their last 15 (advisory) / 10 (mandatory) minutes, and `fedcred aws`'s
// cache margin is 15 minutes, so the server asks the cache with a larger
// margin (the cache's own plus a lead) at a jittered time inside that lead.
// A fleet of servers sharing nothing then spreads its STS calls, and a
// `fedcred aws` run finds the server's fresh entry instead of calling STS.
#pragma once

#include <cstdint>
#include <vector>

#include "random_source.h"

namespace fedcred {

struct RefreshPlan {
  std::int64_t margin_seconds;  // what to pass to the cache at refresh time
  std::int64_t at_unix;         // when to refresh
};

// For credentials valid until `expiration`, obtained at `now`, whose
// one-shot commands refresh `cache_margin` seconds before expiry. The lead is
// a tenth of the lifetime (1 s .. 5 min); credentials too short for margin +
// lead are refreshed at half their remaining lifetime.
RefreshPlan plan_refresh(std::int64_t now, std::int64_t expiration, std::int64_t cache_margin, RandomSource& random);

// Seconds until the next attempt after `failures` consecutive failed
// refreshes: 1, 2, 4 ... 60 s, but never past half of what remains of the
// credentials still served, so a short outage is bridged before they expire.
std::int64_t retry_delay_seconds(int failures, std::int64_t now, std::int64_t expiration);

// How long a request that arrives before the first credentials is held
// (issue 21.8) when the routes' first fetches have these deadlines (each
// profile's --timeout / `timeout`): they run one after the other and the
// server exits when one fails, so all of them end within the sum. One second
// more because the hold is checked against a whole-second clock.
std::int64_t first_fetch_hold_seconds(std::vector<std::int64_t> const& fetch_timeouts);

}  // namespace fedcred
