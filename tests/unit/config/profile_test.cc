// SPDX-License-Identifier: Apache-2.0
// Profile resolution: explicit > environment > [profile P] > [default] > defaults.
#include "config/profile.h"

#include <string>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::env_of;
using test::FailsWith;
using test::Succeeds;

constexpr char kArn[] = "arn:aws:iam::123456789012:role/s3-reader";
constexpr char kOtherArn[] = "arn:aws:iam::210987654321:role/other";
constexpr std::int64_t kDefaultTimeout = 15;

ConfigSet config_from(std::string const& text, std::string const& name = "/etc/fedcred/fedcred.conf") {
  ConfigSet set;
  auto r = parse_config_text(name, text, set);
  EXPECT_TRUE(Succeeds(r));
  set.files_read.push_back(name);
  return set;
}

Settings flags(std::map<std::string, std::string> const& values) {
  Settings s;
  for (auto const& [k, v] : values) s[k] = Setting{v, "--" + k};
  return s;
}

Result<AwsRequest> resolve(ConfigSet const& config, std::string const& profile, Settings const& explicit_settings,
                           MapEnv const& env = MapEnv()) {
  return resolve_aws_request(config, profile, explicit_settings, env, kDefaultTimeout);
}

TEST(ResolveAwsRequest, DefaultsApplyWhenOnlyTheRoleIsGiven) {
  auto req = resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}));
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->role_arn, kArn);
  EXPECT_EQ(req->source, "gce");
  EXPECT_EQ(req->audience, "sts.amazonaws.com");
  EXPECT_EQ(req->region, "us-east-1");
  EXPECT_EQ(req->session_name, std::nullopt);
  EXPECT_EQ(req->duration_seconds, 3600);
  EXPECT_FALSE(req->use_fips_endpoint);
  EXPECT_EQ(req->timeout_seconds, kDefaultTimeout);
  EXPECT_TRUE(req->cache);
  EXPECT_EQ(req->refresh_margin_seconds, 900);
  EXPECT_EQ(req->sts.url, "https://sts.us-east-1.amazonaws.com");
  EXPECT_EQ(req->metadata_host.url, "metadata.google.internal");
}

TEST(ResolveAwsRequest, DefaultTimeoutComesFromTheCaller) {
  auto req = resolve_aws_request(ConfigSet{}, "", flags({{"role_arn", kArn}}), MapEnv(), 42);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->timeout_seconds, 42);
}

TEST(ResolveAwsRequest, DefaultSectionAppliesWithoutAProfile) {
  auto config = config_from(std::string("[default]\nrole_arn = ") + kArn +
                            "\nregion = eu-west-1\nduration = 7200\nsession_name = from-default\n"
                            "use_fips_endpoint = yes\ntimeout = 9\ncache = off\nrefresh_margin = 60\n"
                            "audience = my-aud\nsource = other\n");
  auto req = resolve(config, "", {});
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->role_arn, kArn);
  EXPECT_EQ(req->region, "eu-west-1");
  EXPECT_EQ(req->duration_seconds, 7200);
  EXPECT_EQ(req->session_name, "from-default");
  EXPECT_TRUE(req->use_fips_endpoint);
  EXPECT_EQ(req->timeout_seconds, 9);
  EXPECT_FALSE(req->cache);
  EXPECT_EQ(req->refresh_margin_seconds, 60);
  EXPECT_EQ(req->audience, "my-aud");
  EXPECT_EQ(req->source, "other");
  EXPECT_EQ(req->sts.url, "https://sts-fips.eu-west-1.amazonaws.com");
}

TEST(ResolveAwsRequest, ProfileSectionOverridesDefaultKeyByKey) {
  auto config = config_from(std::string("[default]\nrole_arn = ") + kArn +
                            "\nregion = eu-west-1\nduration = 7200\n"
                            "[profile p]\nregion = ap-northeast-1\n");
  auto req = resolve(config, "p", {});
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->profile, "p");
  EXPECT_EQ(req->region, "ap-northeast-1");  // from [profile p]
  EXPECT_EQ(req->duration_seconds, 7200);    // inherited from [default]
  EXPECT_EQ(req->role_arn, kArn);            // inherited from [default]
}

TEST(ResolveAwsRequest, ProfileSectionsDoNotLeakIntoOtherProfiles) {
  auto config = config_from(std::string("[default]\nrole_arn = ") + kArn +
                            "\n[profile a]\nregion = eu-west-3\n[profile b]\nduration = 1800\n");
  auto req = resolve(config, "b", {});
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->region, "us-east-1");
  EXPECT_EQ(req->duration_seconds, 1800);
}

