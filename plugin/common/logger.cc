// SPDX-License-Identifier: Apache-2.0
#include "logger.h"

namespace fedcred {
namespace {

bool is_b64url(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string scrub_secrets(std::string text) {
  // Every JWT starts with the base64url of '{"': "eyJ". Redact the run of
  // base64url characters and dots that follows.
  std::size_t pos = 0;
  while ((pos = text.find("eyJ", pos)) != std::string::npos) {
    std::size_t end = pos;
    while (end < text.size() && (is_b64url(text[end]) || text[end] == '.')) ++end;
    if (end - pos >= 16) {
      text.replace(pos, end - pos, "[redacted]");
      pos += 10;
    } else {
      pos = end;
    }
  }
  return text;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto const c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += ' ';
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += ' ';  // U+0080..U+009F: CSI (U+009B) and friends
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace fedcred
