// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the cache entry decoder (decode_cache_entry and
// decode_cache_summary). Invariants: no crash/UB/leak; both decoders accept
// exactly the same documents; an accepted entry survives
// encode -> decode unchanged; the reason for a rejection never quotes a
// credential value.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cache/entry.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text(reinterpret_cast<char const*>(data), size);
  std::string why;
  auto entry = fedcred::decode_cache_entry(text, &why);
  std::string why_summary;
  auto summary = fedcred::decode_cache_summary(text, &why_summary);
  if (entry.has_value() != summary.has_value()) std::abort();
  if (!entry) {
    if (why.empty()) std::abort();
    return 0;
  }
  if (summary->profile != entry->profile || summary->label != entry->label ||
      summary->expiration != entry->expiration) {
    std::abort();
  }
  auto encoded = fedcred::encode_cache_entry(entry->canonical_key, *entry);
  if (!encoded) std::abort();
  auto again = fedcred::decode_cache_entry(encoded->reveal());
  if (!again || again->canonical_key != entry->canonical_key || again->profile != entry->profile ||
      again->label != entry->label || again->expiration != entry->expiration ||
      again->refresh_jitter != entry->refresh_jitter || again->values.size() != entry->values.size()) {
    std::abort();
  }
  for (auto const& [k, v] : entry->values) {
    auto it = again->values.find(k);
    if (it == again->values.end() || it->second.reveal() != v.reveal()) std::abort();
  }
  return 0;
}
