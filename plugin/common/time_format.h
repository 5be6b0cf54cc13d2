// SPDX-License-Identifier: Apache-2.0
// RFC 3339 timestamps: botocore and the Go SDK need UTC with a "Z"
// (docs/PROTOCOLS.md fact 1), while STS and IMDS send various ISO 8601 forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fedcred {

// "2026-01-01T00:00:00Z"
std::string format_rfc3339_utc(std::int64_t unix_seconds);

// An HTTP Date header (RFC 9110 IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<std::int64_t> parse_http_date(std::string_view text);

// Accepts YYYY-MM-DDTHH:MM:SS with optional fraction and a "Z" or ±HH:MM
// offset. Fractions are dropped (never rounded up: an expiry must not grow).
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

}  // namespace fedcred
