// SPDX-License-Identifier: Apache-2.0
// parse_http_endpoint / numeric_address (net/endpoint.h).
#include "net/endpoint.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include "fakes/host_resolver.h"

namespace fedcred::net {
namespace {

TEST(HttpEndpoint, HostAndPort) {
  auto a = parse_http_endpoint("http://169.254.169.254");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "169.254.169.254");
  EXPECT_EQ(a->port, 80);
  auto b = parse_http_endpoint("http://[fd00:ec2::254]:8080/");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "fd00:ec2::254");
  EXPECT_EQ(b->port, 8080);
  EXPECT_EQ(b->host_header, "[fd00:ec2::254]:8080");
  EXPECT_EQ(parse_http_endpoint("http://localhost:1338")->host, "localhost");
}

TEST(HttpEndpoint, RefusesWhatIsNotPlainHttp) {
  for (char const* url : {"https://169.254.169.254", "ftp://x", "http://", "http://u@127.0.0.1", "http://1.2.3.4:0",
                          "http://1.2.3.4:65536", "http://1.2.3.4:8x", "http://[::1", "http://[::1]x"}) {
    auto r = parse_http_endpoint(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().status, Status::usage) << url;
  }
}

TEST(NumericAddress, LiteralsOnly) {
  auto v4 = numeric_address("127.0.0.1", 80);
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->storage.ss_family, AF_INET);
  auto v6 = numeric_address("fd00:ec2::254", 80);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->storage.ss_family, AF_INET6);
  EXPECT_FALSE(numeric_address("localhost", 80).has_value());
  EXPECT_FALSE(numeric_address("127.0.0.1.example.com", 80).has_value());
}

TEST(AddressesOf, TheResolverSeesNamesOnly) {
  test::FakeHostResolver resolver;
  ASSERT_TRUE(addresses_of(*parse_http_endpoint("http://169.254.169.254"), resolver, 1000).ok());
  EXPECT_EQ(resolver.calls, 0);
  ASSERT_TRUE(addresses_of(*parse_http_endpoint("http://localhost:1338"), resolver, 1000).ok());
  EXPECT_EQ(resolver.calls, 1);
}

}  // namespace
}  // namespace fedcred::net
