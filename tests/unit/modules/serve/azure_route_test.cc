// SPDX-License-Identifier: Apache-2.0
// The Azure managed-identity routes (issue 22.3) through the Router, as
// requests arrive: both forms' shapes, the App Service secret, IMDS's header
// rules and probe, the query checks, the fetch's failures and the caller
// check, against a fake of the library's token fetch.
#include <gtest/gtest.h>
#include <json-c/json.h>

#include <string>
#include <tuple>
#include <vector>

#include "fedcred/fedcred.h"
#include "router.h"
#include "serve_abi.h"

namespace fedcred::serve {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr uid_t kCaller = 1000;
constexpr char kFileToken[] = "serve-test-authorization-token-0123456789";
constexpr char kClientId[] = "3f1d2c4b-5a69-4788-9abc-def012345678";
constexpr char kEntraToken[] = "eyJ0eXAiOiJKV1QifQ.entra-test-token.sig";
constexpr char kStorage[] = "https://storage.azure.com";

// The library's side: records what it was asked, answers as set.
struct FakeFetch {
  std::vector<std::string> asked;
  int status = FEDCRED_OK;
  std::string error;
  std::int64_t expiration = kNow + 3600;

  AzureTokenAnswer operator()(std::string const& resource) {
    asked.push_back(resource);
    AzureTokenAnswer a;
    a.status = status;
    a.error = error;
    if (status == FEDCRED_OK) a.token = std::make_unique<Published>(kEntraToken, expiration);
    return a;
  }
};

struct Json {
  explicit Json(std::string const& text) : o(json_tokener_parse(text.c_str())) {}
  ~Json() { json_object_put(o); }
  Json(Json const&) = delete;
  Json& operator=(Json const&) = delete;
  // The string value of `key`, "<missing>" when absent, "<not a string>" when another type.
  std::string str(char const* key) const {
    json_object* v = nullptr;
    if (o == nullptr || !json_object_object_get_ex(o, key, &v)) return "<missing>";
    if (!json_object_is_type(v, json_type_string)) return "<not a string>";
    return json_object_get_string(v);
  }
  bool has(char const* key) const { return o != nullptr && json_object_object_get_ex(o, key, nullptr); }
  json_object* o;
};

class AzureRoutes : public ::testing::Test {
 protected:
  RouterConfig config(bool aws = false) {
    RouterConfig c;
    c.client_token = std::string(kFileToken);
    c.aws = aws;
    c.azure = AzureIdentity{kClientId, [this](std::string const& r) { return fetch(r); }};
    c.caller_allowed = [](uid_t uid) { return uid == kCaller; };
    c.audit = [this](uid_t uid, int route, bool served, std::uint64_t n) {
      reports.emplace_back(uid, route, served, n);
    };
    return c;
  }

  HttpRequest get(std::string_view path, std::vector<std::pair<std::string_view, std::string_view>> query) {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.host = "127.0.0.1:8960";
    r.caller = kCaller;
    r.query = std::move(query);
    return r;
  }
  HttpRequest imds(std::string_view resource = kStorage) {
    auto r = get("/metadata/identity/oauth2/token", {{"api-version", "2018-02-01"}, {"resource", resource}});
    r.azure_metadata = "true";
    return r;
  }
  HttpRequest app_service(std::optional<std::string_view> secret = kFileToken) {
    auto r = get("/msi/token", {{"api-version", "2019-08-01"}, {"resource", kStorage}});
    r.identity_header = secret;
    return r;
  }

