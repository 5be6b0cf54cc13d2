// SPDX-License-Identifier: Apache-2.0
// run_aws_command end to end: config files, profile, flow, document, with a
// fake module runner and a fake clock.
#include "commands/aws.h"

#include <json-c/json.h>

#include <string>

#include "cache/freshness.h"
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

constexpr char kArn[] = "arn:aws:iam::123456789012:role/s3-reader";

class AwsCommandTest : public test::CommandFixture {
 protected:
  AwsCommandTest() {
    modules_.answer("gce", {{"subject_token", make_gce_jwt("web-1")}});
    modules_.answer("sts", {{"access_key_id", "ASIACOMMANDTEST"},
                            {"secret_access_key", "command-secret"},
                            {"session_token", "command-session"},
                            {"expiration", "2026-01-01T01:00:00Z"}});
  }

  Result<Secret> run(CommandInputs const& in) { return run_aws_command(in, deps()); }

  CommandInputs with_config(std::string const& text, std::string const& profile = "") {
    CommandInputs in;
    in.config_file = user_.write("fedcred.conf", text);
    in.profile = profile;
    return in;
  }

  void expect_no_module_calls() { EXPECT_THAT(modules_.calls, IsEmpty()); }
};

TEST_F(AwsCommandTest, ProfileFromConfigFileProducesTheDocument) {
  auto in = with_config(std::string("[default]\naudience = custom-aud\n[profile s3]\nrole_arn = ") + kArn +
                            "\nregion = cn-north-1\nduration = 1800\nsession_name = from-config\n",
                        "s3");
  auto doc = run(in);
  ASSERT_TRUE(Succeeds(doc));

  json_object* root = json_tokener_parse(doc->reveal().c_str());
  ASSERT_NE(root, nullptr) << doc->reveal();
  json_object* v = nullptr;
  ASSERT_TRUE(json_object_object_get_ex(root, "Version", &v));
  EXPECT_TRUE(json_object_is_type(v, json_type_int));
  EXPECT_EQ(json_object_get_int(v), 1);
  ASSERT_TRUE(json_object_object_get_ex(root, "AccessKeyId", &v));
  EXPECT_STREQ(json_object_get_string(v), "ASIACOMMANDTEST");
  ASSERT_TRUE(json_object_object_get_ex(root, "Expiration", &v));
  // The fake STS answers an hour for the 1800 s asked: capped at issue time +
  // the requested duration (issue 12, item 14).
  EXPECT_STREQ(json_object_get_string(v), "2026-01-01T00:30:00Z");
  json_object_put(root);

  ASSERT_THAT(modules_.modules_called(), ElementsAre("gce", "sts"));
  EXPECT_EQ(modules_.calls[0].param("audience"), "custom-aud");
  EXPECT_EQ(modules_.calls[1].param("role_arn"), kArn);
  EXPECT_EQ(modules_.calls[1].param("region"), "cn-north-1");
  EXPECT_EQ(modules_.calls[1].param("endpoint"), "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(modules_.calls[1].param("duration"), "1800");
  EXPECT_EQ(modules_.calls[1].param("session_name"), "from-config");
}

TEST_F(AwsCommandTest, FlagsOverrideTheProfile) {
  auto in = with_config(std::string("[profile s3]\nrole_arn = ") + kArn + "\nregion = eu-west-1\n", "s3");
  in.explicit_settings = flags({{"region", "eu-west-2"}, {"session_name", "flagged"}});
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(modules_.calls.at(1).param("region"), "eu-west-2");
  EXPECT_EQ(modules_.calls.at(1).param("session_name"), "flagged");
}

TEST_F(AwsCommandTest, CommandLineOnlyNeedsNoConfigFile) {
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(modules_.calls.at(1).param("session_name"), "web-1");
  EXPECT_EQ(modules_.calls.at(1).param("endpoint"), "https://sts.us-east-1.amazonaws.com");
}

TEST_F(AwsCommandTest, SysconfdirAndXdgFilesAreRead) {
  sysconf_.write("fedcred.conf", std::string("[default]\nrole_arn = ") + kArn + "\nregion = eu-west-1\n");
  sysconf_.write("conf.d/10-site.conf", "[default]\nregion = eu-west-2\n");
  user_.write("fedcred/fedcred.conf", "[default]\nduration = 2000\n");
  env_.set("XDG_CONFIG_HOME", user_.path());
  ASSERT_TRUE(Succeeds(run(CommandInputs{})));
  EXPECT_EQ(modules_.calls.at(1).param("region"), "eu-west-2");
  EXPECT_EQ(modules_.calls.at(1).param("duration"), "2000");
}

TEST_F(AwsCommandTest, FedcredConfigVariableNamesTheFile) {
  env_.set("FEDCRED_CONFIG", user_.write("env.conf", std::string("[default]\nrole_arn = ") + kArn + "\n"));
  ASSERT_TRUE(Succeeds(run(CommandInputs{})));
  EXPECT_EQ(modules_.calls.at(1).param("role_arn"), kArn);
}

TEST_F(AwsCommandTest, EnvironmentEndpointsReachTheModules) {
  env_.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000");
  env_.set("GCE_METADATA_HOST", "127.0.0.1:8080");
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(modules_.calls.at(0).param("metadata_host"), "127.0.0.1:8080");
  EXPECT_EQ(modules_.calls.at(1).param("endpoint"), "http://127.0.0.1:5000");
}

// ---- the cache in front of the flow ----

TEST_F(AwsCommandTest, SecondRunIsServedFromTheCacheWithoutModuleCalls) {
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  auto first = run(in);
  ASSERT_TRUE(Succeeds(first));
  ASSERT_EQ(modules_.calls.size(), 2u);
  clock_.unix_now += 600;  // 50 minutes left: more than the 15-minute margin
  auto second = run(in);
  ASSERT_TRUE(Succeeds(second));
  EXPECT_EQ(modules_.calls.size(), 2u) << "the second run fetched again";
  EXPECT_EQ(second->reveal(), first->reveal());
}

TEST_F(AwsCommandTest, CacheOffFetchesEveryTime) {
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}, {"cache", "false"}});
  ASSERT_TRUE(Succeeds(run(in)));
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(modules_.calls.size(), 4u);
  EXPECT_THAT(metadata_account_.calls, IsEmpty()) << "no key, no question";
}

