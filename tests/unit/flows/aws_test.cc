// SPDX-License-Identifier: Apache-2.0
// The GCP -> AWS flow with a fake module runner and a fake clock.
#include "flows/aws.h"

#include <string>
#include <vector>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::FailsWith;
using test::FakeClock;
using test::FakeModuleRunner;
using test::make_gce_jwt;
using test::make_jwt;
using test::Succeeds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kArn[] = "arn:aws:iam::123456789012:role/s3-reader";

class AwsFlowTest : public ::testing::Test {
 protected:
  AwsFlowTest() : log_([this](int, std::string const& m) { log_lines_.push_back(m); }) {
    req_.role_arn = kArn;
    req_.region = "eu-west-1";
    req_.audience = "sts.amazonaws.com";
    req_.duration_seconds = 7200;
    req_.timeout_seconds = 15;
    req_.sts = Endpoint{"https://sts.eu-west-1.amazonaws.com", "region eu-west-1"};
    req_.metadata_host = Endpoint{"127.0.0.1:8080", "GCE_METADATA_HOST"};
    token_ = make_gce_jwt("web-1");
    modules_.answer("gce", {{"subject_token", token_}});
    modules_.answer("sts", {{"access_key_id", "ASIAFLOWTEST"},
                            {"secret_access_key", "flow-secret-MARKER"},
                            {"session_token", "flow-session-MARKER"},
                            {"expiration", "2026-01-01T01:00:00Z"},
                            {"assumed_role_arn", "arn:aws:sts::123456789012:assumed-role/s3-reader/web-1"}});
  }

  Result<AwsCredentials> fetch() { return fetch_aws_credentials(req_, FlowDeps{env_, clock_, modules_, log_}); }

  test::ModuleCall const& call(std::size_t i) const { return modules_.calls.at(i); }

  MapEnv env_;
  FakeClock clock_;  // unix 2026-01-01T00:00:00Z
  FakeModuleRunner modules_;
  std::vector<std::string> log_lines_;
  Logger log_;
  AwsRequest req_;
  std::string token_;
};

TEST_F(AwsFlowTest, CallsTheSourceThenSts) {
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("gce", "sts"));
  EXPECT_EQ(call(0).operation, "subject_token");
  EXPECT_EQ(call(1).operation, "assume_role_with_web_identity");
}

TEST_F(AwsFlowTest, SourceReceivesAudienceMetadataHostAndDeadline) {
  clock_.mono_now = 123'000;
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(0).param("audience"), "sts.amazonaws.com");
  EXPECT_EQ(call(0).param("metadata_host"), "127.0.0.1:8080");
  EXPECT_EQ(call(0).param("deadline_ms"), std::to_string(123'000 + 15 * 1000));
}

TEST_F(AwsFlowTest, DeadlineFollowsTheTimeout) {
  req_.timeout_seconds = 3;
  clock_.mono_now = 1'000;
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(0).param("deadline_ms"), "4000");
  EXPECT_EQ(call(1).param("deadline_ms"), "4000");
}

TEST_F(AwsFlowTest, StsReceivesEveryExchangeParameter) {
  req_.session_name = "my-session";
  clock_.mono_now = 77'000;
  ASSERT_TRUE(Succeeds(fetch()));
  auto const& sts = call(1);
  EXPECT_EQ(sts.module, "sts");
  EXPECT_EQ(sts.param("endpoint"), "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(sts.param("region"), "eu-west-1");
  EXPECT_EQ(sts.param("role_arn"), kArn);
  EXPECT_EQ(sts.param("session_name"), "my-session");
  EXPECT_EQ(sts.param("duration"), "7200");
  EXPECT_EQ(sts.param("web_identity_token"), token_);
  EXPECT_EQ(sts.param("deadline_ms"), std::to_string(77'000 + 15'000));
}

TEST_F(AwsFlowTest, CustomAudienceReachesTheSource) {
  req_.audience = "//iam.googleapis.com/projects/1/x";
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(0).param("audience"), "//iam.googleapis.com/projects/1/x");
}

