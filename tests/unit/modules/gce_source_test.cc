// SPDX-License-Identifier: Apache-2.0
#include "gce_source.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace fedcred::modules {
namespace {

using testing::FakeClock;
using testing::FakeHttpClient;
using testing::FixedRandom;
using testing::response;

// A JWT-shaped token carrying a marker that must never reach a message.
constexpr char kToken[] = "eyJhbGciOiJSUzI1NiJ9.eyJUT0tFTk1BUktFUiI6MX0.TOKENMARKER_sig-nature";
constexpr char kMarker[] = "TOKENMARKER";
constexpr char kHost[] = "metadata.google.internal";

HeaderList google() { return {{"metadata-flavor", "Google"}, {"content-type", "text/html"}}; }

class GceSourceTest : public ::testing::Test {
 protected:
  GceSourceTest() : http_(&clock_), source_(http_, clock_, GceSource::default_policy(), random_) {}

  GceTokenRequest request(std::string audience = "sts.amazonaws.com") {
    return {kHost, std::move(audience), clock_.monotonic_ms() + 15'000};
  }

  static void expect_no_secret(Error const& e) { EXPECT_EQ(e.message.find(kMarker), std::string::npos) << e.message; }

  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(1.0);  // the jitter pinned
  FakeHttpClient http_;
  GceSource source_;
};

TEST_F(GceSourceTest, RequestShape) {
  http_.push(response(200, std::string(kToken) + "\n", google()));
  auto token = source_.identity_token(request("//iam.googleapis.com/projects/1/x y&z=1"));
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->reveal(), kToken);  // trimmed
  ASSERT_EQ(http_.requests.size(), 1U);
  HttpRequest const& r = http_.requests[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url,
            "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity"
            "?audience=%2F%2Fiam.googleapis.com%2Fprojects%2F1%2Fx%20y%26z%3D1&format=full");
  EXPECT_EQ(r.headers, (HeaderList{{"Metadata-Flavor", "Google"}}));
  EXPECT_TRUE(r.direct);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.max_body_bytes, 64U * 1024U);
  EXPECT_LE(r.timeout_ms, GceSource::kAttemptTimeoutMs);
  EXPECT_GT(r.timeout_ms, 0);
}

TEST_F(GceSourceTest, HostWithPort) {
  http_.push(response(200, kToken, google()));
  GceTokenRequest req = request();
  req.metadata_host = "127.0.0.1:8080";
  ASSERT_TRUE(source_.identity_token(req).ok());
  EXPECT_EQ(http_.requests[0].url.rfind("http://127.0.0.1:8080/computeMetadata/v1/", 0), 0U);
}

TEST_F(GceSourceTest, AttemptTimeoutNeverExceedsTheDeadline) {
  http_.push(response(200, kToken, google()));
  GceTokenRequest req = request();
  req.deadline_ms = clock_.monotonic_ms() + 1200;
  ASSERT_TRUE(source_.identity_token(req).ok());
  EXPECT_EQ(http_.requests[0].timeout_ms, 1200);
}

TEST_F(GceSourceTest, NotFoundIsASourceErrorWithAHint) {
  http_.push(response(404, "Not Found", google()));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_NE(token.error().message.find("HTTP 404"), std::string::npos);
  EXPECT_NE(token.error().message.find("no service account"), std::string::npos);
  EXPECT_NE(token.error().message.find(kHost), std::string::npos);
  EXPECT_EQ(http_.requests.size(), 1U);  // not retried
}

TEST_F(GceSourceTest, ForbiddenIsASourceErrorWithAHint) {
  http_.push(response(403, "Forbidden", google()));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_NE(token.error().message.find("HTTP 403"), std::string::npos);
  EXPECT_NE(token.error().message.find("Metadata-Flavor"), std::string::npos);
  EXPECT_EQ(http_.requests.size(), 1U);
}

TEST_F(GceSourceTest, ServerErrorsAreRetried) {
  http_.push(response(500, "oops", google()));
  http_.push(response(503, "oops"));
  http_.push(response(200, kToken, google()));
  auto token = source_.identity_token(request());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(http_.requests.size(), 3U);
  EXPECT_EQ(clock_.sleeps.size(), 2U);
}