TEST_F(AwsCommandTest, DifferentRoleIsNotServedFromAnotherRolesEntry) {
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  ASSERT_TRUE(Succeeds(run(in)));
  in.explicit_settings = flags({{"role_arn", "arn:aws:iam::123456789012:role/other"}});
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(modules_.calls.size(), 4u);
  EXPECT_EQ(modules_.calls.at(3).param("role_arn"), "arn:aws:iam::123456789012:role/other");
}

TEST_F(AwsCommandTest, AnotherMetadataAccountIsNotServedTheOldSession) {
  // issue 21.12: after set-service-account (or a re-bound GKE service account)
  // the metadata server speaks for another account: a new key, a new fetch.
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  ASSERT_TRUE(Succeeds(run(in)));
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(modules_.calls.size(), 2u) << "same account: a hit";
  EXPECT_EQ(metadata_account_.calls.size(), 2u) << "the account is asked on the hit too";
  metadata_account_.email = "other@fedcred-demo.iam.gserviceaccount.com";
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(modules_.calls.size(), 4u) << "the old account's session was served";
}

TEST_F(AwsCommandTest, AnUnknownMetadataAccountServesNothing) {
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  ASSERT_TRUE(Succeeds(run(in)));
  metadata_account_.error = make_error(Status::source, "no default service account (HTTP 404)");
  auto second = run(in);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().status, Status::source);
  EXPECT_EQ(modules_.calls.size(), 2u);
}

// ---- source azure: an Azure VM's managed identity (issue 22.5) ----

constexpr char kTenant[] = "72f988bf-0000-4000-8000-00000000fedc";
constexpr char kObjectId[] = "9a1b2c3d-0000-4000-8000-00000000b001";
constexpr char kUserClientId[] = "9a1b2c3d-0000-4000-8000-00000000a002";

