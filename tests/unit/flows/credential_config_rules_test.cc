// SPDX-License-Identifier: Apache-2.0
// What a credential config may point fedcred at (issue 21.1), and the trust
// rules of the file itself.
#include "flows/credential_config_rules.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include <gtest/gtest.h>

#include "fakes/temp_dir.h"

namespace fedcred {
namespace {

CredentialConfig aws1() {
  CredentialConfig c;
  c.path = "c.json";
  c.audience = "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/aws";
  c.subject_token_type = kAws4RequestType;
  c.token_url = "https://sts.googleapis.com/v1/token";
  c.impersonation_url =
      "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/s@p.iam.gserviceaccount.com:"
      "generateAccessToken";
  c.source = CredentialConfig::Source::aws1;
  c.regional_cred_verification_url =
      "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15";
  c.region_url = "http://169.254.169.254/latest/meta-data/placement/availability-zone";
  c.credentials_url = "http://169.254.169.254/latest/meta-data/iam/security-credentials";
  c.imdsv2_session_token_url = "http://169.254.169.254/latest/api/token";
  return c;
}

std::string refusal(CredentialConfig c, NamedGoogleEndpoints const& named = {}) {
  auto r = apply_credential_config_rules(c, named);
  if (r) return "";
  EXPECT_EQ(r.error().status, Status::usage);
  return r.error().message;
}

TEST(CredentialConfigRules, GcloudsConfigPasses) {
  EXPECT_EQ(refusal(aws1()), "");
  auto c = aws1();
  c.regional_cred_verification_url = "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15";
  EXPECT_EQ(refusal(c), "");
}

TEST(CredentialConfigRules, GoogleHostShapes) {
  for (char const* host : {"sts.googleapis.com", "STS.googleapis.com", "sts.us-east7.rep.googleapis.com",
                           "my-psc-sts.p.googleapis.com"}) {
    EXPECT_TRUE(is_google_sts_host(host)) << host;
  }
  for (char const* host : {"sts.googleapis.com.evil.example", "evil.example", "sts.a.b.rep.googleapis.com",
                           "-sts.p.googleapis.com", "x.sts.googleapis.com", "sts.googleapis.com.", "sts..rep.googleapis.com",
                           "iamcredentials.googleapis.com", "127.0.0.1"}) {
    EXPECT_FALSE(is_google_sts_host(host)) << host;
  }
  EXPECT_TRUE(is_google_iamcredentials_host("iamcredentials.googleapis.com"));
  EXPECT_TRUE(is_google_iamcredentials_host("iamcredentials.europe-west3.rep.googleapis.com"));
  EXPECT_TRUE(is_google_iamcredentials_host("x-iamcredentials.p.googleapis.com"));
  EXPECT_FALSE(is_google_iamcredentials_host("sts.googleapis.com"));
}

TEST(CredentialConfigRules, TokenUrlOnlyOnGoogleOverHttps) {
  for (char const* url : {"https://evil.example/v1/token", "http://sts.googleapis.com/v1/token",
                          "https://sts.googleapis.com:8443/v1/token", "http://127.0.0.1:9/v1/token",
                          "https://user@sts.googleapis.com/v1/token"}) {
    auto c = aws1();
    c.token_url = url;
    auto why = refusal(c);
    EXPECT_NE(why.find("token_url"), std::string::npos) << url << ": " << why;
  }
  auto c = aws1();
  c.impersonation_url = "https://evil.example/v1/projects/-/serviceAccounts/s:generateAccessToken";
  EXPECT_NE(refusal(c).find("service_account_impersonation_url"), std::string::npos);
}

TEST(CredentialConfigRules, NamedEndpointRedirectsOrIsAcceptedAsIs) {
  NamedGoogleEndpoints named{"http://127.0.0.1:8080", "http://127.0.0.1:8081"};
  auto c = aws1();
  ASSERT_TRUE(apply_credential_config_rules(c, named).ok());
  EXPECT_EQ(c.token_url, "http://127.0.0.1:8080/v1/token");
  EXPECT_EQ(c.impersonation_url,
            "http://127.0.0.1:8081/v1/projects/-/serviceAccounts/s@p.iam.gserviceaccount.com:generateAccessToken");
  c = aws1();
  c.token_url = "http://127.0.0.1:8080/v1/token";
  ASSERT_TRUE(apply_credential_config_rules(c, named).ok());
  EXPECT_EQ(c.token_url, "http://127.0.0.1:8080/v1/token");
  c.token_url = "http://127.0.0.1:8082/v1/token";  // not the one named
  EXPECT_FALSE(apply_credential_config_rules(c, named).ok());
}

TEST(CredentialConfigRules, VerificationUrlIsGetCallerIdentityOnly) {
  for (char const* url : {
           "https://sts.{region}.amazonaws.com?Action=AssumeRole&Version=2011-06-15&RoleArn=x",
           "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15&Action=AssumeRole",
           "https://sts.{region}.amazonaws.com?Version=2011-06-15&Action=GetCallerIdentity",
           "http://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
           "https://sts.{region}.amazonaws.com.evil.example?Action=GetCallerIdentity&Version=2011-06-15",
           "https://evil.example/{region}?Action=GetCallerIdentity&Version=2011-06-15",
           "https://sts.{region}.amazonaws.com:444?Action=GetCallerIdentity&Version=2011-06-15",
           "https://sts.{region}.amazonaws.com/x?Action=GetCallerIdentity&Version=2011-06-15",
           "https://iam.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
       }) {
    auto c = aws1();
    c.regional_cred_verification_url = url;
    EXPECT_NE(refusal(c).find("rule verification-url"), std::string::npos) << url;
  }
}

TEST(CredentialConfigRules, MetadataUrlsFollowTheImdsRules) {
  for (auto field : {&CredentialConfig::credentials_url, &CredentialConfig::region_url,
                     &CredentialConfig::imdsv2_session_token_url}) {
    auto c = aws1();
    c.*field = "http://metadata.evil.example/latest/api/token";
    EXPECT_NE(refusal(c).find("rule metadata-host"), std::string::npos);
    c.*field = "http://[fd00:ec2::254]/latest/api/token";
    EXPECT_EQ(refusal(c), "");
    c.*field = "http://127.0.0.1:1234/latest/api/token";
    EXPECT_EQ(refusal(c), "");
  }
}

Setting root(std::string v) { return Setting{std::move(v), "/etc/fedcred/fedcred.conf:3", true}; }

TEST(CredentialConfigRules, EndpointsOnlyFromARootOwnedFile) {
  Settings s{{"google_sts_endpoint", root("http://127.0.0.1:9000")}};
  auto named = named_google_endpoints(s);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->sts, "http://127.0.0.1:9000");
  s["google_iamcredentials_endpoint"] = Setting{"https://proxy.example", "/home/u/.config/fedcred/fedcred.conf:1", false};
  auto refused = named_google_endpoints(s);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("owned by root"), std::string::npos);
}

