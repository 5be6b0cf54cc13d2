// SPDX-License-Identifier: Apache-2.0
// The command table's rows that hand out credentials (table.h). The static
// front (helper/front/) runs only these, so nothing here may name a command
// that needs what a static program must not load (dlopen, NSS): serve,
// doctor, setup live in table.cc.
#include <array>

#include "commands/access_token.h"
#include "commands/aws.h"
#include "commands/gcp.h"
#include "commands/table.h"
#include "commands/token.h"

namespace fedcred {
namespace {

constexpr std::string_view kTokenOptions[] = {"output", "output_group"};
constexpr std::string_view kAccessTokenOptions[] = {"output", "format"};

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

// name, hands out credentials, quiet stderr, options, run, option check, failure document
constexpr std::array kCredentialTable{
    CommandSpec{"aws", true, false, {}, run_aws, nullptr, nullptr},
    CommandSpec{"gcp", true, true, {}, run_gcp, nullptr, render_gcp_error},
    CommandSpec{"token", true, false, kTokenOptions, run_token, nullptr, nullptr},
    CommandSpec{"access-token", true, false, kAccessTokenOptions, run_access_token, nullptr, nullptr},
};

}  // namespace

std::span<CommandSpec const> credential_command_table() { return kCredentialTable; }

CommandSpec const* find_credential_command(std::string_view name) {
  for (auto const& spec : kCredentialTable) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool is_row_option(CommandSpec const& spec, std::string_view key) {
  for (auto option : spec.options) {
    if (option == key) return true;
  }
  return false;
}

}  // namespace fedcred
