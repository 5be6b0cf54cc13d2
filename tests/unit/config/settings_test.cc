// SPDX-License-Identifier: Apache-2.0
// The profile key table: each key's validator and the session-name sanitizer.
#include "config/settings.h"

#include <string>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::FailsWith;
using test::Succeeds;

// ---- role_arn ----

class ValidRoleArn : public ::testing::TestWithParam<char const*> {};

TEST_P(ValidRoleArn, IsAccepted) {
  EXPECT_TRUE(is_valid_role_arn(GetParam()));
  EXPECT_TRUE(Succeeds(validate_setting("role_arn", GetParam())));
}

INSTANTIATE_TEST_SUITE_P(Forms, ValidRoleArn,
                         ::testing::Values("arn:aws:iam::123456789012:role/s3-reader",
                                           "arn:aws-cn:iam::123456789012:role/reader",
                                           "arn:aws-us-gov:iam::123456789012:role/reader",
                                           "arn:aws:iam::123456789012:role/service-role/team/reader",
                                           "arn:aws:iam::123456789012:role/name+=,.@_-chars"));

class InvalidRoleArn : public ::testing::TestWithParam<char const*> {};

TEST_P(InvalidRoleArn, IsRefusedAsUsageError) {
  EXPECT_FALSE(is_valid_role_arn(GetParam()));
  EXPECT_TRUE(FailsWith(validate_setting("role_arn", GetParam()), Status::usage, "role_arn", "IAM role ARN"));
}

INSTANTIATE_TEST_SUITE_P(Forms, InvalidRoleArn,
                         ::testing::Values("",                                                  // empty
                                           "s3-reader",                                         // a bare name
                                           "arn:aws:iam::12345678901:role/reader",              // 11 digits
                                           "arn:aws:iam::1234567890123:role/reader",            // 13 digits
                                           "arn:aws:iam::12345678901x:role/reader",             // not digits
                                           "arn:aws:iam:us-east-1:123456789012:role/reader",    // a region
                                           "arn:aws:iam::123456789012:user/reader",             // not a role
                                           "arn:aws:iam::123456789012:role/",                   // no name
                                           "arn:aws:iam::123456789012:role/path/",              // path only
                                           "arn:aws:iam::123456789012:role/has space",          // bad char
                                           "arn:aws:sts::123456789012:assumed-role/r/s",        // STS ARN
                                           "arn:AWS:iam::123456789012:role/reader",             // partition case
                                           "ARN:aws:iam::123456789012:role/reader"));

TEST(ProjectId, GoogleProjectIdsOnly) {
  EXPECT_TRUE(Succeeds(validate_setting("project_id", "demo-project")));
  EXPECT_TRUE(Succeeds(validate_setting("project_id", "example.com:legacy-project")));
  for (char const* bad : {"", "Demo", "a b", "x/y"}) {
    EXPECT_TRUE(FailsWith(validate_setting("project_id", bad), Status::usage, "project_id")) << bad;
  }
}

TEST(RoleArn, MessageQuotesTheRejectedValue) {
  EXPECT_TRUE(FailsWith(validate_setting("role_arn", "arn:aws:iam::1:role/x"), Status::usage, "'arn:aws:iam::1:role/x'"));
}

// ---- session_name: [\w+=,.@-]{2,64} ----

TEST(SessionName, LengthBoundaries) {
  EXPECT_FALSE(is_valid_session_name("a"));
  EXPECT_TRUE(is_valid_session_name("ab"));
  EXPECT_TRUE(is_valid_session_name(std::string(64, 'x')));
  EXPECT_FALSE(is_valid_session_name(std::string(65, 'x')));
  EXPECT_FALSE(is_valid_session_name(""));
}

TEST(SessionName, AllowedPunctuationIsAccepted) {
  EXPECT_TRUE(Succeeds(validate_setting("session_name", "a_b+c=d,e.f@g-h")));
}

TEST(SessionName, ForbiddenCharactersAreRefused) {
  for (char const* bad : {"has space", "slash/name", "colon:name", "star*", "tab\tname", "q\"uote", "caf\xc3\xa9"}) {
    EXPECT_FALSE(is_valid_session_name(bad)) << bad;
    EXPECT_TRUE(FailsWith(validate_setting("session_name", bad), Status::usage, "session_name")) << bad;
  }
}

TEST(SessionName, TooShortAndTooLongAreUsageErrors) {
  EXPECT_TRUE(FailsWith(validate_setting("session_name", "a"), Status::usage, "2 to 64"));
  EXPECT_TRUE(FailsWith(validate_setting("session_name", std::string(65, 'a')), Status::usage, "2 to 64"));
}

// ---- duration: 900..43200 seconds ----

TEST(Duration, RangeBoundaries) {
  EXPECT_TRUE(FailsWith(validate_setting("duration", "899"), Status::usage, "duration", "900", "43200"));
  EXPECT_TRUE(Succeeds(validate_setting("duration", "900")));
  EXPECT_TRUE(Succeeds(validate_setting("duration", "3600")));
  EXPECT_TRUE(Succeeds(validate_setting("duration", "43200")));
  EXPECT_TRUE(FailsWith(validate_setting("duration", "43201"), Status::usage, "duration"));
}

