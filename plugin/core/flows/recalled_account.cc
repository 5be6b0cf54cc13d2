// SPDX-License-Identifier: Apache-2.0
#include "flows/recalled_account.h"

#include <optional>
#include <utility>

#include "cache/dir.h"
#include "cache/key.h"

namespace fedcred {
namespace {

constexpr char kAccountValue[] = "account";

CacheKey record_key(std::string const& metadata_host) {
  return CacheKeyBuilder("metadata-account").add("metadata_host", metadata_host).build();
}

struct Recalled {
  std::string account;
  std::int64_t age_seconds;
};

// The recorded account when it was confirmed within the last
// kAccountRecallSeconds by this machine's clock; nullopt otherwise.
std::optional<Recalled> recent_account(CacheDir const& dir, CacheKey const& key, std::int64_t now) {
  std::optional<CacheEntry> record = dir.read_identity(key);
  if (!record) return std::nullopt;
  auto account = record->values.find(kAccountValue);
  if (account == record->values.end()) return std::nullopt;
  std::int64_t const confirmed = record->expiration - kAccountRecallSeconds;
  if (now < confirmed || now >= record->expiration) return std::nullopt;
  return Recalled{account->second.reveal(), now - confirmed};
}

}  // namespace

Result<std::string> RecalledAccountLookup::account_email(std::string const& metadata_host,
                                                         std::int64_t deadline_ms) {
  CacheKey const key = record_key(metadata_host);
  // No warning when the directory is unusable: the command's own cache use
  // says so once, and asking is always correct.
  auto dir = CacheDir::open(env_);
  if (dir && may_recall_) {
    if (auto recalled = recent_account(*dir, key, clock_.unix_seconds())) {
      log_.debug("service account " + recalled->account + ", named by the metadata server at " + metadata_host + " " +
                 std::to_string(recalled->age_seconds) + " s ago: recalled, not asked (for up to " +
                 std::to_string(kAccountRecallSeconds) + " s)");
      return std::move(recalled->account);
    }
  }
  auto email = asked_.account_email(metadata_host, deadline_ms);
  if (email && dir) {
    CacheEntry record;
    record.label = "the account of the metadata server at " + metadata_host;
    record.expiration = clock_.unix_seconds() + kAccountRecallSeconds;
    record.values.emplace(kAccountValue, Secret(std::string(*email)));
    (void)dir->write_identity(key, record);  // best effort: the next run asks again
  }
  return email;
}

}  // namespace fedcred
