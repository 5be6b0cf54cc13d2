// SPDX-License-Identifier: Apache-2.0
// The HTTP/1.1 messages of the core's plain-http client (plain_http.h): the
// request text it sends and the parse of the answer it reads (RFC 9112).
// Pure functions, so the parser is unit tested and fuzzed on its own
// (tests/unit/net/http_message_test.cc, tests/fuzz/fuzz_http_response.cc).
//
// Deliberately small: the client speaks to IMDS only (a loopback stand-in in
// tests), which answers with Content-Length. So: no chunked encoding (refused
// as an error, not guessed at), no interim 1xx answers, a body of exactly
// Content-Length bytes or, without it, up to the end of the connection.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.h"
#include "secret.h"

namespace fedcred::net {

// The request text: "METHOD PATH HTTP/1.1", Host, the given headers,
// "Connection: close", an empty body (Content-Length: 0 for PUT). A Secret:
// a header may carry a session token.
Secret format_http_request(std::string_view method, std::string_view host_header, std::string_view path,
                           std::vector<std::pair<std::string, Secret>> const& headers);

struct HttpAnswer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent; values trimmed
  Secret body;  // may hold a token
};

// The header block may not exceed this (the status line and all fields).
inline constexpr std::size_t kMaxHttpHeaderBytes = 16 * 1024;

// Parses `raw`, the bytes read so far. nullopt: the answer is incomplete and
// the peer has not closed (`at_eof` false): read more. An error
// (Status::response) for anything that is not a well-formed HTTP/1.x answer,
// one cut short by the end of the connection, a body over `max_body_bytes`,
// a header block over kMaxHttpHeaderBytes, or a chunked one.
Result<std::optional<HttpAnswer>> parse_http_answer(std::string_view raw, bool at_eof, std::size_t max_body_bytes);

}  // namespace fedcred::net
