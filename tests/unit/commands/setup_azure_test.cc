// SPDX-License-Identifier: Apache-2.0
// `fedcred setup azure-federated-credential`'s document (issue 22.4), pure:
// the az parameters carry the assertion's iss, sub and aud exactly, the name
// follows Entra's rule, the command survives a shell, and the environment
// block names the application, tenant, authority and token file.
#include "commands/setup/azure_federated_credential.h"

#include <json-c/json.h>

#include <string>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::FailsWith;
using test::Succeeds;
using ::testing::HasSubstr;

JwtClaims aws_claims() {
  JwtClaims c;
  c.iss = "https://a1b2c3d4-e5f6.tokens.sts.global.api.aws";
  c.sub = "arn:aws:iam::123456789012:role/web-reader";
  c.aud = "api://AzureADTokenExchange";
  return c;
}

std::string member(std::string const& json, char const* key) {
  json_object* doc = json_tokener_parse(json.c_str());
  json_object* v = nullptr;
  std::string out = doc != nullptr && json_object_object_get_ex(doc, key, &v) ? json_object_to_json_string_ext(
                                                                                    v, JSON_C_TO_STRING_NOSLASHESCAPE)
                                                                              : "<missing>";
  json_object_put(doc);
  return out;
}

TEST(FederatedCredentialParameters, TheAssertionsClaimsExactly) {
  auto json = render_federated_credential_parameters(aws_claims());
  ASSERT_TRUE(Succeeds(json));
  EXPECT_EQ(member(*json, "issuer"), "\"https://a1b2c3d4-e5f6.tokens.sts.global.api.aws\"");
  EXPECT_EQ(member(*json, "subject"), "\"arn:aws:iam::123456789012:role/web-reader\"");
  EXPECT_EQ(member(*json, "audiences"), "[\"api://AzureADTokenExchange\"]");
  // Entra: 3..120 of letters, digits, '-', '_'
  EXPECT_EQ(member(*json, "name"), "\"fedcred-arn-aws-iam--123456789012-role-web-reader\"");
}

TEST(FederatedCredentialParameters, TheNameStaysWithinEntrasLimit) {
  JwtClaims c = aws_claims();
  c.sub = "arn:aws:iam::123456789012:role/" + std::string(200, 'r');
  auto json = render_federated_credential_parameters(c);
  ASSERT_TRUE(Succeeds(json));
  EXPECT_EQ(member(*json, "name").size(), 120U + 2);  // quoted
}

TEST(FederatedCredentialParameters, AMissingClaimIsASourceError) {
  JwtClaims c = aws_claims();
  c.sub.clear();
  EXPECT_TRUE(FailsWith(render_federated_credential_parameters(c), Status::source, "sub"));
  c = aws_claims();
  c.aud.clear();  // e.g. several audiences: no single string to register
  EXPECT_TRUE(FailsWith(render_federated_credential_parameters(c), Status::source, "aud"));
}

TEST(AzureFederatedCredential, TheAzCommandAndTheSdkEnvironment) {
  auto text = render_azure_federated_credential({aws_claims(), "contoso.onmicrosoft.com",
                                                 "0a0a0a0a-1111-4222-8333-0000000000a1",
                                                 "https://login.microsoftonline.us", "web"});
  ASSERT_TRUE(Succeeds(text));
  EXPECT_THAT(*text, HasSubstr("az ad app federated-credential create --id 0a0a0a0a-1111-4222-8333-0000000000a1 "
                               "--parameters '{"));
  EXPECT_THAT(*text, HasSubstr("\nAZURE_TENANT_ID=contoso.onmicrosoft.com\n"));
  EXPECT_THAT(*text, HasSubstr("\nAZURE_CLIENT_ID=0a0a0a0a-1111-4222-8333-0000000000a1\n"));
  EXPECT_THAT(*text, HasSubstr("\nAZURE_FEDERATED_TOKEN_FILE=/run/fedcred/web/token\n"));
  EXPECT_THAT(*text, HasSubstr("fedcred-token@web.timer"));
  EXPECT_NE(text->back(), '\n');
  EXPECT_THAT(*text, ::testing::EndsWith("AZURE_AUTHORITY_HOST=https://login.microsoftonline.us"));
}

TEST(AzureFederatedCredential, AQuoteInAClaimCannotEndTheShellWord) {
  JwtClaims c = aws_claims();
  c.sub = "it's'; rm -rf /";
  auto text = render_azure_federated_credential({c, "t", "c", "https://login.microsoftonline.com", ""});
  ASSERT_TRUE(Succeeds(text));
  EXPECT_THAT(*text, HasSubstr("\"subject\": \"it'\\''s'\\''; rm -rf /\""));
  EXPECT_THAT(*text, HasSubstr("/run/fedcred/PROFILE/token"));  // no profile: a placeholder
}

}  // namespace
}  // namespace fedcred
