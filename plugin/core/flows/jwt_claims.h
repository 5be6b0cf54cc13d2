// SPDX-License-Identifier: Apache-2.0
// Decodes the claims of a JWT without verifying it. fedcred never trusts these
// claims: the exchange service verifies the token. They only name things (the
// default session name, log lines, doctor's report), so no crypto is needed
// and this stays out of OpenSSL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "result.h"

namespace fedcred {

struct JwtClaims {
  std::string iss, sub, aud, azp, email;
  std::optional<std::int64_t> iat, exp;
  std::string instance_name;  // google.compute_engine.instance_name (format=full)
};

// Status::source when the text is not header.payload.signature with a JSON
// object payload. The message never quotes the token.
Result<JwtClaims> decode_jwt_claims(std::string_view token);

// base64url (RFC 4648 section 5), padding optional. nullopt on bad input.
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace fedcred
