// SPDX-License-Identifier: Apache-2.0
// The azure module's Entra exchange over a fake HTTP client and clock: the
// request Entra expects, the checks made before any request, each AADSTS
// refusal mapped to its exit code with its fix, retries, and no assertion or
// token in any message.
#include "entra_token.h"

#include <gtest/gtest.h>

#include "azure_operations.h"
#include "fakes.h"
#include "time_format.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fakes

constexpr char kAssertion[] = "eyJhbGciOiJSUzI1NiJ9.ASSERTIONMARKER.c2ln";
constexpr char kAccess[] = "eyJ0eXAiOiJKV1QifQ.ACCESSMARKER.c2ln";
constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr char kClient[] = "11111111-2222-4333-8444-555555555555";

std::string entra_refusal(char const* error, int code, std::string const& text) {
  return std::string("{\"error\":\"") + error + "\",\"error_description\":\"AADSTS" + std::to_string(code) + ": " +
         text + " Trace ID: 0000aaaa-11bb Correlation ID: bbbb Timestamp: 2026-01-01 00:00:00Z\",\"error_codes\":[" +
         std::to_string(code) + "],\"timestamp\":\"2026-01-01 00:00:00Z\",\"trace_id\":\"0000aaaa-11bb\"}";
}

class EntraTokenTest : public ::testing::Test {
 protected:
  EntraTokenTest() : http_(&clock_) { reset_params(); }
  void reset_params() {
    call_.record = {};
    call_.record.params = {{"tenant_id", kTenant},
                           {"client_id", kClient},
                           {"scope", "https://storage.azure.com/.default"},
                           {"client_assertion", kAssertion},
                           {"deadline_ms", std::to_string(clock_.monotonic_ms() + 30'000)}};
  }
  int run(char const* operation = "entra_token") {
    ModuleCall mc(fake_host(), &call_);
    return run_azure_operation(mc, operation, http_, clock_, random_);
  }
  void expect_no_secret() const {
    for (char const* marker : {"ASSERTIONMARKER", "ACCESSMARKER"}) {
      EXPECT_EQ(call_.record.error_message.find(marker), std::string::npos) << call_.record.error_message;
      for (auto const& [level, line] : call_.record.logs) EXPECT_EQ(line.find(marker), std::string::npos) << line;
    }
  }
  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(0.5);
  FakeHttpClient http_;
  fedcred_module_call call_;
};

std::string success() {
  return std::string("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"") +
         kAccess + "\"}";
}

TEST_F(EntraTokenTest, ClientCredentialsWithTheFederatedAssertion) {
  http_.push(response(200, success()));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  EXPECT_EQ(call_.record.results.at("access_token"), kAccess);
  EXPECT_EQ(call_.record.results.at("expiration"), format_rfc3339_utc(clock_.unix_seconds() + 3599));
  ASSERT_EQ(http_.requests.size(), 1U);
  HttpRequest const& sent = http_.requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, std::string("https://login.microsoftonline.com/") + kTenant + "/oauth2/v2.0/token");
  std::string const& form = sent.body.reveal();
  for (std::string part :
       {std::string("grant_type=client_credentials"), std::string("client_id=") + kClient,
        std::string("scope=https%3A%2F%2Fstorage.azure.com%2F.default"),
        std::string("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"),
        std::string("client_assertion=") + kAssertion}) {
    EXPECT_NE(form.find(part), std::string::npos) << part << " in " << form;
  }
  bool form_type = false;
  for (auto const& [name, value] : sent.headers) {
    EXPECT_NE(name, "Authorization");
    form_type = form_type || (name == "Content-Type" && value == "application/x-www-form-urlencoded");
  }
  EXPECT_TRUE(form_type);
}

TEST_F(EntraTokenTest, AuthorityFromTheCaller) {
  call_.record.params["authority"] = "https://127.0.0.1:8443/";
  call_.record.params["tenant_id"] = "contoso.onmicrosoft.com";
  http_.push(response(200, success()));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  EXPECT_EQ(http_.requests[0].url, "https://127.0.0.1:8443/contoso.onmicrosoft.com/oauth2/v2.0/token");
}

TEST_F(EntraTokenTest, BadInputsAreUsageBeforeAnyRequest) {
  std::vector<std::pair<char const*, char const*>> const bad = {
      {"authority", "http://login.microsoftonline.com"},
      {"authority", "https://login.microsoftonline.com/tenant"},
      {"tenant_id", "common"},
      {"tenant_id", "contoso/x"},
      {"client_id", "my-app"},
      {"scope", "https://storage.azure.com"},
      {"scope", "https://a/.default https://b/.default"},
      {"client_assertion", ""},
      {"tenant_id", ""},
  };
  auto const original = call_.record.params;
  for (auto const& [key, value] : bad) {
    call_.record = {};
    call_.record.params = original;
    call_.record.params[key] = value;
    EXPECT_EQ(run(), FEDCRED_E_USAGE) << key << "=" << value << ": " << call_.record.error_message;
    expect_no_secret();
  }
  EXPECT_TRUE(http_.requests.empty());
}

struct Refusal {
  int status;
  char const* error;
  int code;
  char const* text;
  char const* fix;  // a phrase of the fix
};

TEST_F(EntraTokenTest, RefusalsAreDeniedWithTheCodeAndItsFix) {
  Refusal const refusals[] = {
      {401, "invalid_client", 700213,
       "No matching federated identity record found for presented assertion subject '123'.",
       "federated identity credential on application"},
      {401, "invalid_client", 700212,
       "No matching federated identity record found for presented assertion audience 'x'.",
       "api://AzureADTokenExchange"},
      {401, "invalid_client", 700211, "No matching federated identity record found for presented assertion issuer 'i'.",
       "az ad app federated-credential create"},
      {400, "invalid_request", 70021, "No matching federated identity record found for presented assertion.",
       "federated identity credential"},
      {401, "invalid_client", 700024, "Client assertion is not within its valid time range.", "expired"},
      {401, "invalid_client", 700027, "Client assertion failed signature validation.", "published keys"},
      {400, "unauthorized_client", 700016, "Application with identifier 'x' was not found in the directory 'y'.",
       "check the client id"},
      {400, "invalid_request", 90002, "Tenant 'x' not found.", "AZURE_AUTHORITY_HOST"},
      {400, "invalid_request", 50027, "JWT token is invalid or malformed.", "no newline"},
      {400, "invalid_scope", 1002012, "The provided value for scope x is not valid.", "check the scope"},
  };
  for (Refusal const& r : refusals) {
    call_.record.error_message.clear();
    http_.push(response(r.status, entra_refusal(r.error, r.code, r.text)));
    EXPECT_EQ(run(), FEDCRED_E_DENIED) << r.code;
    std::string const& message = call_.record.error_message;
    EXPECT_NE(message.find("AADSTS" + std::to_string(r.code) + " (" + r.error + ")"), std::string::npos) << message;
    EXPECT_NE(message.find(r.fix), std::string::npos) << message;
    EXPECT_NE(message.find(kClient), std::string::npos) << message;
    EXPECT_EQ(message.find("Trace ID"), std::string::npos) << message;
    expect_no_secret();
  }
  EXPECT_EQ(http_.requests.size(), std::size(refusals)) << "refusals are not retried";
}

TEST_F(EntraTokenTest, JwtShapedTextFromEntraIsScrubbed) {
  http_.push(response(400, entra_refusal("invalid_request", 50027,
                                         std::string("bad token eyJhbGciOiJSUzI1NiJ9.") + "ASSERTIONMARKER.c2ln")));
  EXPECT_EQ(run(), FEDCRED_E_DENIED);
  expect_no_secret();
}

TEST_F(EntraTokenTest, CodeFromTheDescriptionWhenErrorCodesIsMissing) {
  http_.push(response(401,
                      "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS700024: Client assertion "
                      "is not within its valid time range.\"}"));
  EXPECT_EQ(run(), FEDCRED_E_DENIED);
  EXPECT_NE(call_.record.error_message.find("AADSTS700024 (invalid_client)"), std::string::npos)
      << call_.record.error_message;
}

TEST_F(EntraTokenTest, ThrottlingAndServerErrorsAreRetried) {
  http_.push(response(503, entra_refusal("temporarily_unavailable", 90033, "A transient error has occurred.")));
  http_.push(response(429, "{}"));
  http_.push(response(200, success()));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  EXPECT_EQ(http_.requests.size(), 3U);
  EXPECT_EQ(clock_.sleeps.size(), 2U);

  reset_params();
  http_.requests.clear();
  http_.set_fallback(response(500, "<html>oops</html>"));
  EXPECT_EQ(run(), FEDCRED_E_TRANSIENT);
  EXPECT_EQ(http_.requests.size(), 4U);
  EXPECT_NE(call_.record.error_message.find("HTTP 500"), std::string::npos);
}

TEST_F(EntraTokenTest, AnswersThatAreNotEntrasAreResponseErrors) {
  for (std::string body :
       {std::string("not json"), std::string("{\"token_type\":\"Bearer\",\"expires_in\":3599}"),
        std::string("{\"access_token\":\"") + kAccess + "\",\"expires_in\":0}",
        std::string("{\"access_token\":\"") + kAccess + "\",\"token_type\":\"pop\",\"expires_in\":60}",
        std::string("{\"access_token\":\"") + kAccess + "\",\"expires_in\":99999999}"}) {
    http_.push(response(200, body));
    EXPECT_EQ(run(), FEDCRED_E_RESPONSE) << body;
    expect_no_secret();
  }
}

TEST_F(EntraTokenTest, UnknownOperationIsUsage) {
  EXPECT_EQ(run("assume_role_with_web_identity"), FEDCRED_E_USAGE);
  EXPECT_TRUE(http_.requests.empty());
}

}  // namespace
}  // namespace fedcred::modules
