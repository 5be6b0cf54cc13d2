// SPDX-License-Identifier: Apache-2.0
// CacheKey: the identity of one cache entry.
//
// `canonical` is a complete, unambiguous description of every input that
// changes the result (command, source, role ARN, audience, region, endpoint,
// session name, duration, ...), built by the caller with CacheKeyBuilder.
// It must not contain secrets: it is stored in the entry and its hash names
// the file. Two requests share an entry exactly when their canonical texts
// are byte-identical.
#pragma once

#include <string>
#include <string_view>

namespace fedcred {

struct CacheKey {
  std::string canonical;

  // 32 lowercase hex digits: FNV-1a 128 of `canonical`. Used as the file name
  // stem. Not cryptographic (the hit path must not load OpenSSL); collisions
  // are harmless because every entry stores and re-checks its canonical key.
  std::string hash_hex() const;
};

// The one way to build a CacheKey: a version line, then one field per input
// as "name=<byte length>:value\n". The length prefix keeps the text
// unambiguous whatever the values hold (a profile or token_file may contain
// newlines or "="), so two different requests never share a canonical text.
class CacheKeyBuilder {
 public:
  // `kind` names the family of entries ("aws", "subject-token", ...).
  explicit CacheKeyBuilder(std::string_view kind);
  CacheKeyBuilder& add(std::string_view name, std::string_view value);
  CacheKey build() const { return CacheKey{text_}; }

 private:
  std::string text_;
};

}  // namespace fedcred
