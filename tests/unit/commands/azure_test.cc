// SPDX-License-Identifier: Apache-2.0
// `fedcred azure` with the fakes (commands/azure.h): the assertion from the
// profile's source for api://AzureADTokenExchange, the entra_token call it
// makes, the az-shaped JSON, the cache shared with `fedcred serve`'s
// cached_entra_token (one entry per scope), and every bad input refused
// before any module is called.
#include "commands/azure.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fakes/command_fixture.h"
#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::FailsWith;
using test::make_gce_jwt;
using test::Succeeds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr char kClient[] = "0a0a0a0a-1111-4222-8333-0000000000c1";
constexpr char kEntraToken[] = "eyJ0eXAiOiJKV1QifQ.entra-access-token.signature";
constexpr char kExpiration[] = "2026-01-01T01:00:00Z";  // an hour after FakeClock's now
constexpr std::int64_t kExpirationUnix = 1767229200;

class AzureCommandTest : public test::CommandFixture {
 protected:
  AzureCommandTest() {
    assertion_ = make_gce_jwt("web-1");
    modules_.answer("gce", {{"subject_token", assertion_}});
    modules_.answer("azure", {{"access_token", kEntraToken}, {"expiration", kExpiration}});
  }

  CommandInputs inputs(std::map<std::string, std::string> values = {}, std::string const& config = "") {
    values.emplace("tenant_id", kTenant);
    values.emplace("client_id", kClient);
    CommandInputs in;
    in.config_file = user_.write("fedcred.conf", config);
    in.explicit_settings = flags(values);
    return in;
  }

  Result<Secret> run(CommandInputs const& in, CommandOptions const& options = {}, std::string const& output = "") {
    return run_azure_command(in, options, output, deps());
  }

  std::vector<test::ModuleCall> calls_of(std::string const& module) const {
    std::vector<test::ModuleCall> out;
    for (auto const& c : modules_.calls) {
      if (c.module == module) out.push_back(c);
    }
    return out;
  }

  std::string assertion_;
};

TEST_F(AzureCommandTest, ExchangesTheGceIdentityForAnEntraToken) {
  auto doc = run(inputs());
  ASSERT_TRUE(Succeeds(doc));
  EXPECT_EQ(doc->reveal(), kEntraToken);
  ASSERT_THAT(modules_.modules_called(), ElementsAre("gce", "azure"));
  EXPECT_EQ(modules_.calls[0].param("audience"), "api://AzureADTokenExchange");
  test::ModuleCall const& entra = modules_.calls[1];
  EXPECT_EQ(entra.operation, "entra_token");
  EXPECT_EQ(entra.param("authority"), "https://login.microsoftonline.com");
  EXPECT_EQ(entra.param("tenant_id"), kTenant);
  EXPECT_EQ(entra.param("client_id"), kClient);
  EXPECT_EQ(entra.param("scope"), "https://management.azure.com/.default");
  EXPECT_EQ(entra.param("client_assertion"), assertion_);
}

TEST_F(AzureCommandTest, TheAssertionAudienceIsEntrasWhateverTheProfileSays) {
  // a profile shared with `fedcred aws` names STS's audience: Entra's wins
  auto in = inputs({}, "[default]\naudience = sts.amazonaws.com\n");
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(calls_of("gce").at(0).param("audience"), "api://AzureADTokenExchange");
}

