// SPDX-License-Identifier: Apache-2.0
// What `fedcred setup aws-config` and `gcp-cred-config` print from, given the
// request: the inputs each document is made of, and aws-config's last touches.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "commands/setup/aws_config.h"
#include "commands/setup/gcp_cred_config.h"
#include "commands/setup/options.h"

namespace fedcred {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

CommandInputs inputs(std::string profile, Settings explicit_settings = {}) {
  CommandInputs in;
  in.profile = std::move(profile);
  in.explicit_settings = std::move(explicit_settings);
  return in;
}

TEST(AwsConfigRequest, TakesTheProfileTheCommandLineRoleAndSysconfdir) {
  Settings given{{"role_arn", Setting{"arn:aws:iam::123456789012:role/r", "--role-arn"}}};
  AwsConfigRequest r = aws_config_request(inputs("s3", given), {{"exe", "/opt/fedcred/bin/fedcred"}}, "/etc/fc");
  EXPECT_EQ(r.profile, "s3");
  EXPECT_EQ(r.fedcred_path, "/opt/fedcred/bin/fedcred");
  EXPECT_EQ(r.role_arn, "arn:aws:iam::123456789012:role/r");
  EXPECT_EQ(r.fedcred_conf_path, "/etc/fc/fedcred.conf");
}

TEST(AwsConfigRequest, WithoutExeNamesTheInstalledBinary) {
  AwsConfigRequest r = aws_config_request(inputs("s3"), {}, "/etc/fedcred");
  EXPECT_EQ(r.fedcred_path, kDefaultFedcredPath);
  EXPECT_EQ(r.role_arn, "");
}

TEST(FinishAwsConfig, NotesAProfileWithoutARole) {
  AwsConfigRequest r = aws_config_request(inputs("s3"), {}, "/etc/fedcred");
  std::string text = finish_aws_config("[profile s3]\ncredential_process = x\n", r, false);
  EXPECT_THAT(text, HasSubstr("credential_process = x\n\n# fedcred's configuration has no role_arn for profile s3"));
  EXPECT_THAT(text, EndsWith("for its fedcred.conf section"));  // the helper ends the document
}

TEST(FinishAwsConfig, NoNoteWhenTheRoleIsGivenOrConfigured) {
  AwsConfigRequest configured = aws_config_request(inputs("s3"), {}, "/etc/fedcred");
  EXPECT_EQ(finish_aws_config("[profile s3]\n", configured, true), "[profile s3]");
  Settings given{{"role_arn", Setting{"arn:aws:iam::123456789012:role/r", "--role-arn"}}};
  AwsConfigRequest with_role = aws_config_request(inputs("s3", given), {}, "/etc/fedcred");
  EXPECT_THAT(finish_aws_config("[profile s3]\nrole_arn = r\n", with_role, false), Not(HasSubstr("no role_arn")));
}

TEST(GcpCredConfigInput, MapsTheOptionsAndTheAudience) {
  Settings given{{"audience", Setting{"//iam.googleapis.com/projects/1/x", "--audience"}}};
  GcpCredConfigInput g = gcp_cred_config_input(inputs("gcs", given), {{"service_account", "sa@p.iam.gserviceaccount.com"},
                                                                       {"output_file", "/run/gcp.json"},
                                                                       {"token_url", "https://sts.example/v1/token"},
                                                                       {"impersonation_url", "https://iam.example/x"},
                                                                       {"exe", "/opt/fedcred"},
                                                                       {"provider", "aws"}});
  EXPECT_EQ(g.audience, "//iam.googleapis.com/projects/1/x");
  EXPECT_EQ(g.service_account, "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(g.output_file, "/run/gcp.json");
  EXPECT_EQ(g.token_url, "https://sts.example/v1/token");
  EXPECT_EQ(g.impersonation_url, "https://iam.example/x");
  EXPECT_EQ(g.fedcred_path, "/opt/fedcred");
  EXPECT_EQ(g.provider, "aws");
  EXPECT_EQ(g.profile, "gcs");
}

TEST(GcpCredConfigInput, DefaultsToTheExecutableSourceAndTheInstalledBinary) {
  GcpCredConfigInput g = gcp_cred_config_input(inputs(""), {});
  EXPECT_EQ(g.audience, "");
  EXPECT_EQ(g.provider, "executable");
  EXPECT_EQ(g.fedcred_path, kDefaultFedcredPath);
  EXPECT_EQ(g.token_url, "");
  EXPECT_EQ(g.profile, "");
}

}  // namespace
}  // namespace fedcred
