// SPDX-License-Identifier: Apache-2.0
// [serve] and the serve flags: loopback-only listen addresses, defaults, and
// the [serve] section in a configuration file.
#include "config/serve_settings.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace fedcred {
namespace {

TEST(ParseListenAddress, AcceptsLoopbackOnly) {
  auto v4 = parse_listen_address("127.0.0.1:8960");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address, "127.0.0.1");
  EXPECT_EQ(v4->port, 8960);
  auto v6 = parse_listen_address("[::1]:9000");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address, "::1");
  EXPECT_EQ(v6->text(), "[::1]:9000");
  EXPECT_TRUE(parse_listen_address("127.3.2.1:1"));
  for (char const* bad : {"0.0.0.0:8960", "10.0.0.1:80", "[::]:8960", "[fe80::1]:80", "localhost:8960",
                          "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80x", "[::1]8960", ":80",
                          "::1:8960", ""}) {
    auto r = parse_listen_address(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().status, Status::usage);
    }
  }
}

TEST(ResolveServeSettings, DefaultsListenOnBothLoopbacks) {
  MapEnv env{{"XDG_RUNTIME_DIR", "/run/user/1000"}};
  auto s = resolve_serve_settings({}, {{"aws_profile", Setting{"web", "--aws-profile"}}}, env);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->listen.size(), 2u);
  EXPECT_EQ(s->listen[0].text(), "127.0.0.1:8960");
  EXPECT_FALSE(s->listen[0].optional);
  EXPECT_EQ(s->listen[1].text(), "[::1]:8960");
  EXPECT_TRUE(s->listen[1].optional);
  EXPECT_EQ(s->token_file, "/run/user/1000/fedcred-serve-token");
}

TEST(ResolveServeSettings, FlagsOverrideTheSectionAndSystemdNamesTheTokenDirectory) {
  MapEnv env{{"RUNTIME_DIRECTORY", "/run/fedcred-serve"}};
  Settings section{{"listen", Setting{"127.0.0.1:1000 [::1]:1000", "f:2"}},
                   {"aws_profile", Setting{"a", "f:3"}}};
  auto s = resolve_serve_settings(section, {{"listen", Setting{"127.0.0.2:2000", "--listen"}}}, env);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->listen.size(), 1u);
  EXPECT_EQ(s->listen[0].text(), "127.0.0.2:2000");
  EXPECT_EQ(s->aws_profile, "a");
  EXPECT_EQ(s->token_file, "/run/fedcred-serve/aws-token");
}

TEST(ResolveServeSettings, OnlyTheAwsRouteNeedsATokenFile) {
  MapEnv env;  // a container: no RUNTIME_DIRECTORY, no XDG_RUNTIME_DIR
  auto google = resolve_serve_settings({}, {{"gcp_profile", Setting{"g", "--gcp-profile"}}}, env);
  ASSERT_TRUE(google) << google.error().message;
  EXPECT_EQ(google->token_file, "");
  auto aws = resolve_serve_settings({}, {{"aws_profile", Setting{"a", "--aws-profile"}}}, env);
  ASSERT_FALSE(aws);
  EXPECT_EQ(aws.error().status, Status::usage);
  EXPECT_NE(aws.error().message.find("--token-file"), std::string::npos);
}

// Issue 22.3: the Azure App Service form's X-IDENTITY-HEADER is the token
// file's content, so an Azure profile needs the file as the AWS route does.
TEST(ResolveServeSettings, TheAzureRoutesUseTheTokenFile) {
  MapEnv none;
  auto azure = resolve_serve_settings({}, {{"azure_profile", Setting{"z", "--azure-profile"}}}, none);
  ASSERT_FALSE(azure);
  EXPECT_NE(azure.error().message.find("no token file"), std::string::npos);
  MapEnv env{{"XDG_RUNTIME_DIR", "/run/user/1000"}};
  Settings section{{"azure_profile", Setting{"entra", "f.conf:3"}}};
  auto s = resolve_serve_settings(section, {}, env);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->azure_profile, "entra");
  EXPECT_EQ(s->token_file, "/run/user/1000/fedcred-serve-token");
  auto bad = resolve_serve_settings({}, {{"azure_profile", Setting{"two words", "--azure-profile"}}}, env);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("--azure-profile"), std::string::npos);
}

TEST(ResolveServeSettings, NothingToServeIsAUsageError) {
  MapEnv env{{"XDG_RUNTIME_DIR", "/run/user/1000"}};
  auto s = resolve_serve_settings({}, {}, env);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().status, Status::usage);
  EXPECT_NE(s.error().message.find("--aws-profile"), std::string::npos);
  EXPECT_NE(s.error().message.find("--azure-profile"), std::string::npos);
}

// Issue 21.10: only the AWS route has a token file; the Google route alone
// needs no runtime directory.
TEST(ResolveServeSettings, TheGoogleRouteAloneNeedsNoTokenFile) {
  MapEnv env;
  auto s = resolve_serve_settings({}, {{"gcp_profile", Setting{"g", "--gcp-profile"}}}, env);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->gcp_profile, "g");
  EXPECT_EQ(s->token_file, "");
  auto aws = resolve_serve_settings({}, {{"aws_profile", Setting{"a", "--aws-profile"}}}, env);
  ASSERT_FALSE(aws);
  EXPECT_NE(aws.error().message.find("no token file"), std::string::npos);
}

TEST(ServeSection, ParsedAndValidatedWithFileAndLine) {
  ConfigSet set;
  ASSERT_TRUE(parse_config_text("f.conf", "[serve]\nlisten = 127.0.0.1:8960\naws_profile = web\n", set));
  EXPECT_EQ(set.serve.at("aws_profile").value, "web");
  EXPECT_EQ(set.sections.count("serve"), 0u);
  ConfigSet bad;
  auto r = parse_config_text("f.conf", "[serve]\nlisten = 0.0.0.0:80\n", bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("f.conf:2"), std::string::npos) << r.error().message;
  ConfigSet unknown;
  auto u = parse_config_text("f.conf", "[serve]\nrole_arn = x\n", unknown);
  ASSERT_FALSE(u);
  EXPECT_NE(u.error().message.find("unknown [serve] key"), std::string::npos);
}

}  // namespace
}  // namespace fedcred