TEST(Duration, NonNumbersAreRefused) {
  for (char const* bad : {"", "1h", "3600s", "-3600", "+3600", " 3600", "36.00", "0x e10", "99999999999999999999999"}) {
    EXPECT_TRUE(FailsWith(validate_setting("duration", bad), Status::usage, "duration")) << "'" << bad << "'";
  }
}

TEST(Timeout, RangeBoundaries) {
  EXPECT_FALSE(validate_setting("timeout", "0").ok());
  EXPECT_TRUE(validate_setting("timeout", "1").ok());
  EXPECT_TRUE(validate_setting("timeout", "300").ok());
  EXPECT_FALSE(validate_setting("timeout", "301").ok());
}

TEST(RefreshMargin, RangeBoundaries) {
  EXPECT_TRUE(validate_setting("refresh_margin", "0").ok());
  EXPECT_TRUE(validate_setting("refresh_margin", "43200").ok());
  EXPECT_FALSE(validate_setting("refresh_margin", "43201").ok());
  EXPECT_FALSE(validate_setting("refresh_margin", "-1").ok());
}

TEST(ParseInt, ReadsValidatedNumbers) {
  EXPECT_EQ(parse_int("900"), 900);
  EXPECT_EQ(parse_int("43200"), 43200);
}

// ---- region ----

TEST(Region, RealRegionNamesAreAccepted) {
  for (char const* r : {"us-east-1", "eu-west-3", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1",
                        "eu-isoe-west-1", "ap-southeast-5"}) {
    EXPECT_TRUE(is_valid_region(r)) << r;
    EXPECT_TRUE(Succeeds(validate_setting("region", r))) << r;
  }
}

TEST(Region, MalformedRegionsAreRefused) {
  for (char const* r : {"", "us", "useast1", "US-EAST-1", "us-east-", "-us-east-1", "us--east-1", "us_east_1",
                        "us-east-1.evil", "us-east-1/x", "1-us-east"}) {
    EXPECT_FALSE(is_valid_region(r)) << r;
    EXPECT_TRUE(FailsWith(validate_setting("region", r), Status::usage, "region")) << r;
  }
}

// ---- audience ----

TEST(Audience, PrintableValuesAreAccepted) {
  EXPECT_TRUE(Succeeds(validate_setting("audience", "sts.amazonaws.com")));
  EXPECT_TRUE(Succeeds(validate_setting(
      "audience", "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q")));
  EXPECT_TRUE(Succeeds(validate_setting("audience", std::string(1000, 'a'))));
}

TEST(Audience, EmptySpacesControlAndOverlongAreRefused) {
  EXPECT_TRUE(FailsWith(validate_setting("audience", ""), Status::usage, "audience"));
  EXPECT_TRUE(FailsWith(validate_setting("audience", "sts amazonaws"), Status::usage, "audience"));
  EXPECT_TRUE(FailsWith(validate_setting("audience", "sts\n.amazonaws.com"), Status::usage, "audience"));
  EXPECT_TRUE(FailsWith(validate_setting("audience", std::string(1001, 'a')), Status::usage, "audience"));
}

// ---- booleans ----

TEST(Bool, AllAcceptedFormsParse) {
  for (char const* t : {"true", "yes", "on", "1"}) {
    EXPECT_TRUE(Succeeds(validate_setting("use_fips_endpoint", t))) << t;
    EXPECT_TRUE(parse_bool(t)) << t;
  }
  for (char const* f : {"false", "no", "off", "0"}) {
    EXPECT_TRUE(Succeeds(validate_setting("cache", f))) << f;
    EXPECT_FALSE(parse_bool(f)) << f;
  }
}

TEST(Bool, OtherFormsAreRefused) {
  for (char const* bad : {"", "TRUE", "Yes", "2", "y", "enabled"}) {
    EXPECT_TRUE(FailsWith(validate_setting("use_fips_endpoint", bad), Status::usage, "use_fips_endpoint")) << bad;
    EXPECT_TRUE(FailsWith(validate_setting("cache", bad), Status::usage, "boolean")) << bad;
  }
}

// ---- source ----

TEST(Source, ModuleNamesAreAccepted) {
  EXPECT_TRUE(Succeeds(validate_setting("source", "gce")));
  EXPECT_TRUE(Succeeds(validate_setting("source", "token_file-2")));
}

TEST(Source, PathLikeOrUpperCaseNamesAreRefused) {
  for (std::string const& bad :
       {std::string(), std::string("../evil"), std::string("a/b"), std::string("GCE"), std::string("gce.so"),
        std::string(33, 'a')}) {
    EXPECT_TRUE(FailsWith(validate_setting("source", bad), Status::usage, "source")) << bad;
  }
}

// ---- source azure's keys (issue 22.5) ----

