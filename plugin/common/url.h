// SPDX-License-Identifier: Apache-2.0
// Just enough URL handling for the modules: split an http(s) URL to name its
// host in messages and to validate endpoints, and percent-encode values.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "result.h"
#include "secret.h"

namespace fedcred::modules {

struct Url {
  std::string scheme;  // "http" or "https", lower-cased
  std::string host;    // as written; IPv6 literals keep their brackets
  std::string port;    // empty when not given
  std::string path;    // path and query; "/" when the URL has none

  // host[:port]: what messages show. Never the path or query.
  std::string authority() const { return port.empty() ? host : host + ":" + port; }
  // scheme://host[:port]: the server, without path or query.
  std::string origin() const { return scheme + "://" + authority(); }
};

// Accepts http:// and https:// URLs without user info or fragment.
// Errors are Status::usage and quote nothing but the scheme.
Result<Url> parse_url(std::string_view text);

// host[:port] of a URL for messages, or "(invalid URL)".
std::string url_authority(std::string_view url);

// True for host, host:port, [v6] and [v6]:port with no path, user info or
// spaces (the shape of GCE_METADATA_HOST).
bool is_valid_authority(std::string_view authority);

// Splits "host", "host:port", "[v6]" or "[v6]:port" (host keeps the
// brackets, port empty when absent); false when malformed.
bool split_authority(std::string_view authority, std::string& host, std::string& port);

// True for a link-local address literal (169.254.0.0/16, fe80::/10, with or
// without IPv6 brackets): the metadata services' addresses.
bool is_link_local_host(std::string_view host);

// True for a loopback address literal (127.0.0.0/8, ::1, with or without
// IPv6 brackets) and "localhost": where plain http may go (tests, local agents).
bool is_loopback_host(std::string_view host);

// RFC 3986 percent-encoding: every byte outside ALPHA / DIGIT / "-._~".
std::string percent_encode(std::string_view value);

// application/x-www-form-urlencoded body "k1=v1&k2=v2" (RFC 3986 encoding,
// as botocore sends). Built in one pre-sized buffer, so no partial copy of a
// token is left behind in freed memory.
using FormField = std::pair<std::string_view, std::string_view>;
Secret form_encode(std::initializer_list<FormField> fields);

}  // namespace fedcred::modules
