// SPDX-License-Identifier: Apache-2.0
// The server's request handling without a socket: the Host check, the AWS
// route's Authorization and expiry rules, and the GCE metadata emulation fed
// by a published token (the stand-in for the access-token flow, issue 13).
#include "router.h"

#include <gtest/gtest.h>
#include <json-c/json.h>

#include <string>
#include <tuple>
#include <vector>

#include "serve_abi.h"

namespace fedcred::serve {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr char kToken[] = "serve-test-authorization-token-0123456789";
constexpr char kAwsDoc[] =
    R"({"AccessKeyId":"ASIATEST","SecretAccessKey":"secret","Token":"session","Expiration":"2027-01-15T08:00:00Z"})";
constexpr char kGoogleToken[] = "ya29.test-access-token";

GoogleIdentity identity() {
  return {"sa@proj.iam.gserviceaccount.com", {"https://www.googleapis.com/auth/cloud-platform"}, "proj", "1234"};
}

constexpr uid_t kCaller = 1000;  // the one uid the tests' caller policy allows

RouterConfig routes(std::optional<std::string> token, std::optional<GoogleIdentity> google) {
  RouterConfig c;
  c.aws = token.has_value();
  c.client_token = std::move(token);
  c.google = std::move(google);
  c.caller_allowed = [](uid_t uid) { return uid == kCaller; };
  return c;
}

RouterConfig both_routes() { return routes(std::string(kToken), identity()); }

HttpRequest get(std::string_view path) {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  r.host = "127.0.0.1:8960";
  r.caller = kCaller;
  return r;
}

HttpRequest aws_request(std::optional<std::string_view> auth = kToken) {
  auto r = get("/aws/credentials");
  r.authorization = auth;
  return r;
}

HttpRequest metadata_request(std::string_view path) {
  auto r = get(path);
  r.metadata_flavor = "Google";
  return r;
}

bool has_flavor_header(HttpResponse const& r) {
  for (auto const& [k, v] : r.headers) {
    if (k == "Metadata-Flavor" && v == "Google") return true;
  }
  return false;
}

struct Json {
  explicit Json(std::string const& text) : o(json_tokener_parse(text.c_str())) {}
  ~Json() { json_object_put(o); }
  json_object* get(char const* key) const {
    json_object* v = nullptr;
    return json_object_object_get_ex(o, key, &v) ? v : nullptr;
  }
  json_object* o;
};

TEST(Router, AwsRouteServesThePublishedDocumentWithTheRightToken) {
  Router router(both_routes());
  router.aws().publish(kAwsDoc, kNow + 3600);
  auto r = router.handle(aws_request(), kNow);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kAwsDoc);
  EXPECT_EQ(r.content_type, "application/json");
}

TEST(Router, AwsRouteRefusesAMissingOrWrongToken) {
  Router router(both_routes());
  router.aws().publish(kAwsDoc, kNow + 3600);
  std::string const longer = std::string(kToken) + "x";  // outlives the views below
  for (auto auth : {std::optional<std::string_view>(), std::optional<std::string_view>("wrong"),
                    std::optional<std::string_view>(std::string_view(kToken).substr(1)),
                    std::optional<std::string_view>(longer)}) {
    auto r = router.handle(aws_request(auth), kNow);
    EXPECT_EQ(r.status, 401);
    Json body(r.body);
    ASSERT_NE(body.o, nullptr) << r.body;
    EXPECT_NE(body.get("message"), nullptr);
    EXPECT_EQ(r.body.find("ASIATEST"), std::string::npos);
  }
}

TEST(Router, AwsRouteAnswers503BeforeTheFirstPublishAndAfterExpiry) {
  Router router(both_routes());
  EXPECT_EQ(router.handle(aws_request(), kNow).status, 503);
  router.aws().publish(kAwsDoc, kNow + 10);
  EXPECT_EQ(router.handle(aws_request(), kNow + 9).status, 200);
  auto expired = router.handle(aws_request(), kNow + 10);
  EXPECT_EQ(expired.status, 503);
  EXPECT_NE(Json(expired.body).get("code"), nullptr);
}

TEST(Router, AwsRouteIsAbsentWithoutAToken) {
  Router router(routes(std::nullopt, identity()));
  EXPECT_EQ(router.handle(aws_request(), kNow).status, 404);
}

