// SPDX-License-Identifier: Apache-2.0
// What both Azure token answers carry, Entra's token endpoint (OAuth 2.0,
// expires_in a number) and Azure IMDS (every value a string, expires_on
// the absolute time): read by one parser (docs/PROTOCOLS.md 12.2, 13).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"
#include "secret.h"

namespace fedcred::modules {

struct AzureAccessToken {
  Secret token;
  std::int64_t expiration = 0;  // unix seconds
};

// The longest a token may live: managed-identity tokens live about a day
// (learn.microsoft.com managed identities FAQ); more is not Azure's answer.
inline constexpr std::int64_t kMaxAzureTokenSeconds = 2 * 24 * 3600;

// A 200 answer: access_token, token_type Bearer when present, and the expiry
// from expires_on (unix seconds) or else `now` + expires_in, each a JSON
// number or a string of one, in (now, now + kMaxAzureTokenSeconds].
// Status::response otherwise, naming `what` at `host`, never the token.
Result<AzureAccessToken> parse_azure_token_answer(std::string_view body, std::string const& what,
                                                  std::string const& host, std::int64_t now);

}  // namespace fedcred::modules
