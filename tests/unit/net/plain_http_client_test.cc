// SPDX-License-Identifier: Apache-2.0
// The core's plain-http client behind the HTTP seam (net/plain_http_client.h):
// what the one IMDS client's requests become on the wire, what its answers
// look like to it, and the requests it refuses to send.
#include "net/plain_http_client.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "clock.h"
#include "unit/modules/loopback_server.h"

namespace fedcred::net {
namespace {

PlainHttpClient client_for(std::string const& base, SystemClock const& clock) {
  auto endpoint = parse_http_endpoint(base);
  EXPECT_TRUE(endpoint.ok());
  auto address = numeric_address(endpoint->host, endpoint->port);
  EXPECT_TRUE(address.has_value());
  return PlainHttpClient(clock, *endpoint, {*address});
}

TEST(PlainHttpClient, SendsTheRequestAndAnswersAsTheSeamSays) {
  modules::LoopbackServer server(
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Aws-Ec2-Metadata-Token-Ttl-Seconds: 300 \r\n\r\nhello"});
  SystemClock clock;
  auto http = client_for(server.base(), clock);
  modules::HttpRequest request;
  request.method = "PUT";
  request.url = server.base() + "/latest/api/token";
  request.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "300"}};
  request.timeout_ms = 2000;
  auto answer = http.send(request);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body.reveal(), "hello");
  EXPECT_EQ(answer->header("x-aws-ec2-metadata-token-ttl-seconds"), "300") << "names lower-cased, values trimmed";
  auto const sent = server.requests();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].rfind("PUT /latest/api/token HTTP/1.1\r\n", 0), 0U) << sent[0];
  EXPECT_NE(sent[0].find("\r\nHost: " + server.base().substr(7) + "\r\n"), std::string::npos) << sent[0];
  EXPECT_NE(sent[0].find("\r\nX-aws-ec2-metadata-token-ttl-seconds: 300\r\n"), std::string::npos) << sent[0];
}

TEST(PlainHttpClient, SendsOnlyToItsEndpointAndNoBody) {
  modules::LoopbackServer server({});
  SystemClock clock;
  auto http = client_for(server.base(), clock);
  modules::HttpRequest other;
  other.url = "http://127.0.0.2:1/latest/api/token";
  EXPECT_EQ(http.send(other).error().status, Status::internal);
  other.url = "https://" + server.base().substr(7) + "/latest/api/token";
  EXPECT_EQ(http.send(other).error().status, Status::internal) << "no TLS on this path";
  modules::HttpRequest with_body;
  with_body.url = server.base() + "/";
  with_body.body = Secret(std::string("x"));
  EXPECT_EQ(http.send(with_body).error().status, Status::internal);
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace fedcred::net
