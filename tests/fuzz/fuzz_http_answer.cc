// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the plain-http client's answer parser (net/http_message.h),
// which reads IMDS's answers on the cache-hit path.
// Invariants: no crash/UB/leak; failures are Status::response; a complete
// answer has a status of 200..999 and a body within the cap; an incomplete
// answer (not at the end of the connection) is complete or refused once the
// peer closes; every prefix parses without a crash.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/http_message.h"

namespace {

constexpr std::size_t kMaxBody = 1024;

void check(std::string_view raw, bool at_eof) {
  auto parsed = fedcred::net::parse_http_answer(raw, at_eof, kMaxBody);
  if (!parsed) {
    if (parsed.error().status != fedcred::Status::response) std::abort();
    return;
  }
  if (!parsed->has_value()) {
    if (at_eof) std::abort();  // at the close an answer is whole or refused
    return;
  }
  auto const& answer = **parsed;
  if (answer.status < 200 || answer.status > 999 || answer.body.size() > kMaxBody) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const raw(reinterpret_cast<char const*>(data), size);
  check(raw, false);
  check(raw, true);
  // The client parses after every read: a few prefixes stand in for them.
  for (std::size_t cut : {size / 3, size / 2, size - size / 4}) check(raw.substr(0, cut), false);
  return 0;
}
