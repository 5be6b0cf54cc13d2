// SPDX-License-Identifier: Apache-2.0
#include "commands/cached_credentials.h"

#include <optional>

#include "cache/dir.h"
#include "cache/fetch.h"

namespace fedcred {

Result<CacheEntry> cached_credentials(CacheKey const& key, RunSettings const& run, FetchBounds const& bounds,
                                      std::function<Result<CacheEntry>()> const& fetch,
                                      std::function<bool(CacheEntry const&)> const& usable,
                                      CredentialDeps const& deps, CacheUse* use) {
  auto cache = open_cache(run.cache, deps.env, deps.log);
  // Half the deadline at most goes to waiting for another process's fetch,
  // so a stuck holder still leaves time to fetch ourselves.
  CachedFetchPolicy policy{run.refresh_margin_seconds, bounds.started_ms + run.timeout_seconds * 1000 / 2};
  policy.max_lifetime_seconds = bounds.max_lifetime_seconds;
  return cached_fetch(key, policy, fetch, usable,
                      CachedFetchDeps{cache ? &*cache : nullptr, deps.clock, deps.random, deps.log, use, deps.hand_off});
}

}  // namespace fedcred