TEST(Router, HostMustBeLoopbackOrLocalhost) {
  Router router(both_routes());
  router.aws().publish(kAwsDoc, kNow + 3600);
  for (char const* ok : {"127.0.0.1", "127.0.0.1:8960", "127.1.2.3:80", "[::1]:8960", "[::1]", "localhost",
                         "LOCALHOST:8960", "localhost.:80"}) {
    auto r = aws_request();
    r.host = ok;
    EXPECT_EQ(router.handle(r, kNow).status, 200) << ok;
  }
  for (char const* bad : {"evil.example", "evil.example:8960", "10.0.0.1", "169.254.169.254", "[::2]:80",
                          "localhost.evil.example", "127.0.0.1:x", "[::1", "", "127.0.0.1.evil.example",
                          // DNS rebinding under the metadata name (issue 21.11)
                          "metadata.google.internal", "metadata.google.internal:8960", "METADATA.google.internal.",
                          "127.0.0.1/x", "a@127.0.0.1", "127.0.0.1 "}) {
    auto r = aws_request();
    r.host = bad;
    auto resp = router.handle(r, kNow);
    EXPECT_EQ(resp.status, 403) << bad;
    EXPECT_EQ(resp.body.find("ASIATEST"), std::string::npos);
  }
  auto none = aws_request();
  none.host.reset();
  EXPECT_EQ(router.handle(none, kNow).status, 403);
}

TEST(Router, HealthzReportsExpiryWithoutSecrets) {
  Router router(routes(std::string(kToken), std::nullopt));
  EXPECT_EQ(router.handle(get("/healthz"), kNow).status, 503);
  router.aws().publish(kAwsDoc, kNow + 3600);
  auto r = router.handle(get("/healthz"), kNow);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"expiration\":\"2027-01-15T"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("ASIATEST"), std::string::npos);
  EXPECT_EQ(router.handle(get("/healthz"), kNow + 3600).status, 503);
}

TEST(Router, CountersCountEveryRequestByStatusClass) {
  Router router(both_routes());
  router.aws().publish(kAwsDoc, kNow + 3600);
  router.handle(aws_request(), kNow);
  router.handle(aws_request("bad"), kNow);
  router.handle(get("/nope"), kNow);
  router.handle(get("/healthz"), kNow + 7200);
  auto& c = router.counters();
  EXPECT_EQ(c.requests.load(), 4u);
  EXPECT_EQ(c.status_2xx.load(), 1u);
  EXPECT_EQ(c.status_4xx.load(), 2u);
  EXPECT_EQ(c.status_5xx.load(), 1u);
  auto stats = router.handle(get("/stats"), kNow);
  EXPECT_NE(stats.body.find("\"requests\":4"), std::string::npos) << stats.body;
}

