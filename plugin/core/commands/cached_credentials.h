// SPDX-License-Identifier: Apache-2.0
// The one cache-first path of every command that hands out credentials
// (aws, gcp, token): the cache the request's run settings allow, single
// flight, the lock-wait share of the deadline, and how the answer was
// obtained for the audit line. Each command supplies only its key, its fetch
// and its check that an entry holds what it needs.
#pragma once

#include <cstdint>
#include <functional>

#include "cache/entry.h"
#include "cache/freshness.h"
#include "cache/key.h"
#include "commands/credential_deps.h"
#include "config/profile.h"
#include "result.h"

namespace fedcred {

// What bounds one command's cache-first fetch besides its run settings.
struct FetchBounds {
  std::int64_t started_ms;            // monotonic: the run's one deadline counts from here
  std::int64_t max_lifetime_seconds;  // the longest lifetime asked for (CachedFetchPolicy)
};

Result<CacheEntry> cached_credentials(CacheKey const& key, RunSettings const& run, FetchBounds const& bounds,
                                      std::function<Result<CacheEntry>()> const& fetch,
                                      std::function<bool(CacheEntry const&)> const& usable,
                                      CredentialDeps const& deps, CacheUse* use);

}  // namespace fedcred
