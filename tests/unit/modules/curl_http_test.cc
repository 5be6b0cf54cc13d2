// SPDX-License-Identifier: Apache-2.0
// CurlHttpClient against a tiny HTTP server on loopback: the rules that only
// a real transfer can show (no redirects, the body cap, no proxy for direct).
#include "curl_http.h"
#include "loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fedcred::modules {
namespace {

// Environment proxies would change what these tests exercise.
class CurlHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (char const* v : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                          "no_proxy", "NO_PROXY"}) {
      ::unsetenv(v);
    }
  }
  CurlHttpClient client_{CurlOptions{}};
};

HttpRequest get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  r.timeout_ms = 5000;
  r.max_body_bytes = 1000;
  return r;
}

TEST_F(CurlHttpTest, ReturnsStatusHeadersAndBody) {
  LoopbackServer server({"HTTP/1.1 200 OK\r\nMetadata-Flavor: Google\r\nContent-Length: 5\r\n\r\nhello"});
  auto r = client_.send(get(server.base() + "/x?audience=a"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("metadata-flavor"), "Google");
  EXPECT_EQ(r->body.reveal(), "hello");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].rfind("GET /x?audience=a HTTP/1.1\r\n", 0), 0U);
}

TEST_F(CurlHttpTest, DoesNotFollowRedirects) {
  LoopbackServer server({"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
                         "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno"});
  auto r = client_.send(get(server.base() + "/start"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->header("location"), "/elsewhere");
  EXPECT_EQ(server.requests().size(), 1U);
}

TEST_F(CurlHttpTest, EnforcesTheBodyCapWhileReceiving) {
  std::string big(100'000, 'x');
  // No Content-Length: the cap must hold while streaming, not just up front.
  LoopbackServer server({"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big,
                         "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + big});
  for (int i = 0; i < 2; ++i) {
    auto r = client_.send(get(server.base() + "/big?secret=QUERYMARKER"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, Status::response);
    EXPECT_EQ(r.error().message, "response from " + server.base().substr(7) + " exceeds 1000 bytes");
  }
}

TEST_F(CurlHttpTest, PostsTheBodyWithoutExpectContinue) {
  LoopbackServer server({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"});
  HttpRequest r = get(server.base() + "/");
  r.method = "POST";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  std::string body = "Action=AssumeRoleWithWebIdentity&WebIdentityToken=" + std::string(5000, 'T');
  r.body = Secret(body);
  auto resp = client_.send(r);
  ASSERT_TRUE(resp.ok()) << resp.error().message;
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].rfind("POST / HTTP/1.1\r\n", 0), 0U);
  EXPECT_NE(seen[0].find("Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(seen[0].find("Expect:"), std::string::npos);
  EXPECT_EQ(seen[0].substr(seen[0].find("\r\n\r\n") + 4), body);
}

TEST_F(CurlHttpTest, ConnectionRefusedIsTransientAndNamesTheHost) {
  std::string url;
  {
    LoopbackServer closed({});
    url = closed.base() + "/path?audience=QUERYMARKER";
  }
  auto r = client_.send(get(url));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, Status::transient);
  EXPECT_NE(r.error().message.find("cannot reach 127.0.0.1:"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("QUERYMARKER"), std::string::npos);
  EXPECT_EQ(r.error().message.find("/path"), std::string::npos);
}

TEST_F(CurlHttpTest, TimeoutIsTransient) {
  LoopbackServer server({"unused"}, /*hang=*/true);
  HttpRequest r = get(server.base() + "/slow");
  r.timeout_ms = 300;
  auto resp = client_.send(r);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.error().status, Status::transient);
}

// The proxy is a recording server: what reached it is seen, not inferred from
// a failure. A plain-http URL (loopback only) carries token forms in clear
// text and must never go through a proxy, direct (metadata) or not (issue 12,
// item 3).
TEST_F(CurlHttpTest, PlainHttpAndDirectRequestsNeverReachTheProxy) {
  LoopbackServer server({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                         "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"});
  LoopbackServer proxy({"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n",
                        "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"});
  for (char const* v : {"http_proxy", "HTTPS_PROXY", "ALL_PROXY"}) ::setenv(v, proxy.base().c_str(), 1);
  HttpRequest r = get(server.base() + "/meta");
  r.direct = true;
  auto direct = client_.send(r);
  r.direct = false;
  r.method = "POST";
  r.body = Secret(std::string("WebIdentityToken=PROXYCANARY"));
  auto plain = client_.send(r);
  for (char const* v : {"http_proxy", "HTTPS_PROXY", "ALL_PROXY"}) ::unsetenv(v);
  ASSERT_TRUE(direct.ok()) << direct.error().message;
  EXPECT_EQ(direct->status, 200);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(proxy.requests().size(), 0U);
  EXPECT_EQ(server.requests().size(), 2U);
}

TEST_F(CurlHttpTest, OtherSchemesAreRefused) {
  auto r = client_.send(get("file:///etc/passwd"));
  ASSERT_FALSE(r.ok());
}

}  // namespace
}  // namespace fedcred::modules