  FakeFetch fetch;
  std::vector<std::tuple<uid_t, int, bool, std::uint64_t>> reports;
};

TEST_F(AzureRoutes, ImdsFormAnswersInImdsShape) {
  Router router(config());
  auto r = router.handle(imds(), kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.credential, FEDCRED_SERVE_AZURE);
  Json doc(r.body);
  // Every value a string, as IMDS sends them; expires_on is what MSAL Node
  // reads, resource what azure-identity caches the token under.
  EXPECT_EQ(doc.str("access_token"), kEntraToken);
  EXPECT_EQ(doc.str("client_id"), kClientId);
  EXPECT_EQ(doc.str("expires_in"), "3600");
  EXPECT_EQ(doc.str("ext_expires_in"), "3600");
  EXPECT_EQ(doc.str("expires_on"), std::to_string(kNow + 3600));
  EXPECT_EQ(doc.str("resource"), kStorage);
  EXPECT_EQ(doc.str("token_type"), "Bearer");
  EXPECT_EQ(fetch.asked, std::vector<std::string>{kStorage});
}

TEST_F(AzureRoutes, AppServiceFormAnswersIn2019ShapeWithTheRightSecretOnly) {
  Router router(config());
  for (std::optional<std::string_view> wrong :
       {std::optional<std::string_view>(), std::optional<std::string_view>(""),
        std::optional<std::string_view>("serve-test-authorization-token-012345678X"),
        std::optional<std::string_view>("serve-test-authorization-token-0123456789-longer")}) {
    auto r = router.handle(app_service(wrong), kNow);
    EXPECT_EQ(r.status, 401);
    Json doc(r.body);
    EXPECT_NE(doc.str("message").find("IDENTITY_HEADER"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(kFileToken), std::string::npos);
  }
  EXPECT_TRUE(fetch.asked.empty()) << "no token is fetched for an unauthorized request";
  auto r = router.handle(app_service(), kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  Json doc(r.body);
  EXPECT_EQ(doc.str("access_token"), kEntraToken);
  EXPECT_EQ(doc.str("expires_on"), std::to_string(kNow + 3600));
  EXPECT_EQ(doc.str("resource"), kStorage);
  EXPECT_EQ(doc.str("token_type"), "Bearer");
  EXPECT_EQ(doc.str("client_id"), kClientId);
  EXPECT_FALSE(doc.has("expires_in"));
}

// The IMDS form takes no secret: Metadata: true is what it asks.
TEST_F(AzureRoutes, ImdsFormIgnoresTheAppServiceSecret) {
  Router router(config());
  auto req = imds();
  req.identity_header = "anything";
  EXPECT_EQ(router.handle(req, kNow).status, 200);
}

TEST_F(AzureRoutes, BothPathsWithATrailingSlash) {
  Router router(config());
  auto a = imds();
  a.path = "/metadata/identity/oauth2/token/";  // MSAL Node's form of the pod-identity endpoint
  EXPECT_EQ(router.handle(a, kNow).status, 200);
  auto b = app_service();
  b.path = "/msi/token/";
  EXPECT_EQ(router.handle(b, kNow).status, 200);
  auto c = imds();
  c.path = "/metadata/identity/oauth2/tokens";
  EXPECT_EQ(router.handle(c, kNow).status, 404);
  auto d = imds();
  d.path = "/metadata/identity/oauth2/token//";
  EXPECT_EQ(router.handle(d, kNow).status, 404);
}

// The SDKs' probe (azure-identity's ImdsCredential, @azure/identity's
// imdsMsi): no Metadata header and, for @azure/identity, no query; any
// answer means "available", Azure's own is this 400.
TEST_F(AzureRoutes, ImdsProbeGetsAzuresMissingHeader400AtOnce) {
  Router router(config());
  auto probe = get("/metadata/identity/oauth2/token", {});
  auto r = router.handle(probe, kNow);
  EXPECT_EQ(r.status, 400);
  Json doc(r.body);
  EXPECT_EQ(doc.str("error"), "invalid_request");
  EXPECT_EQ(doc.str("error_description"), "Required metadata header not specified");
  auto with_query = imds();
  with_query.azure_metadata.reset();
  EXPECT_EQ(router.handle(with_query, kNow).status, 400);
  auto wrong = imds();
  wrong.azure_metadata = "True";
  EXPECT_EQ(router.handle(wrong, kNow).status, 400);
  auto proxied = imds();
  proxied.forwarded = true;
  r = router.handle(proxied, kNow);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(Json(r.body).str("error_description").find("X-Forwarded-For"), std::string::npos);
  EXPECT_TRUE(fetch.asked.empty());
}

TEST_F(AzureRoutes, QueryRefusalsAsAzureWordsThem) {
  Router router(config());
  struct Case {
    HttpRequest req;
    std::string words;
  };
  auto imds_with = [&](std::vector<std::pair<std::string_view, std::string_view>> q) {
    auto r = imds();
    r.query = std::move(q);
    return r;
  };
  auto app_with = [&](std::vector<std::pair<std::string_view, std::string_view>> q) {
    auto r = app_service();
    r.query = std::move(q);
    return r;
  };
  std::string const long_resource(1001, 'a');
  std::vector<Case> cases = {
      {imds_with({{"resource", kStorage}}), "api-version was not specified"},
      {imds_with({{"api-version", "2018-02-01"}}), "Required audience parameter not specified"},
      {imds_with({{"api-version", "2018-02-01"}, {"resource", ""}}), "Required audience parameter"},
      {imds_with({{"api-version", "2018-02-01"}, {"resource", "https://a b"}}), "visible ASCII"},
      {imds_with({{"api-version", "2018-02-01"}, {"resource", long_resource}}), "visible ASCII"},
      {imds_with({{"api-version", "2018-02-01"}, {"resource", kStorage}, {"resource", "https://vault.azure.net"}}),
       "more than once"},
      {imds_with({{"api-version", "2018-02-01"},
                  {"resource", kStorage},
                  {"client_id", "00000000-0000-0000-0000-000000000000"}}),
       "Identity not found"},
      {imds_with({{"api-version", "2018-02-01"}, {"resource", kStorage}, {"object_id", kClientId}}),
       "Identity not found"},
      {imds_with({{"api-version", "2018-02-01"}, {"resource", kStorage}, {"msi_res_id", "/subscriptions/x"}}),
       "Identity not found"},
      {app_with({{"api-version", "2017-09-01"}, {"resource", kStorage}}), "2019-08-01"},
      {app_with({{"api-version", "2019-08-01"}, {"resource", kStorage}, {"mi_res_id", "/subscriptions/x"}}),
       "Identity not found"},
      {app_with({{"api-version", "2019-08-01"}, {"resource", kStorage}, {"principal_id", kClientId}}),
       "Identity not found"},
  };
  for (auto const& c : cases) {
    auto r = router.handle(c.req, kNow);
    EXPECT_EQ(r.status, 400) << c.words;
    EXPECT_NE(r.body.find(c.words), std::string::npos) << r.body;
  }
  EXPECT_TRUE(fetch.asked.empty()) << "a refused request fetches nothing";
  // The profile's own client id selects it.
  auto mine = imds_with({{"api-version", "2018-02-01"}, {"resource", kStorage}, {"client_id", kClientId}});
  EXPECT_EQ(router.handle(mine, kNow).status, 200);
  auto post = imds();
  post.method = "POST";
  EXPECT_EQ(router.handle(post, kNow).status, 405);
}

// The resource goes to the library as the client sent it (it makes the
// scope); a trailing '/' stays and is what the answer names.
TEST_F(AzureRoutes, TheResourceReachesTheLibraryAsSent) {
  Router router(config());
  auto r = router.handle(imds("https://management.azure.com/"), kNow);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json(r.body).str("resource"), "https://management.azure.com/");
  EXPECT_EQ(fetch.asked, std::vector<std::string>{"https://management.azure.com/"});
}

TEST_F(AzureRoutes, FetchFailuresInAzuresErrorShapes) {
  Router router(config());
  struct Case {
    int status;
    int http;
  };
  for (auto c : {Case{FEDCRED_E_TRANSIENT, 503}, Case{FEDCRED_E_USAGE, 400}, Case{FEDCRED_E_DENIED, 400},
                 Case{FEDCRED_E_INTERNAL, 500}, Case{FEDCRED_E_IO, 500}}) {
    fetch.status = c.status;
    fetch.error = "AADSTS700213: No matching federated identity record found";
    auto r = router.handle(imds(), kNow);
    EXPECT_EQ(r.status, c.http) << c.status;
    Json doc(r.body);
    EXPECT_NE(doc.str("error_description").find("AADSTS700213"), std::string::npos) << r.body;
    EXPECT_NE(doc.str("error"), "<missing>");
    EXPECT_EQ(r.credential, -1);
    auto a = router.handle(app_service(), kNow);
    EXPECT_EQ(a.status, c.http);
    EXPECT_NE(Json(a.body).str("message").find("AADSTS700213"), std::string::npos) << a.body;
  }
  // A token that is already expired is never handed out.
  fetch.status = FEDCRED_OK;
  fetch.expiration = kNow;
  EXPECT_EQ(router.handle(imds(), kNow).status, 500);
}

// Issue 21.3 on the Azure routes: a caller the policy refuses gets 403 and
// nothing is fetched; both outcomes reach the audit as the Azure route.
TEST_F(AzureRoutes, RefusedCallersGetNothing) {
  Router router(config());
  for (std::optional<uid_t> who : {std::optional<uid_t>(), std::optional<uid_t>(1001), std::optional<uid_t>(0)}) {
    for (auto req : {imds(), app_service(), get("/metadata/identity/oauth2/token", {})}) {
      req.caller = who;
      auto r = router.handle(req, kNow);
      EXPECT_EQ(r.status, 403) << req.path;
      EXPECT_EQ(r.body.find(kEntraToken), std::string::npos);
    }
  }
  EXPECT_TRUE(fetch.asked.empty());
  auto bad_host = imds();
  bad_host.host = "metadata.azure.internal";
  EXPECT_EQ(router.handle(bad_host, kNow).status, 403);
  ASSERT_EQ(reports.size(), 2u);  // uid 1001 and 0, once a minute each
  EXPECT_EQ(reports[0], std::make_tuple(uid_t{1001}, int{FEDCRED_SERVE_AZURE}, false, std::uint64_t{1}));
  reports.clear();
  EXPECT_EQ(router.handle(imds(), kNow).status, 200);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0], std::make_tuple(kCaller, int{FEDCRED_SERVE_AZURE}, true, std::uint64_t{1}));
}

