// SPDX-License-Identifier: Apache-2.0
// ASCII character classes. Wire formats (URLs, JWTs, HTTP headers) are ASCII;
// <cctype> would depend on the locale and needs unsigned-char casts.
#pragma once

#include <cstddef>
#include <string_view>

namespace fedcred::modules::ascii {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
constexpr bool is_xdigit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
// Control characters and DEL (bytes >= 0x80 are not controls).
constexpr bool is_control(char c) { return (c >= '\0' && c < ' ') || c == '\x7f'; }
constexpr char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
// Visible characters (no space), and visible characters or space.
constexpr bool is_graph(char c) { return c > ' ' && c < '\x7f'; }
constexpr bool is_print(char c) { return c >= ' ' && c < '\x7f'; }
// Equal but for the case of ASCII letters.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

}  // namespace fedcred::modules::ascii
