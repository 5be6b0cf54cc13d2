// SPDX-License-Identifier: Apache-2.0
#include "cache/fetch.h"

#include <cstdlib>
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

constexpr std::int64_t kExpirySkewSeconds = 300;
constexpr char kFailureStatus[] = "status";
constexpr char kFailureMessage[] = "message";

CacheEntry failure_record(Error const& e, std::int64_t until) {
  CacheEntry r;
  r.label = "failed fetch";
  r.expiration = until;
  r.values[kFailureStatus] = Secret(std::to_string(static_cast<int>(e.status)));
  r.values[kFailureMessage] = Secret(e.message);
  return r;
}

// The failure another process recorded for this key, while it still stands.
std::optional<Error> recent_failure(CacheDir const& dir, CacheKey const& key, std::int64_t now) {
  auto r = dir.read_failure(key);
  if (!r || r->expiration <= now) return std::nullopt;
  auto status = r->values.find(kFailureStatus);
  auto message = r->values.find(kFailureMessage);
  if (status == r->values.end() || message == r->values.end()) return std::nullopt;
  int const code = std::atoi(status->second.reveal().c_str());
  if (code <= static_cast<int>(Status::ok) || code > static_cast<int>(Status::io)) return std::nullopt;
  return make_error(static_cast<Status>(code), message->second.reveal() + " (failed in another process moments ago; "
                                                  "retrying after " + format_rfc3339_utc(r->expiration) + ")");
}

// A denial (AccessDenied, InvalidIdentityToken, ...) means the trust was
// withdrawn: credentials from before it must not be handed out again.
bool stale_allowed(Error const& e) { return e.status != Status::denied; }

bool shared_when_failed(Error const& e) { return e.status == Status::transient || e.status == Status::source; }

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
  if (deps.dir == nullptr) return deps.hand_off != nullptr ? Result<CacheEntry>((*deps.hand_off)()) : fetch();
  CacheDir& dir = *deps.dir;
  auto cached = read_entry(dir, key, usable, deps.log);
  if (fresh(cached, deps.clock.unix_seconds(), policy.margin_seconds)) {
    deps.log.debug("cache hit, valid until " + format_rfc3339_utc(cached->expiration));
    report(CacheUse::hit);
    return std::move(*cached);
  }
  // Everything from here on (the lock, the peer's entry, the shared failure,
  // stale-on-error) is the fetching process's: it starts again from the top.
  if (deps.hand_off != nullptr) {
    report(CacheUse::miss);
    return (*deps.hand_off)();
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

  // During an outage every waiter would otherwise retry the failing service
  // as soon as the holder gives up, and N processes make N times the calls.
  // The holder records its failure before releasing the lock; whoever comes
  // next within the backoff gets that answer (or stale credentials) instead.
  std::optional<Error> shared_failure = recent_failure(dir, key, deps.clock.unix_seconds());

  report(CacheUse::miss);
  auto fetched = shared_failure ? Result<CacheEntry>(*shared_failure) : fetch();
  if (!fetched) {
    std::int64_t now = deps.clock.unix_seconds();
    // Only an outage is shared, of the service (exit 5) or of the identity
    // source, a metadata server answering 503 (exit 3): that is what makes
    // every waiter retry in turn. A denial or a bad answer is worth a fresh
    // try as soon as someone has changed the trust policy or the endpoint.
    if (!shared_failure && shared_when_failed(fetched.error())) {
      auto record = dir.write_failure(key, failure_record(fetched.error(), now + policy.failure_backoff_seconds));
      if (!record) deps.log.debug("failure not shared: " + record.error().message);
    }
    if (cached && stale_allowed(fetched.error()) && cached->expiration - now >= policy.stale_minimum_seconds) {
      deps.log.warning("refresh failed (" + fetched.error().message + "); serving cached credentials valid until " +
                       format_rfc3339_utc(cached->expiration));
      report(CacheUse::stale);
      return std::move(*cached);
    }
    return std::move(fetched).error();
  }
  // The service set the expiry at most "now" + what was asked; allow for its
  // clock being ahead of ours before calling the answer wrong.
  std::int64_t const latest = deps.clock.unix_seconds() + policy.max_lifetime_seconds;
  if (policy.max_lifetime_seconds > 0 && fetched->expiration > latest + kExpirySkewSeconds) {
    deps.log.warning("the credentials claim to expire at " + format_rfc3339_utc(fetched->expiration) +
                     ", later than the " + std::to_string(policy.max_lifetime_seconds) +
                     " s asked for; treating them as expiring at " + format_rfc3339_utc(latest));
    fetched->expiration = latest;
  }
  fetched->refresh_jitter = refresh_jitter_seconds(policy.margin_seconds, deps.random);
  dir.remove_failure(key);
  auto written = dir.write(key, *fetched);
  if (!written) deps.log.warning("credentials not cached: " + written.error().message);
  return fetched;
}

}  // namespace fedcred