TEST_F(AwsFlowTest, SourceModuleIsTheConfiguredOne) {
  req_.source = "token-file";
  modules_.answer("token-file", {{"subject_token", token_}});
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("token-file", "sts"));
}

TEST_F(AwsFlowTest, ReturnsTheExchangedCredentials) {
  auto creds = fetch();
  ASSERT_TRUE(Succeeds(creds));
  EXPECT_EQ(creds->access_key_id.reveal(), "ASIAFLOWTEST");
  EXPECT_EQ(creds->secret_access_key.reveal(), "flow-secret-MARKER");
  EXPECT_EQ(creds->session_token.reveal(), "flow-session-MARKER");
  EXPECT_EQ(creds->expiration, clock_.unix_now + 3600);
  EXPECT_EQ(creds->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/s3-reader/web-1");
}

TEST_F(AwsFlowTest, DefaultSessionNameIsTheInstanceName) {
  modules_.answer("gce", {{"subject_token", make_gce_jwt("web-1")}});
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(1).param("session_name"), "web-1");
}

TEST_F(AwsFlowTest, DefaultSessionNameIsSanitized) {
  modules_.answer("gce", {{"subject_token", make_gce_jwt("web 1/blue")}});
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(1).param("session_name"), "web-1-blue");
}

// GKE and Cloud Run tokens have no google.compute_engine claims (issue 12.22).
TEST_F(AwsFlowTest, DefaultSessionNameFallsBackToTheEmail) {
  modules_.answer("gce", {{"subject_token",
                           make_jwt(R"({"sub":"107517467455664443765","email":"app@proj.iam.gserviceaccount.com"})")}});
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(1).param("session_name"), "app@proj.iam.gserviceaccount.com");
}

TEST_F(AwsFlowTest, DefaultSessionNameFallsBackToTheSubject) {
  modules_.answer("gce", {{"subject_token", make_jwt(R"({"sub":"107517467455664443765"})")}});
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(1).param("session_name"), "fedcred-107517467455664443765");
}

TEST_F(AwsFlowTest, DefaultSessionNameFallsBackToTheTime) {
  modules_.answer("gce", {{"subject_token", make_jwt(R"({"iss":"https://accounts.google.com"})")}});
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(1).param("session_name"), "fedcred-" + std::to_string(clock_.unix_now));
}

TEST_F(AwsFlowTest, ExplicitSessionNameBeatsTheToken) {
  req_.session_name = "chosen";
  ASSERT_TRUE(Succeeds(fetch()));
  EXPECT_EQ(call(1).param("session_name"), "chosen");
}

class SourceFailure : public AwsFlowTest, public ::testing::WithParamInterface<Status> {};

TEST_P(SourceFailure, PropagatesWithItsStatusAndSkipsSts) {
  modules_.fail("gce", GetParam(), "metadata server 127.0.0.1:8080 answered 403");
  auto creds = fetch();
  EXPECT_TRUE(FailsWith(creds, GetParam(), "metadata server 127.0.0.1:8080 answered 403"));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("gce"));
}

INSTANTIATE_TEST_SUITE_P(Statuses, SourceFailure,
                         ::testing::Values(Status::source, Status::transient, Status::usage, Status::internal,
                                           Status::io));

TEST_F(AwsFlowTest, SourceWithoutTokenIsASourceError) {
  modules_.answer("gce", {{"something_else", "x"}});
  EXPECT_TRUE(FailsWith(fetch(), Status::source, "'gce'", "no subject token"));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("gce"));
}

TEST_F(AwsFlowTest, SourceWithEmptyTokenIsASourceError) {
  modules_.answer("gce", {{"subject_token", ""}});
  EXPECT_TRUE(FailsWith(fetch(), Status::source, "no subject token"));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("gce"));
}

TEST_F(AwsFlowTest, NonJwtTokenIsASourceErrorThatDoesNotQuoteIt) {
  std::string opaque = "ya29.OPAQUE-ACCESS-TOKEN-MARKER-not-a-jwt";
  modules_.answer("gce", {{"subject_token", opaque}});
  auto creds = fetch();
  ASSERT_TRUE(FailsWith(creds, Status::source, "'gce'", "not a JWT"));
  EXPECT_THAT(creds.error().message, Not(HasSubstr("OPAQUE-ACCESS-TOKEN-MARKER")));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("gce"));
}

