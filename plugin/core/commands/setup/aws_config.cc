// SPDX-License-Identifier: Apache-2.0
#include "commands/setup/aws_config.h"

#include <utility>

#include "commands/setup/options.h"
#include "config/settings.h"

namespace fedcred {

Result<std::string> render_aws_config(std::string_view profile, std::string_view fedcred_path,
                                      std::string_view role_arn, std::string_view fedcred_conf_path) {
  if (profile.empty()) return make_error(Status::usage, "setup aws-config needs --profile NAME");
  if (!is_safe_profile_name(profile)) {
    return make_error(Status::usage, "profile name '" + std::string(profile) +
                                         "' cannot be used here (letters, digits and _-.@+ only)");
  }
  auto exe = command_word(fedcred_path);
  if (!exe) return Error(std::move(exe).error()).prefix("the fedcred path");
  if (!role_arn.empty() && !is_valid_role_arn(role_arn)) {
    return make_error(Status::usage, "'" + std::string(role_arn) +
                                         "' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)");
  }
  std::string const p(profile);
  std::string const aws_section = p == "default" ? "[default]" : "[profile " + p + "]";
  std::string out = "# ~/.aws/config: the AWS CLI and SDKs run fedcred for this profile (AWS_PROFILE=" + p + ")\n" +
                    aws_section + "\ncredential_process = " + *exe + " aws --profile " + p + "\n";
  if (!role_arn.empty()) {
    out += "\n# " + std::string(fedcred_conf_path) + " (or ~/.config/fedcred/fedcred.conf): the role to assume\n" +
           (p == "default" ? std::string("[default]") : "[profile " + p + "]") + "\nrole_arn = " + std::string(role_arn) +
           "\n";
  }
  return out;
}

AwsConfigRequest aws_config_request(CommandInputs const& in, CommandOptions const& options,
                                    std::string const& sysconfdir) {
  AwsConfigRequest r;
  r.profile = in.profile;
  r.fedcred_path = option_value(options, "exe");
  if (r.fedcred_path.empty()) r.fedcred_path = kDefaultFedcredPath;
  if (auto it = in.explicit_settings.find("role_arn"); it != in.explicit_settings.end()) r.role_arn = it->second.value;
  r.fedcred_conf_path = sysconfdir + "/fedcred.conf";
  return r;
}

std::string finish_aws_config(std::string text, AwsConfigRequest const& request, bool role_configured) {
  if (request.role_arn.empty() && !role_configured) {
    // Say so when `fedcred aws --profile P` would not find its role.
    text += "\n# fedcred's configuration has no role_arn for profile " + request.profile +
            " yet: rerun with --role-arn ARN for its fedcred.conf section\n";
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();  // the helper ends the document
  return text;
}

}  // namespace fedcred
