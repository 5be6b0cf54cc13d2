// SPDX-License-Identifier: Apache-2.0
// The `fedcred setup` document generators: parsed back with json-c and
// compared with the claims and inputs they were made from.
#include "commands/setup.h"
#include "commands/registry.h"
#include "commands/setup/options.h"

#include <json-c/json.h>

#include <string>

#include "base/json_handle.h"
#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::FailsWith;
using test::Succeeds;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAudience[] = "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/providers/aws";

JsonPtr parse(std::string const& text) {
  JsonPtr doc = parse_json_exact(text.data(), text.size());
  EXPECT_NE(doc, nullptr) << "not one JSON document: " << text;
  return doc;
}

json_object* member(json_object* o, char const* key) {
  json_object* v = nullptr;
  if (o == nullptr || !json_object_object_get_ex(o, key, &v)) return nullptr;
  return v;
}

std::string string_at(json_object* o, char const* key) {
  json_object* v = member(o, key);
  return v != nullptr && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "<missing>";
}

JwtClaims google_claims() {
  JwtClaims c;
  c.iss = "https://accounts.google.com";
  c.aud = "sts.amazonaws.com";
  c.azp = "104683937529437258841";
  c.sub = "104683937529437258841";
  c.email = "sa@p.iam.gserviceaccount.com";
  return c;
}

TEST(TrustConditions, GoogleTokenMapsAzpAudAndSub) {
  JwtClaims c = google_claims();
  c.azp = "111";
  c.sub = "222";
  auto conditions = aws_trust_conditions(c);
  ASSERT_TRUE(Succeeds(conditions));
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(*conditions, (std::vector<P>{{"accounts.google.com:aud", "111"},
                                         {"accounts.google.com:oaud", "sts.amazonaws.com"},
                                         {"accounts.google.com:sub", "222"}}));
}

TEST(TrustConditions, WithoutAzpTheAudKeyIsTheAudience) {
  JwtClaims c = google_claims();
  c.azp.clear();
  auto conditions = aws_trust_conditions(c);
  ASSERT_TRUE(Succeeds(conditions));
  ASSERT_EQ(conditions->size(), 2u);
  EXPECT_EQ((*conditions)[0], (std::pair<std::string, std::string>{"accounts.google.com:aud", "sts.amazonaws.com"}));
  EXPECT_EQ((*conditions)[1].first, "accounts.google.com:sub");
}

TEST(TrustConditions, MissingSubIsASourceError) {
  JwtClaims c = google_claims();
  c.sub.clear();
  EXPECT_TRUE(FailsWith(aws_trust_conditions(c), Status::source, "sub"));
}

TEST(TrustPolicy, GoogleDocumentCarriesExactlyTheClaims) {
  JwtClaims c = google_claims();
  auto text = render_aws_trust_policy(c, "");
  ASSERT_TRUE(Succeeds(text));
  JsonPtr doc = parse(*text);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(string_at(doc.get(), "Version"), "2012-10-17");
  json_object* statements = member(doc.get(), "Statement");
  ASSERT_NE(statements, nullptr);
  ASSERT_EQ(json_object_array_length(statements), 1u);
  json_object* st = json_object_array_get_idx(statements, 0);
  EXPECT_EQ(string_at(st, "Effect"), "Allow");
  EXPECT_EQ(string_at(st, "Action"), "sts:AssumeRoleWithWebIdentity");
  EXPECT_EQ(string_at(member(st, "Principal"), "Federated"), "accounts.google.com");
  json_object* equals = member(member(st, "Condition"), "StringEquals");
  ASSERT_NE(equals, nullptr);
  EXPECT_EQ(json_object_object_length(equals), 3);
  EXPECT_EQ(string_at(equals, "accounts.google.com:aud"), c.azp);
  EXPECT_EQ(string_at(equals, "accounts.google.com:oaud"), c.aud);
  EXPECT_EQ(string_at(equals, "accounts.google.com:sub"), c.sub);
}

// The policy for a role in account 123456789012 federates the IAM OIDC
// provider named `provider` and conditions on its aud and sub.
void expect_oidc_provider_policy(JwtClaims const& c, std::string const& provider) {
  auto text = render_aws_trust_policy(c, "arn:aws:iam::123456789012:role/r");
  ASSERT_TRUE(Succeeds(text));
  JsonPtr doc = parse(*text);
  json_object* st = json_object_array_get_idx(member(doc.get(), "Statement"), 0);
  EXPECT_EQ(string_at(member(st, "Principal"), "Federated"), "arn:aws:iam::123456789012:oidc-provider/" + provider);
  json_object* equals = member(member(st, "Condition"), "StringEquals");
  EXPECT_EQ(string_at(equals, (provider + ":aud").c_str()), c.aud);
  EXPECT_EQ(string_at(equals, (provider + ":sub").c_str()), c.sub);
}

TEST(TrustPolicy, OtherIssuerNamesTheOidcProviderOfTheRolesAccount) {
  JwtClaims c;
  c.iss = "https://token.actions.githubusercontent.com";
  c.aud = "sts.amazonaws.com";
  c.sub = "repo:o/r:ref:refs/heads/main";
  EXPECT_TRUE(FailsWith(render_aws_trust_policy(c, ""), Status::usage, "--role-arn"));
  expect_oidc_provider_policy(c, "token.actions.githubusercontent.com");
}

