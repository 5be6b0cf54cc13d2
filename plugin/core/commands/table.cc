// SPDX-License-Identifier: Apache-2.0
#include "commands/table.h"

#include <array>

#include "commands/cache.h"
#include "commands/doctor.h"
#include "commands/serve.h"
#include "commands/setup.h"

namespace fedcred {
namespace {

constexpr std::string_view kDoctorOptions[] = {"json", "gcp"};
constexpr std::string_view kSetupAwsConfigOptions[] = {"exe"};
constexpr std::string_view kServeOptions[] = {"listen",      "aws_profile", "gcp_profile", "token_file",
                                              "token_group", "stats",       "health"};
constexpr std::string_view kSetupGcpCredConfigOptions[] = {"exe",         "provider",  "service_account",
                                                           "output_file", "token_url", "impersonation_url"};

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

// The commands that hand out no credentials (those are in
// credential_table.cc); the columns of credential_table.cc.
constexpr std::array kTable{
    CommandSpec{"cache-list", false, false, {}, run_cache_list_row, nullptr, nullptr},
    CommandSpec{"cache-clear", false, false, {}, run_cache_clear_row, nullptr, nullptr},
    // doctor and setup-*: reports and configuration, not credentials, so no
    // audit record; doctor's report is its document whether or not a check failed.
    CommandSpec{"doctor", false, false, kDoctorOptions, run_doctor, nullptr, nullptr},
    CommandSpec{"setup-aws-trust-policy", false, false, {}, run_trust_policy, nullptr, nullptr},
    CommandSpec{"setup-aws-config", false, false, kSetupAwsConfigOptions, run_aws_config, nullptr, nullptr},
    CommandSpec{"setup-gcp-cred-config", false, false, kSetupGcpCredConfigOptions, run_gcp_cred_config, nullptr,
                nullptr},
    // serve audits each issuance itself: it runs for days, not one request.
    CommandSpec{"serve", false, false, kServeOptions, run_serve, validate_serve_option, nullptr},
};

}  // namespace

std::vector<CommandSpec const*> command_table() {
  std::vector<CommandSpec const*> all;
  for (auto const& spec : credential_command_table()) all.push_back(&spec);
  for (auto const& spec : kTable) all.push_back(&spec);
  return all;
}

CommandSpec const* find_command(std::string_view name) {
  if (auto const* spec = find_credential_command(name)) return spec;
  for (auto const& spec : kTable) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool is_command_option(std::string_view command, std::string_view key) {
  auto const* spec = find_command(command);
  return spec != nullptr && is_row_option(*spec, key);
}

}  // namespace fedcred
