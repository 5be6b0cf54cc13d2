// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the INI config parser (fedcred::parse_config_text) and the
// per-key validators it calls. Invariants: no crash, no UB, no leak; an error
// always names the file; a text that parsed once parses again the same way
// when fed a second time into a fresh set (the parser is deterministic).
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const text(reinterpret_cast<char const*>(data), size);
  fedcred::ConfigSet first;
  auto r1 = fedcred::parse_config_text("fuzz.conf", text, first);
  if (!r1) {
    if (r1.error().message.find("fuzz.conf") == std::string::npos) std::abort();
    if (r1.error().status != fedcred::Status::usage) std::abort();
    return 0;
  }
  fedcred::ConfigSet second;
  auto r2 = fedcred::parse_config_text("fuzz.conf", text, second);
  if (!r2 || first.sections.size() != second.sections.size()) std::abort();
  // Layering the same file twice (a later file overriding an earlier one key
  // by key) must also succeed.
  auto r3 = fedcred::parse_config_text("fuzz2.conf", text, first);
  if (!r3) std::abort();
  return 0;
}
