// SPDX-License-Identifier: Apache-2.0
// The core's plain-http client (plain_http.h) behind the HTTP seam the
// modules' curl client implements too (http_client.h), so that the one IMDS
// client (imds_client.h) runs over either: this one on the static front's
// cache-hit path, which maps neither libcurl nor OpenSSL.
//
// Bound to one endpoint, whose addresses the caller resolved once (the front
// resolves no name: endpoint.h's HostResolver): a request for another
// scheme, host or port, or one with a body, is Status::internal, never sent.
#pragma once

#include <vector>

#include "clock.h"
#include "http_client.h"
#include "net/endpoint.h"

namespace fedcred::net {

class PlainHttpClient final : public modules::HttpClient {
 public:
  PlainHttpClient(Clock const& clock, HttpEndpoint endpoint, std::vector<SocketAddress> addresses)
      : clock_(clock), endpoint_(std::move(endpoint)), addresses_(std::move(addresses)) {}

  // One exchange within request.timeout_ms; the HTTP seam's contract
  // (transport failures Status::transient, an answer that is not HTTP or too
  // long Status::response). Header names lower-cased, as curl_http.cc's.
  Result<modules::HttpResponse> send(modules::HttpRequest const& request) override;

 private:
  Clock const& clock_;
  HttpEndpoint endpoint_;
  std::vector<SocketAddress> addresses_;
};

}  // namespace fedcred::net
