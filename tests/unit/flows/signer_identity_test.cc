// SPDX-License-Identifier: Apache-2.0
// confirm_signer: the imds link named by its role, the container link by its
// Authorization token's digest (issue 21.12), read on every call; no secret in
// the identity.
#include "flows/signer_identity.h"

#include <gtest/gtest.h>

#include "cache/digest.h"
#include "fakes/instance_role.h"
#include "fakes/temp_dir.h"

namespace fedcred {
namespace {

constexpr char kImds[] = "http://169.254.169.254";
constexpr char kPodUrl[] = "http://169.254.170.23/v1/credentials";
constexpr char kPodToken[] = "eyJhbGciOiJSUzI1NiJ9.pod-token.SIGNATUREMARKER";

Result<std::string> confirmed_identity(MapEnv const& env, test::FakeInstanceRoleLookup& lookup) {
  auto link = select_aws_link(env, kImds);
  if (!link) return std::move(link).error();
  auto confirmed = confirm_signer(*link, env, kImds, &lookup, 0);
  if (!confirmed) return std::move(confirmed).error();
  return link->identity;
}

TEST(SignerIdentity, PodIdentityTokenFileIsNamedByItsDigestOnEveryCall) {
  test::TempDir dir;
  std::string const file = dir.write("token", kPodToken);
  MapEnv env{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", kPodUrl}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file}};
  test::FakeInstanceRoleLookup lookup;
  auto first = confirmed_identity(env, lookup);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, std::string("container credentials ") + kPodUrl + " authorization sha256:" + sha256_hex(kPodToken));
  EXPECT_EQ(first->find("SIGNATUREMARKER"), std::string::npos);
  dir.write("token", "eyJhbGciOiJSUzI1NiJ9.another-service-account.SIG");
  auto rebound = confirmed_identity(env, lookup);
  ASSERT_TRUE(rebound.ok());
  EXPECT_NE(*rebound, *first) << "a re-bound pod must be a new key";
  EXPECT_TRUE(lookup.calls.empty()) << "the container link asks IMDS nothing";
}

TEST(SignerIdentity, TokenVariableIsNamedTheSameWay) {
  MapEnv env{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", kPodUrl}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", kPodToken}};
  test::FakeInstanceRoleLookup lookup;
  auto by_value = confirmed_identity(env, lookup);
  ASSERT_TRUE(by_value.ok());
  EXPECT_NE(by_value->find(sha256_hex(kPodToken)), std::string::npos);
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "another-token-value");
  EXPECT_NE(*confirmed_identity(env, lookup), *by_value);
}

TEST(SignerIdentity, EcsWithoutTokenKeepsItsPerTaskUrl) {
  MapEnv env{{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-uuid"}};
  test::FakeInstanceRoleLookup lookup;
  EXPECT_EQ(*confirmed_identity(env, lookup), "container credentials http://169.254.170.2/v2/credentials/task-uuid");
}

TEST(SignerIdentity, UnreadableTokenFileConfirmsNothing) {
  MapEnv env{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", kPodUrl},
             {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/fedcred/token"}};
  test::FakeInstanceRoleLookup lookup;
  auto identity = confirmed_identity(env, lookup);
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().status, Status::source);
  EXPECT_NE(identity.error().message.find("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), std::string::npos);
}

TEST(SignerIdentity, ImdsLinkIsNamedByTheRoleAndOtherLinksAreLeftAlone) {
  test::FakeInstanceRoleLookup lookup;
  lookup.role = "role-b";
  EXPECT_EQ(*confirmed_identity(MapEnv{}, lookup), instance_role_identity("role-b", kImds));
  EXPECT_EQ(lookup.calls.size(), 1u);
  MapEnv keys{{"AWS_ACCESS_KEY_ID", "AKIAONE"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
  EXPECT_EQ(*confirmed_identity(keys, lookup), "access key AKIAONE");
  EXPECT_EQ(lookup.calls.size(), 1u);
}

}  // namespace
}  // namespace fedcred
