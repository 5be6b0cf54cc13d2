// SPDX-License-Identifier: Apache-2.0
// When a cached entry may still be served, and the jitter that keeps a fleet
// from refreshing in lockstep.
#pragma once

#include <cstdint>

#include "cache/entry.h"
#include "random_source.h"

namespace fedcred {

// The longest jitter: a fleet spreads its refreshes over up to two minutes,
// and a short margin (minimum lifetime left) loses at most an eighth to it.
inline constexpr std::int64_t kMaxRefreshJitterSeconds = 120;

// Uniform in [0, min(kMaxRefreshJitterSeconds, margin_seconds / 8)]; 0 for a
// margin below 8 s. Draw it once when writing an entry and store it in
// CacheEntry::refresh_jitter (see there why not per invocation).
std::int64_t refresh_jitter_seconds(std::int64_t margin_seconds, RandomSource& random);

// Whether `entry` may be served at now_unix: its remaining lifetime must
// exceed margin + jitter (strictly: at exactly that much it is refreshed).
// Negative margin or jitter count as 0. Callers normally pass
// entry.refresh_jitter as jitter_seconds. An entry that is not fresh may still
// be valid (expiration > now) and served when a refresh fails.
bool is_fresh(CacheEntry const& entry, std::int64_t now_unix, std::int64_t margin_seconds,
              std::int64_t jitter_seconds);

}  // namespace fedcred
