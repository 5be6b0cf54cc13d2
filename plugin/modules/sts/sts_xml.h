// SPDX-License-Identifier: Apache-2.0
// Parsers for STS XML: AssumeRoleWithWebIdentity (docs/PROTOCOLS.md 2.2),
// GetWebIdentityToken (section 3) and ErrorResponse (2.4).
//
// Element namespaces are ignored (matched by local name), a DOCTYPE is
// rejected (STS never sends one; it is how entity bombs arrive), and errors
// are Status::response with a message that quotes no document content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "result.h"
#include "secret.h"

namespace fedcred::modules {

struct StsCredentials {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token;
  std::string expiration;  // RFC 3339, as STS sent it
  std::string assumed_role_arn;  // may be empty
  std::string request_id;        // may be empty
};

// GetWebIdentityToken's result (docs/PROTOCOLS.md section 3).
struct StsWebIdentityToken {
  Secret token;            // the JWT
  std::string expiration;  // RFC 3339, as STS sent it
  std::string request_id;  // may be empty
};

struct StsError {
  std::string type;  // Sender / Receiver; may be empty
  std::string code;
  std::string message;
  std::string request_id;
};

inline constexpr std::size_t kMaxStsDocumentBytes = 1024 * 1024;

// An AssumeRoleWithWebIdentityResponse with all four Credentials fields.
Result<StsCredentials> parse_assume_role_response(std::string_view xml);

// A GetWebIdentityTokenResponse with WebIdentityToken and Expiration.
Result<StsWebIdentityToken> parse_web_identity_token_response(std::string_view xml);

// An ErrorResponse carrying Error/Code.
Result<StsError> parse_error_response(std::string_view xml);

}  // namespace fedcred::modules
