// SPDX-License-Identifier: Apache-2.0
// CacheKey: the identity of one cache entry.
//
// `canonical` is a complete, unambiguous description of every input that
// changes the result (command, source, role ARN, audience, region, endpoint,
// session name, duration, ...), built by the caller, e.g.
//   "v1\ncommand=aws\nsource=gce\nrole_arn=arn:aws:iam::1:role/r\n..."
// It must not contain secrets: it is stored in the entry and its hash names
// the file. Two requests share an entry exactly when their canonical texts
// are byte-identical.
#pragma once

#include <string>

namespace fedcred {

struct CacheKey {
  std::string canonical;

  // 32 lowercase hex digits: FNV-1a 128 of `canonical`. Used as the file name
  // stem. Not cryptographic (the hit path must not load OpenSSL); collisions
  // are harmless because every entry stores and re-checks its canonical key.
  std::string hash_hex() const;
};

}  // namespace fedcred
