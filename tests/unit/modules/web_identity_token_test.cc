// SPDX-License-Identifier: Apache-2.0
#include "web_identity_token.h"

#include <gtest/gtest.h>

#include "aws/aws_fixtures.h"
#include "fakes.h"
#include "sts_fixtures.h"
#include "sts_xml.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fakes and fixtures

class WebIdentityTokenTest : public ::testing::Test {
 protected:
  WebIdentityTokenTest() : http_(&clock_), sts_(http_, clock_, WebIdentityTokenClient::default_policy(), random_) {}

  WebIdentityTokenRequest request() {
    return {"https://sts.eu-west-1.amazonaws.com", "eu-west-1", kAudience, 900, clock_.monotonic_ms() + 20'000};
  }
  static sigv4::Credentials creds(bool session = true) {
    return {"ASIAEXAMPLE", Secret(std::string(kAwsSecretKey)),
            session ? Secret(std::string(kAwsSessionToken)) : Secret()};
  }
  static std::string header(HttpRequest const& r, std::string const& name) {
    for (auto const& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "(absent)";
  }
  static void expect_no_secret(Error const& e) {
    for (char const* marker : kAwsMarkers) EXPECT_EQ(e.message.find(marker), std::string::npos) << e.message;
  }

  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(1.0);  // the jitter pinned
  FakeHttpClient http_;
  WebIdentityTokenClient sts_;
};

TEST_F(WebIdentityTokenTest, FormAndSignedHeaders) {
  http_.push(response(200, web_identity_token_xml()));
  auto token = sts_.get(request(), creds());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->token.reveal(), kJwt);
  EXPECT_EQ(token->expiration, "2023-11-14T23:13:20Z");
  ASSERT_EQ(http_.requests.size(), 1U);
  HttpRequest const& r = http_.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://sts.eu-west-1.amazonaws.com");
  EXPECT_FALSE(r.direct);
  EXPECT_EQ(r.body.reveal(),
            "Action=GetWebIdentityToken&Version=2011-06-15"
            "&Audience.member.1=https%3A%2F%2Fiam.googleapis.com%2Fprojects%2F123%2Flocations%2Fglobal%2F"
            "workloadIdentityPools%2Fp%2Fproviders%2Fx"
            "&SigningAlgorithm=RS256&DurationSeconds=900");
  EXPECT_EQ(header(r, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(header(r, "Host"), "sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(header(r, "X-Amz-Date"), "20231114T223000Z");  // FakeClock: 1,700,000,000 + 1000 s
  EXPECT_EQ(header(r, "X-Amz-Security-Token"), kAwsSessionToken);
  std::string const auth = header(r, "Authorization");
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20231114/eu-west-1/sts/aws4_request, "
                       "SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=",
                       0),
            0U)
      << auth;

  // The signature is the signer's over exactly what was sent.
  HeaderList sent;
  for (auto const& h : r.headers) {
    if (h.first != "Authorization" && h.first != "X-Amz-Date" && h.first != "X-Amz-Security-Token") sent.push_back(h);
  }
  sigv4::Options options{"eu-west-1", "sts", clock_.unix_seconds()};
  auto expected = sigv4::sign({"POST", "/", "", sent, r.body.reveal()}, creds(), options);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(auth, expected->authorization);
}

TEST_F(WebIdentityTokenTest, LongTermKeysSendNoSecurityToken) {
  http_.push(response(200, web_identity_token_xml()));
  ASSERT_TRUE(sts_.get(request(), creds(false)).ok());
  EXPECT_EQ(header(http_.requests[0], "X-Amz-Security-Token"), "(absent)");
  EXPECT_NE(header(http_.requests[0], "Authorization").find("SignedHeaders=accept;content-type;host;x-amz-date,"),
            std::string::npos);
}

TEST_F(WebIdentityTokenTest, ThrottlingIsRetriedAndResigned) {
  http_.push(response(400, error_xml("Throttling", "Rate exceeded")));
  http_.push(response(400, error_xml("Throttling", "Rate exceeded")));
  http_.push(response(200, web_identity_token_xml()));
  auto token = sts_.get(request(), creds());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(http_.requests.size(), 3U);
  EXPECT_EQ(clock_.sleeps, (std::vector<std::int64_t>{250, 500}));
  for (auto const& r : http_.requests) EXPECT_NE(header(r, "Authorization"), "(absent)");
}

TEST_F(WebIdentityTokenTest, ExhaustedRetriesAreTransient) {
  http_.set_fallback(response(503, error_xml("ServiceUnavailable", "busy")));
  auto token = sts_.get(request(), creds());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::transient);
  EXPECT_NE(token.error().message.find("GetWebIdentityToken for audience"), std::string::npos);
  EXPECT_NE(token.error().message.find("after 4 attempt(s)"), std::string::npos) << token.error().message;
}

TEST_F(WebIdentityTokenTest, RefusalsAreDeniedWithWhatToDo) {
  struct Case {
    char const* code;
    int status;
    char const* hint;
  };
  for (Case const& c : {Case{"OutboundWebIdentityFederationDisabledException", 403,
                             "run: aws iam enable-outbound-web-identity-federation"},
                        Case{"AccessDenied", 403, "sts:GetWebIdentityToken"},
                        Case{"SignatureDoesNotMatch", 403, "check the clock"},
                        Case{"InvalidClientTokenId", 403, "AWS_ACCESS_KEY_ID"}}) {
    http_.requests.clear();
    http_.push(response(c.status, error_xml(c.code, std::string("refused; token ") + kAwsSessionToken)));
    auto token = sts_.get(request(), creds());
    ASSERT_FALSE(token.ok()) << c.code;
    EXPECT_EQ(token.error().status, Status::denied) << c.code;
    EXPECT_EQ(http_.requests.size(), 1U) << c.code;
    EXPECT_NE(token.error().message.find(c.code), std::string::npos) << token.error().message;
    EXPECT_NE(token.error().message.find(c.hint), std::string::npos) << token.error().message;
    EXPECT_NE(token.error().message.find("sts.eu-west-1.amazonaws.com"), std::string::npos);
    expect_no_secret(token.error());
  }
}

TEST_F(WebIdentityTokenTest, MalformedAnswerIsResponse) {
  http_.push(response(200, "<GetWebIdentityTokenResponse><GetWebIdentityTokenResult><WebIdentityToken>" +
                               std::string(kJwt) + "</WebIdentityToken>"));
  auto token = sts_.get(request(), creds());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::response);
  expect_no_secret(token.error());
}

