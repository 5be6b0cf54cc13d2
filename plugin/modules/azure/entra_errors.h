// SPDX-License-Identifier: Apache-2.0
// Entra ID's refusals, turned into fedcred's errors: the AADSTS code, what
// Entra said, and what to fix, under the exit code fedcred documents for it
// (docs/PROTOCOLS.md 12.3). Entra's own words are bounded, printable, cut
// before the trace ids and scrubbed of anything JWT-shaped: the message never
// holds the assertion or a token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"

namespace fedcred::modules {

struct EntraErrorBody {
  std::string error;        // "invalid_client", ...; empty when absent
  std::int64_t code = 0;    // the AADSTS number; 0 when none
  std::string description;  // Entra's words before "Trace ID:", cleaned
};

// Reads {"error", "error_description", "error_codes"} (the code from
// error_codes[0], else the description's "AADSTSnnn:" prefix). Anything else
// gives an empty body.
EntraErrorBody parse_entra_error(std::string_view body);

// What to do about code, or "" when fedcred has no advice for it.
std::string entra_fix(std::int64_t code, std::string const& tenant_id, std::string const& client_id);

// The error for a non-200 answer: 429 and 5xx Status::transient (retried);
// other 4xx Status::denied (exit 4), naming the AADSTS code and its fix;
// anything else Status::response.
Error entra_error(int http_status, std::string_view body, std::string const& host, std::string const& tenant_id,
                  std::string const& client_id);

}  // namespace fedcred::modules
