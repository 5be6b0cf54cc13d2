// SPDX-License-Identifier: Apache-2.0
// The google module: STS token exchange, impersonation, Google's error
// documents and the URL rule, over a fake HTTP client and clock.
#include "google_token.h"

#include <gtest/gtest.h>

#include "fakes.h"
#include "time_format.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fakes

constexpr char kSubject[] = "SUBJECTMARKER-token";
constexpr char kStsToken[] = "ya29.STSMARKER";

class GoogleTokenTest : public ::testing::Test {
 protected:
  GoogleTokenTest() : http_(&clock_) {
    call_.record.params = {{"token_url", "https://sts.googleapis.com/v1/token"},
                           {"audience", "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/"
                                        "providers/a"},
                           {"subject_token", kSubject},
                           {"subject_token_type", "urn:ietf:params:aws:token-type:aws4_request"},
                           {"scope", "https://www.googleapis.com/auth/cloud-platform"},
                           {"deadline_ms", std::to_string(clock_.monotonic_ms() + 30'000)}};
  }
  int run() {
    ModuleCall mc(fake_host(), &call_);
    return run_google_operation(mc, "access_token", http_, clock_, random_);
  }
  void expect_no_secret() const {
    for (char const* marker : {"SUBJECTMARKER", "STSMARKER", "SAMARKER"}) {
      EXPECT_EQ(call_.record.error_message.find(marker), std::string::npos) << call_.record.error_message;
    }
  }
  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(0.5);  // the jitter pinned
  FakeHttpClient http_;
  fedcred_module_call call_;
};

TEST_F(GoogleTokenTest, ExchangeFormAndExpiry) {
  http_.push(response(200, std::string("{\"access_token\":\"") + kStsToken +
                               "\",\"issued_token_type\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":\"3599\"}"));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  EXPECT_EQ(call_.record.results.at("access_token"), kStsToken);
  EXPECT_EQ(call_.record.results.at("expiration"), format_rfc3339_utc(clock_.unix_seconds() + 3599));
  ASSERT_EQ(http_.requests.size(), 1U);
  std::string const& form = http_.requests[0].body.reveal();
  EXPECT_NE(form.find("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"), std::string::npos);
  EXPECT_NE(form.find("subject_token_type=urn%3Aietf%3Aparams%3Aaws%3Atoken-type%3Aaws4_request"), std::string::npos);
  EXPECT_NE(form.find("requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token"),
            std::string::npos);
  for (auto const& [name, value] : http_.requests[0].headers) EXPECT_NE(name, "Authorization");
}

TEST_F(GoogleTokenTest, ImpersonationSendsTheStsTokenAndLifetime) {
  call_.record.params["impersonation_url"] =
      "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:"
      "generateAccessToken";
  call_.record.params["lifetime"] = "1800";
  http_.push(response(200, std::string("{\"access_token\":\"") + kStsToken + "\",\"expires_in\":3600}"));
  http_.push(response(200, "{\"accessToken\":\"ya29.SAMARKER\",\"expireTime\":\"2023-11-14T23:13:20Z\"}"));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  EXPECT_EQ(call_.record.results.at("access_token"), "ya29.SAMARKER");
  EXPECT_EQ(call_.record.results.at("expiration"), "2023-11-14T23:13:20Z");
  ASSERT_EQ(http_.requests.size(), 2U);
  EXPECT_EQ(http_.requests[1].body.reveal(),
            "{\"scope\":[\"https://www.googleapis.com/auth/cloud-platform\"],\"lifetime\":\"1800s\"}");
  bool bearer = false;
  for (auto const& [name, value] : http_.requests[1].headers) bearer = bearer || value == std::string("Bearer ") + kStsToken;
  EXPECT_TRUE(bearer);
}

TEST_F(GoogleTokenTest, InvalidGrantIsDeniedWithGooglesWords) {
  http_.push(response(400, "{\"error\":\"invalid_grant\",\"error_description\":\"The caller does not match\"}"));
  EXPECT_EQ(run(), FEDCRED_E_DENIED);
  EXPECT_NE(call_.record.error_message.find("invalid_grant: The caller does not match"), std::string::npos)
      << call_.record.error_message;
  expect_no_secret();
}

TEST_F(GoogleTokenTest, ImpersonationForbiddenIsDenied) {
  call_.record.params["impersonation_url"] = "https://iamcredentials.googleapis.com/v1/x:generateAccessToken";
  http_.push(response(200, std::string("{\"access_token\":\"") + kStsToken + "\",\"expires_in\":3600}"));
  http_.push(response(403, "{\"error\":{\"code\":403,\"message\":\"Permission denied\",\"status\":\"PERMISSION_DENIED\"}}"));
  EXPECT_EQ(run(), FEDCRED_E_DENIED);
  EXPECT_NE(call_.record.error_message.find("PERMISSION_DENIED: Permission denied"), std::string::npos);
  expect_no_secret();
}

TEST_F(GoogleTokenTest, ServerErrorsAreRetriedThenTransient) {
  http_.set_fallback(response(503, "{\"error\":\"temporarily_unavailable\"}"));
  EXPECT_EQ(run(), FEDCRED_E_TRANSIENT);
  EXPECT_GT(http_.requests.size(), 1U);
}

TEST_F(GoogleTokenTest, PlainHttpOnlyToLoopback) {
  call_.record.params["token_url"] = "http://sts.example.com/v1/token";
  EXPECT_EQ(run(), FEDCRED_E_USAGE);
  EXPECT_TRUE(http_.requests.empty()) << "the subject token is never sent in clear text";
  EXPECT_TRUE(check_google_url("http://127.0.0.1:8080/v1/token", "token_url").ok());
}

TEST_F(GoogleTokenTest, AnswerWithoutTokenIsUnusable) {
  http_.push(response(200, "{\"expires_in\":3600}"));
  EXPECT_EQ(run(), FEDCRED_E_RESPONSE);
}

// Found by the google_json fuzz seeds: now + expires_in overflowed (signed,
// undefined) for an expires_in near INT64_MAX, as an integer or a string.
TEST(GoogleStsResponse, ExpiresInBeyondAnyTokenLifetimeIsUnusable) {
  std::int64_t const now = 1767225600;
  for (char const* expires_in : {"9223372036854775807", "\"9223372036854775807\"", "86401"}) {
    auto parsed = parse_sts_token_response(std::string("{\"access_token\":\"t\",\"expires_in\":") + expires_in + "}",
                                           "sts.googleapis.com", now);
    ASSERT_FALSE(parsed) << expires_in;
    EXPECT_EQ(parsed.error().status, Status::response);
    EXPECT_NE(parsed.error().message.find("expires_in"), std::string::npos) << parsed.error().message;
  }
  auto day = parse_sts_token_response("{\"access_token\":\"t\",\"expires_in\":86400}", "sts.googleapis.com", now);
  ASSERT_TRUE(day) << day.error().message;
  EXPECT_EQ(day->expiration, now + 86400);
}

}  // namespace
}  // namespace fedcred::modules
