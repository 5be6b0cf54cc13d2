// SPDX-License-Identifier: Apache-2.0
// The subject-token commands end to end with the fakes: `token` (the raw JWT,
// on stdout or into a file) and `gcp` (Google's executable response), sharing
// one cache path and one profile resolution (commands/subject.cc).
#include <grp.h>
#include <json-c/json.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "commands/gcp.h"
#include "commands/subject.h"
#include "commands/token.h"
#include "fakes/command_fixture.h"
#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::FailsWith;
using test::make_gce_jwt;
using test::Succeeds;
using test::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kProvider[] =
    "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/providers/aws";

class SubjectCommandTest : public test::CommandFixture {
 protected:
  SubjectCommandTest() {
    token_ = make_gce_jwt("web-1");  // exp 2026-01-01T01:00:00Z, one hour after FakeClock's now
    modules_.answer("gce", {{"subject_token", token_}});
  }

  CommandInputs inputs(std::map<std::string, std::string> const& values) {
    CommandInputs in;
    in.config_file = user_.write("fedcred.conf", "");
    in.explicit_settings = flags(values);
    return in;
  }

  static std::string read(std::string const& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  TempDir out_;
  std::string token_;
};

TEST_F(SubjectCommandTest, TokenPrintsTheJwtFromTheGceSource) {
  auto doc = run_token_command(inputs({}), {}, deps(), lookup_group);
  ASSERT_TRUE(Succeeds(doc));
  EXPECT_EQ(doc->reveal(), token_);
  ASSERT_THAT(modules_.modules_called(), ElementsAre("gce"));
  EXPECT_EQ(modules_.calls[0].param("audience"), "sts.amazonaws.com");  // token's default audience
}

TEST_F(SubjectCommandTest, TokenIsServedFromTheCacheTheSecondTime) {
  ASSERT_TRUE(Succeeds(run_token_command(inputs({}), {}, deps(), lookup_group)));
  auto again = run_token_command(inputs({}), {}, deps(), lookup_group);
  ASSERT_TRUE(Succeeds(again));
  EXPECT_EQ(again->reveal(), token_);
  EXPECT_EQ(modules_.calls.size(), 1U);  // no second module call
}

TEST_F(SubjectCommandTest, TokenKeysOnTheMetadataAccount) {
  // issue 21.12: the gce source's key names the account, asked on a hit too
  ASSERT_TRUE(Succeeds(run_token_command(inputs({}), {}, deps(), lookup_group)));
  ASSERT_TRUE(Succeeds(run_token_command(inputs({}), {}, deps(), lookup_group)));
  EXPECT_EQ(modules_.calls.size(), 1U);
  ASSERT_EQ(metadata_account_.calls.size(), 2U);
  EXPECT_EQ(metadata_account_.calls[1].metadata_host, "metadata.google.internal");
  metadata_account_.email = "rebound@fedcred-demo.iam.gserviceaccount.com";
  ASSERT_TRUE(Succeeds(run_token_command(inputs({}), {}, deps(), lookup_group)));
  EXPECT_EQ(modules_.calls.size(), 2U) << "the old account's token was served";
}

TEST_F(SubjectCommandTest, TokenOutputFileIsWrittenPrivately) {
  std::string const path = out_ / "token.jwt";
  auto doc = run_token_command(inputs({}), {path, ""}, deps(), lookup_group);
  ASSERT_TRUE(Succeeds(doc));
  EXPECT_TRUE(doc->empty());  // nothing on stdout
  EXPECT_EQ(read(path), token_);  // the token alone: Azure's SDKs send the file verbatim
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
}

// fedcred-token@.service hands the token to a group's members (12.16).
TEST_F(SubjectCommandTest, TokenOutputGroupMakesTheFileThatGroupsAndGroupReadable) {
  struct group const* own = getgrgid(getegid());
  ASSERT_NE(own, nullptr);
  std::string const path = out_ / "token.jwt";
  auto doc = run_token_command(inputs({}), {path, own->gr_name}, deps(), lookup_group);
  ASSERT_TRUE(Succeeds(doc));
  EXPECT_EQ(read(path), token_);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640U);
  EXPECT_EQ(st.st_gid, getegid());
}

TEST_F(SubjectCommandTest, UnknownOutputGroupFailsBeforeAnyFetch) {
  std::string const path = out_ / "token.jwt";
  auto doc = run_token_command(inputs({}), {path, "no-such-group-fedcred"}, deps(), lookup_group);
  EXPECT_TRUE(FailsWith(doc, Status::usage, "no such group 'no-such-group-fedcred'"));
  EXPECT_THAT(modules_.calls, IsEmpty());
  struct stat st {};
  EXPECT_NE(stat(path.c_str(), &st), 0);
}

TEST_F(SubjectCommandTest, OutputGroupNeedsAnOutputFile) {
  auto doc = run_token_command(inputs({}), {"", "nogroup"}, deps(), lookup_group);
  EXPECT_TRUE(FailsWith(doc, Status::usage, "--output-group needs --output"));
  EXPECT_THAT(modules_.calls, IsEmpty());
}

