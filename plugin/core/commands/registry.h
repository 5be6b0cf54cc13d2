// SPDX-License-Identifier: Apache-2.0
// The command registry: one data-only row per command, read by every binary.
// helper/cli.cc builds the help and parses argv from the rows, the C ABI's
// key check (commands/request.cc) accepts exactly the rows' flags, the
// static front (helper/front/main.cc) serves the rows marked for it, and
// tests/unit/commands/registry_test.cc proves each row reachable from argv,
// from the C ABI and from man/fedcred.1.scd. Adding a command is its unit and
// one row (docs/ARCHITECTURE.md "Where new things go").
//
// The rows are in two files because the static front must not link the
// commands a static program cannot run (dlopen, NSS): registry_front.cc holds
// the rows served_by_front (a static_assert there and one in registry.cc keep
// the column and the file in agreement), registry.cc the others.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// commands/command.h: what a row's run receives. Only the rows' units and
// the runner (commands/run.cc) see it; argv parsing and help read the rows
// without the seams.
struct CommandCall;

// Checks a flag's value; the message says the rule only ("'bad' is not an
// IAM role ARN"): the caller names the origin (--role-arn, file:line).
using FlagValidator = Result<void> (*)(std::string_view key, std::string_view value);

// Where a flag's value goes in the request (commands/request.h).
enum class FlagTarget {
  profile,  // CommandInputs::profile
  config,   // CommandInputs::config_file
  setting,  // a profile key (config/settings.h): CommandInputs::explicit_settings
  option,   // the command's own key: Request::options
};

// What the command line gives the key.
enum class FlagArity {
  value,       // --name VALUE or --name=VALUE
  switch_on,   // --name alone: "true"
  switch_off,  // --name alone: "false" (--no-cache sets cache=false)
};

struct FlagRow {
  std::string_view spelling;  // as typed, without "--": "role-arn"
  std::string_view key;       // the library key it sets: "role_arn"
  FlagTarget target;
  FlagArity arity;
  std::string_view help;
  // nullptr only for the profile and config targets (any name, any path:
  // checked when used).
  FlagValidator validate;
  bool secret = false;      // a bad value is not echoed in the message
  bool repeatable = false;  // given several times, the values add up (one per line)
};

struct CommandRow {
  std::string_view words;    // as typed: "aws", "setup aws-config"
  std::string_view name;     // the library's request name: "aws", "setup-aws-config"
  std::string_view summary;  // one line of help
  std::span<FlagRow const> flags;
  // Hands out credentials (aws, gcp, token, access-token, serve).
  bool hands_out_credentials;
  // One audit line per run, success or not (serve audits each issuance itself).
  bool audited;
  // Google's libraries merge the executable's stderr into the JSON they parse
  // (docs/PROTOCOLS.md fact 4): only stdout may be written, and a failure is a
  // document there (failure_document).
  bool quiet_stderr;
  // The static front serves its cache hits (helper/front/); the row is then in
  // registry_front.cc.
  bool served_by_front;
  // A daemon: its stderr is its log (the journal), info lines included.
  bool logs_what_it_serves;
  // Writes command lines that run fedcred (setup): the CLI sets the key
  // kExeKey to the binary users run.
  bool names_its_binary;
  // May hold a token or key in memory: the process is made not dumpable
  // before anything is read (libfedcred(3)).
  bool holds_secrets;
  Result<Secret> (*run)(CommandCall const& call);
  // What it prints on stdout when it fails (gcp: an executable error
  // response), or nullptr for nothing.
  Secret (*failure_document)(Error const& error);
};

// The key a names_its_binary row takes for the path of fedcred itself.
inline constexpr char kExeKey[] = "exe";

// The rows the static front serves (registry_front.cc).
std::span<CommandRow const> front_rows();
// Every row: front_rows(), then the others (registry.cc).
std::vector<CommandRow const*> all_rows();

// The row named `name` (the library's name) among front_rows(), or nullptr.
CommandRow const* find_front_row(std::string_view name);
// The row named `name` among all_rows(), or nullptr.
CommandRow const* find_any_row(std::string_view name);

// The row's flag that sets `key`, or nullptr.
inline FlagRow const* find_flag_by_key(CommandRow const& row, std::string_view key) {
  for (auto const& flag : row.flags) {
    if (flag.key == key) return &flag;
  }
  return nullptr;
}

// "--role-arn": what the user typed for `flag`, the origin its errors name.
inline std::string flag_origin(FlagRow const& flag) { return "--" + std::string(flag.spelling); }

// The flags several commands share, named after the fedcred.conf(5) key
// they override, for the rows of both files.
namespace flags {
inline constexpr FlagRow kProfile{"profile", "profile", FlagTarget::profile, FlagArity::value,
                                  "profile from the configuration ([profile NAME])", nullptr};
inline constexpr FlagRow kConfig{"config", "config", FlagTarget::config, FlagArity::value,
                                 "read only this configuration file", nullptr};
inline constexpr FlagRow kSource{"source", "source", FlagTarget::setting, FlagArity::value,
                                 "subject-token source: gce, aws, azure or file", check_setting};
inline constexpr FlagRow kRegion{"region", "region", FlagTarget::setting, FlagArity::value,
                                 "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, ...)", check_setting};
inline constexpr FlagRow kTokenFile{"token-file", "token_file", FlagTarget::setting, FlagArity::value,
                                    "token file for source 'file' (re-read every call)", check_setting};
inline constexpr FlagRow kTokenDuration{"token-duration", "token_duration", FlagTarget::setting, FlagArity::value,
                                        "lifetime of a token from source 'aws', 60..3600 s (default 3600)",
                                        check_setting};
inline constexpr FlagRow kTimeout{"timeout", "timeout", FlagTarget::setting, FlagArity::value,
                                  "total deadline in seconds (default 15)", check_setting};
// Source azure (an Azure VM's managed identity, issue 22.5): what Azure IMDS
// is asked for (config/azure_source.h).
inline constexpr FlagRow kAzureResource{"azure-resource", "azure_resource", FlagTarget::setting, FlagArity::value,
                                        "source 'azure': the resource the token is for (its aud), e.g. api://fedcred-aws",
                                        check_setting};
inline constexpr FlagRow kAzureClientId{"azure-client-id", "azure_client_id", FlagTarget::setting, FlagArity::value,
                                        "source 'azure': a user-assigned identity by its client id", check_setting};
inline constexpr FlagRow kAzureObjectId{"azure-object-id", "azure_object_id", FlagTarget::setting, FlagArity::value,
                                        "source 'azure': a user-assigned identity by its object id", check_setting};
inline constexpr FlagRow kAzureMsiResId{"azure-msi-res-id", "azure_msi_res_id", FlagTarget::setting, FlagArity::value,
                                        "source 'azure': a user-assigned identity by its resource id", check_setting};
inline constexpr FlagRow kNoCache{"no-cache", "cache", FlagTarget::setting, FlagArity::switch_off,
                                  "neither read nor write the credential cache", check_setting};
}  // namespace flags

}  // namespace fedcred