// The App Service secret is the token file's: rotated like the AWS route's.
TEST_F(AzureRoutes, TheSecretIsCheckedAgainBeforeEachAppServiceRequest) {
  int checks = 0;
  auto c = config();
  c.check_authorization = [&] { ++checks; };
  Router router(std::move(c));
  EXPECT_EQ(router.handle(app_service(), kNow).status, 200);
  EXPECT_EQ(checks, 1);
  router.authorization().publish("rotated-token-0123456789abcdef", INT64_MAX);
  EXPECT_EQ(router.handle(app_service(), kNow).status, 401);
  EXPECT_EQ(router.handle(app_service("rotated-token-0123456789abcdef"), kNow).status, 200);
  router.authorization().publish("", INT64_MAX);
  EXPECT_EQ(router.handle(app_service(""), kNow).status, 401);
}

TEST_F(AzureRoutes, AbsentWithoutAnAzureProfileAndNoAwsRouteWithoutOne) {
  auto c = config();
  c.azure.reset();
  c.aws = true;
  Router router(std::move(c));
  EXPECT_EQ(router.handle(imds(), kNow).status, 404);
  EXPECT_EQ(router.handle(app_service(), kNow).status, 404);
  Router azure_only(config());
  auto aws = get("/aws/credentials", {});
  aws.authorization = kFileToken;
  EXPECT_EQ(azure_only.handle(aws, kNow).status, 404) << "the token file alone does not turn the AWS route on";
  EXPECT_FALSE(azure_only.should_hold(imds(), kNow - 100));
}

