// SPDX-License-Identifier: Apache-2.0
#include "url.h"

#include <gtest/gtest.h>

namespace fedcred::modules {
namespace {

TEST(ParseUrl, SplitsHostPortAndPath) {
  auto u = parse_url("https://sts.us-east-1.amazonaws.com");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "sts.us-east-1.amazonaws.com");
  EXPECT_EQ(u->port, "");
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->authority(), "sts.us-east-1.amazonaws.com");

  auto local = parse_url("HTTP://127.0.0.1:8080/sts?x=1");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->scheme, "http");
  EXPECT_EQ(local->authority(), "127.0.0.1:8080");
  EXPECT_EQ(local->path, "/sts?x=1");

  auto v6 = parse_url("http://[::1]:9/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->authority(), "[::1]:9");
}

TEST(ParseUrl, RejectsWhatItCannotUse) {
  for (char const* bad : {"sts.amazonaws.com", "ftp://x/", "https://user:pw@host/", "https://:80/",
                          "https://host:port/", "https://host/#frag", "https://ho st/", "http://[::1/"}) {
    auto u = parse_url(bad);
    EXPECT_FALSE(u.ok()) << bad;
    if (!u.ok()) {
      EXPECT_EQ(u.error().status, Status::usage);
    }
  }
  EXPECT_EQ(url_authority("nonsense"), "(invalid URL)");
}

TEST(ParseUrl, ErrorsDoNotQuoteTheUrl) {
  auto u = parse_url("https://user:SECRETPW@host/");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().message.find("SECRETPW"), std::string::npos);
}

TEST(Authority, AcceptsMetadataHostShapes) {
  EXPECT_TRUE(is_valid_authority("metadata.google.internal"));
  EXPECT_TRUE(is_valid_authority("169.254.169.254"));
  EXPECT_TRUE(is_valid_authority("127.0.0.1:8080"));
  EXPECT_TRUE(is_valid_authority("[fd00:ec2::254]:80"));
  EXPECT_FALSE(is_valid_authority(""));
  EXPECT_FALSE(is_valid_authority("host/path"));
  EXPECT_FALSE(is_valid_authority("http://host"));
  EXPECT_FALSE(is_valid_authority("a@host"));
  EXPECT_FALSE(is_valid_authority("host:"));
  EXPECT_FALSE(is_valid_authority("host:123456"));
}

TEST(Authority, SplitsHostAndPort) {
  std::string host;
  std::string port;
  ASSERT_TRUE(split_authority("[fd00:ec2::254]:8080", host, port));
  EXPECT_EQ(host, "[fd00:ec2::254]");
  EXPECT_EQ(port, "8080");
  ASSERT_TRUE(split_authority("metadata.google.internal", host, port));
  EXPECT_EQ(host, "metadata.google.internal");
  EXPECT_EQ(port, "");
  EXPECT_FALSE(split_authority("metadata.google.internal:http", host, port));
  EXPECT_FALSE(split_authority("fe80::1", host, port)) << "a bare IPv6 literal is ambiguous with a port";
}

TEST(IsLinkLocalHost, OnlyTheLinkLocalRanges) {
  for (char const* h : {"169.254.169.254", "169.254.0.1", "[fe80::a9fe:a9fe]", "fe80::1", "[FE80::1]", "[febf::1]"}) {
    EXPECT_TRUE(is_link_local_host(h)) << h;
  }
  for (char const* h : {"", "169.253.1.1", "169.255.0.1", "169.254.169.254.evil.example", "127.0.0.1", "[::1]",
                        "[fec0::1]", "[fd00:ec2::254]", "metadata.google.internal", "169.254.169.254:80"}) {
    EXPECT_FALSE(is_link_local_host(h)) << h;
  }
}

TEST(PercentEncode, KeepsOnlyUnreserved) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b+c/d=e&f?"), "a%20b%2Bc%2Fd%3De%26f%3F");
  EXPECT_EQ(percent_encode("//iam.googleapis.com/x"), "%2F%2Fiam.googleapis.com%2Fx");
  EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");
}

TEST(FormEncode, JoinsEncodedPairs) {
  Secret body = form_encode({{"A", "1"}, {"k y", "v+/="}, {"empty", ""}});
  EXPECT_EQ(body.reveal(), "A=1&k%20y=v%2B%2F%3D&empty=");
  EXPECT_EQ(body.reveal().capacity() >= body.size(), true);
  EXPECT_EQ(form_encode({}).reveal(), "");
}

}  // namespace
}  // namespace fedcred::modules
