// SPDX-License-Identifier: Apache-2.0
// select_aws_link: botocore's order, decided from the environment alone, and
// the identity label (the cache key's "who signs") that never holds a secret.
#include "flows/aws_chain.h"

#include <gtest/gtest.h>

namespace fedcred {
namespace {

constexpr char kImds[] = "http://169.254.169.254";

TEST(AwsChain, BotocoreOrder) {
  MapEnv env{{"AWS_ACCESS_KEY_ID", "AKIAONE"},
             {"AWS_SECRET_ACCESS_KEY", "SECRETMARKER"},
             {"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"},
             {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
             {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x"}};
  auto link = select_aws_link(env, kImds);
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->link, "environment");
  EXPECT_EQ(link->identity, "access key AKIAONE");
  env.set("AWS_ACCESS_KEY_ID", "");
  env.set("AWS_SECRET_ACCESS_KEY", "");
  EXPECT_EQ(select_aws_link(env, kImds)->link, "web_identity");
  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", "");
  link = select_aws_link(env, kImds);
  EXPECT_EQ(link->link, "container");
  EXPECT_EQ(link->identity, "container credentials http://169.254.170.2/v2/credentials/x");
  env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "");
  link = select_aws_link(env, kImds);
  EXPECT_EQ(link->link, "imds");
  EXPECT_NE(link->identity.find(kImds), std::string::npos);
}

TEST(AwsChain, OnlyTheChosenLinkIsFilled) {
  MapEnv env{{"AWS_ACCESS_KEY_ID", "AKIAONE"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SESSION_TOKEN", "t"}};
  std::optional<messages::AwsKeys> keys;
  messages::AwsLinkInputs inputs;
  ASSERT_TRUE(fill_aws_link(*select_aws_link(env, kImds), env, keys, inputs).ok());
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(keys->session_token.reveal(), "t");
  EXPECT_EQ(inputs.name, "environment");
  MapEnv container{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                   {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok"}};
  std::optional<messages::AwsKeys> none;
  messages::AwsLinkInputs c;
  ASSERT_TRUE(fill_aws_link(*select_aws_link(container, kImds), container, none, c).ok());
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(c.container_url, "http://169.254.170.23/v1/credentials");
  EXPECT_EQ(c.container_authorization_token.reveal(), "tok");
}

TEST(AwsChain, IdentitiesDiffer) {
  MapEnv a{{"AWS_ACCESS_KEY_ID", "AKIAONE"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
  MapEnv b{{"AWS_ACCESS_KEY_ID", "AKIATWO"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
  EXPECT_NE(select_aws_link(a, kImds)->identity, select_aws_link(b, kImds)->identity);
}

TEST(AwsChain, HalfSetPairsAreUsage) {
  MapEnv only_secret{{"AWS_SECRET_ACCESS_KEY", "SECRETMARKER"}};
  auto r = select_aws_link(only_secret, kImds);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, Status::usage);
  EXPECT_EQ(r.error().message.find("SECRETMARKER"), std::string::npos);
  MapEnv no_role{{"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}};
  EXPECT_EQ(select_aws_link(no_role, kImds).error().status, Status::usage);
}

TEST(AwsChain, ContainerHostRule) {
  for (char const* ok : {"http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials",
                         "http://127.0.0.1:8080/c", "https://creds.example.com/c"}) {
    MapEnv env{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ok}};
    EXPECT_TRUE(select_aws_link(env, kImds).ok()) << ok;
  }
  for (char const* bad : {"http://192.0.2.1/c", "http://169.254.169.254/c", "http://127.0.0.1@evil.example/c",
                          "https://", "https://:443/c", "ftp://127.0.0.1/c", "http://127.0.0.1:http/c"}) {
    MapEnv env{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", bad}};
    auto r = select_aws_link(env, kImds);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, Status::usage);
    EXPECT_EQ(r.error().message.rfind("AWS_CONTAINER_CREDENTIALS_FULL_URI: ", 0), 0U) << r.error().message;
  }
  for (char const* elsewhere : {"http://192.0.2.1:80", "https://127.0.0.1:80", "http://127.0.0.1@192.0.2.1/",
                                "127.0.0.1:80"}) {
    MapEnv override_elsewhere{{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}, {kContainerEndpointVar, elsewhere}};
    EXPECT_EQ(select_aws_link(override_elsewhere, kImds).error().status, Status::usage) << elsewhere;
  }
  MapEnv stand_in{{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}, {kContainerEndpointVar, "http://[::1]:8080/"}};
  auto link = select_aws_link(stand_in, kImds);
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->identity, "container credentials http://[::1]:8080/x");
}

TEST(AwsChain, MetadataDisabledWithoutAnyLinkIsSource) {
  MapEnv env{{"AWS_EC2_METADATA_DISABLED", "TRUE"}};
  EXPECT_EQ(select_aws_link(env, kImds).error().status, Status::source);
}

TEST(AwsChain, MissingTokenFileIsSourceAndNamesIt) {
  MapEnv env{{"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/irsa"}, {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}};
  auto link = select_aws_link(env, kImds);
  ASSERT_TRUE(link.ok());
  std::optional<messages::AwsKeys> keys;
  messages::AwsLinkInputs inputs;
  auto added = fill_aws_link(*link, env, keys, inputs);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().status, Status::source);
  EXPECT_NE(added.error().message.find("/nonexistent/irsa"), std::string::npos);
}

}  // namespace
}  // namespace fedcred
