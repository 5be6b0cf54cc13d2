// SPDX-License-Identifier: Apache-2.0
// libcurl's receive buffer held the last response (an STS answer, an ID
// token) when freed: CurlHttpClient initialises libcurl with memory functions
// that wipe (issue 12, item 8). fakes/freed_memory_scan.h replaces free().
#include <stdlib.h>

#include <string>

#include <gtest/gtest.h>

#include "curl_http.h"
#include "fakes/freed_memory_scan.h"
#include "loopback_server.h"

namespace fedcred::modules {
namespace {

using fedcred::test::FreedMemoryScan;

TEST(CurlHttpWipe, AResponseLeavesNoTokenInFreedMemory) {
  for (char const* v : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(v);
  FreedMemoryScan scan;
  std::string body = std::string(scan.canary()) + std::string(2000, 'b');
  {
    LoopbackServer server({"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body});
    HttpRequest request;
    request.url = server.base() + "/token";
    request.timeout_ms = 5000;
    request.max_body_bytes = 100000;
    scan.arm();
    {
      CurlHttpClient client{CurlOptions{}};
      auto response = client.send(request);
      ASSERT_TRUE(response.ok()) << response.error().message;
      EXPECT_EQ(response->body.reveal(), body);
    }  // the response (a Secret) and the client, with its curl handle, are gone
    scan.disarm();
  }
  wipe(body);
  EXPECT_EQ(scan.hits(), 0) << "a block libcurl freed held the token";
}

}  // namespace
}  // namespace fedcred::modules