TEST(TrustPolicy, IssuerWithAPathKeepsItInTheProviderName) {
  JwtClaims c;
  c.iss = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF";
  c.aud = "sts.amazonaws.com";
  c.sub = "system:serviceaccount:ns:sa";
  expect_oidc_provider_policy(c, "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF");
}

// Issue 22.5: IAM names a provider by the issuer as the token has it, a
// trailing slash included: Entra's v1 issuer https://sts.windows.net/TENANT/
// is the provider sts.windows.net/TENANT/ (its condition keys
// sts.windows.net/TENANT/:aud and :sub), which a stripped slash misses.
TEST(TrustPolicy, EntraV1IssuerKeepsItsTrailingSlash) {
  JwtClaims c;
  c.iss = "https://sts.windows.net/72f988bf-0000-4000-8000-00000000fedc/";
  c.aud = "api://fedcred-aws";
  c.sub = "9a1b2c3d-0000-4000-8000-00000000b001";
  expect_oidc_provider_policy(c, "sts.windows.net/72f988bf-0000-4000-8000-00000000fedc/");
  c.iss = "https://login.microsoftonline.com/72f988bf-0000-4000-8000-00000000fedc/v2.0";
  expect_oidc_provider_policy(c, "login.microsoftonline.com/72f988bf-0000-4000-8000-00000000fedc/v2.0");
}

TEST(AwsConfig, SectionRunsTheGivenBinaryWithTheProfile) {
  auto text = render_aws_config("s3-reader", "/usr/bin/fedcred", "", "/etc/fedcred/fedcred.conf");
  ASSERT_TRUE(Succeeds(text));
  EXPECT_THAT(*text, HasSubstr("[profile s3-reader]\ncredential_process = /usr/bin/fedcred aws --profile s3-reader\n"));
  EXPECT_THAT(*text, Not(HasSubstr("role_arn")));
}

TEST(AwsConfig, RoleArnAddsTheFedcredConfSection) {
  auto text = render_aws_config("p", "/opt/fed cred/bin/fedcred", "arn:aws:iam::123456789012:role/r",
                                "/etc/fedcred/fedcred.conf");
  ASSERT_TRUE(Succeeds(text));
  EXPECT_THAT(*text, HasSubstr("credential_process = \"/opt/fed cred/bin/fedcred\" aws --profile p\n"));
  EXPECT_THAT(*text, HasSubstr("/etc/fedcred/fedcred.conf"));
  EXPECT_THAT(*text, HasSubstr("[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\n"));
}

TEST(AwsConfig, DefaultProfileUsesTheDefaultSection) {
  auto text = render_aws_config("default", "/usr/bin/fedcred", "", "/etc/fedcred/fedcred.conf");
  ASSERT_TRUE(Succeeds(text));
  EXPECT_THAT(*text, HasSubstr("[default]\ncredential_process = /usr/bin/fedcred aws --profile default\n"));
}

TEST(AwsConfig, RejectsUnsafeInput) {
  EXPECT_TRUE(FailsWith(render_aws_config("", "/usr/bin/fedcred", "", "x"), Status::usage, "--profile"));
  EXPECT_TRUE(FailsWith(render_aws_config("a b", "/usr/bin/fedcred", "", "x"), Status::usage, "profile name"));
  EXPECT_TRUE(FailsWith(render_aws_config("p]\n[x", "/usr/bin/fedcred", "", "x"), Status::usage));
  EXPECT_TRUE(FailsWith(render_aws_config("p", "fedcred", "", "x"), Status::usage, "absolute"));
  EXPECT_TRUE(FailsWith(render_aws_config("p", "/bin/$(id)", "", "x"), Status::usage));
  EXPECT_TRUE(FailsWith(render_aws_config("p", "/usr/bin/fedcred", "not-an-arn", "x"), Status::usage, "role ARN"));
}

TEST(GcpCredConfig, MatchesGcloudsExecutableConfig) {
  GcpCredConfigInput in;
  in.audience = kAudience;
  in.service_account = "sa@p.iam.gserviceaccount.com";
  in.output_file = "/run/user/1000/fedcred/gcp.json";
  in.fedcred_path = "/usr/bin/fedcred";
  auto text = render_gcp_cred_config(in);
  ASSERT_TRUE(Succeeds(text));
  JsonPtr doc = parse(*text);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(string_at(doc.get(), "type"), "external_account");
  EXPECT_EQ(string_at(doc.get(), "audience"), kAudience);
  EXPECT_EQ(string_at(doc.get(), "subject_token_type"), "urn:ietf:params:oauth:token-type:jwt");
  EXPECT_EQ(string_at(doc.get(), "token_url"), "https://sts.googleapis.com/v1/token");
  EXPECT_EQ(string_at(doc.get(), "service_account_impersonation_url"),
            "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:"
            "generateAccessToken");
  json_object* exe = member(member(doc.get(), "credential_source"), "executable");
  ASSERT_NE(exe, nullptr);
  EXPECT_EQ(string_at(exe, "command"), "/usr/bin/fedcred gcp");
  EXPECT_EQ(json_object_get_int(member(exe, "timeout_millis")), 30000);
  EXPECT_EQ(string_at(exe, "output_file"), in.output_file);
  EXPECT_THAT(*text, Not(HasSubstr("\\/")));  // URLs unescaped
}

