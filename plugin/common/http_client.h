// SPDX-License-Identifier: Apache-2.0
// HttpClient: the HTTP seam of the network modules and of the one IMDS client
// (imds_client.h). Production code uses the modules' CurlHttpClient
// (modules/common/curl_http.h) or, on the core's cache-hit path, which maps
// no libcurl, net::PlainHttpClient (core/net/plain_http_client.h); unit tests
// script responses with the one fake (tests/fakes/fake_http_client.h).
//
// Contract for implementations:
//  - send() returns an HttpResponse for every HTTP answer, whatever its status
//    (3xx included: redirects are never followed).
//  - Transport failures (DNS, connect, TLS, timeout) are Status::transient;
//    a response body over max_body_bytes is Status::response. Messages name
//    the URL's host[:port] only, never its path, query or the request body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.h"
#include "secret.h"

namespace fedcred::modules {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  // May carry a query with non-secret parameters (audience); never put a
  // token in it: URLs end up in proxies' logs.
  std::string url;
  HeaderList headers;
  // The body is a Secret because it often carries one (a form with a token);
  // it is sent without being copied and wiped afterwards.
  Secret body;
  std::int64_t timeout_ms = 3000;
  std::size_t max_body_bytes = 64 * 1024;
  // Bypass any proxy (metadata endpoints must never be proxied).
  bool direct = false;
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // names lower-cased, values trimmed
  // Bodies carry credentials (STS) or tokens (metadata): wiped when dropped.
  Secret body;

  // The first value of a header, by lower-case name.
  std::optional<std::string> header(std::string_view lower_name) const {
    for (auto const& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return std::nullopt;
  }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> send(HttpRequest const& request) = 0;
};

}  // namespace fedcred::modules