// An Entra v1 access token as Azure IMDS hands it out (a day long).
std::string azure_token(std::string const& resource = "api://fedcred-aws") {
  return test::make_jwt(std::string(R"({"aud":")") + resource + R"(","iss":"https://sts.windows.net/)" + kTenant +
                        R"(/","iat":1767225600,"nbf":1767225600,"exp":1767311999,"appid":"x","oid":")" + kObjectId +
                        R"(","sub":")" + kObjectId + R"(","tid":")" + kTenant + R"(","ver":"1.0"})");
}

class AzureSourceTest : public AwsCommandTest {
 protected:
  AzureSourceTest() { modules_.answer("azure", {{"subject_token", azure_token()}}); }
  CommandInputs azure(std::map<std::string, std::string> more = {}) {
    CommandInputs in;
    more.emplace("role_arn", kArn);
    more.emplace("source", "azure");
    more.emplace("azure_resource", "api://fedcred-aws");
    in.explicit_settings = flags(more);
    return in;
  }
};

TEST_F(AzureSourceTest, AsksImdsForTheResourceThenExchangesTheToken) {
  ASSERT_TRUE(Succeeds(run(azure())));
  ASSERT_EQ(modules_.calls.size(), 2u);
  auto const& source = modules_.calls.at(0);
  EXPECT_EQ(source.module, "azure");
  EXPECT_EQ(source.param("audience"), "api://fedcred-aws") << "the resource is the token's audience";
  EXPECT_EQ(source.param("azure_imds_endpoint"), "http://169.254.169.254");
  EXPECT_EQ(source.param("mi_client_id"), "<unset>") << "the system-assigned identity";
  EXPECT_EQ(modules_.calls.at(1).param("web_identity_token"), azure_token());
  EXPECT_EQ(modules_.calls.at(1).param("session_name"), std::string("fedcred-") + kObjectId);
  EXPECT_THAT(metadata_account_.calls, IsEmpty()) << "no Google metadata server on an Azure VM";
}

TEST_F(AzureSourceTest, TheIdentityAskedForNamesTheCacheKey) {
  ASSERT_TRUE(Succeeds(run(azure())));
  ASSERT_TRUE(Succeeds(run(azure())));
  EXPECT_EQ(modules_.calls.size(), 2u) << "the same identity: a hit";
  ASSERT_TRUE(Succeeds(run(azure({{"azure_client_id", kUserClientId}}))));
  ASSERT_EQ(modules_.calls.size(), 4u) << "a user-assigned identity is another key";
  EXPECT_EQ(modules_.calls.at(2).param("mi_client_id"), kUserClientId);
  ASSERT_TRUE(Succeeds(run(azure({{"azure_resource", "api://other"}}))));
  EXPECT_EQ(modules_.calls.size(), 6u) << "another resource is another key";
  env_.set("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:9");
  ASSERT_TRUE(Succeeds(run(azure())));
  EXPECT_EQ(modules_.calls.size(), 8u) << "another IMDS is another key";
  EXPECT_EQ(modules_.calls.at(6).param("azure_imds_endpoint"), "http://127.0.0.1:9");
}

TEST_F(AzureSourceTest, BadInputFailsBeforeAnyCall) {
  CommandInputs no_resource = azure();
  no_resource.explicit_settings.erase("azure_resource");
  EXPECT_TRUE(FailsWith(run(no_resource), Status::usage, "--azure-resource"));
  EXPECT_TRUE(FailsWith(run(azure({{"azure_client_id", kUserClientId}, {"azure_object_id", kObjectId}})),
                        Status::usage, "one of client id, object id or resource id"));
  EXPECT_TRUE(FailsWith(run(azure({{"audience", "sts.amazonaws.com"}})), Status::usage, "azure_resource"));
  env_.set("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://imds.example.com");
  EXPECT_TRUE(FailsWith(run(azure()), Status::usage, "AZURE_POD_IDENTITY_AUTHORITY_HOST", "loopback or link-local"));
  env_.set("AZURE_POD_IDENTITY_AUTHORITY_HOST", "https://127.0.0.1:8443");
  EXPECT_TRUE(FailsWith(run(azure()), Status::usage, "plain http"));
  env_.set("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://169.254.169.254/metadata");
  EXPECT_TRUE(FailsWith(run(azure()), Status::usage, "without a path"));
  expect_no_module_calls();
}