TEST(GcpCredConfig, MinimalConfigHasNoOptionalFields) {
  GcpCredConfigInput in;
  in.audience = "https:" + std::string(kAudience);  // the https form is accepted, the resource form written
  in.fedcred_path = "/usr/bin/fedcred";
  in.profile = "gcs";
  auto text = render_gcp_cred_config(in);
  ASSERT_TRUE(Succeeds(text));
  JsonPtr doc = parse(*text);
  EXPECT_EQ(string_at(doc.get(), "audience"), kAudience);
  EXPECT_EQ(member(doc.get(), "service_account_impersonation_url"), nullptr);
  json_object* exe = member(member(doc.get(), "credential_source"), "executable");
  EXPECT_EQ(string_at(exe, "command"), "/usr/bin/fedcred gcp --profile gcs");
  EXPECT_EQ(member(exe, "output_file"), nullptr);
}

TEST(GcpCredConfig, OverridesAndValidation) {
  GcpCredConfigInput in;
  in.audience = kAudience;
  in.fedcred_path = "/usr/bin/fedcred";
  in.token_url = "http://127.0.0.1:8080/v1/token";
  in.impersonation_url = "http://127.0.0.1:8080/v1/projects/-/serviceAccounts/x@y:generateAccessToken";
  auto text = render_gcp_cred_config(in);
  ASSERT_TRUE(Succeeds(text));
  JsonPtr doc = parse(*text);
  EXPECT_EQ(string_at(doc.get(), "token_url"), in.token_url);
  EXPECT_EQ(string_at(doc.get(), "service_account_impersonation_url"), in.impersonation_url);

  GcpCredConfigInput bad = in;
  bad.token_url = "http://sts.example.com/v1/token";
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "https"));
  bad = in;
  bad.audience = "sts.amazonaws.com";
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "--audience"));
  bad = in;
  bad.audience.clear();
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "--audience"));
  bad = in;
  bad.output_file = "relative.json";
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "absolute"));
  bad = in;
  bad.service_account = "not an email";
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "service account"));
}

// Issue 22.5: an Azure VM's managed identity for an OIDC provider runs
// `fedcred gcp --source azure` with the identity asked for.
TEST(GcpCredConfig, AzureProviderRunsSourceAzure) {
  GcpCredConfigInput in;
  in.audience = kAudience;
  in.fedcred_path = "/usr/bin/fedcred";
  in.provider = "azure";
  in.azure_resource = "api://fedcred-gcp";
  in.azure_identity.client_id = "9a1b2c3d-0000-4000-8000-00000000a002";
  auto text = render_gcp_cred_config(in);
  ASSERT_TRUE(Succeeds(text));
  JsonPtr doc = parse(*text);
  EXPECT_EQ(string_at(doc.get(), "subject_token_type"), "urn:ietf:params:oauth:token-type:jwt");
  json_object* exe = member(member(doc.get(), "credential_source"), "executable");
  EXPECT_EQ(string_at(exe, "command"),
            "/usr/bin/fedcred gcp --source azure --azure-resource api://fedcred-gcp --azure-client-id "
            "9a1b2c3d-0000-4000-8000-00000000a002");

  GcpCredConfigInput bad = in;
  bad.azure_resource.clear();
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "--azure-resource"));
  bad = in;
  bad.azure_identity.client_id = "not-a-guid";
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "--azure-client-id", "GUID"));
  bad = in;
  bad.azure_resource = "api://a\"b";
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "--azure-resource", "--profile"));
  bad = in;
  bad.provider = "executable";
  EXPECT_TRUE(FailsWith(render_gcp_cred_config(bad), Status::usage, "--provider azure"));
}

TEST(CommandOptions, BelongToTheirCommands) {
  auto option = [](char const* command, char const* key) {
    auto const* row = find_any_row(command);
    auto const* flag = row != nullptr ? find_flag_by_key(*row, key) : nullptr;
    return flag != nullptr && flag->target == FlagTarget::option;
  };
  EXPECT_TRUE(option("doctor", "json"));
  EXPECT_TRUE(option("doctor", "gcp"));
  EXPECT_FALSE(find_any_row("doctor")->names_its_binary) << "doctor takes no exe";
  EXPECT_TRUE(option("setup-gcp-cred-config", "service_account"));
  EXPECT_TRUE(find_any_row("setup-aws-config")->names_its_binary) << "setup-aws-config takes exe";
  EXPECT_FALSE(option("aws", "json"));
  EXPECT_TRUE(check_true_false("json", "true").ok());
  EXPECT_FALSE(check_true_false("json", "maybe").ok());
}

}  // namespace
}  // namespace fedcred
