// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the external_account credential config parser of
// `fedcred access-token` (fedcred::parse_credential_config). Invariants: no
// crash/UB/leak; every failure is Status::usage naming the file; a success
// has an audience, a subject token type and one credential source.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "flows/credential_config.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const text(reinterpret_cast<char const*>(data), size);
  auto config = fedcred::parse_credential_config(text, "fuzz.json");
  if (!config) {
    if (config.error().status != fedcred::Status::usage) std::abort();
    if (config.error().message.find("fuzz.json") == std::string::npos) std::abort();
    return 0;
  }
  if (config->audience.empty() || config->subject_token_type.empty()) std::abort();
  if (config->source == fedcred::CredentialConfig::Source::aws1 && config->regional_cred_verification_url.empty()) {
    std::abort();
  }
  if (config->source == fedcred::CredentialConfig::Source::file && config->file.empty()) std::abort();
  return 0;
}