TEST_F(SubjectCommandTest, ExpiredTokenFromTheSourceIsRefused) {
  clock_.unix_now = 1767229200 + 10;  // after the token's exp
  auto doc = run_token_command(inputs({}), {}, deps(), lookup_group);
  EXPECT_TRUE(FailsWith(doc, Status::source, "expired"));
}

TEST_F(SubjectCommandTest, GcpNeedsAProviderAudience) {
  auto doc = run_gcp_command(inputs({{"source", "gce"}}), deps());
  EXPECT_TRUE(FailsWith(doc, Status::usage, "no audience", "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE"));
  auto bad = run_gcp_command(inputs({{"source", "gce"}, {"audience", "sts.amazonaws.com"}}), deps());
  EXPECT_TRUE(FailsWith(bad, Status::usage, "workload identity provider"));
  EXPECT_THAT(modules_.calls, IsEmpty());
}

TEST_F(SubjectCommandTest, GcpPrintsTheExecutableResponse) {
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE", kProvider);
  auto doc = run_gcp_command(inputs({{"source", "gce"}}), deps());
  ASSERT_TRUE(Succeeds(doc));
  json_object* root = json_tokener_parse(doc->reveal().c_str());
  ASSERT_NE(root, nullptr);
  json_object* v = nullptr;
  ASSERT_TRUE(json_object_object_get_ex(root, "success", &v));
  EXPECT_TRUE(json_object_get_boolean(v));
  ASSERT_TRUE(json_object_object_get_ex(root, "id_token", &v));
  EXPECT_EQ(json_object_get_string(v), token_);
  ASSERT_TRUE(json_object_object_get_ex(root, "expiration_time", &v));
  EXPECT_EQ(json_object_get_int64(v), 1767229200);
  ASSERT_TRUE(json_object_object_get_ex(root, "token_type", &v));
  EXPECT_STREQ(json_object_get_string(v), "urn:ietf:params:oauth:token-type:jwt");
  json_object_put(root);
  // The provider audience goes to the source in its https: form.
  EXPECT_EQ(modules_.calls.at(0).param("audience"), std::string("https:") + kProvider);
}

TEST_F(SubjectCommandTest, GcpRefusesInteractiveModeAndSamlBeforeAnyCall) {
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE", kProvider);
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE", "1");
  EXPECT_TRUE(FailsWith(run_gcp_command(inputs({{"source", "gce"}}), deps()), Status::usage, "interactive"));
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE", "0");
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE", "urn:ietf:params:oauth:token-type:saml2");
  EXPECT_TRUE(FailsWith(run_gcp_command(inputs({{"source", "gce"}}), deps()), Status::usage, "SAML"));
  EXPECT_THAT(modules_.calls, IsEmpty());
}

TEST_F(SubjectCommandTest, GcpErrorDocumentCarriesTheCodeAndNoToken) {
  Secret doc = render_gcp_error(make_error(Status::denied, "STS refused: AccessDenied"));
  EXPECT_THAT(doc.reveal(), HasSubstr("\"success\":false"));
  EXPECT_THAT(doc.reveal(), HasSubstr("\"code\":\"DENIED\""));
}

TEST_F(SubjectCommandTest, GcpWritesTheOutputFileGoogleAsksFor) {
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE", kProvider);
  std::string const path = out_ / "gcp.json";
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE", path);
  auto doc = run_gcp_command(inputs({{"source", "gce"}}), deps());
  ASSERT_TRUE(Succeeds(doc));
  EXPECT_EQ(read(path), doc->reveal());
}

// Issue 12.1: the instance role is part of the key, asked before every lookup.
TEST_F(SubjectCommandTest, GcpImdsLinkKeysOnTheInstanceRole) {
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE", kProvider);
  modules_.answer("aws", {{"subject_token", token_}});
  ASSERT_TRUE(Succeeds(run_gcp_command(inputs({}), deps())));
  ASSERT_TRUE(Succeeds(run_gcp_command(inputs({}), deps())));
  EXPECT_EQ(modules_.calls.size(), 1U) << "the same role: a hit";
  ASSERT_EQ(instance_role_.calls.size(), 2U) << "asked on the miss and on the hit";
  EXPECT_EQ(instance_role_.calls[0].imds_endpoint, "http://169.254.169.254");
  EXPECT_EQ(instance_role_.calls[0].deadline_ms, clock_.monotonic_ms() + 15 * 1000) << "the run's one deadline";
  instance_role_.role = "replacement-role";
  ASSERT_TRUE(Succeeds(run_gcp_command(inputs({}), deps())));
  EXPECT_EQ(modules_.calls.size(), 2U) << "a replaced instance profile is a new key";
}

TEST_F(SubjectCommandTest, GcpImdsLinkFailsWhenTheRoleCannotBeConfirmed) {
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE", kProvider);
  modules_.answer("aws", {{"subject_token", token_}});
  ASSERT_TRUE(Succeeds(run_gcp_command(inputs({}), deps())));
  instance_role_.error = make_error(Status::source, "no IAM role is attached to this instance");
  EXPECT_TRUE(FailsWith(run_gcp_command(inputs({}), deps()), Status::source, "no IAM role is attached"));
  EXPECT_EQ(modules_.calls.size(), 1U) << "neither served from the cache nor fetched";
}

