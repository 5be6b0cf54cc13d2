// SPDX-License-Identifier: Apache-2.0
#include "net/plain_http_client.h"

#include <utility>

#include "ascii.h"
#include "net/http_message.h"
#include "net/plain_http.h"
#include "url.h"

namespace fedcred::net {

Result<modules::HttpResponse> PlainHttpClient::send(modules::HttpRequest const& request) {
  auto url = modules::parse_url(request.url);
  if (!url || url->scheme != "http" || url->authority() != endpoint_.host_header) {
    return make_error(Status::internal, "the plain-http client of " + endpoint_.host_header + " was asked for " +
                                            modules::url_authority(request.url));
  }
  if (!request.body.empty()) return make_error(Status::internal, "the plain-http client sends no request body");
  std::vector<std::pair<std::string, Secret>> headers;
  headers.reserve(request.headers.size());
  for (auto const& [name, value] : request.headers) headers.emplace_back(name, Secret(value));
  Secret const text = format_http_request(request.method, endpoint_.host_header, url->path, headers);
  auto answer = plain_http_exchange(addresses_, endpoint_.host_header, text, clock_.monotonic_ms() + request.timeout_ms,
                                    clock_, request.max_body_bytes);
  if (!answer) return std::move(answer).error();
  modules::HttpResponse out;
  out.status = answer->status;
  out.headers.reserve(answer->headers.size());
  for (auto& [name, value] : answer->headers) {
    out.headers.emplace_back(modules::ascii::lower_case(name), std::move(value));
  }
  out.body = std::move(answer->body);
  return out;
}

}  // namespace fedcred::net
