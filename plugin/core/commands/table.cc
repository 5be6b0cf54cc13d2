// SPDX-License-Identifier: Apache-2.0
#include "commands/table.h"

#include <array>

#include "commands/access_token.h"
#include "commands/aws.h"
#include "commands/cache.h"
#include "commands/doctor.h"
#include "commands/gcp.h"
#include "commands/serve.h"
#include "commands/setup.h"
#include "commands/token.h"

namespace fedcred {
namespace {

constexpr std::string_view kNoOptions[] = {""};
constexpr std::span<std::string_view const> kNone{kNoOptions, 0};
constexpr std::string_view kTokenOptions[] = {"output", "output_group"};
constexpr std::string_view kAccessTokenOptions[] = {"output", "format"};
constexpr std::string_view kDoctorOptions[] = {"json", "gcp"};
constexpr std::string_view kSetupAwsConfigOptions[] = {"exe"};
constexpr std::string_view kServeOptions[] = {"listen", "aws_profile", "gcp_profile", "token_file", "token_group",
                                             "stats"};
constexpr std::string_view kSetupGcpCredConfigOptions[] = {"exe",         "provider",  "service_account",
                                                           "output_file", "token_url", "impersonation_url"};

std::string option_or_empty(CommandOptions const& options, char const* key) {
  auto it = options.find(key);
  return it == options.end() ? std::string() : it->second;
}

Result<Secret> run_aws(CommandCall const& c) { return run_aws_command(c.inputs, c.deps); }
Result<Secret> run_gcp(CommandCall const& c) { return run_gcp_command(c.inputs, c.deps); }
Result<Secret> run_token(CommandCall const& c) {
  return run_token_command(c.inputs,
                           TokenOutput{option_or_empty(c.options, "output"), option_or_empty(c.options, "output_group")},
                           c.deps);
}
Result<Secret> run_access_token(CommandCall const& c) {
  return run_access_token_command(c.inputs, c.options, option_or_empty(c.options, "output"), c.deps);
}
Result<Secret> run_cache_list_row(CommandCall const& c) { return run_cache_list(c.deps.env); }
Result<Secret> run_cache_clear_row(CommandCall const& c) {
  auto const& profile = c.inputs.profile;
  return run_cache_clear(c.deps.env, profile.empty() ? std::nullopt : std::optional(profile));
}
Result<Secret> run_doctor(CommandCall const& c) {
  return run_doctor_command(c.inputs, c.options, c.deps, c.report);
}
Result<Secret> run_trust_policy(CommandCall const& c) { return run_setup_aws_trust_policy(c.inputs, c.deps); }
Result<Secret> run_aws_config(CommandCall const& c) { return run_setup_aws_config(c.inputs, c.options, c.deps); }
Result<Secret> run_gcp_cred_config(CommandCall const& c) {
  return run_setup_gcp_cred_config(c.inputs, c.options, c.deps);
}

Result<Secret> run_serve(CommandCall const& c) { return run_serve_command(c.inputs, c.options, c.deps); }

// name, hands out credentials, quiet stderr, options, run, option check, failure document
constexpr std::array kTable{
    CommandSpec{"aws", true, false, kNone, run_aws, nullptr, nullptr},
    CommandSpec{"gcp", true, true, kNone, run_gcp, nullptr, render_gcp_error},
    CommandSpec{"token", true, false, kTokenOptions, run_token, nullptr, nullptr},
    CommandSpec{"access-token", true, false, kAccessTokenOptions, run_access_token, nullptr, nullptr},
    CommandSpec{"cache-list", false, false, kNone, run_cache_list_row, nullptr, nullptr},
    CommandSpec{"cache-clear", false, false, kNone, run_cache_clear_row, nullptr, nullptr},
    // doctor and setup-*: reports and configuration, not credentials, so no
    // audit record; doctor's report is its document whether or not a check failed.
    CommandSpec{"doctor", false, false, kDoctorOptions, run_doctor, nullptr, nullptr},
    CommandSpec{"setup-aws-trust-policy", false, false, kNone, run_trust_policy, nullptr, nullptr},
    CommandSpec{"setup-aws-config", false, false, kSetupAwsConfigOptions, run_aws_config, nullptr, nullptr},
    CommandSpec{"setup-gcp-cred-config", false, false, kSetupGcpCredConfigOptions, run_gcp_cred_config, nullptr,
                nullptr},
    // serve audits each issuance itself: it runs for days, not one request.
    CommandSpec{"serve", false, false, kServeOptions, run_serve, validate_serve_option, nullptr},
};

}  // namespace

std::span<CommandSpec const> command_table() { return kTable; }

CommandSpec const* find_command(std::string_view name) {
  for (auto const& spec : kTable) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool is_command_option(std::string_view command, std::string_view key) {
  auto const* spec = find_command(command);
  if (spec == nullptr) return false;
  for (auto option : spec->options) {
    if (option == key) return true;
  }
  return false;
}

}  // namespace fedcred