TEST_F(SubjectCommandTest, OtherLinksAndSourcesDoNotAskImds) {
  env_.set("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
  env_.set("AWS_SECRET_ACCESS_KEY", "secret");
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE", kProvider);
  modules_.answer("aws", {{"subject_token", token_}});
  ASSERT_TRUE(Succeeds(run_gcp_command(inputs({}), deps())));
  EXPECT_THAT(metadata_account_.calls, IsEmpty()) << "source aws asks no metadata server";
  ASSERT_TRUE(Succeeds(run_token_command(inputs({}), {}, deps(), lookup_group)));  // source gce
  EXPECT_THAT(instance_role_.calls, IsEmpty());
}

// ---- source azure (issue 22.5): the token is for the resource, not the provider ----

std::string azure_token() {
  return test::make_jwt(R"({"aud":"api://fedcred-gcp","iss":"https://sts.windows.net/72f988bf-0000-4000-8000-)"
                        R"(00000000fedc/","iat":1767225600,"exp":1767311999,"oid":"o1","sub":"o1","ver":"1.0"})");
}

TEST_F(SubjectCommandTest, GcpWithSourceAzureAsksImdsForTheResource) {
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE", kProvider);
  modules_.answer("azure", {{"subject_token", azure_token()}});
  auto in = inputs({{"source", "azure"}, {"azure_resource", "api://fedcred-gcp"}});
  auto doc = run_gcp_command(in, deps());
  ASSERT_TRUE(Succeeds(doc));
  EXPECT_THAT(doc->reveal(), HasSubstr(azure_token()));
  EXPECT_THAT(doc->reveal(), HasSubstr("\"expiration_time\":1767311999")) << "a day-long token is served whole";
  ASSERT_EQ(modules_.calls.size(), 1U);
  EXPECT_EQ(modules_.calls[0].param("audience"), "api://fedcred-gcp") << "not the provider: Azure IMDS knows none";
  ASSERT_TRUE(Succeeds(run_gcp_command(in, deps())));
  EXPECT_EQ(modules_.calls.size(), 1U) << "the day-long entry is a hit";
  EXPECT_THAT(metadata_account_.calls, IsEmpty());
  EXPECT_THAT(instance_role_.calls, IsEmpty());
}

TEST_F(SubjectCommandTest, TokenWithSourceAzureIsForTheResource) {
  modules_.answer("azure", {{"subject_token", azure_token()}});
  auto doc = run_token_command(inputs({{"source", "azure"}, {"azure_resource", "api://fedcred-gcp"}}), {}, deps(),
                               lookup_group);
  ASSERT_TRUE(Succeeds(doc));
  EXPECT_EQ(doc->reveal(), azure_token());
  EXPECT_TRUE(FailsWith(run_token_command(inputs({{"source", "azure"},
                                                  {"azure_resource", "api://fedcred-gcp"},
                                                  {"audience", "sts.amazonaws.com"}}),
                                          {}, deps(), lookup_group),
                        Status::usage, "azure_resource"));
  EXPECT_TRUE(FailsWith(run_token_command(inputs({{"source", "azure"}}), {}, deps(), lookup_group), Status::usage,
                        "--azure-resource"));
  EXPECT_EQ(modules_.calls.size(), 1U);
}

TEST(SubjectCacheKey, SourceAzureKeysOnTheIdentityAskedFor) {
  SubjectTokenRequest a;
  a.source = "azure";
  a.audience = "api://r";
  a.azure.resource = "api://r";
  a.azure.imds_endpoint = "http://169.254.169.254";
  SubjectTokenRequest b = a;
  b.azure.identity.client_id = "9a1b2c3d-0000-4000-8000-00000000a002";
  SubjectTokenRequest c = a;
  c.azure.identity.object_id = "9a1b2c3d-0000-4000-8000-00000000a002";
  SubjectTokenRequest d = a;
  d.azure.imds_endpoint = "http://127.0.0.1:80";
  EXPECT_NE(subject_cache_key("p", a).canonical, subject_cache_key("p", b).canonical);
  EXPECT_NE(subject_cache_key("p", b).canonical, subject_cache_key("p", c).canonical);
  EXPECT_NE(subject_cache_key("p", a).canonical, subject_cache_key("p", d).canonical);
}

TEST(SubjectCacheKey, DiffersByAudienceAndProfile) {
  SubjectTokenRequest a;
  a.source = "gce";
  a.audience = "one";
  SubjectTokenRequest b = a;
  b.audience = "two";
  EXPECT_NE(subject_cache_key("p", a).canonical, subject_cache_key("p", b).canonical);
  EXPECT_NE(subject_cache_key("p", a).canonical, subject_cache_key("q", a).canonical);
  EXPECT_EQ(subject_cache_key("p", a).canonical, subject_cache_key("p", a).canonical);
}

}  // namespace
}  // namespace fedcred
