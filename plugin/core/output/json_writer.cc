// SPDX-License-Identifier: Apache-2.0
#include "output/json_writer.h"

namespace fedcred {

void JsonWriter::quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  put('"');
  // Runs that need no escaping (nearly all of a credential) go in with one
  // append each: this writer renders the cache hit's document (issue 15).
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && s[i] != '"' && s[i] != '\\') continue;
    put(s.substr(run, i - run));
    run = i + 1;
    switch (s[i]) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\n': put("\\n"); break;
      case '\r': put("\\r"); break;
      case '\t': put("\\t"); break;
      default:
        put("\\u00");
        put(kHex[u >> 4]);
        put(kHex[u & 0xf]);
    }
  }
  put(s.substr(run));
  put('"');
}

void JsonWriter::key(std::string_view k) {
  if (out_.size() > 1) put(',');
  quoted(k);
  put(':');
}

JsonWriter& JsonWriter::string(std::string_view k, std::string_view value) {
  key(k);
  quoted(value);
  return *this;
}

JsonWriter& JsonWriter::number(std::string_view k, std::int64_t value) {
  key(k);
  put(std::to_string(value));
  return *this;
}

JsonWriter& JsonWriter::boolean(std::string_view k, bool value) {
  key(k);
  put(value ? "true" : "false");
  return *this;
}

Secret JsonWriter::finish() {
  put('}');
  Secret done(std::move(out_));
  wipe(out_);
  return done;
}

}  // namespace fedcred
