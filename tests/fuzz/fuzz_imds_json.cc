// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the IMDS role-credentials JSON parser
// (fedcred::modules::parse_imds_credentials). Invariants: no crash/UB/leak;
// every failure is Status::source; a success carries all three credential
// parts; no error message contains the secret key or session token (canary
// "MARKER", see below).
#include "fuzz_target.h"

#include <json-c/json.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "imds.h"

namespace {

// The string values of the members the canary check needs, read in one
// parse (a parse per member made the target 4 parses slower per input).
struct Members {
  std::string code, message, secret, token;
};

Members members(std::string_view text) {
  Members out;
  json_tokener* tok = json_tokener_new();
  if (tok == nullptr) return out;
  json_object* doc = json_tokener_parse_ex(tok, text.data(), static_cast<int>(text.size()));
  if (doc != nullptr && json_object_is_type(doc, json_type_object)) {
    auto read = [doc](char const* name, std::string& to) {
      json_object* v = nullptr;
      if (json_object_object_get_ex(doc, name, &v) && json_object_is_type(v, json_type_string)) {
        to = json_object_get_string(v);
      }
    };
    read("Code", out.code);
    read("Message", out.message);
    read("SecretAccessKey", out.secret);
    read("Token", out.token);
  }
  json_object_put(doc);
  json_tokener_free(tok);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const json(reinterpret_cast<char const*>(data), size);
  auto creds = fedcred::modules::parse_imds_credentials(json, "fuzz-role");
  if (creds) {
    if (creds->access_key_id.empty() || creds->secret_access_key.empty() || creds->session_token.empty()) {
      std::abort();
    }
    return 0;
  }
  if (creds.error().status != fedcred::Status::source) std::abort();
  // Secrets never reach a message. Checked with a canary: when the secret key
  // or session token carries "MARKER" (the seeds do) and the quoted Code and
  // Message do not, no message may say MARKER: the fixed wording never does,
  // and the sanitizer that quotes Code and Message cannot assemble it.
  Members const m = members(json);
  std::string const quoted = m.code + "\n" + m.message;
  bool const canary = m.secret.find("MARKER") != std::string::npos || m.token.find("MARKER") != std::string::npos;
  if (canary && quoted.find("MARKER") == std::string::npos &&
      creds.error().message.find("MARKER") != std::string::npos) {
    std::abort();
  }
  return 0;
}
