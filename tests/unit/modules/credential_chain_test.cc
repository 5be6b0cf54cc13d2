// SPDX-License-Identifier: Apache-2.0
// The aws module's credential links (credential_chain.h), the container URL
// rule, the GetWebIdentityToken duration cap and the aws4_request token.
#include "credential_chain.h"

#include <gtest/gtest.h>

#include "aws/aws_fixtures.h"
#include "aws_source.h"
#include "caller_identity_token.h"
#include "fakes.h"
#include "sigv4.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fakes and fixtures

std::string container_json(std::string const& expiration = "2023-11-14T23:13:20Z") {
  return std::string("{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"") + kAwsSecretKey +
         "\",\"Token\":\"" + kAwsSessionToken + "\",\"Expiration\":\"" + expiration + "\"}";
}

class ChainTest : public ::testing::Test {
 protected:
  ChainTest() : http_(&clock_) {}
  // The link as the module receives it: through the message codec.
  Result<AwsCredentials> resolve() {
    ModuleCall mc(fake_host(), &call_);
    call_.record.params["audience"] = "aud";
    auto params = messages::decode_subject_token_params(mc.reader());
    if (!params) return std::move(params).error();
    CredentialChain chain(http_, clock_, random_);
    return chain.resolve(params->caller_keys, params->aws_link, "us-east-1", params->sts_endpoint,
                         clock_.monotonic_ms() + 30'000, nullptr);
  }
  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(0.5);  // the jitter pinned
  FakeHttpClient http_;
  fedcred_module_call call_;
};

TEST_F(ChainTest, ContainerSendsTheAuthorizationTokenAndReadsExpiry) {
  call_.record.params = {{"credential_link", "container"},
                         {"container_url", "http://169.254.170.23/v1/credentials"},
                         {"container_authorization_token", "pod-token"}};
  http_.push(response(200, container_json()));
  auto creds = resolve();
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->keys.access_key_id, "ASIACONTAINER");
  EXPECT_EQ(creds->expiration, 1'700'003'600);
  EXPECT_EQ(creds->link, "container");
  ASSERT_EQ(http_.requests.size(), 1U);
  EXPECT_TRUE(http_.requests[0].direct) << "never through a proxy";
  bool sent = false;
  for (auto const& [name, value] : http_.requests[0].headers) sent = sent || (name == "Authorization");
  EXPECT_TRUE(sent);
}

TEST_F(ChainTest, ContainerRefusalIsDeniedWithoutTheToken) {
  call_.record.params = {{"credential_link", "container"},
                         {"container_url", "http://127.0.0.1:9/creds"},
                         {"container_authorization_token", "pod-token-MARKER"}};
  http_.push(response(403, "{}"));
  auto creds = resolve();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::denied);
  EXPECT_EQ(creds.error().message.find("pod-token-MARKER"), std::string::npos);
}

TEST_F(ChainTest, ContainerTokenWithALineBreakIsUsage) {
  call_.record.params = {{"credential_link", "container"},
                         {"container_url", "http://127.0.0.1:9/creds"},
                         {"container_authorization_token", "a\r\nX-Evil: 1"}};
  auto creds = resolve();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::usage);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(ChainTest, EnvironmentNamesTheKeyIdOnly) {
  call_.record.params = {{"credential_link", "environment"},
                         {"access_key_id", "AKIAEXAMPLE"},
                         {"secret_access_key", kAwsSecretKey}};
  auto creds = resolve();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->identity, "access key AKIAEXAMPLE");
  EXPECT_EQ(creds->expiration, 0);
}

TEST_F(ChainTest, WebIdentityAssumesTheRole) {
  call_.record.params = {{"credential_link", "web_identity"},
                         {"web_identity_token", kJwt},
                         {"role_arn", "arn:aws:iam::123456789012:role/irsa"},
                         {"sts_endpoint", "http://127.0.0.1:1/"}};
  http_.push(response(200, std::string("<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
                                       "2011-06-15/\"><AssumeRoleWithWebIdentityResult><Credentials>"
                                       "<AccessKeyId>ASIAIRSA</AccessKeyId><SecretAccessKey>") +
                           kAwsSecretKey + "</SecretAccessKey><SessionToken>" + kAwsSessionToken +
                           "</SessionToken><Expiration>2023-11-14T23:13:20Z</Expiration></Credentials>"
                           "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"));
  auto creds = resolve();
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->keys.access_key_id, "ASIAIRSA");
  EXPECT_EQ(creds->expiration, 1'700'003'600);
  ASSERT_EQ(http_.requests.size(), 1U);
  EXPECT_NE(http_.requests[0].body.reveal().find("RoleArn=arn%3Aaws%3Aiam"), std::string::npos);
}

