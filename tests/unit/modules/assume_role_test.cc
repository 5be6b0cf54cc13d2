// SPDX-License-Identifier: Apache-2.0
#include "assume_role.h"

#include <gtest/gtest.h>

#include "fakes.h"
#include "sts_fixtures.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fakes and fixtures

constexpr char kRole[] = "arn:aws:iam::123456789012:role/reader";

class AssumeRoleTest : public ::testing::Test {
 protected:
  AssumeRoleTest() : http_(&clock_), sts_(http_, clock_, StsExchange::default_policy(), random_) {}

  AssumeRoleRequest request() {
    AssumeRoleRequest r;
    r.endpoint = "https://sts.us-east-1.amazonaws.com";
    r.region = "us-east-1";
    r.role_arn = kRole;
    r.session_name = "fedcred-vm1";
    r.duration = "3600";
    r.web_identity_token = Secret(std::string(kWebToken));
    r.deadline_ms = clock_.monotonic_ms() + 15'000;
    return r;
  }

  static void expect_no_secret(Error const& e) {
    for (char const* marker : kMarkers) EXPECT_EQ(e.message.find(marker), std::string::npos) << e.message;
  }

  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(1.0);  // the jitter pinned
  FakeHttpClient http_;
  StsExchange sts_;
};

TEST_F(AssumeRoleTest, RequestShapeAndFormEncoding) {
  http_.push(response(200, success_xml()));
  auto creds = sts_.assume_role_with_web_identity(request());
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  ASSERT_EQ(http_.requests.size(), 1U);
  HttpRequest const& r = http_.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://sts.us-east-1.amazonaws.com");
  EXPECT_FALSE(r.direct);
  EXPECT_EQ(r.max_body_bytes, 1024U * 1024U);
  EXPECT_LE(r.timeout_ms, StsExchange::kAttemptTimeoutMs);
  bool content_type = false;
  for (auto const& [name, value] : r.headers) {
    EXPECT_NE(name, "Authorization");  // the call is unsigned
    if (name == "Content-Type") {
      content_type = true;
      EXPECT_EQ(value, "application/x-www-form-urlencoded; charset=utf-8");
    }
  }
  EXPECT_TRUE(content_type);
  EXPECT_EQ(r.body.reveal(),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Freader"
            "&RoleSessionName=fedcred-vm1"
            "&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.WEBTOKENMARKER%2B%2F%3D"
            "&DurationSeconds=3600");
  EXPECT_EQ(r.url.find("WEBTOKENMARKER"), std::string::npos);  // never in the URL
}

TEST_F(AssumeRoleTest, Success) {
  http_.push(response(200, success_xml()));
  auto creds = sts_.assume_role_with_web_identity(request());
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(creds->secret_access_key.reveal(), kSecretKey);
  EXPECT_EQ(creds->request_id, "req-1");
}

TEST_F(AssumeRoleTest, AccessDeniedIsDeniedWithoutRetry) {
  http_.push(response(403, error_xml("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")));
  auto creds = sts_.assume_role_with_web_identity(request());
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::denied);
  EXPECT_EQ(http_.requests.size(), 1U);
  std::string const& m = creds.error().message;
  EXPECT_EQ(m.rfind("STS (sts.us-east-1.amazonaws.com) refused AssumeRoleWithWebIdentity for role "
                    "arn:aws:iam::123456789012:role/reader: AccessDenied: Not authorized to perform "
                    "sts:AssumeRoleWithWebIdentity (request id req-err-7)",
                    0),
            0U)
      << m;
  EXPECT_NE(m.find("accounts.google.com:oaud"), std::string::npos);
  expect_no_secret(creds.error());
}

TEST_F(AssumeRoleTest, NonRetryableCodesAreDenied) {
  for (char const* code : {"InvalidIdentityToken", "IDPRejectedClaim", "ExpiredTokenException",
                           "RegionDisabledException", "MalformedPolicyDocument", "PackedPolicyTooLarge",
                           "ValidationError", "SomethingNew"}) {
    http_.requests.clear();
    http_.push(response(400, error_xml(code, "m")));
    auto creds = sts_.assume_role_with_web_identity(request());
    ASSERT_FALSE(creds.ok()) << code;
    EXPECT_EQ(creds.error().status, Status::denied) << code;
    EXPECT_EQ(http_.requests.size(), 1U) << code;
    EXPECT_NE(creds.error().message.find(code), std::string::npos);
  }
}

TEST_F(AssumeRoleTest, ThrottlingIsRetried) {
  http_.push(response(400, error_xml("Throttling", "Rate exceeded")));
  http_.push(response(400, error_xml("Throttling", "Rate exceeded")));
  http_.push(response(200, success_xml()));
  auto creds = sts_.assume_role_with_web_identity(request());
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(http_.requests.size(), 3U);
  EXPECT_EQ(clock_.sleeps, (std::vector<std::int64_t>{250, 500}));
  // Every attempt sends the same body.
  EXPECT_EQ(http_.requests[0].body.reveal(), http_.requests[2].body.reveal());
}

