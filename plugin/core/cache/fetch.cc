// SPDX-License-Identifier: Apache-2.0
#include "cache/fetch.h"

#include <optional>
#include <utility>

#include "time_format.h"

namespace fedcred {
namespace {

std::optional<CacheEntry> read_entry(CacheDir const& dir, CacheKey const& key,
                                     std::function<bool(CacheEntry const&)> const& usable, Logger const& log) {
  std::string why;
  auto entry = dir.read(key, &why);
  if (!entry && !why.empty()) log.debug("cache miss: " + why);
  if (entry && !usable(*entry)) {
    log.debug("cache miss: the entry lacks credential fields");
    return std::nullopt;
  }
  return entry;
}

bool fresh(std::optional<CacheEntry> const& e, std::int64_t now, std::int64_t margin) {
  return e && is_fresh(*e, now, margin, e->refresh_jitter);
}

}  // namespace

std::optional<CacheDir> open_cache(bool enabled, Env const& env, Logger const& log) {
  if (!enabled) return std::nullopt;
  auto dir = CacheDir::open(env);
  if (!dir) {
    log.warning("running without the cache: " + dir.error().message);
    return std::nullopt;
  }
  return std::move(*dir);
}

Result<CacheEntry> cached_fetch(CacheKey const& key, CachedFetchPolicy const& policy,
                                std::function<Result<CacheEntry>()> const& fetch,
                                std::function<bool(CacheEntry const&)> const& usable,
                                CachedFetchDeps const& deps) {
  auto report = [&deps](CacheUse use) {
    if (deps.use != nullptr) *deps.use = use;
  };
  report(CacheUse::none);
  if (deps.dir == nullptr) return fetch();
  CacheDir& dir = *deps.dir;
  auto cached = read_entry(dir, key, usable, deps.log);
  if (fresh(cached, deps.clock.unix_seconds(), policy.margin_seconds)) {
    deps.log.debug("cache hit, valid until " + format_rfc3339_utc(cached->expiration));
    report(CacheUse::hit);
    return std::move(*cached);
  }

  // One fetch per key across processes: whoever holds the lock fetches; the
  // others wait here and then find the entry it wrote.
  auto lock = dir.lock(key, policy.lock_deadline_ms, deps.clock);
  if (lock) {
    cached = read_entry(dir, key, usable, deps.log);
    if (fresh(cached, deps.clock.unix_seconds(), policy.margin_seconds)) {
      deps.log.debug("cache filled by another process while waiting");
      report(CacheUse::peer);
      return std::move(*cached);
    }
  } else {
    deps.log.warning("cache lock unavailable (" + lock.error().message + "); fetching without it");
  }

  report(CacheUse::miss);
  auto fetched = fetch();
  if (!fetched) {
    std::int64_t now = deps.clock.unix_seconds();
    if (cached && cached->expiration - now >= policy.stale_minimum_seconds) {
      deps.log.warning("refresh failed (" + fetched.error().message + "); serving cached credentials valid until " +
                       format_rfc3339_utc(cached->expiration));
      report(CacheUse::stale);
      return std::move(*cached);
    }
    return std::move(fetched).error();
  }
  fetched->refresh_jitter = refresh_jitter_seconds(policy.margin_seconds, deps.random);
  auto written = dir.write(key, *fetched);
  if (!written) deps.log.warning("credentials not cached: " + written.error().message);
  return fetched;
}

}  // namespace fedcred