TEST_F(WebIdentityTokenTest, BadInputsSendNothing) {
  auto r = request();
  r.duration_seconds = 59;
  EXPECT_EQ(sts_.get(r, creds()).error().status, Status::usage);
  r = request();
  r.audience.clear();
  EXPECT_EQ(sts_.get(r, creds()).error().status, Status::usage);
  r = request();
  r.region = "EU WEST";
  EXPECT_EQ(sts_.get(r, creds()).error().status, Status::usage);
  EXPECT_EQ(sts_.get(request(), sigv4::Credentials{}).error().status, Status::usage);
  EXPECT_TRUE(http_.requests.empty());
}

TEST(WebIdentityStsEndpoint, RegionalOnly) {
  EXPECT_EQ(*web_identity_sts_endpoint("us-east-1", ""), "https://sts.us-east-1.amazonaws.com");
  EXPECT_EQ(*web_identity_sts_endpoint("cn-north-1", ""), "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(*web_identity_sts_endpoint("us-east-1", "http://127.0.0.1:9000"), "http://127.0.0.1:9000");
  for (char const* global : {"https://sts.amazonaws.com", "https://STS.amazonaws.com/"}) {
    auto e = web_identity_sts_endpoint("eu-west-1", global);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().status, Status::usage);
    EXPECT_NE(e.error().message.find("https://sts.eu-west-1.amazonaws.com"), std::string::npos) << e.error().message;
  }
  EXPECT_FALSE(web_identity_sts_endpoint("not a region", "").ok());
}

TEST(ParseWebIdentityToken, SuccessAndShapes) {
  auto ok = parse_web_identity_token_response(web_identity_token_xml());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->token.reveal(), kJwt);
  EXPECT_EQ(ok->request_id, "req-wit-1");
  EXPECT_FALSE(parse_web_identity_token_response(success_xml()).ok());  // another operation's document
  auto no_exp = parse_web_identity_token_response(
      "<GetWebIdentityTokenResponse><GetWebIdentityTokenResult><WebIdentityToken>" + std::string(kJwt) +
      "</WebIdentityToken></GetWebIdentityTokenResult></GetWebIdentityTokenResponse>");
  ASSERT_FALSE(no_exp.ok());
  EXPECT_NE(no_exp.error().message.find("Expiration"), std::string::npos);
  EXPECT_EQ(no_exp.error().message.find("JWTMARKER"), std::string::npos);
  EXPECT_FALSE(parse_web_identity_token_response("<!DOCTYPE x><GetWebIdentityTokenResponse/>").ok());
}

}  // namespace
}  // namespace fedcred::modules