TEST_F(GceSourceTest, ConnectionErrorsExhaustedAreASourceError) {
  http_.set_fallback(testing::connection_refused(kHost));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_EQ(http_.requests.size(), 4U);
  std::string const& m = token.error().message;
  EXPECT_NE(m.find("cannot reach the GCE metadata server at metadata.google.internal"), std::string::npos) << m;
  EXPECT_NE(m.find("Connection refused"), std::string::npos) << m;
  EXPECT_NE(m.find("GCE_METADATA_HOST"), std::string::npos) << m;
  EXPECT_NE(m.find("4 attempt"), std::string::npos) << m;
}

TEST_F(GceSourceTest, ServerErrorsExhaustedAreASourceError) {
  http_.set_fallback(response(503, "busy", google()));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_NE(token.error().message.find("HTTP 503"), std::string::npos);
}

TEST_F(GceSourceTest, RetriesStayWithinTheDeadline) {
  http_.set_latency_ms(5000);  // every attempt hangs until its timeout
  http_.set_fallback(make_error(Status::transient, "cannot reach metadata.google.internal: timed out"));
  GceTokenRequest req = request();
  req.deadline_ms = clock_.monotonic_ms() + 4000;
  auto token = source_.identity_token(req);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_LE(clock_.monotonic_ms(), req.deadline_ms);
}

// GKE's metadata server has sent service-account tokens without the header
// (googleapis/gcp-metadata#215); Google's Python, Go and C++ clients check it on
// detection only. The token is accepted on its own shape.
TEST_F(GceSourceTest, TokenWithoutMetadataFlavorIsAccepted) {
  http_.push(response(200, kToken, {{"content-type", "text/html"}}));
  auto token = source_.identity_token(request());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->reveal(), kToken);
  EXPECT_EQ(http_.requests.size(), 1U);
}

TEST_F(GceSourceTest, NonJwtWithoutMetadataFlavorNamesTheHeader) {
  http_.push(response(200, "<html>captive portal</html>", {{"content-type", "text/html"}}));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_NE(token.error().message.find("not a JWT"), std::string::npos);
  EXPECT_NE(token.error().message.find("Metadata-Flavor"), std::string::npos);
}

TEST_F(GceSourceTest, ErrorWithoutMetadataFlavorIsNotAMetadataServer) {
  http_.push(response(404, "Not Found", {{"content-type", "text/html"}}));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_NE(token.error().message.find("not a GCE metadata server"), std::string::npos);
  EXPECT_EQ(http_.requests.size(), 1U);
}

// GKE answered identity?format=full with HTTP 400 (google-auth-library-nodejs#1305):
// one more request, in the standard format, within the same deadline.
TEST_F(GceSourceTest, FormatFullRefusedAsksForTheStandardFormat) {
  for (HeaderList const& headers : {google(), HeaderList{{"content-type", "text/plain"}}}) {
    http_.requests.clear();
    http_.push(response(400, "bad request", headers));
    http_.push(response(200, kToken, google()));
    auto token = source_.identity_token(request());
    ASSERT_TRUE(token.ok()) << token.error().message;
    EXPECT_EQ(token->reveal(), kToken);
    ASSERT_EQ(http_.requests.size(), 2U);
    EXPECT_NE(http_.requests[0].url.find("&format=full"), std::string::npos);
    EXPECT_EQ(http_.requests[1].url,
              "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity"
              "?audience=sts.amazonaws.com");
    EXPECT_EQ(http_.requests[1].headers, (HeaderList{{"Metadata-Flavor", "Google"}}));
  }
}

TEST_F(GceSourceTest, StandardFormatRefusedTooIsOneError) {
  http_.push(response(400, "bad request", google()));
  http_.push(response(400, "bad request", google()));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_NE(token.error().message.find("HTTP 400"), std::string::npos);
  EXPECT_EQ(http_.requests.size(), 2U);
}