TEST(ResolveAwsRequest, EnvironmentOverridesTheProfile) {
  auto config = config_from(std::string("[profile p]\nrole_arn = ") + kArn +
                            "\nregion = eu-west-1\nuse_fips_endpoint = false\n");
  MapEnv env = env_of({{"AWS_REGION", "us-west-2"}, {"AWS_USE_FIPS_ENDPOINT", "true"}});
  auto req = resolve(config, "p", {}, env);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->region, "us-west-2");
  EXPECT_TRUE(req->use_fips_endpoint);
  EXPECT_EQ(req->sts.url, "https://sts-fips.us-west-2.amazonaws.com");
}

TEST(ResolveAwsRequest, AwsRegionBeatsAwsDefaultRegion) {
  MapEnv env = env_of({{"AWS_REGION", "eu-central-1"}, {"AWS_DEFAULT_REGION", "eu-south-1"}});
  auto req = resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->region, "eu-central-1");
}

TEST(ResolveAwsRequest, AwsDefaultRegionAppliesAlone) {
  MapEnv env = env_of({{"AWS_DEFAULT_REGION", "eu-south-1"}});
  auto req = resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->region, "eu-south-1");
}

TEST(ResolveAwsRequest, EmptyEnvironmentVariableCountsAsUnset) {
  auto config = config_from(std::string("[default]\nrole_arn = ") + kArn + "\nregion = eu-west-1\n");
  MapEnv env = env_of({{"AWS_REGION", ""}});
  auto req = resolve(config, "", {}, env);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->region, "eu-west-1");
}

TEST(ResolveAwsRequest, ExplicitSettingsOverrideEverything) {
  auto config = config_from(std::string("[default]\nrole_arn = ") + kArn +
                            "\nregion = eu-west-1\n[profile p]\nregion = eu-west-2\nduration = 1000\n");
  MapEnv env = env_of({{"AWS_REGION", "eu-west-3"}, {"AWS_USE_FIPS_ENDPOINT", "true"}});
  auto req = resolve(config, "p",
                     flags({{"role_arn", kOtherArn}, {"region", "ca-central-1"}, {"duration", "43200"},
                            {"use_fips_endpoint", "false"}}),
                     env);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->role_arn, kOtherArn);
  EXPECT_EQ(req->region, "ca-central-1");
  EXPECT_EQ(req->duration_seconds, 43200);
  EXPECT_FALSE(req->use_fips_endpoint);
  EXPECT_EQ(req->sts.url, "https://sts.ca-central-1.amazonaws.com");
}

TEST(EffectiveSettings, OriginsRecordWhereEachValueCameFrom) {
  auto config = config_from(std::string("[default]\nrole_arn = ") + kArn +
                                "\naudience = a\n[profile p]\nduration = 1000\n",
                            "site.conf");
  MapEnv env = env_of({{"AWS_DEFAULT_REGION", "eu-west-3"}});
  auto s = effective_settings(config, "p", flags({{"session_name", "me"}}), env);
  ASSERT_TRUE(Succeeds(s));
  EXPECT_EQ(s->at("role_arn").origin, "site.conf:2");
  EXPECT_EQ(s->at("duration").origin, "site.conf:5");
  EXPECT_EQ(s->at("region").origin, "AWS_DEFAULT_REGION");
  EXPECT_EQ(s->at("session_name").origin, "--session_name");
}

TEST(ResolveAwsRequest, UnknownProfileListsTheFilesRead) {
  ConfigSet config = config_from("[profile known]\nregion = eu-west-1\n", "/etc/fedcred/fedcred.conf");
  auto more = parse_config_text("/home/u/.config/fedcred/fedcred.conf", "[default]\n", config);
  ASSERT_TRUE(Succeeds(more));
  config.files_read.push_back("/home/u/.config/fedcred/fedcred.conf");
  auto req = resolve(config, "missing", flags({{"role_arn", kArn}}));
  EXPECT_TRUE(FailsWith(req, Status::usage,
                        "'missing'", "/etc/fedcred/fedcred.conf", "/home/u/.config/fedcred/fedcred.conf"));
}

TEST(ResolveAwsRequest, UnknownProfileWithoutConfigSaysNoFileWasFound) {
  EXPECT_TRUE(FailsWith(resolve(ConfigSet{}, "p", flags({{"role_arn", kArn}})), Status::usage,
                        "'p'", "no config file found"));
}

TEST(ResolveAwsRequest, ProfileDefaultNeedsNoProfileSection) {
  auto config = config_from(std::string("[default]\nrole_arn = ") + kArn + "\n");
  EXPECT_TRUE(Succeeds(resolve(config, "default", {})));
}

TEST(ResolveAwsRequest, EmptyProfileSectionIsAValidProfile) {
  auto config = config_from(std::string("[default]\nrole_arn = ") + kArn + "\n[profile empty]\n");
  EXPECT_TRUE(Succeeds(resolve(config, "empty", {})));
}

TEST(ResolveAwsRequest, MissingRoleArnIsAUsageErrorNamingTheProfile) {
  auto config = config_from("[profile p]\nregion = eu-west-1\n");
  EXPECT_TRUE(FailsWith(resolve(config, "p", {}), Status::usage, "role ARN", "'p'"));
  EXPECT_TRUE(FailsWith(resolve(ConfigSet{}, "", {}), Status::usage, "--role-arn"));
}

