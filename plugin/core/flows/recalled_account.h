// SPDX-License-Identifier: Apache-2.0
// The metadata server's account, recalled for a few seconds instead of asked
// on every cache hit (issue 20: a hit costs no more than starting a small
// program; issue 21.12: the gce source's cache key names the account).
//
// Every answer the server gives is remembered in the caller's cache directory
// (CacheDir::write_identity, "<hash>.seen", 0600 like an entry) with the time
// it was given. A process that may recall (the static front, which serves the
// hits) uses a record younger than kAccountRecallSeconds instead of asking;
// one that may not (the fetcher, the library, serve, and the one binary of a
// build without the static front) always asks, and its answer refreshes the
// record. So:
//   - a burst of hits asks the server once per kAccountRecallSeconds;
//   - every fetch keys its new entry by the account the server names just
//     before it: another account's token is never filed under the old key;
//   - after `gcloud compute instances set-service-account` (which needs the
//     VM stopped) or a GKE service account bound to another Google service
//     account, the old account's cached credentials are served for at most
//     kAccountRecallSeconds more (`fedcred cache clear` ends that at once).
// A record from the future (the clock was set back) is not recalled. The
// record is only an optimisation: a directory that cannot be opened or
// written, or a record that cannot be read, means asking, never failing.
#pragma once

#include <cstdint>
#include <string>

#include "base/env.h"
#include "clock.h"
#include "flows/metadata_account.h"
#include "logger.h"
#include "result.h"

namespace fedcred {

// How long the static front recalls an account instead of asking (docs/DESIGN.md).
inline constexpr std::int64_t kAccountRecallSeconds = 10;

class RecalledAccountLookup final : public MetadataAccountLookup {
 public:
  // `asked` asks the server; `may_recall` is true only in the static front;
  // `log` says at debug level (-v) when an account was recalled.
  RecalledAccountLookup(MetadataAccountLookup& asked, Env const& env, Clock& clock, Logger const& log,
                        bool may_recall)
      : asked_(asked), env_(env), clock_(clock), log_(log), may_recall_(may_recall) {}
  Result<std::string> account_email(std::string const& metadata_host, std::int64_t deadline_ms) override;

 private:
  MetadataAccountLookup& asked_;
  Env const& env_;
  Clock& clock_;
  Logger const& log_;
  bool may_recall_;
};

}  // namespace fedcred