TEST(ContainerUrl, BotocoreHosts) {
  for (char const* ok : {"https://example.com/creds", "http://127.0.0.1:8080/x", "http://[::1]/x",
                         "http://169.254.170.2/v2/credentials/1", "http://169.254.170.23/v1/credentials",
                         "http://[fd00:ec2::23]/v1/credentials", "http://localhost/x"}) {
    EXPECT_TRUE(check_container_url(ok).ok()) << ok;
  }
  for (char const* bad : {"http://192.0.2.1/x", "http://169.254.169.254/latest", "http://example.com/x",
                          "http://127.0.0.1.evil.example/x", "ftp://127.0.0.1/x"}) {
    auto r = check_container_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, Status::usage);
  }
}

TEST(CappedDuration, CapsToTheSigningCredentials) {
  EXPECT_EQ(*capped_duration(3600, 0, 1000), 3600) << "long-term keys: no cap";
  EXPECT_EQ(*capped_duration(3600, 1000 + 7200, 1000), 3600);
  EXPECT_EQ(*capped_duration(3600, 1000 + 600, 1000), 570) << "30 s of slack for clock skew";
  auto too_soon = capped_duration(3600, 1000 + 80, 1000);
  ASSERT_FALSE(too_soon.ok());
  EXPECT_EQ(too_soon.error().status, Status::source);
}

std::string percent_decode(std::string const& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

TEST(CallerIdentityToken, SerializedAsGoogleExpects) {
  sigv4::Credentials creds{"AKIDEXAMPLE", Secret(std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")),
                           Secret(std::string("SESSION\"TOKEN"))};
  auto token = caller_identity_token(kDefaultVerificationUrl, "eu-west-1", "//iam.googleapis.com/projects/1/x", creds,
                                     1'440'938'160);
  ASSERT_TRUE(token.ok()) << token.error().message;
  std::string const& encoded = token->reveal();
  EXPECT_EQ(encoded.find_first_of("{}\":/ "), std::string::npos) << "the whole JSON is percent-encoded";
  std::string const json = percent_decode(encoded);
  EXPECT_NE(json.find("\"url\":\"https://sts.eu-west-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"method\":\"POST\""), std::string::npos);
  EXPECT_NE(json.find("{\"key\":\"x-goog-cloud-target-resource\",\"value\":\"//iam.googleapis.com/projects/1/x\"}"),
            std::string::npos);
  EXPECT_NE(json.find("{\"key\":\"host\",\"value\":\"sts.eu-west-1.amazonaws.com\"}"), std::string::npos);
  EXPECT_NE(json.find("{\"key\":\"x-amz-date\",\"value\":\"20150830T123600Z\"}"), std::string::npos);
  EXPECT_NE(json.find("{\"key\":\"x-amz-security-token\",\"value\":\"SESSION\\\"TOKEN\"}"), std::string::npos)
      << "escaped JSON";
  // The provider is signed (issue 21.2): a leaked subject token cannot be
  // redeemed at another provider that trusts the same AWS account.
  EXPECT_NE(json.find("Credential=AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request, "
                      "SignedHeaders=host;x-amz-date;x-amz-security-token;x-goog-cloud-target-resource, "
                      "Signature="),
            std::string::npos)
      << json;
  std::string const key = "\"key\":\"x-goog-cloud-target-resource\"";
  EXPECT_EQ(json.find(key, json.find(key) + 1), std::string::npos) << "the header is listed once: " << json;
}

TEST(CallerIdentityToken, RefusesPlainHttpAndBadRegions) {
  sigv4::Credentials creds{"AKID", Secret(std::string("secret")), Secret()};
  EXPECT_EQ(caller_identity_token("http://sts.{region}.amazonaws.com?Action=GetCallerIdentity", "us-east-1", "a",
                                  creds, 1)
                .error()
                .status,
            Status::usage);
  EXPECT_EQ(caller_identity_token(kDefaultVerificationUrl, "Mars", "a", creds, 1).error().status, Status::usage);
}

}  // namespace
}  // namespace fedcred::modules