TEST(ResolveAwsRequest, InvalidEnvironmentValueNamesTheVariable) {
  auto settings = flags({{"role_arn", kArn}});
  EXPECT_TRUE(FailsWith(resolve(ConfigSet{}, "", settings, env_of({{"AWS_REGION", "not a region"}})), Status::usage,
                        "AWS_REGION"));
  EXPECT_TRUE(FailsWith(resolve(ConfigSet{}, "", settings, env_of({{"AWS_DEFAULT_REGION", "US_EAST"}})),
                        Status::usage, "AWS_DEFAULT_REGION"));
  EXPECT_TRUE(FailsWith(resolve(ConfigSet{}, "", settings, env_of({{"AWS_REGION", "us-east-1a"}})), Status::usage,
                        "AWS_REGION", "availability zone", "'us-east-1'"));
}

// Only the resolved value is validated: a flag overriding the variable makes
// its value irrelevant (issue 12, item 11).
TEST(ResolveAwsRequest, InvalidEnvironmentValueOverriddenByAFlagIsNotAnError) {
  MapEnv env = env_of({{"AWS_REGION", "us-east-1a"}, {"AWS_USE_FIPS_ENDPOINT", "maybe"}});
  auto req = resolve(ConfigSet{}, "",
                     flags({{"role_arn", kArn}, {"region", "eu-west-1"}, {"use_fips_endpoint", "true"}}), env);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->region, "eu-west-1");
  EXPECT_TRUE(req->use_fips_endpoint);
}

// botocore compares AWS_USE_FIPS_ENDPOINT case-insensitively.
TEST(ResolveAwsRequest, FipsVariableIsCaseInsensitiveAsInBotocore) {
  for (char const* value : {"TRUE", "True", "true"}) {
    auto req = resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env_of({{"AWS_USE_FIPS_ENDPOINT", value}}));
    ASSERT_TRUE(Succeeds(req)) << value;
    EXPECT_TRUE(req->use_fips_endpoint) << value;
  }
  auto req = resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env_of({{"AWS_USE_FIPS_ENDPOINT", "FALSE"}}));
  ASSERT_TRUE(Succeeds(req));
  EXPECT_FALSE(req->use_fips_endpoint);
}

// Every other value is false for botocore (ensure_boolean), not an error and
// not true: the AWS CLI and fedcred must ask the same STS host.
TEST(ResolveAwsRequest, FipsVariableOtherThanTrueIsFalseAsInBotocore) {
  for (char const* value : {"yes", "1", "on", "maybe", ""}) {
    auto req = resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env_of({{"AWS_USE_FIPS_ENDPOINT", value}}));
    ASSERT_TRUE(Succeeds(req)) << value;
    EXPECT_FALSE(req->use_fips_endpoint) << value;
    EXPECT_EQ(req->sts.url, "https://sts.us-east-1.amazonaws.com") << value;
  }
}

TEST(ResolveAwsRequest, StsEndpointOverrideFromEnvironment) {
  MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"}});
  auto req = resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->sts.url, "http://127.0.0.1:5000");
  EXPECT_EQ(req->sts.origin, "AWS_ENDPOINT_URL_STS");
}

TEST(ResolveAwsRequest, BadStsEndpointOverrideIsAUsageError) {
  MapEnv env = env_of({{"AWS_ENDPOINT_URL_STS", "http://sts.example.com"}});
  EXPECT_TRUE(FailsWith(resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env), Status::usage, "AWS_ENDPOINT_URL_STS"));
}

TEST(ResolveAwsRequest, RegionalEndpointFollowsThePartition) {
  auto req = resolve(ConfigSet{}, "", flags({{"role_arn", "arn:aws-cn:iam::123456789012:role/r"}, {"region", "cn-north-1"}}));
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->sts.url, "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(req->sts.origin, "region cn-north-1");
}

TEST(ResolveAwsRequest, MetadataHostFromEnvironment) {
  MapEnv env = env_of({{"GCE_METADATA_HOST", "127.0.0.1:8080"}});
  auto req = resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env);
  ASSERT_TRUE(Succeeds(req));
  EXPECT_EQ(req->metadata_host.url, "127.0.0.1:8080");
  EXPECT_EQ(req->metadata_host.origin, "GCE_METADATA_HOST");
}

TEST(ResolveAwsRequest, BadMetadataHostIsAUsageError) {
  MapEnv env = env_of({{"GCE_METADATA_HOST", "http://evil/"}});
  EXPECT_TRUE(FailsWith(resolve(ConfigSet{}, "", flags({{"role_arn", kArn}}), env), Status::usage, "GCE_METADATA_HOST"));
}

}  // namespace
}  // namespace fedcred
