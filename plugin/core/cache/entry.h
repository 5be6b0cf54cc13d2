// SPDX-License-Identifier: Apache-2.0
// The cache entry and its on-disk format (JSON, one file per key):
//
//   {"format":1,"key":"<canonical key>","profile":"...","label":"...",
//    "expiration":<unix seconds>,"refresh_jitter":<seconds>,
//    "values":{"AccessKeyId":"...","SecretAccessKey":"...",...}}
//
// Decoding is strict: anything that is not exactly this shape (wrong types,
// missing members, another format number, values out of range, trailing
// garbage, a truncated document) is rejected, and the caller treats it as a
// cache miss. This file knows nothing about directories or file descriptors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "result.h"
#include "secret.h"

namespace fedcred {

// Bumped when the format changes incompatibly; entries of other versions are
// misses (and are overwritten by the next fetch).
inline constexpr std::int64_t kCacheFormatVersion = 1;
// Larger files are never read: a cap keeps a planted or runaway file from
// costing memory or time on the hit path.
inline constexpr std::size_t kMaxCacheEntryBytes = 64 * 1024;

struct CacheEntry {
  // The canonical key the entry was stored under. Filled in by decoding;
  // encoding stores the key passed to it, not this member.
  std::string canonical_key;
  std::string profile;
  // What `fedcred cache list` shows for the entry: the role ARN or audience.
  std::string label;
  // When the credentials expire, in Unix seconds.
  std::int64_t expiration = 0;
  // Seconds added to the refresh margin for this entry, drawn once (with
  // refresh_jitter_seconds) when the entry is written. Storing it, instead of
  // drawing per invocation, keeps each entry's refresh point stable: with a
  // fresh draw per call, a busy caller refreshes as soon as any draw says so,
  // which collapses towards the same instant on every machine.
  std::int64_t refresh_jitter = 0;
  // The credentials, by the output document's field names (AccessKeyId,
  // SecretAccessKey, SessionToken, Expiration, ...).
  std::map<std::string, Secret> values;
};

// What `fedcred cache list` may show: never a secret value.
struct CacheEntrySummary {
  std::string file_name;
  std::string profile;
  std::string label;
  std::int64_t expiration = 0;
};

// Serializes an entry under `canonical_key`. The text holds secrets, hence
// the Secret return type; json-c's own copies are wiped before release.
// Error: Status::internal (out of memory).
Result<Secret> encode_cache_entry(std::string const& canonical_key, CacheEntry const& entry);

// Parses a whole file's text. nullopt if it is not a valid entry of the
// current format; then *why (if given) says what was wrong, without any
// secret. decode_cache_summary validates the same way but keeps no values.
std::optional<CacheEntry> decode_cache_entry(std::string_view text, std::string* why = nullptr);
std::optional<CacheEntrySummary> decode_cache_summary(std::string_view text,
                                                      std::string* why = nullptr);

}  // namespace fedcred
