// SPDX-License-Identifier: Apache-2.0
// SHA-256 (FIPS 180-4), for the cache-key fields that stand for a secret
// (issue 21.12: the container link's authorization token). The canonical key
// is stored in its entry and printed by -v, so it may name a secret only by a
// one-way digest, and the key is built on the hit path, which maps no OpenSSL
// (docs/ARCHITECTURE.md "The static front"): hence a small implementation of
// its own. Not for signatures or MACs; the modules use OpenSSL for those.
#pragma once

#include <string>
#include <string_view>

namespace fedcred {

// 64 lowercase hex digits. Every buffer that held `data`'s bytes is wiped.
std::string sha256_hex(std::string_view data);

}  // namespace fedcred