TEST_F(AzureCommandTest, SourceAwsAsksGetWebIdentityTokenForEntrasAudience) {
  modules_.answer("aws", {{"subject_token", assertion_}});
  env_.set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
  env_.set("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  ASSERT_TRUE(Succeeds(run(inputs({{"source", "aws"}, {"region", "eu-west-1"}}))));
  ASSERT_THAT(modules_.modules_called(), ElementsAre("aws", "azure"));
  EXPECT_EQ(modules_.calls[0].param("audience"), "api://AzureADTokenExchange");
  EXPECT_EQ(modules_.calls[0].param("region"), "eu-west-1");
}

TEST_F(AzureCommandTest, AuthorityHostFromTheEnvironment) {
  env_.set("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/");
  ASSERT_TRUE(Succeeds(run(inputs())));
  EXPECT_EQ(calls_of("azure").at(0).param("authority"), "https://login.microsoftonline.us");
}

TEST_F(AzureCommandTest, BadInputFailsBeforeAnyModuleIsCalled) {
  env_.set("AZURE_AUTHORITY_HOST", "http://login.microsoftonline.com");
  EXPECT_TRUE(FailsWith(run(inputs()), Status::usage, "AZURE_AUTHORITY_HOST"));
  env_.set("AZURE_AUTHORITY_HOST", "");  // empty: the public cloud, as azure-identity reads it
  CommandInputs no_tenant;
  no_tenant.config_file = user_.write("fedcred.conf", "");
  no_tenant.explicit_settings = flags({{"client_id", kClient}});
  EXPECT_TRUE(FailsWith(run(no_tenant), Status::usage, "--tenant-id"));
  no_tenant.explicit_settings = flags({{"tenant_id", kTenant}});
  EXPECT_TRUE(FailsWith(run(no_tenant), Status::usage, "--client-id"));
  auto bad_key = inputs({}, "[default]\nscope = https://storage.azure.com\n");
  bad_key.explicit_settings.erase("scope");
  EXPECT_TRUE(FailsWith(run(bad_key), Status::usage, "scope"));
  EXPECT_THAT(modules_.calls, IsEmpty());
}

TEST_F(AzureCommandTest, ProfileKeysNameTheApplication) {
  CommandInputs in;
  in.profile = "storage";
  in.config_file = user_.write("fedcred.conf", std::string("[profile storage]\ntenant_id = ") + kTenant +
                                                   "\nclient_id = " + kClient +
                                                   "\nscope = https://storage.azure.com/.default\n");
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(calls_of("azure").at(0).param("scope"), "https://storage.azure.com/.default");
}

TEST_F(AzureCommandTest, JsonIsWhatAzAccountGetAccessTokenPrints) {
  setenv("TZ", "UTC", 1);
  tzset();
  auto doc = run(inputs(), {{"format", "json"}});
  ASSERT_TRUE(Succeeds(doc));
  json_object* root = json_tokener_parse(doc->reveal().c_str());
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(json_object_object_length(root), 5);
  auto text = [&](char const* key) {
    json_object* v = nullptr;
    return json_object_object_get_ex(root, key, &v) ? std::string(json_object_get_string(v)) : "<missing>";
  };
  EXPECT_EQ(text("accessToken"), kEntraToken);
  EXPECT_EQ(text("expiresOn"), "2026-01-01 01:00:00.000000");
  json_object* expires_on = nullptr;
  ASSERT_TRUE(json_object_object_get_ex(root, "expires_on", &expires_on));
  EXPECT_TRUE(json_object_is_type(expires_on, json_type_int));
  EXPECT_EQ(json_object_get_int64(expires_on), kExpirationUnix);
  EXPECT_EQ(text("tenant"), kTenant);
  EXPECT_EQ(text("tokenType"), "Bearer");
  json_object_put(root);
}

TEST_F(AzureCommandTest, OutputFileHoldsTheTokenAloneAndNothingIsPrinted) {
  test::TempDir out;
  std::string const path = out / "entra.token";
  auto doc = run(inputs(), {}, path);
  ASSERT_TRUE(Succeeds(doc));
  EXPECT_TRUE(doc->empty());
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  EXPECT_EQ(s.str(), kEntraToken);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
}

TEST_F(AzureCommandTest, ServedFromTheCacheTheSecondTimeAndKeyedOnTheScope) {
  ASSERT_TRUE(Succeeds(run(inputs())));
  ASSERT_TRUE(Succeeds(run(inputs())));
  EXPECT_EQ(calls_of("azure").size(), 1U);
  ASSERT_TRUE(Succeeds(run(inputs({{"scope", "https://storage.azure.com/.default"}}))));
  EXPECT_EQ(calls_of("azure").size(), 2U) << "another scope is another token";
  ASSERT_TRUE(Succeeds(run(inputs({{"client_id", "0a0a0a0a-1111-4222-8333-0000000000a1"}}))));
  EXPECT_EQ(calls_of("azure").size(), 3U) << "another application is another token";
}

TEST_F(AzureCommandTest, KeysOnTheMetadataAccountAskedOnAHitToo) {
  ASSERT_TRUE(Succeeds(run(inputs())));
  ASSERT_TRUE(Succeeds(run(inputs())));
  EXPECT_EQ(metadata_account_.calls.size(), 2U);
  metadata_account_.email = "rebound@fedcred-demo.iam.gserviceaccount.com";
  ASSERT_TRUE(Succeeds(run(inputs())));
  EXPECT_EQ(calls_of("azure").size(), 2U) << "the old account's token was served";
}

// What `fedcred serve`'s Azure routes call: the same entry as the command for
// the same scope, another for the resource a client names.
TEST_F(AzureCommandTest, ServeSharesTheCommandsCacheEntryPerScope) {
  ASSERT_TRUE(Succeeds(run(inputs())));
  AuditRecord audit;
  CommandInputs in = inputs();
  auto same = cached_entra_token(in, "https://management.azure.com/.default", std::nullopt, deps(), audit);
  ASSERT_TRUE(Succeeds(same));
  EXPECT_EQ(same->access_token.reveal(), kEntraToken);
  EXPECT_EQ(same->expiration, kExpirationUnix);
  EXPECT_EQ(same->client_id, kClient);
  EXPECT_EQ(audit.cache, CacheUse::hit);
  EXPECT_EQ(audit.subject, "107517467455664443765");
  EXPECT_EQ(calls_of("azure").size(), 1U);

  auto vault = cached_entra_token(in, entra_scope_for_resource("https://vault.azure.net"), std::nullopt, deps(), audit);
  ASSERT_TRUE(Succeeds(vault));
  EXPECT_EQ(vault->scope, "https://vault.azure.net/.default");
  EXPECT_EQ(calls_of("azure").at(1).param("scope"), "https://vault.azure.net/.default");
  EXPECT_TRUE(FailsWith(cached_entra_token(in, "https://vault.azure.net", std::nullopt, deps(), audit), Status::usage,
                        "scope"));
  EXPECT_EQ(calls_of("azure").size(), 2U);
}

TEST_F(AzureCommandTest, ScopeForResourceKeepsTheTrailingSlashAsMsalDoes) {
  EXPECT_EQ(entra_scope_for_resource("https://management.azure.com/"), "https://management.azure.com//.default");
  EXPECT_EQ(entra_scope_for_resource("https://storage.azure.com"), "https://storage.azure.com/.default");
}

TEST_F(AzureCommandTest, TargetIsResolvedWithoutAnyRequest) {
  env_.set("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us");
  auto target = resolve_entra_target(inputs({{"source", "aws"}}), deps());
  ASSERT_TRUE(Succeeds(target));
  EXPECT_EQ(target->tenant_id, kTenant);
  EXPECT_EQ(target->client_id, kClient);
  EXPECT_EQ(target->scope, "https://management.azure.com/.default");
  EXPECT_EQ(target->authority, "https://login.microsoftonline.us");
  EXPECT_EQ(target->source, "aws");
  EXPECT_THAT(modules_.calls, IsEmpty());
}

TEST_F(AzureCommandTest, AnEntraRefusalIsPassedOnWithItsStatus) {
  modules_.fail("azure", Status::denied, "Entra ID refused: AADSTS700213; fix: register a federated credential");
  auto doc = run(inputs());
  EXPECT_TRUE(FailsWith(doc, Status::denied, "AADSTS700213"));
  EXPECT_THAT(doc.error().message, ::testing::Not(HasSubstr(assertion_)));
}

// Entra's "no matching federated credential": the message adds the triple
// this assertion carries (identifiers only), which is what to register.
TEST_F(AzureCommandTest, AnUnmatchedFederatedCredentialNamesTheTripleToRegister) {
  modules_.fail("azure", Status::denied,
                "Entra ID refused the token: AADSTS700213 (invalid_client): No matching federated identity record");
  auto doc = run(inputs());
  EXPECT_TRUE(FailsWith(doc, Status::denied, "AADSTS700213",
                        "issuer https://accounts.google.com, subject 107517467455664443765, audience sts.amazonaws.com",
                        "fedcred setup azure-federated-credential"));
  EXPECT_THAT(doc.error().message, ::testing::Not(HasSubstr(assertion_)));
  // another refusal, or a code that only starts alike, gets no triple
  modules_.fail("azure", Status::denied, "Entra ID refused the token: AADSTS7000215 (invalid_client)");
  EXPECT_THAT(run(inputs()).error().message, ::testing::Not(HasSubstr("issuer")));
  modules_.fail("azure", Status::transient, "AADSTS700213 but HTTP 503");
  EXPECT_THAT(run(inputs()).error().message, ::testing::Not(HasSubstr("issuer")));
}

}  // namespace
}  // namespace fedcred
