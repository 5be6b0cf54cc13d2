// SPDX-License-Identifier: Apache-2.0
// The aws module's "subject_token" operation end to end over a fake host,
// fake HTTP and fake clock: parameters, the IMDS-then-STS order, results.
#include "aws_source.h"

#include <gtest/gtest.h>

#include "aws/aws_fixtures.h"
#include "fakes.h"
#include "sts_fixtures.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fakes and fixtures

class AwsSourceTest : public ::testing::Test {
 protected:
  AwsSourceTest() : http_(&clock_) {
    call_.record.params = {{"audience", kAudience},
                           {"imds_endpoint", "http://127.0.0.1:1338"},
                           {"duration", "600"},
                           {"deadline_ms", std::to_string(clock_.monotonic_ms() + 30'000)}};
  }

  int run(std::string const& operation = "subject_token") {
    ModuleCall mc(fake_host(), &call_);
    return run_aws_operation(mc, operation, http_, clock_, random_);
  }
  void static_keys() {
    call_.record.params["access_key_id"] = "AKIAEXAMPLE";
    call_.record.params["secret_access_key"] = kAwsSecretKey;
    call_.record.params["session_token"] = kAwsSessionToken;
  }
  void push_imds() {
    http_.push(response(200, kImdsToken));
    http_.push(response(200, "eu-central-1"));
    http_.push(response(200, "ec2-role\n"));
    http_.push(response(200, imds_credentials_json()));
  }
  void expect_no_secret() const {
    for (char const* marker : kAwsMarkers) {
      EXPECT_EQ(call_.record.error_message.find(marker), std::string::npos) << call_.record.error_message;
    }
  }

  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(1.0);  // the jitter pinned
  FakeHttpClient http_;
  fedcred_module_call call_;
};

TEST_F(AwsSourceTest, StaticKeysAndRegionSkipImds) {
  static_keys();
  call_.record.params["region"] = "ap-southeast-2";
  http_.push(response(200, web_identity_token_xml()));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  ASSERT_EQ(http_.requests.size(), 1U);
  EXPECT_EQ(http_.requests[0].url, "https://sts.ap-southeast-2.amazonaws.com");
  EXPECT_NE(http_.requests[0].body.reveal().find("DurationSeconds=600"), std::string::npos);
  EXPECT_EQ(call_.record.results.at("subject_token"), kJwt);
  EXPECT_EQ(call_.record.results.at("expiration"), "2023-11-14T23:13:20Z");  // one time format on the wire: RFC 3339
  EXPECT_EQ(call_.record.results.at("region"), "ap-southeast-2");
}

TEST_F(AwsSourceTest, InstanceRoleAndRegionFromImds) {
  push_imds();
  http_.push(response(200, web_identity_token_xml()));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  ASSERT_EQ(http_.requests.size(), 5U);
  EXPECT_EQ(http_.requests[0].method, "PUT");
  EXPECT_EQ(http_.requests[4].url, "https://sts.eu-central-1.amazonaws.com");
  bool signed_with_role = false;
  for (auto const& [name, value] : http_.requests[4].headers) {
    if (name == "Authorization") {
      signed_with_role = value.find("Credential=ASIAIMDSEXAMPLE/") != std::string::npos &&
                         value.find("/eu-central-1/sts/aws4_request") != std::string::npos;
    }
  }
  EXPECT_TRUE(signed_with_role);
  EXPECT_EQ(call_.record.results.at("region"), "eu-central-1");
}

TEST_F(AwsSourceTest, StsEndpointOverride) {
  static_keys();
  call_.record.params["region"] = "us-east-2";
  call_.record.params["sts_endpoint"] = "http://127.0.0.1:4566";
  http_.push(response(200, web_identity_token_xml()));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  EXPECT_EQ(http_.requests[0].url, "http://127.0.0.1:4566");
}

TEST_F(AwsSourceTest, GlobalEndpointIsUsageBeforeAnyRequest) {
  call_.record.params["sts_endpoint"] = "https://sts.amazonaws.com";
  EXPECT_EQ(run(), FEDCRED_E_USAGE);
  EXPECT_NE(call_.record.error_message.find("regional endpoint"), std::string::npos) << call_.record.error_message;
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(AwsSourceTest, BadParametersAreUsage) {
  struct Case {
    char const* key;
    char const* value;
  };
  for (Case const& c : {Case{"duration", "59"}, Case{"duration", "3601"}, Case{"duration", "1h"},
                        Case{"region", "Mars"}, Case{"audience", ""}, Case{"imds_endpoint", ""},
                        Case{"secret_access_key", "only-the-secret"}}) {
    fedcred_module_call call;
    call.record.params = call_.record.params;
    call.record.params[c.key] = c.value;
    ModuleCall mc(fake_host(), &call);
    EXPECT_EQ(run_aws_operation(mc, "subject_token", http_, clock_), FEDCRED_E_USAGE) << c.key << "=" << c.value;
    EXPECT_EQ(call.record.error_message.find("only-the-secret"), std::string::npos);
  }
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(AwsSourceTest, FailuresCarryNoSecret) {
  push_imds();
  http_.push(response(403, error_xml("OutboundWebIdentityFederationDisabledException",
                                     std::string("disabled ") + kAwsSessionToken)));
  EXPECT_EQ(run(), FEDCRED_E_DENIED);
  EXPECT_NE(call_.record.error_message.find("aws iam enable-outbound-web-identity-federation"), std::string::npos);
  expect_no_secret();
  EXPECT_TRUE(call_.record.results.empty());
}

TEST_F(AwsSourceTest, ImdsFailureIsSource) {
  http_.push(response(200, kImdsToken));
  http_.push(response(200, "eu-central-1"));
  http_.push(response(404, ""));
  EXPECT_EQ(run(), FEDCRED_E_SOURCE);
  EXPECT_NE(call_.record.error_message.find("no IAM role is attached to this instance"), std::string::npos);
  expect_no_secret();
}

TEST_F(AwsSourceTest, UnparsableExpirationIsResponse) {
  static_keys();
  call_.record.params["region"] = "us-east-1";
  http_.push(response(200, web_identity_token_xml("tomorrow")));
  EXPECT_EQ(run(), FEDCRED_E_RESPONSE);
  expect_no_secret();
}

TEST_F(AwsSourceTest, UnknownOperation) {
  EXPECT_EQ(run("assume_role_with_web_identity"), FEDCRED_E_USAGE);
  EXPECT_NE(call_.record.error_message.find("module aws does not support"), std::string::npos);
}

}  // namespace
}  // namespace fedcred::modules
