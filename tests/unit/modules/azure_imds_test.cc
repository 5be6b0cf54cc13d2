// SPDX-License-Identifier: Apache-2.0
// The azure module's IMDS source over a fake HTTP client and clock: the
// request IMDS expects (Metadata: true, never a proxy), the identity
// selectors, Azure's retry guidance, and failures as source errors without
// the token.
#include "azure_imds.h"

#include <gtest/gtest.h>

#include "azure_operations.h"
#include "fakes.h"
#include "time_format.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fakes

constexpr char kAccess[] = "eyJ0eXAiOiJKV1QifQ.MITOKENMARKER.c2ln";
constexpr char kUserClientId[] = "9a1b2c3d-0000-4000-8000-00000000a002";

class AzureImdsTest : public ::testing::Test {
 protected:
  AzureImdsTest() : http_(&clock_) { reset_params(); }
  void reset_params() {
    call_.record = {};
    call_.record.params = {{"audience", "https://management.azure.com/"},
                           {"deadline_ms", std::to_string(clock_.monotonic_ms() + 15'000)}};
  }
  int run() {
    ModuleCall mc(fake_host(), &call_);
    return run_azure_operation(mc, "subject_token", http_, clock_, random_);
  }
  std::string success() const {
    std::int64_t const now = clock_.unix_seconds();
    return std::string("{\"access_token\":\"") + kAccess + "\",\"client_id\":\"" + kUserClientId +
           "\",\"expires_in\":\"86399\",\"expires_on\":\"" + std::to_string(now + 86000) +
           "\",\"ext_expires_in\":\"86399\",\"not_before\":\"" + std::to_string(now) +
           "\",\"resource\":\"https://management.azure.com/\",\"token_type\":\"Bearer\"}";
  }
  void expect_no_secret() const {
    EXPECT_EQ(call_.record.error_message.find("MITOKENMARKER"), std::string::npos) << call_.record.error_message;
  }
  FakeClock clock_;
  FixedRandom random_ = FixedRandom::unit(0.5);
  FakeHttpClient http_;
  fedcred_module_call call_;
};

TEST_F(AzureImdsTest, SystemAssignedTokenFromTheDefaultEndpoint) {
  http_.push(response(200, success()));
  ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
  EXPECT_EQ(call_.record.results.at("subject_token"), kAccess);
  EXPECT_EQ(call_.record.results.at("expiration"), format_rfc3339_utc(clock_.unix_seconds() + 86000));
  ASSERT_EQ(http_.requests.size(), 1U);
  HttpRequest const& sent = http_.requests[0];
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url,
            "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
            "&resource=https%3A%2F%2Fmanagement.azure.com%2F");
  EXPECT_TRUE(sent.direct) << "IMDS is never reached through a proxy";
  ASSERT_EQ(sent.headers.size(), 1U);
  EXPECT_EQ(sent.headers[0], (std::pair<std::string, std::string>{"Metadata", "true"}));
  EXPECT_TRUE(sent.body.empty());
}

TEST_F(AzureImdsTest, EachSelectorIsItsQueryParameter) {
  struct Case {
    char const* key;
    char const* value;
    char const* query;
  } const cases[] = {
      {"mi_client_id", kUserClientId, "&client_id=9a1b2c3d-0000-4000-8000-00000000a002"},
      {"mi_object_id", "9a1b2c3d-0000-4000-8000-00000000b002", "&object_id=9a1b2c3d-0000-4000-8000-00000000b002"},
      {"mi_res_id", "/subscriptions/s/resourcegroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u",
       "&msi_res_id=%2Fsubscriptions%2Fs%2Fresourcegroups%2Fg%2Fproviders%2FMicrosoft.ManagedIdentity%2F"
       "userAssignedIdentities%2Fu"},
  };
  for (Case const& c : cases) {
    reset_params();
    call_.record.params["azure_imds_endpoint"] = "http://127.0.0.1:8080";
    call_.record.params[c.key] = c.value;
    http_.push(response(200, success()));
    ASSERT_EQ(run(), FEDCRED_OK) << call_.record.error_message;
    std::string const& url = http_.requests.back().url;
    EXPECT_EQ(url.rfind("http://127.0.0.1:8080/metadata/identity/oauth2/token?", 0), 0U) << url;
    EXPECT_NE(url.find(c.query), std::string::npos) << url;
  }
}

TEST_F(AzureImdsTest, RetriesWhatAzureSaysToRetry) {
  for (int status : {404, 410, 429, 500}) {
    reset_params();
    http_.requests.clear();
    clock_.sleeps.clear();
    http_.push(response(status, "{\"error\":\"x\"}"));
    http_.push(response(200, success()));
    ASSERT_EQ(run(), FEDCRED_OK) << status << ": " << call_.record.error_message;
    EXPECT_EQ(http_.requests.size(), 2U) << status;
    ASSERT_EQ(clock_.sleeps.size(), 1U);
    EXPECT_EQ(clock_.sleeps[0], 500) << "half (the pinned jitter) of the first 1 s backoff";
  }
}

TEST_F(AzureImdsTest, AtMostThreeRetriesThenASourceError) {
  http_.set_fallback(response(503, "{\"error\":\"temporarily_unavailable\"}"));
  EXPECT_EQ(run(), FEDCRED_E_SOURCE);
  EXPECT_EQ(http_.requests.size(), 4U);
  EXPECT_NE(call_.record.error_message.find("HTTP 503"), std::string::npos) << call_.record.error_message;
  EXPECT_NE(call_.record.error_message.find("after 4 attempt(s)"), std::string::npos);
}

TEST_F(AzureImdsTest, UnreachableIsASourceErrorSayingWhatToCheck) {
  http_.set_fallback(Result<HttpResponse>(connection_refused("169.254.169.254")));
  EXPECT_EQ(run(), FEDCRED_E_SOURCE);
  EXPECT_EQ(http_.requests.size(), 4U);
  EXPECT_NE(call_.record.error_message.find("Azure VM"), std::string::npos) << call_.record.error_message;
}

TEST_F(AzureImdsTest, IdentityNotFoundIsFinalAndNamesTheIdentity) {
  call_.record.params["mi_client_id"] = kUserClientId;
  http_.push(response(400, "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}"));
  EXPECT_EQ(run(), FEDCRED_E_SOURCE);
  EXPECT_EQ(http_.requests.size(), 1U);
  EXPECT_NE(call_.record.error_message.find(kUserClientId), std::string::npos) << call_.record.error_message;
  EXPECT_NE(call_.record.error_message.find("Identity not found"), std::string::npos);
}

TEST_F(AzureImdsTest, BadInputsAreUsageBeforeAnyRequest) {
  std::vector<std::vector<std::pair<char const*, char const*>>> const bad = {
      {{"mi_client_id", kUserClientId}, {"mi_object_id", "9a1b2c3d-0000-4000-8000-00000000b002"}},
      {{"mi_client_id", "not-a-guid"}},
      {{"mi_res_id", "userAssignedIdentities/u"}},
      {{"azure_imds_endpoint", "http://169.254.169.254/metadata"}},
      {{"azure_imds_endpoint", "ftp://169.254.169.254"}},
      {{"audience", "has space"}},
  };
  for (auto const& changes : bad) {
    reset_params();
    for (auto const& [key, value] : changes) call_.record.params[key] = value;
    EXPECT_EQ(run(), FEDCRED_E_USAGE) << changes[0].first << ": " << call_.record.error_message;
  }
  reset_params();
  call_.record.params.erase("audience");
  EXPECT_EQ(run(), FEDCRED_E_USAGE);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(AzureImdsTest, AnUnusableAnswerIsASourceErrorWithoutTheToken) {
  for (std::string body : {std::string("{\"access_token\":\"") + kAccess + "\",\"token_type\":\"Bearer\"}",
                           std::string("{\"access_token\":\"") + kAccess + "\",\"expires_on\":\"12\"}",
                           std::string("<html>captive portal</html>")}) {
    reset_params();
    http_.push(response(200, body));
    EXPECT_EQ(run(), FEDCRED_E_SOURCE) << body;
    expect_no_secret();
  }
}

}  // namespace
}  // namespace fedcred::modules
