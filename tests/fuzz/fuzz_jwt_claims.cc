// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the JWT claims decoder (decode_jwt_claims) and base64url.
// Invariants: no crash/UB/leak; failures are Status::source and never quote
// the token (canary "MARKER"); base64url_decode inverts a local encoder.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fakes/base64url.h"
#include "flows/jwt_claims.h"

using fedcred::testing::base64url_encode;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const token(reinterpret_cast<char const*>(data), size);
  auto claims = fedcred::decode_jwt_claims(token);
  if (!claims) {
    if (claims.error().status != fedcred::Status::source) std::abort();
    // A token carrying the canary "MARKER" (the seeds do) must not show up
    // in the message, not even in part: fixed wording never says MARKER.
    if (token.find("MARKER") != std::string_view::npos &&
        claims.error().message.find("MARKER") != std::string::npos) {
      std::abort();
    }
  }
  // Also as a payload: wrap the raw bytes as the JSON claims of a token.
  std::string const wrapped = "eyJhbGciOiJSUzI1NiJ9." + base64url_encode(token) + ".c2ln";
  auto claims2 = fedcred::decode_jwt_claims(wrapped);
  if (!claims2 && claims2.error().status != fedcred::Status::source) std::abort();

  auto decoded = fedcred::base64url_decode(base64url_encode(token));
  if (!decoded || *decoded != token) std::abort();
  (void)fedcred::base64url_decode(token);
  return 0;
}
