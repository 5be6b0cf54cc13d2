// SPDX-License-Identifier: Apache-2.0
// `fedcred setup aws-config`'s document: the ~/.aws/config section whose
// credential_process runs fedcred, and with a role the fedcred.conf section
// that names it. Pure functions: what to print, from the request.
#pragma once

#include <string>
#include <string_view>

#include "commands/context.h"
#include "result.h"

namespace fedcred {

// The ~/.aws/config section for `profile` whose credential_process runs
// `fedcred_path aws --profile PROFILE`; with a role ARN, also the fedcred.conf
// section that names it. Status::usage for a profile name or path that cannot
// be written there safely.
Result<std::string> render_aws_config(std::string_view profile, std::string_view fedcred_path,
                                      std::string_view role_arn, std::string_view fedcred_conf_path);

// What the document is made from: the request's profile, --exe (default
// kDefaultFedcredPath), the role ARN given on the command line (not the
// configuration's: the document writes it), sysconfdir's fedcred.conf.
struct AwsConfigRequest {
  std::string profile;
  std::string fedcred_path;
  std::string role_arn;
  std::string fedcred_conf_path;
};
AwsConfigRequest aws_config_request(CommandInputs const& in, CommandOptions const& options,
                                    std::string const& sysconfdir);

// The printed document from render_aws_config's text: a note when no role is
// known for the profile (none given, none configured: `fedcred aws --profile
// P` would not find one), and no final newline (the helper ends the document).
std::string finish_aws_config(std::string text, AwsConfigRequest const& request, bool role_configured);

}  // namespace fedcred
