// SPDX-License-Identifier: Apache-2.0
// parse_http_answer / format_http_request (net/http_message.h): what the core's
// plain-http client accepts from IMDS, and what it refuses.
#include "net/http_message.h"

#include <gtest/gtest.h>

#include <string>

namespace fedcred::net {
namespace {

constexpr std::size_t kMax = 64 * 1024;

HttpAnswer complete(std::string const& raw, bool at_eof = false) {
  auto parsed = parse_http_answer(raw, at_eof, kMax);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  EXPECT_TRUE(parsed.ok() && parsed->has_value()) << raw;
  return parsed.ok() && parsed->has_value() ? std::move(**parsed) : HttpAnswer{};
}

bool incomplete(std::string const& raw) {
  auto parsed = parse_http_answer(raw, false, kMax);
  return parsed.ok() && !parsed->has_value();
}

std::string refused(std::string const& raw, bool at_eof = false, std::size_t max = kMax) {
  auto parsed = parse_http_answer(raw, at_eof, max);
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.error().status, Status::response);
  return parsed.error().message;
}

TEST(HttpAnswer, StatusHeadersAndContentLengthBody) {
  HttpAnswer a = complete("HTTP/1.1 200 OK\r\nServer: EC2ws\r\nContent-Length: 16\r\n\r\nfedcred-ec2-role");
  EXPECT_EQ(a.status, 200);
  ASSERT_EQ(a.headers.size(), 2u);
  EXPECT_EQ(a.headers[0].first, "Server");
  EXPECT_EQ(a.headers[0].second, "EC2ws");
  EXPECT_EQ(a.body.reveal(), "fedcred-ec2-role");
}

TEST(HttpAnswer, BodyIsExactlyContentLength) {
  EXPECT_EQ(complete("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef").body.reveal(), "abc");
  EXPECT_EQ(complete("HTTP/1.1 404 Not Found\r\ncontent-length:0\r\n\r\n").status, 404);
}

TEST(HttpAnswer, WithoutContentLengthTheBodyRunsToTheClose) {
  EXPECT_TRUE(incomplete("HTTP/1.0 200 OK\r\n\r\nrole-a"));
  EXPECT_EQ(complete("HTTP/1.0 200 OK\r\n\r\nrole-a", true).body.reveal(), "role-a");
}

TEST(HttpAnswer, WaitsForMoreBytes) {
  EXPECT_TRUE(incomplete(""));
  EXPECT_TRUE(incomplete("HTTP/1.1 2"));
  EXPECT_TRUE(incomplete("HTTP/1.1 200 OK\r\nContent-Len"));
  EXPECT_TRUE(incomplete("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"));
}

TEST(HttpAnswer, TruncatedByTheCloseIsAnError) {
  EXPECT_NE(refused("", true), "");
  EXPECT_NE(refused("HTTP/1.1 200 OK\r\nContent-Le", true), "");
  EXPECT_NE(refused("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true).find("cut short"), std::string::npos);
}

TEST(HttpAnswer, OversizedIsAnError) {
  EXPECT_NE(refused("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", false, 10).find("over 10 bytes"),
            std::string::npos);
  EXPECT_NE(refused("HTTP/1.1 200 OK\r\n\r\n" + std::string(11, 'x'), false, 10), "");
  EXPECT_NE(refused("HTTP/1.1 200 OK\r\nX: " + std::string(kMaxHttpHeaderBytes, 'x')), "");
  EXPECT_NE(refused("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n"), "");
}

TEST(HttpAnswer, GarbageIsAnError) {
  for (std::string raw : {"SSH-2.0-OpenSSH_9.6\r\n\r\n", "HTTP/2 200\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
                          "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 abc\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
                          "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                          "HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n"}) {
    EXPECT_NE(refused(raw, true), "") << raw;
  }
  // A wrong status line is refused before the rest arrives.
  EXPECT_NE(refused("GARBAGE\r\nmore"), "");
}

TEST(HttpAnswer, ChunkedIsRefusedNotGuessed) {
  EXPECT_NE(refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", true)
                .find("chunked"),
            std::string::npos);
}

TEST(HttpRequest, ImdsTokenPutAndGet) {
  std::vector<std::pair<std::string, Secret>> ttl;
  ttl.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", Secret(std::string("300")));
  EXPECT_EQ(format_http_request("PUT", "169.254.169.254", "/latest/api/token", ttl).reveal(),
            "PUT /latest/api/token HTTP/1.1\r\nHost: 169.254.169.254\r\n"
            "X-aws-ec2-metadata-token-ttl-seconds: 300\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  std::vector<std::pair<std::string, Secret>> token;
  token.emplace_back("X-aws-ec2-metadata-token", Secret(std::string("AQAE")));
  EXPECT_EQ(format_http_request("GET", "[fd00:ec2::254]", "/x", token).reveal(),
            "GET /x HTTP/1.1\r\nHost: [fd00:ec2::254]\r\nX-aws-ec2-metadata-token: AQAE\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace fedcred::net
