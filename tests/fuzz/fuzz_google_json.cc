// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the JSON answers of `fedcred access-token`'s Google calls
// (plugin/modules/google/google_token.h), all three parsers on the same input:
// the STS token-exchange response (parse_sts_token_response), the IAM
// Credentials generateAccessToken response
// (parse_generate_access_token_response) and either error shape
// (google_error_text). Invariants: no crash/UB/leak; failures are
// Status::response and never quote the document (canary "MARKER": the host
// and the fixed wording never say it); a parsed STS token expires after now;
// an error text is printable ASCII and bounded.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "google_token.h"

namespace {

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
std::string const kHost = "sts.googleapis.com";

void check_failure(fedcred::Error const& error) {
  if (error.status != fedcred::Status::response) std::abort();
  if (error.message.find("MARKER") != std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const body(reinterpret_cast<char const*>(data), size);

  auto sts = fedcred::modules::parse_sts_token_response(body, kHost, kNow);
  if (sts) {
    if (sts->expiration <= kNow) std::abort();
  } else {
    check_failure(sts.error());
  }

  auto iam = fedcred::modules::parse_generate_access_token_response(body, kHost);
  if (!iam) check_failure(iam.error());

  // Two quoted fields of at most 300 characters each, and ": " between.
  std::string const said = fedcred::modules::google_error_text(body);
  if (said.size() > 602) std::abort();
  for (char c : said) {
    if (c < 0x20 || c >= 0x7f) std::abort();
  }
  return 0;
}
