// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the container credentials JSON (ECS, EKS Pod Identity;
// docs/PROTOCOLS.md 4.2) as CredentialChain's container link reads it:
// parse_aws_credentials_json without the IMDS Code check, then its
// Expiration through parse_rfc3339. Invariants: no crash/UB/leak; failures
// are Status::source and never quote the document (canary "MARKER": the
// fixed wording never says it); a success carries all three credential
// parts.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "imds.h"
#include "time_format.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const json(reinterpret_cast<char const*>(data), size);
  std::string expiration;
  auto creds = fedcred::modules::parse_aws_credentials_json(
      json, "the credentials from the container credentials endpoint 169.254.170.23", false, &expiration);
  if (!creds) {
    if (creds.error().status != fedcred::Status::source) std::abort();
    if (creds.error().message.find("MARKER") != std::string::npos) std::abort();
    return 0;
  }
  if (creds->access_key_id.empty() || creds->secret_access_key.empty() || creds->session_token.empty()) {
    std::abort();
  }
  (void)fedcred::parse_rfc3339(expiration);
  return 0;
}