TEST(Router, MetadataTokenFromThePublishedToken) {
  Router router(both_routes());
  router.google().publish(kGoogleToken, kNow + 1800);
  auto r = router.handle(metadata_request("/computeMetadata/v1/instance/service-accounts/default/token"), kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(has_flavor_header(r));
  Json body(r.body);
  EXPECT_STREQ(json_object_get_string(body.get("access_token")), kGoogleToken);
  EXPECT_EQ(json_object_get_int64(body.get("expires_in")), 1800);
  EXPECT_STREQ(json_object_get_string(body.get("token_type")), "Bearer");
  auto by_email = router.handle(
      metadata_request("/computeMetadata/v1/instance/service-accounts/sa@proj.iam.gserviceaccount.com/token"), kNow);
  EXPECT_EQ(by_email.status, 200);
}

TEST(Router, MetadataTokenIs503WhenNoneIsValid) {
  Router router(both_routes());
  auto path = "/computeMetadata/v1/instance/service-accounts/default/token";
  EXPECT_EQ(router.handle(metadata_request(path), kNow).status, 503);
  router.google().publish(kGoogleToken, kNow + 5);
  auto r = router.handle(metadata_request(path), kNow + 5);
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(has_flavor_header(r));
}

TEST(Router, MetadataRefusesMissingFlavorAndForwardedRequests) {
  Router router(both_routes());
  router.google().publish(kGoogleToken, kNow + 1800);
  auto path = "/computeMetadata/v1/instance/service-accounts/default/token";
  auto no_flavor = metadata_request(path);
  no_flavor.metadata_flavor.reset();
  auto wrong_flavor = metadata_request(path);
  wrong_flavor.metadata_flavor = "google";
  auto forwarded = metadata_request(path);
  forwarded.forwarded = true;
  for (auto const& req : {no_flavor, wrong_flavor, forwarded}) {
    auto r = router.handle(req, kNow);
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(has_flavor_header(r));
    EXPECT_EQ(r.body.find(kGoogleToken), std::string::npos);
  }
}

TEST(Router, MetadataIdentityAndProjectPaths) {
  Router router(both_routes());
  auto text = [&](std::string_view path) { return router.handle(metadata_request(path), kNow); };
  EXPECT_EQ(text("/computeMetadata/v1/instance/service-accounts/default/email").body,
            "sa@proj.iam.gserviceaccount.com");
  EXPECT_EQ(text("/computeMetadata/v1/instance/service-accounts/default/scopes").body,
            "https://www.googleapis.com/auth/cloud-platform\n");
  EXPECT_EQ(text("/computeMetadata/v1/project/project-id").body, "proj");
  EXPECT_EQ(text("/computeMetadata/v1/project/numeric-project-id").body, "1234");
  // the probes: google-auth pings "/", gcp-metadata asks for "instance"
  for (auto probe : {"/", "/computeMetadata/v1/instance", "/computeMetadata/v1/instance/"}) {
    auto r = text(probe);
    EXPECT_EQ(r.status, 200) << probe;
    EXPECT_TRUE(has_flavor_header(r)) << probe;
  }
  EXPECT_EQ(text("/computeMetadata/v1/instance/service-accounts/other@x/email").status, 404);
  EXPECT_EQ(text("/computeMetadata/v1/instance/zone").status, 404);
  EXPECT_EQ(text("/computeMetadata/v2/").status, 404);
}

TEST(Router, ServiceAccountListingNamesEachAccountOnce) {
  Router router(both_routes());
  auto path = "/computeMetadata/v1/instance/service-accounts/";
  EXPECT_EQ(router.handle(metadata_request(path), kNow).body, "default/\nsa@proj.iam.gserviceaccount.com/\n");
  // A federated token's account has no email: fedcred names it "default", listed once.
  GoogleIdentity federated = identity();
  federated.email = "default";
  Router only_default(routes(std::string(kToken), federated));
  EXPECT_EQ(only_default.handle(metadata_request(path), kNow).body, "default/\n");
}

TEST(Router, MetadataRecursiveListings) {
  Router router(both_routes());
  auto r = router.handle(metadata_request("/computeMetadata/v1/instance/service-accounts/default/"), kNow);
  EXPECT_EQ(r.content_type, "application/text");
  auto req = metadata_request("/computeMetadata/v1/instance/service-accounts/default/");
  req.recursive = "true";
  auto rec = router.handle(req, kNow);
  ASSERT_EQ(rec.status, 200);
  EXPECT_EQ(rec.content_type, "application/json");
  Json account(rec.body);
  EXPECT_STREQ(json_object_get_string(account.get("email")), "sa@proj.iam.gserviceaccount.com");
  EXPECT_EQ(json_object_array_length(account.get("scopes")), 1u);
  auto root = metadata_request("/computeMetadata/v1/");
  root.recursive = "true";
  Json tree(router.handle(root, kNow).body);
  json_object* project = tree.get("project");
  ASSERT_NE(project, nullptr);
  json_object* id = nullptr;
  ASSERT_TRUE(json_object_object_get_ex(project, "projectId", &id));
  EXPECT_STREQ(json_object_get_string(id), "proj");
}

TEST(Router, MetadataPathsAre404WithoutTheGoogleRoute) {
  Router router(routes(std::string(kToken), std::nullopt));
  EXPECT_EQ(router.handle(metadata_request("/computeMetadata/v1/project/project-id"), kNow).status, 404);
}

// Issue 21.3: one caller check for every route (but /healthz), before any
// route looks at the request, and a rate-limited audit report naming the uid.
TEST(Router, CallersMustBeAllowedOnEveryRoute) {
  std::vector<std::tuple<uid_t, int, bool, std::uint64_t>> reports;
  auto config = both_routes();
  config.audit = [&](uid_t uid, int route, bool served, std::uint64_t n) { reports.emplace_back(uid, route, served, n); };
  Router router(std::move(config));
  router.aws().publish(kAwsDoc, kNow + 3600);
  router.google().publish(kGoogleToken, kNow + 3600);
  auto token = metadata_request("/computeMetadata/v1/instance/service-accounts/default/token");
  for (std::optional<uid_t> who : {std::optional<uid_t>(), std::optional<uid_t>(1001), std::optional<uid_t>(0)}) {
    for (auto req : {aws_request(), token, get("/stats"), metadata_request("/computeMetadata/v1/project/project-id")}) {
      req.caller = who;
      auto r = router.handle(req, kNow);
      EXPECT_EQ(r.status, 403) << req.path;
      EXPECT_EQ(r.body.find("ASIATEST"), std::string::npos);
      EXPECT_EQ(r.body.find(kGoogleToken), std::string::npos);
    }
  }
  auto health = get("/healthz");
  health.caller.reset();
  EXPECT_EQ(router.handle(health, kNow).status, 200);
  // refusals of known callers are reported, once a minute per caller and route
  ASSERT_EQ(reports.size(), 6u);
  EXPECT_EQ(reports[0], std::make_tuple(uid_t{1001}, int{FEDCRED_SERVE_AWS}, false, std::uint64_t{1}));
  EXPECT_EQ(reports[1], std::make_tuple(uid_t{1001}, int{FEDCRED_SERVE_GOOGLE}, false, std::uint64_t{1}));
  EXPECT_EQ(reports[2], std::make_tuple(uid_t{1001}, -1, false, std::uint64_t{1}));  // /stats
  reports.clear();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(router.handle(aws_request(), kNow + i).status, 200);
  EXPECT_EQ(router.handle(token, kNow).status, 200);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0], std::make_tuple(kCaller, int{FEDCRED_SERVE_AWS}, true, std::uint64_t{1}));
  EXPECT_EQ(reports[1], std::make_tuple(kCaller, int{FEDCRED_SERVE_GOOGLE}, true, std::uint64_t{1}));
  EXPECT_EQ(router.handle(aws_request(), kNow + CallerAudit::kIntervalSeconds).status, 200);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[2], std::make_tuple(kCaller, int{FEDCRED_SERVE_AWS}, true, std::uint64_t{3}));
}

