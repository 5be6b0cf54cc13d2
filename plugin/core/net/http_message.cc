// SPDX-License-Identifier: Apache-2.0
#include "net/http_message.h"

#include "ascii.h"

namespace fedcred::net {
namespace {

using modules::ascii::trim;

namespace ascii = modules::ascii;

Error bad(std::string const& why) { return make_error(Status::response, "not an HTTP/1.1 answer: " + why); }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii::to_lower(a[i]) != ascii::to_lower(b[i])) return false;
  }
  return true;
}

// RFC 9110 5.6.2: tchar.
bool is_token_char(char c) {
  return ascii::is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// "HTTP/1.x NNN[ reason]": the status, or 0.
int parse_status_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !ascii::is_digit(line[7]) || line[8] != ' ') return 0;
  if (!ascii::is_digit(line[9]) || !ascii::is_digit(line[10]) || !ascii::is_digit(line[11])) return 0;
  if (line.size() > 12 && line[12] != ' ') return 0;
  for (char c : line.substr(12)) {
    if (ascii::is_control(c) && c != '\t') return 0;
  }
  return (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
}

// Content-Length's value: 1..18 digits (no sign, no list), else nullopt.
std::optional<std::size_t> parse_length(std::string_view v) {
  if (v.empty() || v.size() > 18) return std::nullopt;
  std::size_t n = 0;
  for (char c : v) {
    if (!ascii::is_digit(c)) return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

}  // namespace

Secret format_http_request(std::string_view method, std::string_view host_header, std::string_view path,
                           std::vector<std::pair<std::string, Secret>> const& headers) {
  // Reserved once: growing would free a buffer holding a token unwiped.
  std::size_t size = method.size() + path.size() + host_header.size() + 96;
  for (auto const& [name, value] : headers) size += name.size() + value.size() + 4;
  std::string text;
  text.reserve(size);
  text.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_header).append("\r\n");
  for (auto const& [name, value] : headers) text.append(name).append(": ").append(value.reveal()).append("\r\n");
  if (method == "PUT" || method == "POST") text.append("Content-Length: 0\r\n");
  text.append("Connection: close\r\n\r\n");
  return Secret(std::move(text));
}

Result<std::optional<HttpAnswer>> parse_http_answer(std::string_view raw, bool at_eof, std::size_t max_body_bytes) {
  std::size_t const end = raw.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (raw.size() > kMaxHttpHeaderBytes) return bad("header block over " + std::to_string(kMaxHttpHeaderBytes) + " bytes");
    if (at_eof) return bad(raw.empty() ? "the connection closed without an answer" : "the header block is cut short");
    // A status line that is wrong already need not wait for the rest.
    std::size_t const eol = raw.find("\r\n");
    if (eol != std::string_view::npos && parse_status_line(raw.substr(0, eol)) == 0) return bad("bad status line");
    return std::optional<HttpAnswer>();
  }
  if (end + 4 > kMaxHttpHeaderBytes) return bad("header block over " + std::to_string(kMaxHttpHeaderBytes) + " bytes");
  std::string_view head = raw.substr(0, end);
  std::size_t eol = head.find("\r\n");
  HttpAnswer answer;
  answer.status = parse_status_line(head.substr(0, eol));
  if (answer.status == 0) return bad("bad status line");
  if (answer.status < 200) return bad("an interim (1xx) answer");
  std::optional<std::size_t> length;
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    std::string_view const line = head.substr(0, eol);
    std::size_t const colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return bad("a header line without a name");
    std::string_view const name = line.substr(0, colon);
    for (char c : name) {
      if (!is_token_char(c)) return bad("a bad header name");  // also obs-fold (a leading space)
    }
    std::string_view const value = trim(line.substr(colon + 1));
    for (char c : value) {
      if (ascii::is_control(c) && c != '\t') return bad("a control character in a header value");
    }
    if (equals_ignoring_case(name, "Transfer-Encoding")) return bad("chunked or encoded bodies are not supported");
    if (equals_ignoring_case(name, "Content-Length")) {
      auto n = parse_length(value);
      if (!n || (length && *length != *n)) return bad("a bad Content-Length");
      length = n;
    }
    answer.headers.emplace_back(std::string(name), std::string(value));
  }
  std::string_view body = raw.substr(end + 4);
  if (length) {
    if (*length > max_body_bytes) return bad("a body over " + std::to_string(max_body_bytes) + " bytes");
    if (body.size() < *length) {
      if (at_eof) return bad("the body is cut short");
      return std::optional<HttpAnswer>();
    }
    body = body.substr(0, *length);
  } else {
    if (body.size() > max_body_bytes) return bad("a body over " + std::to_string(max_body_bytes) + " bytes");
    if (!at_eof) return std::optional<HttpAnswer>();
  }
  answer.body = Secret(body);
  return std::optional<HttpAnswer>(std::move(answer));
}

}  // namespace fedcred::net