TEST_F(AwsFlowTest, JwtWithNonObjectPayloadIsASourceError) {
  std::string token = test::base64url_encode("{}") + "." + test::base64url_encode("[1,2]") + ".c2ln";
  modules_.answer("gce", {{"subject_token", token}});
  EXPECT_TRUE(FailsWith(fetch(), Status::source, "not a JWT"));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("gce"));
}

TEST_F(AwsFlowTest, StsFailurePropagatesWithItsStatus) {
  modules_.fail("sts", Status::denied, "STS AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity");
  EXPECT_TRUE(FailsWith(fetch(), Status::denied, "AccessDenied"));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("gce", "sts"));
}

TEST_F(AwsFlowTest, IncompleteStsAnswerIsAResponseErrorNamingTheHost) {
  modules_.answer("sts", {{"access_key_id", "ASIAFLOWTEST"}, {"expiration", "2026-01-01T01:00:00Z"}});
  EXPECT_TRUE(FailsWith(fetch(), Status::response, "SecretAccessKey", "sts.eu-west-1.amazonaws.com"));
}

TEST_F(AwsFlowTest, CredentialsExpiredByTheClockAreAResponseError) {
  clock_.unix_now += 2 * 3600;  // later than the scripted expiration
  EXPECT_TRUE(FailsWith(fetch(), Status::response, "expired"));
}

TEST_F(AwsFlowTest, LogLinesNeverContainTheTokenOrSecrets) {
  log_lines_.clear();
  ASSERT_TRUE(Succeeds(fetch()));
  ASSERT_FALSE(log_lines_.empty());
  std::string payload = token_.substr(token_.find('.') + 1, 20);
  for (auto const& line : log_lines_) {
    EXPECT_THAT(line, Not(HasSubstr(payload)));
    EXPECT_THAT(line, Not(HasSubstr("flow-secret-MARKER")));
    EXPECT_THAT(line, Not(HasSubstr("flow-session-MARKER")));
  }
}

// ---- default_session_name ----

TEST(DefaultSessionName, Preferences) {
  JwtClaims c;
  c.instance_name = "vm-1";
  c.sub = "12345";
  EXPECT_EQ(default_session_name(c, 1767225600), "vm-1");
  c.instance_name = "x";  // too short once sanitized: next choice
  EXPECT_EQ(default_session_name(c, 1767225600), "fedcred-12345");
  c.email = "app@proj.iam.gserviceaccount.com";
  EXPECT_EQ(default_session_name(c, 1767225600), "app@proj.iam.gserviceaccount.com");
  c.email = "a";  // too short: the subject
  EXPECT_EQ(default_session_name(c, 1767225600), "fedcred-12345");
  c.email = "svc@" + std::string(80, 'p') + ".iam.gserviceaccount.com";
  EXPECT_EQ(default_session_name(c, 1767225600), "svc@" + std::string(60, 'p'));
  c.instance_name.clear();
  c.email.clear();
  c.sub.clear();
  EXPECT_EQ(default_session_name(c, 1767225600), "fedcred-1767225600");
}

TEST(DefaultSessionName, LongInstanceNameIsTrimmedTo64) {
  JwtClaims c;
  c.instance_name = std::string(63, 'a') + "bcdef";
  EXPECT_EQ(default_session_name(c, 0), std::string(63, 'a') + "b");
}

TEST(DefaultSessionName, SubjectNameIsSanitizedAndTrimmed) {
  JwtClaims c;
  c.sub = "system:serviceaccount:ns:" + std::string(80, 'z');
  std::string name = default_session_name(c, 0);
  EXPECT_EQ(name.size(), 64u);
  EXPECT_EQ(name.substr(0, 33), "fedcred-system-serviceaccount-ns-");
  EXPECT_TRUE(is_valid_session_name(name));
}

}  // namespace
}  // namespace fedcred