// Issue 21.4: the library re-publishes the token file's content before each
// AWS request; the old token stops working at once, an empty one matches none.
TEST(Router, TheAuthorizationIsCheckedAgainBeforeEachRequest) {
  int checks = 0;
  auto config = both_routes();
  config.check_authorization = [&] { ++checks; };
  Router router(std::move(config));
  router.aws().publish(kAwsDoc, kNow + 3600);
  EXPECT_EQ(router.handle(aws_request(), kNow).status, 200);
  EXPECT_EQ(checks, 1);
  router.authorization().publish("rotated-token-0123456789abcdef", INT64_MAX);
  EXPECT_EQ(router.handle(aws_request(), kNow).status, 401);
  EXPECT_EQ(router.handle(aws_request("rotated-token-0123456789abcdef"), kNow).status, 200);
  router.authorization().publish("", INT64_MAX);
  EXPECT_EQ(router.handle(aws_request(""), kNow).status, 401);
  EXPECT_EQ(checks, 4);
}

// Issue 21.8: until the first fetch ends (or its deadline), credential
// requests wait instead of getting 503.
TEST(Router, CredentialRequestsWaitForTheFirstFetch) {
  auto config = both_routes();
  config.hold_until_unix = kNow + 10;
  Router router(std::move(config));
  auto token = metadata_request("/computeMetadata/v1/instance/service-accounts/default/token");
  EXPECT_TRUE(router.should_hold(aws_request(), kNow));
  EXPECT_TRUE(router.should_hold(token, kNow));
  EXPECT_FALSE(router.should_hold(get("/healthz"), kNow));
  EXPECT_FALSE(router.should_hold(metadata_request("/computeMetadata/v1/project/project-id"), kNow));
  EXPECT_FALSE(router.should_hold(aws_request(), kNow + 10));
  router.aws().publish(kAwsDoc, kNow + 3600);
  EXPECT_FALSE(router.should_hold(aws_request(), kNow));
  EXPECT_TRUE(router.should_hold(token, kNow));
}

}  // namespace
}  // namespace fedcred::serve
