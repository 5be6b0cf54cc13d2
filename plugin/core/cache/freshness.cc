// SPDX-License-Identifier: Apache-2.0
#include "cache/freshness.h"

#include <algorithm>
#include <limits>

namespace fedcred {

std::int64_t refresh_jitter_seconds(std::int64_t margin_seconds, RandomSource& random) {
  std::int64_t const max =
      std::clamp<std::int64_t>(margin_seconds / 8, 0, kMaxRefreshJitterSeconds);
  // Modulo bias over 2^64 for at most 121 buckets is about 1e-17: irrelevant.
  return static_cast<std::int64_t>(random.next_u64() % static_cast<std::uint64_t>(max + 1));
}

bool is_fresh(CacheEntry const& entry, std::int64_t now_unix, std::int64_t margin_seconds,
              std::int64_t jitter_seconds) {
  // Clamp so the sum below cannot overflow whatever the caller passes; a
  // decade is far beyond any credential lifetime.
  constexpr std::int64_t kDecade = 10LL * 366 * 86400;
  std::int64_t const wanted = std::clamp<std::int64_t>(margin_seconds, 0, kDecade) +
                              std::clamp<std::int64_t>(jitter_seconds, 0, kDecade);
  // Decoded expirations are within (0, year 9999]; compare without forming
  // expiration - now, which could overflow for a hostile now_unix.
  if (now_unix > std::numeric_limits<std::int64_t>::max() - wanted) return false;
  return entry.expiration > now_unix + wanted;
}

}  // namespace fedcred