TEST_F(AzureSourceTest, AConfigFileNamesTheIdentity) {
  auto in = with_config(std::string("[profile az]\nsource = azure\nrole_arn = ") + kArn +
                            "\nazure_resource = api://fedcred-aws\nazure_msi_res_id = /subscriptions/x/"
                            "resourcegroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u\n",
                        "az");
  ASSERT_TRUE(Succeeds(run(in)));
  EXPECT_EQ(modules_.calls.at(0).param("mi_res_id"),
            "/subscriptions/x/resourcegroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u");
  auto bad = with_config("[default]\nazure_client_id = not-a-guid\n");
  EXPECT_TRUE(FailsWith(run(bad), Status::usage, "fedcred.conf:2", "GUID"));
}

// ---- usage errors happen before any module call ----

TEST_F(AwsCommandTest, MissingExplicitConfigFileMakesNoModuleCall) {
  CommandInputs in;
  in.config_file = user_ / "does-not-exist.conf";
  in.explicit_settings = flags({{"role_arn", kArn}});
  EXPECT_FALSE(run(in).ok());
  expect_no_module_calls();
}

TEST_F(AwsCommandTest, UnknownConfigKeyMakesNoModuleCall) {
  auto in = with_config("[default]\nrole_arn_typo = x\n");
  EXPECT_TRUE(FailsWith(run(in), Status::usage, "fedcred.conf:2", "role_arn_typo"));
  expect_no_module_calls();
}

TEST_F(AwsCommandTest, BadNumberInConfigMakesNoModuleCall) {
  auto in = with_config(std::string("[default]\nrole_arn = ") + kArn + "\nduration = 60\n");
  EXPECT_TRUE(FailsWith(run(in), Status::usage, "fedcred.conf:3", "duration"));
  expect_no_module_calls();
}

TEST_F(AwsCommandTest, UnknownProfileMakesNoModuleCall) {
  auto in = with_config(std::string("[default]\nrole_arn = ") + kArn + "\n", "nope");
  EXPECT_TRUE(FailsWith(run(in), Status::usage, "'nope'", in.config_file));
  expect_no_module_calls();
}

TEST_F(AwsCommandTest, MissingRoleArnMakesNoModuleCall) {
  EXPECT_TRUE(FailsWith(run(with_config("[default]\nregion = eu-west-1\n")), Status::usage, "role ARN"));
  expect_no_module_calls();
}

TEST_F(AwsCommandTest, InvalidEnvironmentMakesNoModuleCall) {
  env_.set("AWS_REGION", "Mars");
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  EXPECT_TRUE(FailsWith(run(in), Status::usage, "AWS_REGION"));
  expect_no_module_calls();
}

TEST_F(AwsCommandTest, PlainHttpToARemoteStsMakesNoModuleCall) {
  env_.set("AWS_ENDPOINT_URL_STS", "http://sts.example.com");
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  EXPECT_TRUE(FailsWith(run(in), Status::usage, "loopback"));
  expect_no_module_calls();
}

// ---- failures after the config ----

TEST_F(AwsCommandTest, SourceFailureIsReturnedAsIs) {
  modules_.fail("gce", Status::source, "metadata.google.internal: connection refused");
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  EXPECT_TRUE(FailsWith(run(in), Status::source, "connection refused"));
  EXPECT_THAT(modules_.modules_called(), ElementsAre("gce"));
}

TEST_F(AwsCommandTest, DeniedExchangeIsReturnedAsIs) {
  modules_.fail("sts", Status::denied, "AccessDenied");
  CommandInputs in;
  in.explicit_settings = flags({{"role_arn", kArn}});
  auto doc = run(in);
  ASSERT_TRUE(FailsWith(doc, Status::denied, "AccessDenied"));
  EXPECT_THAT(doc.error().message, ::testing::Not(HasSubstr("eyJ")));
}

}  // namespace
}  // namespace fedcred