TEST(AzureKeys, ValidValuesAreAccepted) {
  EXPECT_TRUE(Succeeds(validate_setting("azure_resource", "api://fedcred-aws")));
  EXPECT_TRUE(Succeeds(validate_setting("azure_resource", "https://management.azure.com/")));
  EXPECT_TRUE(Succeeds(validate_setting("azure_client_id", "9a1b2c3d-0000-4000-8000-00000000a002")));
  EXPECT_TRUE(Succeeds(validate_setting("azure_object_id", "9A1B2C3D-0000-4000-8000-00000000B002")));
  EXPECT_TRUE(Succeeds(validate_setting(
      "azure_msi_res_id", "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u")));
}

TEST(AzureKeys, MalformedValuesAreUsageErrorsNamingTheKey) {
  EXPECT_TRUE(FailsWith(validate_setting("azure_resource", ""), Status::usage, "azure_resource", "resource"));
  EXPECT_TRUE(FailsWith(validate_setting("azure_resource", "api://a b"), Status::usage, "azure_resource"));
  EXPECT_TRUE(FailsWith(validate_setting("azure_resource", std::string(1001, 'a')), Status::usage, "azure_resource"));
  EXPECT_TRUE(FailsWith(validate_setting("azure_client_id", "not-a-guid"), Status::usage, "azure_client_id", "GUID"));
  EXPECT_TRUE(FailsWith(validate_setting("azure_object_id", "9a1b2c3d00004000800000000000b002"), Status::usage,
                        "azure_object_id", "GUID"));
  EXPECT_TRUE(FailsWith(validate_setting("azure_msi_res_id", "fedcred-uai"), Status::usage, "azure_msi_res_id",
                        "/subscriptions/"));
  EXPECT_TRUE(FailsWith(validate_setting("azure_msi_res_id", ""), Status::usage, "azure_msi_res_id"));
}

// ---- the key table ----

TEST(Keys, EveryDocumentedKeyIsAProfileKey) {
  for (char const* k : {"source", "role_arn", "audience", "region", "session_name", "duration", "use_fips_endpoint",
                        "timeout", "cache", "refresh_margin"}) {
    EXPECT_TRUE(is_profile_key(k)) << k;
  }
}

TEST(Keys, UnknownKeyIsAUsageErrorNamingIt) {
  EXPECT_FALSE(is_profile_key("role-arn"));
  EXPECT_FALSE(is_profile_key("profile"));  // an API input, not a profile key
  EXPECT_TRUE(FailsWith(validate_setting("role-arn", "arn:aws:iam::123456789012:role/x"), Status::usage,
                        "unknown key 'role-arn'"));
  EXPECT_TRUE(FailsWith(validate_setting("", "x"), Status::usage, "unknown key"));
}

// ---- sanitize_session_name ----

TEST(SanitizeSessionName, KeepsValidNames) {
  EXPECT_EQ(sanitize_session_name("web-1"), "web-1");
  EXPECT_EQ(sanitize_session_name("a.b@c,d=e+f_g"), "a.b@c,d=e+f_g");
}

TEST(SanitizeSessionName, ReplacesForbiddenCharactersWithDash) {
  EXPECT_EQ(sanitize_session_name("my vm/name:1"), "my-vm-name-1");
  EXPECT_EQ(sanitize_session_name("caf\xc3\xa9"), "caf--");
}

TEST(SanitizeSessionName, TrimsTo64Characters) {
  auto out = sanitize_session_name(std::string(100, 'n'));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, std::string(64, 'n'));
  EXPECT_TRUE(is_valid_session_name(*out));
}

TEST(SanitizeSessionName, TooShortGivesNothing) {
  EXPECT_EQ(sanitize_session_name(""), std::nullopt);
  EXPECT_EQ(sanitize_session_name("x"), std::nullopt);
}

TEST(SanitizeSessionName, ResultIsAlwaysValid) {
  for (std::string raw : {std::string("\x01\x02\x03"), std::string("  "), std::string(200, '/'), std::string("a\0b", 3)}) {
    auto out = sanitize_session_name(raw);
    ASSERT_TRUE(out.has_value());
    EXPECT_TRUE(is_valid_session_name(*out)) << *out;
  }
}

// `fedcred azure`'s keys (issue 22.1), checked as plugin/common/azure_ids.h
// checks them, so a profile's typo is exit 2 naming file and line.
TEST(Keys, AzureKeysAreCheckedBeforeAnyRequest) {
  EXPECT_TRUE(Succeeds(validate_setting("tenant_id", "72f988bf-86f1-41af-91ab-2d7cd011db47")));
  EXPECT_TRUE(Succeeds(validate_setting("tenant_id", "contoso.onmicrosoft.com")));
  EXPECT_TRUE(FailsWith(validate_setting("tenant_id", "common"), Status::usage, "tenant_id"));
  EXPECT_TRUE(Succeeds(validate_setting("client_id", "0a0a0a0a-1111-4222-8333-0000000000c1")));
  EXPECT_TRUE(FailsWith(validate_setting("client_id", "0a0a0a0a"), Status::usage, "client_id", "GUID"));
  EXPECT_TRUE(Succeeds(validate_setting("scope", "https://storage.azure.com/.default")));
  EXPECT_TRUE(FailsWith(validate_setting("scope", "https://storage.azure.com"), Status::usage, "scope"));
}

}  // namespace
}  // namespace fedcred
