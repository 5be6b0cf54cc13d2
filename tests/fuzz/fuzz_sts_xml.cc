// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the three STS XML parsers (AssumeRoleWithWebIdentity,
// GetWebIdentityToken, ErrorResponse) on the same input. Invariants: no
// crash/UB/leak; errors are Status::response; a parsed AssumeRole result has
// all four credential fields; a parsed web identity token is non-empty.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sts_xml.h"

using fedcred::Status;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const xml(reinterpret_cast<char const*>(data), size);

  auto creds = fedcred::modules::parse_assume_role_response(xml);
  if (creds) {
    if (creds->access_key_id.empty() || creds->secret_access_key.empty() || creds->session_token.empty() ||
        creds->expiration.empty()) {
      std::abort();
    }
  } else if (creds.error().status != Status::response) {
    std::abort();
  }

  auto token = fedcred::modules::parse_web_identity_token_response(xml);
  if (token) {
    if (token->token.empty() || token->expiration.empty()) std::abort();
  } else if (token.error().status != Status::response) {
    std::abort();
  }

  auto error = fedcred::modules::parse_error_response(xml);
  if (error) {
    if (error->code.empty()) std::abort();
  } else if (error.error().status != Status::response) {
    std::abort();
  }
  return 0;
}