TEST(CredentialConfigFile, TrustRulesNameTheRule) {
  test::TempDir dir;
  ASSERT_EQ(chmod(dir.path().c_str(), 0700), 0);
  std::string const path = dir.write("c.json", "{}");
  ASSERT_EQ(chmod(path.c_str(), 0664), 0);
  Settings none;
  auto r = load_checked_credential_config(path, none);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, Status::usage);
  EXPECT_NE(r.error().message.find("rule mode"), std::string::npos) << r.error().message;

  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  ASSERT_EQ(chmod(dir.path().c_str(), 0777), 0);
  r = load_checked_credential_config(path, none);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("rule directory"), std::string::npos) << r.error().message;
  ASSERT_EQ(chmod(dir.path().c_str(), 0700), 0);

  if (geteuid() == 0) {  // a file of another user
    ASSERT_EQ(chown(path.c_str(), 12345, 12345), 0);
    r = load_checked_credential_config(path, none);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("rule owner"), std::string::npos) << r.error().message;
    ASSERT_EQ(chown(path.c_str(), 0, 0), 0);
  }

  std::string const big = dir.write("big.json", std::string(70 * 1024, ' '));
  r = load_checked_credential_config(big, none);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("rule size"), std::string::npos) << r.error().message;
}

TEST(CredentialConfigFile, AFifoIsRefusedWithoutHanging) {
  test::TempDir dir;
  ASSERT_EQ(chmod(dir.path().c_str(), 0700), 0);
  std::string const fifo = dir.path() + "/c.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto started = std::chrono::steady_clock::now();
  auto r = load_checked_credential_config(fifo, Settings{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("rule regular"), std::string::npos) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace fedcred
