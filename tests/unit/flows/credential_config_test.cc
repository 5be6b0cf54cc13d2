// SPDX-License-Identifier: Apache-2.0
// The gcloud external_account credential config as access-token reads it.
#include "flows/credential_config.h"

#include <gtest/gtest.h>

namespace fedcred {
namespace {

constexpr char kAws1[] = R"({
  "type": "external_account",
  "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/aws",
  "subject_token_type": "urn:ietf:params:aws:token-type:aws4_request",
  "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/s@p.iam.gserviceaccount.com:generateAccessToken",
  "service_account_impersonation": {"token_lifetime_seconds": 1800},
  "token_url": "https://sts.googleapis.com/v1/token",
  "credential_source": {
    "environment_id": "aws1",
    "region_url": "http://169.254.169.254/latest/meta-data/placement/availability-zone",
    "url": "http://169.254.169.254/latest/meta-data/iam/security-credentials",
    "regional_cred_verification_url": "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
    "imdsv2_session_token_url": "http://169.254.169.254/latest/api/token"
  }
})";

std::string with(std::string text, std::string const& from, std::string const& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(CredentialConfig, Aws1AsGcloudWritesIt) {
  auto c = parse_credential_config(kAws1, "c.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->source, CredentialConfig::Source::aws1);
  EXPECT_EQ(c->token_lifetime_seconds, 1800);
  EXPECT_NE(c->impersonation_url.find(":generateAccessToken"), std::string::npos);
  EXPECT_EQ(c->imdsv2_session_token_url, "http://169.254.169.254/latest/api/token");
}

TEST(CredentialConfig, ProblemsAreUsageAndNameTheKey) {
  struct Case {
    std::string text;
    char const* names;
  };
  for (Case const& c : {Case{with(kAws1, "\"aws1\"", "\"aws2\""), "environment_id"},
                        Case{with(kAws1, "external_account", "service_account"), "type"},
                        Case{with(kAws1, "\"audience\"", "\"audiencX\""), "audience"},
                        Case{with(kAws1, "1800", "60"), "token_lifetime_seconds"},
                        Case{with(kAws1, "aws4_request\"", "jwt\""), "subject_token_type"},
                        Case{"[]", "JSON object"}}) {
    auto r = parse_credential_config(c.text, "c.json");
    ASSERT_FALSE(r.ok()) << c.names;
    EXPECT_EQ(r.error().status, Status::usage);
    EXPECT_NE(r.error().message.find(c.names), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("c.json"), std::string::npos);
  }
}

TEST(CredentialConfig, ExecutableOnlyWhenItIsFedcredGcp) {
  std::string const base = R"({"type":"external_account","audience":"a","subject_token_type":"urn:ietf:params:oauth:token-type:jwt",
    "credential_source":{"executable":{"command":"CMD"}}})";
  auto ok = parse_credential_config(with(base, "CMD", "/usr/bin/fedcred gcp --profile \\\"p1\\\""), "c.json");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->source, CredentialConfig::Source::fedcred_executable);
  EXPECT_EQ(ok->executable_profile, "p1");
  auto other = parse_credential_config(with(base, "CMD", "/usr/bin/python3 steal.py"), "c.json");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().status, Status::usage);
}

TEST(CredentialConfig, FileSource) {
  auto c = parse_credential_config(R"({"type":"external_account","audience":"a","subject_token_type":"t",
    "credential_source":{"file":"/var/run/token","format":{"type":"text"}}})",
                                   "c.json");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->file, "/var/run/token");
  auto json_format = parse_credential_config(R"({"type":"external_account","audience":"a","subject_token_type":"t",
    "credential_source":{"file":"/t","format":{"type":"json"}}})",
                                             "c.json");
  EXPECT_FALSE(json_format.ok());
}

// gcloud iam workload-identity-pools create-cred-config --azure (issue 22.5):
// the resource and identity come from the IMDS URL's query, %-decoded.
TEST(CredentialConfig, AzureImdsUrlAsGcloudWritesIt) {
  std::string const base = R"({"type":"external_account","audience":"a","subject_token_type":"urn:ietf:params:oauth:token-type:jwt",
    "credential_source":{"url":"URL","headers":{"Metadata":"True"},
    "format":{"type":"json","subject_token_field_name":"access_token"}}})";
  auto ok = parse_credential_config(
      with(base, "URL",
           "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api%3A%2F%2Ffedcred-gcp"
           "&client_id=9a1b2c3d-0000-4000-8000-00000000a002"),
      "c.json");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->source, CredentialConfig::Source::azure_imds);
  EXPECT_EQ(ok->azure_resource, "api://fedcred-gcp");
  EXPECT_EQ(ok->azure_identity.client_id, "9a1b2c3d-0000-4000-8000-00000000a002");
  for (std::string const& bad :
       {with(base, "URL", "http://169.254.169.254/metadata/identity/oauth2/token?api-version=1"),   // no resource
        with(base, "URL", "http://169.254.169.254/latest/meta-data/iam?resource=r"),                // not IMDS's path
        with(base, "URL", "http://169.254.169.254/metadata/identity/oauth2/token?resource=%zz"),    // bad escape
        with(with(base, "URL", "http://169.254.169.254/metadata/identity/oauth2/token?resource=r"), "True", "no"),
        with(with(base, "URL", "http://169.254.169.254/metadata/identity/oauth2/token?resource=r"), "access_token",
             "token")}) {
    auto r = parse_credential_config(bad, "c.json");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, Status::usage);
    EXPECT_NE(r.error().message.find("credential_source"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace fedcred