TEST_F(AssumeRoleTest, IdpCommunicationErrorIsRetried) {
  http_.push(response(400, error_xml("IDPCommunicationError", "Couldn't reach the IdP")));
  http_.push(response(200, success_xml()));
  auto creds = sts_.assume_role_with_web_identity(request());
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(http_.requests.size(), 2U);
}

TEST_F(AssumeRoleTest, AllRetryableCodes) {
  for (char const* code : {"IDPCommunicationError", "Throttling", "ThrottlingException", "RequestLimitExceeded",
                           "TooManyRequestsException", "RequestTimeout", "ServiceUnavailable", "InternalFailure"}) {
    EXPECT_TRUE(is_retryable_sts_code(code)) << code;
  }
  EXPECT_FALSE(is_retryable_sts_code("AccessDenied"));
  EXPECT_FALSE(is_retryable_sts_code("InvalidIdentityToken"));
  EXPECT_FALSE(is_retryable_sts_code(""));
}

TEST_F(AssumeRoleTest, ServerErrorsForeverAreTransientWithinTheDeadline) {
  http_.set_latency_ms(300);
  http_.set_fallback(response(500, error_xml("InternalFailure", "oops")));
  AssumeRoleRequest req = request();
  auto creds = sts_.assume_role_with_web_identity(req);
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::transient);
  EXPECT_EQ(http_.requests.size(), 4U);
  EXPECT_LE(clock_.monotonic_ms(), req.deadline_ms);
  std::string const& m = creds.error().message;
  EXPECT_NE(m.find("after 4 attempt(s)"), std::string::npos) << m;
  EXPECT_NE(m.find("InternalFailure: oops (request id req-err-7)"), std::string::npos) << m;
  EXPECT_NE(m.find("sts.us-east-1.amazonaws.com"), std::string::npos) << m;
}

TEST_F(AssumeRoleTest, ShortDeadlineCutsRetries) {
  http_.set_latency_ms(8000);  // every attempt runs into its timeout
  http_.set_fallback(make_error(Status::transient, "cannot reach sts.us-east-1.amazonaws.com: timed out"));
  AssumeRoleRequest req = request();
  req.deadline_ms = clock_.monotonic_ms() + 10'000;
  auto creds = sts_.assume_role_with_web_identity(req);
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::transient);
  EXPECT_LE(clock_.monotonic_ms(), req.deadline_ms);
  EXPECT_EQ(http_.requests.size(), 2U);
  EXPECT_EQ(http_.requests[0].timeout_ms, 8000);
  EXPECT_LE(http_.requests[1].timeout_ms, 2000);
}

TEST_F(AssumeRoleTest, GatewayErrorWithoutXmlIsRetried) {
  http_.push(response(502, "<html>Bad Gateway</html>"));
  http_.push(response(200, success_xml()));
  EXPECT_TRUE(sts_.assume_role_with_web_identity(request()).ok());
  EXPECT_EQ(http_.requests.size(), 2U);
}

TEST_F(AssumeRoleTest, UnusableAnswersAreResponseErrors) {
  std::string no_creds =
      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult/></AssumeRoleWithWebIdentityResponse>";
  for (auto const& [status, body] : std::vector<std::pair<int, std::string>>{
           {200, "<AssumeRole"}, {200, no_creds}, {200, "{}"}, {400, "Bad Request"}, {404, "<html/>"}}) {
    http_.requests.clear();
    http_.push(response(status, body));
    auto creds = sts_.assume_role_with_web_identity(request());
    ASSERT_FALSE(creds.ok()) << body;
    EXPECT_EQ(creds.error().status, Status::response) << body;
    EXPECT_NE(creds.error().message.find("STS (sts.us-east-1.amazonaws.com) answered HTTP " +
                                         std::to_string(status)),
              std::string::npos)
        << creds.error().message;
    EXPECT_EQ(http_.requests.size(), 1U);
  }
}

TEST_F(AssumeRoleTest, OversizedResponseIsFinal) {
  http_.push(make_error(Status::response, "response from sts.us-east-1.amazonaws.com exceeds 1048576 bytes"));
  auto creds = sts_.assume_role_with_web_identity(request());
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::response);
  EXPECT_EQ(http_.requests.size(), 1U);
}

TEST_F(AssumeRoleTest, RedirectIsAResponseError) {
  http_.push(response(301, "", {{"location", "https://elsewhere/"}}));
  auto creds = sts_.assume_role_with_web_identity(request());
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::response);
  EXPECT_NE(creds.error().message.find("redirect"), std::string::npos);
}

