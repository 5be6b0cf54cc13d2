// SPDX-License-Identifier: Apache-2.0
#include "imds.h"

#include <gtest/gtest.h>

#include "aws/aws_fixtures.h"
#include "fakes.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fakes and fixtures

constexpr char kBase[] = "http://169.254.169.254";

class ImdsTest : public ::testing::Test {
 protected:
  ImdsTest() : http_(&clock_) {}

  Imds imds(std::string base = kBase) {
    return Imds(http_, clock_, std::move(base), clock_.monotonic_ms() + 10'000, Imds::default_policy(), random_);
  }
  void push_token() { http_.push(response(200, kImdsToken)); }

  static void expect_no_secret(Error const& e) {
    for (char const* marker : kAwsMarkers) EXPECT_EQ(e.message.find(marker), std::string::npos) << e.message;
  }
  static std::string header(HttpRequest const& r, std::string const& name) {
    for (auto const& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "(absent)";
  }

  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(1.0);  // the jitter pinned
  FakeHttpClient http_;
};

// Issue 12.1: the host's cache key names a role; IMDS naming another by now
// means the entry would be filed under the wrong identity.
TEST_F(ImdsTest, AnotherRoleThanTheExpectedOneIsRefusedBeforeTheCredentials) {
  push_token();
  http_.push(response(200, "replacement-role\n"));
  auto creds = imds().role_credentials(nullptr, "reader");
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::source);
  EXPECT_NE(creds.error().message.find("names instance role replacement-role, not reader"), std::string::npos)
      << creds.error().message;
  EXPECT_EQ(http_.requests.size(), 2U) << "no credentials read";
  push_token();
  http_.push(response(200, "reader\n"));
  http_.push(response(200, imds_credentials_json()));
  EXPECT_TRUE(imds().role_credentials(nullptr, "reader").ok());
}

// Issue 20.3: the host listed the key's role in a session of its own and hands
// both over: the module neither PUTs nor lists again.
TEST_F(ImdsTest, TheHostsSessionReadsTheExpectedRoleAtOnce) {
  http_.push(response(200, "us-west-2"));
  http_.push(response(200, imds_credentials_json()));
  messages::AwsLinkInputs link;
  link.name = "imds";
  link.instance_role = "reader";
  link.imds_session_token = Secret(std::string("host-session-token"));
  auto client = imds_for_call(http_, clock_, random_, kBase, clock_.monotonic_ms() + 10'000, link);
  ASSERT_TRUE(client.has_value());
  ASSERT_TRUE(client->region().ok());
  auto creds = client->role_credentials(nullptr, "reader");
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(client->role_name(), "reader");
  ASSERT_EQ(http_.requests.size(), 2U) << "no PUT, no listing";
  EXPECT_EQ(http_.requests[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/reader");
  for (HttpRequest const& r : http_.requests) EXPECT_EQ(header(r, "X-aws-ec2-metadata-token"), "host-session-token");
}

// The role the host listed is gone by the time its credentials are read: IMDS
// answers 404 for them, and nothing is signed for the old role's key.
TEST_F(ImdsTest, TheHostsRoleReplacedSinceIsRefused) {
  http_.push(response(404, "Not Found"));
  Imds client = imds();
  client.resume_session(Secret(std::string("host-session-token")));
  auto creds = client.role_credentials(nullptr, "reader");
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::source);
  EXPECT_NE(creds.error().message.find("no credentials for instance role reader (HTTP 404): the instance profile was "
                                       "just replaced"),
            std::string::npos)
      << creds.error().message;
  EXPECT_EQ(http_.requests.size(), 1U);
  // What goes into the path unlisted is one IAM role name.
  auto traversal = client.role_credentials(nullptr, "../../user-data");
  ASSERT_FALSE(traversal.ok());
  EXPECT_EQ(traversal.error().status, Status::usage);
  EXPECT_EQ(http_.requests.size(), 1U) << "nothing sent";
}

// Without a session, or without the role it listed, the module opens its own.
TEST_F(ImdsTest, NoSessionHandedOverMeansItsOwn) {
  messages::AwsLinkInputs link;
  link.name = "imds";
  link.imds_session_token = Secret(std::string("host-session-token"));  // but no role
  for (int i = 0; i < 2; ++i) {
    http_.requests.clear();
    push_token();
    http_.push(response(200, "reader\n"));
    http_.push(response(200, imds_credentials_json()));
    auto client = imds_for_call(http_, clock_, random_, kBase, clock_.monotonic_ms() + 10'000, link);
    ASSERT_TRUE(client->role_credentials(nullptr, "reader").ok());
    ASSERT_EQ(http_.requests.size(), 3U);
    EXPECT_EQ(http_.requests[0].method, "PUT");
    link.instance_role = "reader";
    link.imds_session_token = Secret();  // a role but no session
  }
  EXPECT_FALSE(imds_for_call(http_, clock_, random_, "", clock_.monotonic_ms() + 10'000, link).has_value());
}

TEST_F(ImdsTest, RoleCredentialsRequestShapes) {
  push_token();
  http_.push(response(200, "reader\n"));
  http_.push(response(200, imds_credentials_json()));
  auto creds = imds().role_credentials();
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "ASIAIMDSEXAMPLE");
  EXPECT_EQ(creds->secret_access_key.reveal(), kAwsSecretKey);
  EXPECT_EQ(creds->session_token.reveal(), kAwsSessionToken);

  ASSERT_EQ(http_.requests.size(), 3U);
  HttpRequest const& put = http_.requests[0];
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(header(put, "X-aws-ec2-metadata-token-ttl-seconds"), "300");
  EXPECT_EQ(header(put, "X-aws-ec2-metadata-token"), "(absent)");
  for (HttpRequest const& r : http_.requests) {
    EXPECT_TRUE(r.direct) << r.url;  // never through a proxy
    EXPECT_LE(r.timeout_ms, Imds::kAttemptTimeoutMs);
  }
  EXPECT_EQ(http_.requests[1].method, "GET");
  EXPECT_EQ(http_.requests[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(header(http_.requests[1], "X-aws-ec2-metadata-token"), kImdsToken);
  EXPECT_EQ(http_.requests[2].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/reader");
  EXPECT_EQ(header(http_.requests[2], "X-aws-ec2-metadata-token"), kImdsToken);
}

TEST_F(ImdsTest, OneSessionTokenServesRegionAndCredentials) {
  push_token();
  http_.push(response(200, "us-west-2"));
  http_.push(response(200, "reader"));
  http_.push(response(200, imds_credentials_json()));
  Imds client = imds("http://127.0.0.1:8080/");  // trailing slash ignored
  auto region = client.region();
  ASSERT_TRUE(region.ok()) << region.error().message;
  EXPECT_EQ(*region, "us-west-2");
  ASSERT_TRUE(client.role_credentials().ok());
  ASSERT_EQ(http_.requests.size(), 4U);
  EXPECT_EQ(http_.requests[1].url, "http://127.0.0.1:8080/latest/meta-data/placement/region");
  int puts = 0;
  for (auto const& r : http_.requests) puts += r.method == "PUT";
  EXPECT_EQ(puts, 1);
}

TEST_F(ImdsTest, TokenRefusedIsSource) {
  http_.push(response(403, "Forbidden"));
  auto creds = imds().role_credentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::source);
  EXPECT_NE(creds.error().message.find("HTTP 403"), std::string::npos) << creds.error().message;
  EXPECT_EQ(http_.requests.size(), 1U);  // no IMDSv1 GET follows
}

TEST_F(ImdsTest, UnansweredTokenRequestNamesTheHopLimit) {
  http_.set_latency_ms(60'000);  // bounded by each request's timeout
  http_.set_fallback(make_error(Status::transient, "cannot reach 169.254.169.254: Operation timed out"));
  auto creds = imds().role_credentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::source);
  std::string const& m = creds.error().message;
  EXPECT_NE(m.find("no answer to the IMDSv2 token request"), std::string::npos) << m;
  EXPECT_NE(m.find("in a container the hop limit must be 2 (aws ec2 modify-instance-metadata-options "
                   "--http-put-response-hop-limit 2)"),
            std::string::npos)
      << m;
  EXPECT_EQ(http_.requests.size(), 1U);  // waiting again would not help
}

TEST_F(ImdsTest, UnreachableIsSourceAfterARetry) {
  http_.set_fallback(connection_refused("169.254.169.254"));
  auto creds = imds().role_credentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::source);
  EXPECT_NE(creds.error().message.find("cannot reach the instance metadata service"), std::string::npos)
      << creds.error().message;
  EXPECT_NE(creds.error().message.find("Connection refused"), std::string::npos);
  EXPECT_EQ(http_.requests.size(), 2U);
}

TEST_F(ImdsTest, ServerErrorIsRetried) {
  http_.push(response(503, ""));
  push_token();
  http_.push(response(200, "reader"));
  http_.push(response(200, imds_credentials_json()));
  EXPECT_TRUE(imds().role_credentials().ok());
  EXPECT_EQ(http_.requests.size(), 4U);
}

TEST_F(ImdsTest, RejectedSessionTokenIsSource) {
  push_token();
  http_.push(response(401, ""));
  auto creds = imds().role_credentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::source);
  EXPECT_NE(creds.error().message.find("HTTP 401"), std::string::npos) << creds.error().message;
  expect_no_secret(creds.error());
}

TEST_F(ImdsTest, NoRoleAttached) {
  push_token();
  http_.push(response(404, ""));
  auto creds = imds().role_credentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::source);
  EXPECT_NE(creds.error().message.find("no IAM role is attached to this instance"), std::string::npos);
}

TEST_F(ImdsTest, CredentialsWithFailureCode) {
  push_token();
  http_.push(response(200, "reader"));
  http_.push(response(200, imds_credentials_json("Failure")));
  auto creds = imds().role_credentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::source);
  EXPECT_NE(creds.error().message.find("Code=Failure"), std::string::npos) << creds.error().message;
  expect_no_secret(creds.error());
}

// In a Local Zone the AZ is "us-west-2-lax-1a": dropping its letter gives no
// region. placement/region says it (issue 12, item 19).
TEST_F(ImdsTest, LocalZoneInstanceGetsItsRegionFromPlacementRegion) {
  push_token();
  http_.push(response(200, "us-west-2\n"));
  auto region = imds().region();
  ASSERT_TRUE(region.ok()) << region.error().message;
  EXPECT_EQ(*region, "us-west-2");
  EXPECT_EQ(http_.requests.back().url, "http://169.254.169.254/latest/meta-data/placement/region");
}

TEST_F(ImdsTest, BadRegionIsSource) {
  for (char const* zone : {"", "garbage!", "us-east-1a-", "x"}) {
    http_.requests.clear();
    push_token();
    http_.push(response(200, zone));
    auto region = imds().region();
    ASSERT_FALSE(region.ok()) << zone;
    EXPECT_EQ(region.error().status, Status::source);
  }
}

TEST(ParseImdsCredentials, RejectsIncompleteOrMalformed) {
  EXPECT_FALSE(parse_imds_credentials("not json", "r").ok());
  EXPECT_FALSE(parse_imds_credentials("[]", "r").ok());
  auto missing = parse_imds_credentials(R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"AWSSECRETMARKER"})",
                                        "r");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message.find("AWSSECRETMARKER"), std::string::npos);
}

}  // namespace
}  // namespace fedcred::modules
