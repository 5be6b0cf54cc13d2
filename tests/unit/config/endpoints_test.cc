// SPDX-License-Identifier: Apache-2.0
// STS and GCE metadata endpoints: partitions, FIPS, overrides, loopback rule.
#include "config/endpoints.h"

#include <string>
#include <tuple>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::env_of;
using test::FailsWith;
using test::Succeeds;

std::string regional_url(std::string const& region, bool fips) {
  auto e = sts_endpoint(region, fips, MapEnv());
  EXPECT_TRUE(Succeeds(e)) << region;
  return e ? e->url : "<error>";
}

struct RegionCase {
  char const* region;
  bool fips;
  char const* url;
};

class RegionalStsEndpoint : public ::testing::TestWithParam<RegionCase> {};

TEST_P(RegionalStsEndpoint, MatchesBotocoreRules) {
  EXPECT_EQ(regional_url(GetParam().region, GetParam().fips), GetParam().url);
}

INSTANTIATE_TEST_SUITE_P(
    Partitions, RegionalStsEndpoint,
    ::testing::Values(RegionCase{"us-east-1", false, "https://sts.us-east-1.amazonaws.com"},
                      RegionCase{"us-east-1", true, "https://sts-fips.us-east-1.amazonaws.com"},
                      RegionCase{"eu-west-1", false, "https://sts.eu-west-1.amazonaws.com"},
                      RegionCase{"cn-north-1", false, "https://sts.cn-north-1.amazonaws.com.cn"},
                      RegionCase{"cn-northwest-1", false, "https://sts.cn-northwest-1.amazonaws.com.cn"},
                      RegionCase{"us-gov-west-1", false, "https://sts.us-gov-west-1.amazonaws.com"},
                      // aws-us-gov: the regional endpoint is already FIPS; there is no sts-fips host.
                      RegionCase{"us-gov-west-1", true, "https://sts.us-gov-west-1.amazonaws.com"},
                      RegionCase{"us-gov-east-1", true, "https://sts.us-gov-east-1.amazonaws.com"},
                      RegionCase{"us-iso-east-1", false, "https://sts.us-iso-east-1.c2s.ic.gov"},
                      RegionCase{"us-isob-east-1", false, "https://sts.us-isob-east-1.sc2s.sgov.gov"}));

TEST(PartitionDnsSuffix, PerPartition) {
  EXPECT_EQ(partition_dns_suffix("us-east-1"), "amazonaws.com");
  EXPECT_EQ(partition_dns_suffix("us-gov-west-1"), "amazonaws.com");
  EXPECT_EQ(partition_dns_suffix("cn-north-1"), "amazonaws.com.cn");
  EXPECT_EQ(partition_dns_suffix("us-iso-east-1"), "c2s.ic.gov");
  EXPECT_EQ(partition_dns_suffix("us-isob-east-1"), "sc2s.sgov.gov");
}

TEST(StsEndpoint, RegionalOriginNamesTheRegion) {
  auto e = sts_endpoint("eu-west-1", false, MapEnv());
  ASSERT_TRUE(Succeeds(e));
  EXPECT_EQ(e->origin, "region eu-west-1");
}

// Workloads set AWS_ENDPOINT_URL for MinIO / R2 / LocalStack and every SDK
// honours it for every service: if it steered STS, the identity token (or a
// signed, replayable request) would go to that storage host. Only the
// STS-specific variable may redirect STS (issue 12, item 2).
TEST(StsEndpoint, GenericEndpointOverrideIsIgnoredForSts) {
  MapEnv env = env_of({{"AWS_ENDPOINT_URL", "https://minio.internal.example:9000"}});
  auto e = sts_endpoint("us-east-1", false, env);
  ASSERT_TRUE(Succeeds(e));
  EXPECT_EQ(e->url, "https://sts.us-east-1.amazonaws.com");
  EXPECT_EQ(e->origin, "region us-east-1");
}

TEST(StsEndpoint, PlainHttpGenericOverrideIsNotAnError) {
  // Ignored, so not validated either: a LocalStack http URL must not break fedcred.
  MapEnv env = env_of({{"AWS_ENDPOINT_URL", "http://localstack.internal:4566"}});
  EXPECT_TRUE(Succeeds(sts_endpoint("us-east-1", false, env)));
}

TEST(StsEndpoint, ServiceOverrideApplies) {
  MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", "https://sts.internal.example:8443/sts"},
              {"AWS_ENDPOINT_URL", "https://all.internal.example"}});
  auto e = sts_endpoint("us-east-1", true, env);
  ASSERT_TRUE(Succeeds(e));
  EXPECT_EQ(e->url, "https://sts.internal.example:8443/sts");
  EXPECT_EQ(e->origin, "AWS_ENDPOINT_URL_STS");
}

