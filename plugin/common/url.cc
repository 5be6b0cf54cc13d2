// SPDX-License-Identifier: Apache-2.0
#include "url.h"

#include <arpa/inet.h>

#include <cstddef>

#include "ascii.h"

namespace fedcred::modules {
namespace {

bool is_unreserved(char c) {
  return ascii::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::size_t encoded_size(std::string_view value) {
  std::size_t n = 0;
  for (char c : value) n += is_unreserved(c) ? 1 : 3;
  return n;
}

void append_encoded(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : value) {
    if (is_unreserved(ch)) {
      out.push_back(ch);
    } else {
      auto const c = static_cast<unsigned char>(ch);
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

bool is_host_char(char c) {
  return ascii::is_alnum(c) || c == '-' || c == '.' || c == '_';
}

bool is_digits(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s) {
    if (!ascii::is_digit(c)) return false;
  }
  return true;
}

// An IPv6 literal without its URL brackets, for inet_pton.
std::string unbracketed(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::string(host);
}

}  // namespace

bool split_authority(std::string_view authority, std::string& host, std::string& port) {
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos || close < 2) return false;
    for (char c : authority.substr(1, close - 1)) {
      if (!ascii::is_xdigit(c) && c != ':' && c != '.') return false;
    }
    host = std::string(authority.substr(0, close + 1));
    rest = authority.substr(close + 1);
  } else {
    auto colon = authority.find(':');
    std::string_view h = authority.substr(0, colon);
    if (h.empty()) return false;
    for (char c : h) {
      if (!is_host_char(c)) return false;
    }
    host = std::string(h);
    rest = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
  }
  if (rest.empty()) {
    port.clear();
    return true;
  }
  if (rest.front() != ':' || !is_digits(rest.substr(1))) return false;
  port = std::string(rest.substr(1));
  return true;
}

bool is_link_local_host(std::string_view host_in) {
  std::string host = unbracketed(host_in);
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 16) == 0xA9FE;  // 169.254.0.0/16
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LINKLOCAL(&v6);  // fe80::/10
}

bool is_loopback_host(std::string_view host_in) {
  std::string host = unbracketed(host_in);
  for (char& c : host) c = ascii::to_lower(c);
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Result<Url> parse_url(std::string_view text) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    return make_error(Status::usage, "not an absolute http(s) URL");
  }
  Url url;
  for (char c : text.substr(0, sep)) {
    url.scheme.push_back(ascii::to_lower(c));
  }
  if (url.scheme != "http" && url.scheme != "https") {
    return make_error(Status::usage, "unsupported URL scheme \"" + url.scheme + "\" (use http or https)");
  }
  std::string_view rest = text.substr(sep + 3);
  auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  if (authority.find('@') != std::string_view::npos) {
    return make_error(Status::usage, "URLs with user information ('@') are not accepted");
  }
  if (!split_authority(authority, url.host, url.port)) {
    return make_error(Status::usage, "URL has an invalid host or port");
  }
  std::string_view path = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (path.find('#') != std::string_view::npos) {
    return make_error(Status::usage, "URLs with a fragment are not accepted");
  }
  for (char c : path) {
    if (ascii::is_control(c) || c == ' ' || static_cast<unsigned char>(c) >= 0x80) {
      return make_error(Status::usage, "URL path has spaces or non-ASCII bytes");
    }
  }
  url.path = path.empty() || path.front() == '?' ? "/" + std::string(path) : std::string(path);
  return url;
}

std::string url_authority(std::string_view url) {
  auto parsed = parse_url(url);
  return parsed ? parsed->authority() : std::string("(invalid URL)");
}

bool is_valid_authority(std::string_view authority) {
  std::string host;
  std::string port;
  return split_authority(authority, host, port);
}

std::string percent_encode(std::string_view value) {
  std::string out;
  out.reserve(encoded_size(value));
  append_encoded(out, value);
  return out;
}

Secret form_encode(std::initializer_list<FormField> fields) {
  std::size_t total = 0;
  for (auto const& [key, value] : fields) total += encoded_size(key) + 1 + encoded_size(value) + 1;
  std::string body;
  body.reserve(total);
  for (auto const& [key, value] : fields) {
    if (!body.empty()) body.push_back('&');
    append_encoded(body, key);
    body.push_back('=');
    append_encoded(body, value);
  }
  return Secret(std::move(body));
}

}  // namespace fedcred::modules