// The Azure requests may wait on a token exchange: the HTTP side answers
// them on its worker thread (worker.h), never on a daemon thread.
TEST_F(AzureRoutes, OnlyTheAzureRoutesAreAnsweredOnTheWorker) {
  Router router(config(true));
  EXPECT_TRUE(router.answers_on_worker(imds()));
  EXPECT_TRUE(router.answers_on_worker(app_service()));
  EXPECT_TRUE(router.answers_on_worker(get("/metadata/identity/oauth2/token/", {})));
  EXPECT_FALSE(router.answers_on_worker(get("/aws/credentials", {})));
  EXPECT_FALSE(router.answers_on_worker(get("/healthz", {})));
  auto refused = imds();
  refused.caller = 1001;
  EXPECT_FALSE(router.answers_on_worker(refused)) << "a refused caller queues nothing";
  refused.caller.reset();
  EXPECT_FALSE(router.answers_on_worker(refused));
  auto c = config(true);
  c.azure.reset();
  Router without(std::move(c));
  EXPECT_FALSE(without.answers_on_worker(imds()));
}

// Nothing is published ahead for Azure: a server of Azure routes only is healthy.
TEST_F(AzureRoutes, HealthzOfAnAzureOnlyServerIsValidJson) {
  Router router(config());
  auto health = get("/healthz", {});
  auto r = router.handle(health, kNow);
  EXPECT_EQ(r.status, 200);
  Json doc(r.body);
  ASSERT_NE(doc.o, nullptr) << r.body;
  EXPECT_EQ(doc.str("status"), "ok");
}

}  // namespace
}  // namespace fedcred::serve
