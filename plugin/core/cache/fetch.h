// SPDX-License-Identifier: Apache-2.0
// Single-flight, cache-first fetching (docs/DESIGN.md "Cache rules"): serve a
// fresh entry without touching the network; otherwise take the per-key lock,
// look again (another process may just have refreshed it), fetch, store.
// When the fetch fails but the cached credentials are still valid, serve
// them and warn -- except after a denial (the trust was withdrawn). The cache is an optimisation: when it is unusable the fetch
// still happens and the caller still gets credentials.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "output/audit.h"
#include "cache/dir.h"
#include "cache/freshness.h"
#include "clock.h"
#include "base/env.h"
#include "logger.h"
#include "result.h"

namespace fedcred {

// A process that serves hits but cannot fetch (the static `fedcred`,
// helper/front/) hands the whole call to one that can: called where a fetch
// would start, before the per-key lock is taken, so that the fetching process
// takes the lock itself (one fetch per key) and runs under the same deadline.
// It returns only when the hand-off failed, with the error to report.
using FetchHandoff = std::function<Error()>;

struct CachedFetchDeps {
  CacheDir* dir;  // nullptr: uncached
  Clock& clock;
  RandomSource& random;
  Logger const& log;
  CacheUse* use = nullptr;  // set to how the answer was obtained
  FetchHandoff const* hand_off = nullptr;  // nullptr: this process fetches
};

struct CachedFetchPolicy {
  std::int64_t margin_seconds;       // serve only while more than this remains
  std::int64_t lock_deadline_ms;     // monotonic: stop waiting for another fetcher
  std::int64_t stale_minimum_seconds = 60;  // stale-on-error needs at least this much left
  // The longest lifetime the request asked for (AWS DurationSeconds): an
  // expiry further out than fetch start + this is capped, so a wrong clock or
  // a hostile endpoint cannot make an entry "fresh" until 9999. 0: no cap.
  std::int64_t max_lifetime_seconds = 0;
  // A fetch that failed as transient (an outage: retries exhausted) is
  // recorded for this long: the processes that waited on the lock meanwhile
  // (and any starting within it) get the same answer, or stale credentials,
  // instead of each calling the failing service again.
  std::int64_t failure_backoff_seconds = 5;
};

// The cache directory, or nullopt when caching is off or the directory is
// unsafe (with a warning): fedcred then runs uncached rather than failing.
std::optional<CacheDir> open_cache(bool enabled, Env const& env, Logger const& log);

// `fetch` returns a new entry (expiration and values filled in); `key` names
// it. `usable` says whether a decoded entry holds what the caller needs; an
// entry that does not is a miss like any corrupt one.
Result<CacheEntry> cached_fetch(CacheKey const& key, CachedFetchPolicy const& policy,
                                std::function<Result<CacheEntry>()> const& fetch,
                                std::function<bool(CacheEntry const&)> const& usable,
                                CachedFetchDeps const& deps);

}  // namespace fedcred