TEST(StsEndpoint, InvalidServiceOverrideIsRefused) {
  MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", "ftp://sts.example"}, {"AWS_ENDPOINT_URL", "https://ok.example"}});
  EXPECT_TRUE(FailsWith(sts_endpoint("us-east-1", false, env), Status::usage, "AWS_ENDPOINT_URL_STS"));
}

class LoopbackHttpOverride : public ::testing::TestWithParam<char const*> {};

TEST_P(LoopbackHttpOverride, IsAllowed) {
  MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", GetParam()}});
  auto e = sts_endpoint("us-east-1", false, env);
  ASSERT_TRUE(Succeeds(e)) << GetParam();
  EXPECT_EQ(e->url, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Hosts, LoopbackHttpOverride,
                         ::testing::Values("http://127.0.0.1:5000", "http://127.0.0.1:5000/", "http://127.1.2.3:80/x",
                                           "http://localhost", "http://localhost:8080/sts", "http://[::1]:5000",
                                           "http://[::1]"));

class NonLoopbackHttpOverride : public ::testing::TestWithParam<char const*> {};

TEST_P(NonLoopbackHttpOverride, IsRefused) {
  MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", GetParam()}});
  EXPECT_TRUE(FailsWith(sts_endpoint("us-east-1", false, env), Status::usage, "AWS_ENDPOINT_URL_STS", "loopback"))
      << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Hosts, NonLoopbackHttpOverride,
                         ::testing::Values("http://127.0.0.1.evil.example", "http://127.0.0.1.evil.example:5000/",
                                           "http://10.0.0.1", "http://10.0.0.1:5000", "http://sts.amazonaws.com",
                                           "http://localhost.evil.example", "http://[::2]:80"));

// "http://127.0.0.1:80@evil.example/" looks like loopback, but curl connects
// to evil.example with user "127.0.0.1" and password "80": the web identity
// token would cross the network in clear text.
TEST(StsEndpoint, HttpWithLoopbackUserinfoToARemoteHostIsRefused) {
  for (char const* url : {"http://127.0.0.1:80@evil.example/", "http://localhost:1@evil.example:5000/sts",
                          "http://127.0.0.1@evil.example/", "https://user@sts.example.com/"}) {
    MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", url}});
    EXPECT_TRUE(FailsWith(sts_endpoint("us-east-1", false, env), Status::usage, "user information")) << url;
  }
}

TEST(StsEndpoint, NonUrlOverridesAreRefused) {
  for (char const* bad : {"sts.example.com", "ftp://sts.example.com", "https://", "https:/sts.example.com",
                          "https://sts.example.com/ path", "https://sts.example.com\n"}) {
    MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", bad}});
    EXPECT_TRUE(FailsWith(sts_endpoint("us-east-1", false, env), Status::usage, "AWS_ENDPOINT_URL_STS")) << bad;
  }
}

TEST(StsEndpoint, HttpsOverrideToAnyHostIsAllowed) {
  MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", "https://10.0.0.1:8443"}});
  EXPECT_TRUE(Succeeds(sts_endpoint("us-east-1", false, env)));
}

// ---- GCE metadata host ----

TEST(GceMetadataHost, DefaultsToMetadataGoogleInternal) {
  auto e = gce_metadata_host(MapEnv());
  ASSERT_TRUE(Succeeds(e));
  EXPECT_EQ(e->url, "metadata.google.internal");
  EXPECT_EQ(e->origin, "default");
}

TEST(GceMetadataHost, GceMetadataHostWins) {
  auto e = gce_metadata_host(env_of({{"GCE_METADATA_HOST", "127.0.0.1:8080"}, {"GCE_METADATA_ROOT", "other:1"}}));
  ASSERT_TRUE(Succeeds(e));
  EXPECT_EQ(e->url, "127.0.0.1:8080");
  EXPECT_EQ(e->origin, "GCE_METADATA_HOST");
}

TEST(GceMetadataHost, LegacyGceMetadataRootIsHonoured) {
  auto e = gce_metadata_host(env_of({{"GCE_METADATA_ROOT", "169.254.169.254"}}));
  ASSERT_TRUE(Succeeds(e));
  EXPECT_EQ(e->url, "169.254.169.254");
  EXPECT_EQ(e->origin, "GCE_METADATA_ROOT");
}

TEST(GceMetadataHost, IPv6HostWithPortIsAccepted) {
  EXPECT_TRUE(Succeeds(gce_metadata_host(env_of({{"GCE_METADATA_HOST", "[::1]:8080"}}))));
}

TEST(GceMetadataHost, UrlsPathsAndOddCharactersAreRefused) {
  for (char const* bad : {"http://metadata", "metadata/computeMetadata", "user@metadata", "meta data", "host?x=1"}) {
    EXPECT_TRUE(FailsWith(gce_metadata_host(env_of({{"GCE_METADATA_HOST", bad}})), Status::usage, "GCE_METADATA_HOST"))
        << bad;
  }
  EXPECT_TRUE(FailsWith(gce_metadata_host(env_of({{"GCE_METADATA_ROOT", "http://x/"}})), Status::usage,
                        "GCE_METADATA_ROOT"));
  EXPECT_TRUE(FailsWith(gce_metadata_host(env_of({{"GCE_METADATA_HOST", std::string(256, 'a')}})), Status::usage,
                        "GCE_METADATA_HOST"));
}

// Metadata requests are plain http and answer with identity tokens: the same
// rule as any plain-http override, loopback / link-local / the documented
// metadata names only (issue 12, item 13).
TEST(GceMetadataHost, OnlyLoopbackLinkLocalOrTheMetadataNameIsAccepted) {
  for (char const* ok : {"metadata.google.internal", "metadata.google.internal:80", "169.254.169.254",
                         "169.254.169.254:8080", "127.0.0.1:8080", "localhost:9000", "[::1]", "[fe80::1]:80"}) {
    EXPECT_TRUE(Succeeds(gce_metadata_host(env_of({{"GCE_METADATA_HOST", ok}})))) << ok;
  }
  for (char const* bad : {"evil.example", "evil.example:80", "10.0.0.1:8080", "metadata.google.internal.evil.example",
                          "169.254.169.254.evil.example", "[2001:db8::1]:80", "[fd00:ec2::253]"}) {
    EXPECT_TRUE(FailsWith(gce_metadata_host(env_of({{"GCE_METADATA_HOST", bad}})), Status::usage, "GCE_METADATA_HOST",
                          "link-local"))
        << bad;
  }
}

TEST(MetadataUrlOverride, PlainHttpOnlyToMetadataHosts) {
  for (char const* ok : {"http://169.254.169.254", "http://[fd00:ec2::254]", "http://127.0.0.1:1338/",
                         "http://[fe80::a9fe:a9fe]:80", "https://imds-proxy.internal.example"}) {
    EXPECT_TRUE(Succeeds(metadata_url_override(ok, "AWS_EC2_METADATA_SERVICE_ENDPOINT"))) << ok;
  }
  for (char const* bad : {"http://imds.evil.example", "http://10.1.2.3", "http://169.254.169.254.evil.example",
                          "http://127.0.0.1@evil.example/", "ftp://169.254.169.254", "http:///x"}) {
    EXPECT_TRUE(FailsWith(metadata_url_override(bad, "AWS_EC2_METADATA_SERVICE_ENDPOINT"), Status::usage,
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT"))
        << bad;
  }
}

TEST(MetadataUrlOverride, UserInfoIsRefusedWithoutEchoingIt) {
  auto e = metadata_url_override("http://u:SECRETPW@169.254.169.254/", "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  EXPECT_TRUE(FailsWith(e, Status::usage, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "user information"));
  EXPECT_EQ(e.error().message.find("SECRETPW"), std::string::npos);
}

TEST(MetadataUrlOverride, BadPortIsRefused) {
  EXPECT_TRUE(FailsWith(metadata_url_override("http://169.254.169.254:imds/", "AWS_EC2_METADATA_SERVICE_ENDPOINT"),
                        Status::usage, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "port"));
}

TEST(GceMetadataHost, BadPortIsRefused) {
  EXPECT_TRUE(FailsWith(gce_metadata_host(env_of({{"GCE_METADATA_HOST", "metadata.google.internal:http"}})),
                        Status::usage, "GCE_METADATA_HOST", "host[:port]"));
}

TEST(UrlAuthority, NamesHostAndPortOnly) {
  EXPECT_EQ(url_authority("https://sts.us-east-1.amazonaws.com/?Action=x"), "sts.us-east-1.amazonaws.com");
  EXPECT_EQ(url_authority("http://[fd00:ec2::254]:80/latest"), "[fd00:ec2::254]:80");
  EXPECT_EQ(url_authority("https://user:SECRETPW@sts.example/"), "(invalid URL)");
}

TEST(MetadataUrlOverride, TrailingSlashesAreDropped) {
  auto e = metadata_url_override("http://169.254.169.254//", "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  ASSERT_TRUE(Succeeds(e));
  EXPECT_EQ(e->url, "http://169.254.169.254");
}

// ---- is_loopback_host ----

TEST(IsLoopbackHost, LoopbackAddresses) {
  for (char const* h : {"127.0.0.1", "127.255.255.254", "127.0.0.53", "localhost", "[::1]", "::1"}) {
    EXPECT_TRUE(is_loopback_host(h)) << h;
  }
}

TEST(IsLoopbackHost, EverythingElse) {
  for (char const* h : {"", "10.0.0.1", "128.0.0.1", "126.255.255.255", "127.0.0.1.evil.example", "127.1",
                        "localhost.evil.example", "evil-localhost", "::2", "[::2]", "0.0.0.0", "127.0.0.1:80"}) {
    EXPECT_FALSE(is_loopback_host(h)) << h;
  }
}

}  // namespace
}  // namespace fedcred
