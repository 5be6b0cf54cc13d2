// SPDX-License-Identifier: Apache-2.0
// The registry's rows the static front serves (registry.h): aws, gcp, token,
// access-token, azure. Nothing here may name a command that needs what a static
// program must not load (dlopen, NSS): those rows are in registry.cc.
#include <array>

#include "commands/access_token.h"
#include "commands/aws.h"
#include "commands/azure.h"
#include "commands/command.h"
#include "commands/gcp.h"
#include "commands/registry.h"
#include "commands/setup/options.h"
#include "commands/token.h"

namespace fedcred {
namespace {

using flags::kAzureClientId;
using flags::kAzureMsiResId;
using flags::kAzureObjectId;
using flags::kAzureResource;
using flags::kConfig;
using flags::kNoCache;
using flags::kProfile;
using flags::kRegion;
using flags::kSource;
using flags::kTimeout;
using flags::kTokenDuration;
using flags::kTokenFile;

constexpr FlagRow kAwsFlags[] = {
    kProfile,
    kConfig,
    {"role-arn", "role_arn", FlagTarget::setting, FlagArity::value,
     "IAM role to assume (required unless the profile sets role_arn)", check_setting},
    {"audience", "audience", FlagTarget::setting, FlagArity::value,
     "audience of the subject token (default sts.amazonaws.com)", check_setting},
    kRegion,
    {"session-name", "session_name", FlagTarget::setting, FlagArity::value,
     "role session name (default: the VM's instance name)", check_setting},
    {"duration", "duration", FlagTarget::setting, FlagArity::value,
     "session duration in seconds, 900..43200 (default 3600)", check_setting},
    kSource,
    kTokenFile,
    kAzureResource,
    kAzureClientId,
    kAzureObjectId,
    kAzureMsiResId,
    kTimeout,
    {"use-fips-endpoint", "use_fips_endpoint", FlagTarget::setting, FlagArity::switch_on,
     "use the sts-fips endpoint", check_setting},
    kNoCache,
};

constexpr FlagRow kGcpFlags[] = {
    kProfile,
    kConfig,
    {"audience", "audience", FlagTarget::setting, FlagArity::value,
     "workload identity provider (default: GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE)", check_setting},
    kSource,
    kRegion,
    kTokenFile,
    kTokenDuration,
    kAzureResource,
    kAzureClientId,
    kAzureObjectId,
    kAzureMsiResId,
    kTimeout,
    kNoCache,
};

constexpr FlagRow kTokenFlags[] = {
    kProfile,
    kConfig,
    {"audience", "audience", FlagTarget::setting, FlagArity::value,
     "audience of the token (default sts.amazonaws.com for source gce)", check_setting},
    kSource,
    kRegion,
    kTokenFile,
    kTokenDuration,
    kAzureResource,
    kAzureClientId,
    kAzureObjectId,
    kAzureMsiResId,
    kTimeout,
    kNoCache,
    // any path, checked when it is written (Status::io / usage)
    {"output", "output", FlagTarget::option, FlagArity::value,
     "write the token to this file atomically (mode 0600) instead of stdout", check_any_value},
    // looked up when the command runs, before any fetch
    {"output-group", "output_group", FlagTarget::option, FlagArity::value,
     "with --output: the file is this group's, mode 0640", check_any_value},
};

constexpr FlagRow kAccessTokenFlags[] = {
    {"credential-config", "credential_config", FlagTarget::setting, FlagArity::value,
     "the external_account credential config (gcloud iam workload-identity-pools create-cred-config)",
     check_setting},
    kProfile,
    kConfig,
    {"scopes", "scopes", FlagTarget::setting, FlagArity::value,
     "OAuth scopes, comma-separated (default https://www.googleapis.com/auth/cloud-platform)", check_setting},
    {"format", "format", FlagTarget::option, FlagArity::value, "token (the bare access token, default) or json",
     check_format},
    {"output", "output", FlagTarget::option, FlagArity::value,
     "write to this file atomically (mode 0600) instead of stdout", check_any_value},
    kRegion,
    kTimeout,
    kNoCache,
};

constexpr FlagRow kAzureFlags[] = {
    kProfile,
    kConfig,
    {"tenant-id", "tenant_id", FlagTarget::setting, FlagArity::value,
     "Entra directory (tenant) id: a GUID or a verified domain (required unless the profile sets tenant_id)",
     check_setting},
    {"client-id", "client_id", FlagTarget::setting, FlagArity::value,
     "application (client) id whose federated credential trusts this workload (or client_id in the profile)",
     check_setting},
    {"scope", "scope", FlagTarget::setting, FlagArity::value,
     "RESOURCE/.default (default https://management.azure.com/.default)", check_setting},
    {"format", "format", FlagTarget::option, FlagArity::value,
     "token (the bare access token, default) or json (as az account get-access-token)", check_format},
    {"output", "output", FlagTarget::option, FlagArity::value,
     "write to this file atomically (mode 0600, no newline) instead of stdout", check_any_value},
    kSource,
    kRegion,
    kTokenFile,
    kTokenDuration,
    kTimeout,
    kNoCache,
};

Result<Secret> run_aws(CommandCall const& c) { return run_aws_command(c.inputs, c.deps); }
Result<Secret> run_gcp(CommandCall const& c) { return run_gcp_command(c.inputs, c.deps); }
Result<Secret> run_token(CommandCall const& c) {
  return run_token_command(c.inputs, TokenOutput{option_value(c.options, "output"), option_value(c.options, "output_group")},
                           c.deps, c.lookup_group);
}
Result<Secret> run_access_token(CommandCall const& c) {
  return run_access_token_command(c.inputs, c.options, option_value(c.options, "output"), c.deps);
}
Result<Secret> run_azure(CommandCall const& c) {
  return run_azure_command(c.inputs, c.options, option_value(c.options, "output"), c.deps);
}

// words, name, summary, flags,
// hands out credentials, audited, quiet stderr, served by the front, logs what it serves, names its binary,
// holds secrets, run, failure document
constexpr std::array kFrontRows{
    CommandRow{"aws", "aws", "print AWS credential_process JSON (GCP -> AWS)", kAwsFlags,
               true, true, false, true, false, false, true, run_aws, nullptr},
    CommandRow{"gcp", "gcp", "print a Google executable-sourced credential response (AWS -> GCP)", kGcpFlags,
               true, true, true, true, false, false, true, run_gcp, render_gcp_error},
    CommandRow{"token", "token", "print the raw subject token (a JWT)", kTokenFlags,
               true, true, false, true, false, false, true, run_token, nullptr},
    CommandRow{"access-token", "access-token", "print a Google OAuth 2.0 access token (the whole AWS -> GCP exchange)",
               kAccessTokenFlags, true, true, false, true, false, false, true, run_access_token, nullptr},
    CommandRow{"azure", "azure", "print a Microsoft Entra ID access token (GCP or AWS -> Azure)", kAzureFlags,
               true, true, false, true, false, false, true, run_azure, nullptr},
};

constexpr bool all_served_by_front() {
  for (auto const& row : kFrontRows) {
    if (!row.served_by_front) return false;
  }
  return true;
}
static_assert(all_served_by_front(), "a row the front does not serve belongs in registry.cc");

}  // namespace

std::span<CommandRow const> front_rows() { return kFrontRows; }

CommandRow const* find_front_row(std::string_view name) {
  for (auto const& row : kFrontRows) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

}  // namespace fedcred