TEST_F(AssumeRoleTest, EchoedTokenIsStrippedFromMessages) {
  http_.push(response(400, error_xml("InvalidIdentityToken",
                                     std::string("Token ") + kWebToken + " is not valid; also " +
                                         std::string(150, 'Q') + " and\ncontrol")));
  auto creds = sts_.assume_role_with_web_identity(request());
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::denied);
  std::string const& m = creds.error().message;
  expect_no_secret(creds.error());
  EXPECT_EQ(m.find("eyJ"), std::string::npos) << m;
  EXPECT_EQ(m.find("QQQQQQQQQQ"), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_NE(m.find("Token [redacted] is not valid"), std::string::npos) << m;
}

TEST_F(AssumeRoleTest, NoSecretInAnyErrorMessage) {
  std::vector<Result<HttpResponse>> answers = {
      response(200, success_xml().substr(0, 500)),
      response(200, success_xml().replace(success_xml().find("<Expiration>"), 12, "<Expiry>")),
      response(403, error_xml("AccessDenied", kWebToken)),
      // STS can only echo what was sent: the token, never the credentials.
      response(400, error_xml("ValidationError", std::string("bad value ") + kWebToken)),
      response(200, "<AssumeRoleWithWebIdentityResponse>" + std::string(kSecretKey)),
      response(500, kSessionToken),
      make_error(Status::transient, "cannot reach sts.us-east-1.amazonaws.com: refused"),
  };
  for (auto const& answer : answers) {
    http_.set_fallback(answer);
    auto creds = sts_.assume_role_with_web_identity(request());
    ASSERT_FALSE(creds.ok());
    expect_no_secret(creds.error());
  }
}

TEST_F(AssumeRoleTest, InvalidInputsSendNothing) {
  AssumeRoleRequest bad_endpoint = request();
  bad_endpoint.endpoint = "sts.amazonaws.com";
  AssumeRoleRequest bad_duration = request();
  bad_duration.duration = "1h";
  AssumeRoleRequest no_token = request();
  no_token.web_identity_token = Secret();
  for (auto const* r : {&bad_endpoint, &bad_duration, &no_token}) {
    auto creds = sts_.assume_role_with_web_identity(*r);
    ASSERT_FALSE(creds.ok());
    EXPECT_EQ(creds.error().status, Status::usage);
  }
  EXPECT_TRUE(http_.requests.empty());
}

TEST(SanitizeStsText, Rules) {
  EXPECT_EQ(sanitize_sts_text("Rate exceeded"), "Rate exceeded");
  EXPECT_EQ(sanitize_sts_text("a eyJx.y.z b"), "a [redacted] b");
  EXPECT_EQ(sanitize_sts_text("eyJ only one.dot"), "eyJ only one.dot");
  EXPECT_EQ(sanitize_sts_text("tab\there"), "tab here");
  std::string long_text(2000, ' ');
  EXPECT_LE(sanitize_sts_text(long_text).size(), 520U);
}

TEST(RunStsOperation, ResultsGoToTheHost) {
  FakeClock clock;
  FakeHttpClient http(&clock);
  http.push(response(200, success_xml()));
  fedcred_module_call call;
  call.record.params = {{"endpoint", "http://127.0.0.1:4566"}, {"region", "us-east-1"},
                        {"role_arn", kRole},                   {"session_name", "s1"},
                        {"duration", "3600"},                  {"web_identity_token", kWebToken}};
  ModuleCall mc(fake_host(), &call);
  ASSERT_EQ(run_sts_operation(mc, "assume_role_with_web_identity", http, clock), FEDCRED_OK)
      << call.record.error_message;
  EXPECT_EQ(call.record.results.at("access_key_id"), "ASIAEXAMPLE");
  EXPECT_EQ(call.record.results.at("secret_access_key"), kSecretKey);
  EXPECT_EQ(call.record.results.at("session_token"), kSessionToken);
  EXPECT_EQ(call.record.results.at("expiration"), "2026-01-01T01:00:00Z");
  EXPECT_EQ(call.record.results.at("assumed_role_arn"), "arn:aws:sts::123456789012:assumed-role/reader/fedcred");
  EXPECT_EQ(call.record.results.at("request_id"), "req-1");
  EXPECT_EQ(http.requests.at(0).url, "http://127.0.0.1:4566");
}

TEST(RunStsOperation, MissingParametersAreUsageErrors) {
  FakeClock clock;
  FakeHttpClient http(&clock);
  fedcred_module_call call;
  call.record.params = {{"endpoint", "https://sts.amazonaws.com"}, {"region", "us-east-1"},
                        {"role_arn", kRole}, {"session_name", "s1"}, {"duration", "3600"}};
  ModuleCall mc(fake_host(), &call);
  EXPECT_EQ(run_sts_operation(mc, "assume_role_with_web_identity", http, clock), FEDCRED_E_USAGE);
  EXPECT_EQ(call.record.error_message, "missing parameter web_identity_token");
  EXPECT_EQ(run_sts_operation(mc, "subject_token", http, clock), FEDCRED_E_USAGE);
  EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace fedcred::modules