// Only the refusal on record earns the second request: every other failure is
// final (or retried as itself) in format=full.
TEST_F(GceSourceTest, OtherFailuresDoNotDropFormatFull) {
  for (int status : {401, 403, 404, 429, 500}) {
    FakeClock clock;
    FakeHttpClient http(&clock);
    GceSource source(http, clock, GceSource::default_policy(), random_);
    http.set_fallback(response(status, "no", google()));
    auto token = source.identity_token({kHost, "sts.amazonaws.com", clock.monotonic_ms() + 15'000});
    ASSERT_FALSE(token.ok()) << status;
    ASSERT_FALSE(http.requests.empty());
    for (HttpRequest const& r : http.requests) {
      EXPECT_NE(r.url.find("&format=full"), std::string::npos) << status;
    }
  }
}

TEST(GceIdentityUrl, FullOrStandard) {
  EXPECT_EQ(gce_identity_url("h:1", "a b"),
            "http://h:1/computeMetadata/v1/instance/service-accounts/default/identity?audience=a%20b&format=full");
  EXPECT_EQ(gce_identity_url("h:1", "a b", false),
            "http://h:1/computeMetadata/v1/instance/service-accounts/default/identity?audience=a%20b");
}

TEST_F(GceSourceTest, NonJwtBody) {
  for (char const* body : {"", "<html>captive portal</html>", "a.b", "a..c", "a.b.c.d", "a.b.c d", "TOKENMARKER"}) {
    http_.push(response(200, body, google()));
    auto token = source_.identity_token(request());
    ASSERT_FALSE(token.ok()) << body;
    EXPECT_EQ(token.error().status, Status::source);
    EXPECT_EQ(token.error().message,
              "metadata server at metadata.google.internal returned a body that is not a JWT");
  }
}

TEST_F(GceSourceTest, OversizedBodyIsASourceError) {
  http_.push(make_error(Status::response, "response from metadata.google.internal exceeds 65536 bytes"));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_NE(token.error().message.find("exceeds 65536 bytes"), std::string::npos);
  EXPECT_EQ(http_.requests.size(), 1U);
}

TEST_F(GceSourceTest, RedirectsAreNotFollowed) {
  http_.push(response(302, "", {{"metadata-flavor", "Google"}, {"location", "http://evil/"}}));
  auto token = source_.identity_token(request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::source);
  EXPECT_NE(token.error().message.find("redirect"), std::string::npos);
}

TEST_F(GceSourceTest, InvalidInputsSendNothing) {
  GceTokenRequest req = request();
  req.metadata_host = "http://metadata/";
  auto token = source_.identity_token(req);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().status, Status::usage);
  EXPECT_FALSE(source_.identity_token(request("")).ok());
  EXPECT_TRUE(http_.requests.empty());
}

TEST(LooksLikeJwt, Shapes) {
  EXPECT_TRUE(looks_like_jwt(kToken));
  EXPECT_TRUE(looks_like_jwt("a.b.c"));
  EXPECT_FALSE(looks_like_jwt(".b.c"));
  EXPECT_FALSE(looks_like_jwt("a.b."));
  EXPECT_FALSE(looks_like_jwt("a.b+c.d"));
  EXPECT_FALSE(looks_like_jwt("a.b=.c"));
  EXPECT_FALSE(looks_like_jwt(std::string(64 * 1024, 'a') + ".b.c"));
}

TEST(RunGceOperation, SubjectTokenThroughTheHost) {
  FakeClock clock;
  FakeHttpClient http(&clock);
  http.push(response(200, kToken, google()));
  fedcred_module_call call;
  call.record.params = {{"audience", "sts.amazonaws.com"},
                        {"metadata_host", "127.0.0.1:9"},
                        {"deadline_ms", std::to_string(clock.monotonic_ms() + 5000)}};
  ModuleCall mc(testing::fake_host(), &call);
  EXPECT_EQ(run_gce_operation(mc, "subject_token", http, clock), FEDCRED_OK);
  EXPECT_EQ(call.record.results.at("subject_token"), kToken);
  EXPECT_EQ(http.requests.at(0).timeout_ms, 3000);
}

TEST(RunGceOperation, ErrorsGoToTheHost) {
  FakeClock clock;
  FakeHttpClient http(&clock);
  fedcred_module_call call;
  call.record.params = {{"audience", "sts.amazonaws.com"}};
  ModuleCall mc(testing::fake_host(), &call);
  EXPECT_EQ(run_gce_operation(mc, "subject_token", http, clock), FEDCRED_E_USAGE);
  EXPECT_EQ(call.record.error_message, "missing parameter metadata_host");
  EXPECT_EQ(run_gce_operation(mc, "assume_role_with_web_identity", http, clock), FEDCRED_E_USAGE);
  EXPECT_TRUE(http.requests.empty());

  http.set_fallback(testing::connection_refused("127.0.0.1:9"));
  call.record.params["metadata_host"] = "127.0.0.1:9";
  EXPECT_EQ(run_gce_operation(mc, "subject_token", http, clock), FEDCRED_E_SOURCE);
  EXPECT_FALSE(call.record.logs.empty());  // retries are logged
  EXPECT_TRUE(call.record.results.empty());
}

}  // namespace
}  // namespace fedcred::modules
