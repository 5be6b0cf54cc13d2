// SPDX-License-Identifier: Apache-2.0
#include "output/json_writer.h"

namespace fedcred {

void JsonWriter::quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  // Runs that need no escaping (nearly all of a credential) go in with one
  // append each: this writer renders the cache hit's document (issue 15).
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && s[i] != '"' && s[i] != '\\') continue;
    out_.append(s.data() + run, i - run);
    run = i + 1;
    switch (s[i]) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        out_ += "\\u00";
        out_.push_back(kHex[u >> 4]);
        out_.push_back(kHex[u & 0xf]);
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_.push_back('"');
}

void JsonWriter::key(std::string_view k) {
  if (out_.size() > 1) out_.push_back(',');
  quoted(k);
  out_.push_back(':');
}

JsonWriter& JsonWriter::string(std::string_view k, std::string_view value) {
  key(k);
  quoted(value);
  return *this;
}

JsonWriter& JsonWriter::number(std::string_view k, std::int64_t value) {
  key(k);
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::boolean(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}

Secret JsonWriter::finish() {
  out_.push_back('}');
  Secret done(std::move(out_));
  wipe(out_);
  return done;
}

}  // namespace fedcred
