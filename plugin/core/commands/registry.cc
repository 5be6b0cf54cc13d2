// SPDX-License-Identifier: Apache-2.0
// The registry's rows the static front does not serve (registry.h): they
// run in the fetcher and the library only.
#include "commands/registry.h"

#include <array>

#include "commands/cache.h"
#include "commands/command.h"
#include "commands/doctor.h"
#include "commands/serve.h"
#include "commands/setup.h"
#include "commands/setup/options.h"
#include "config/serve_settings.h"

namespace fedcred {
namespace {

using flags::kAzureClientId;
using flags::kAzureMsiResId;
using flags::kAzureObjectId;
using flags::kAzureResource;
using flags::kConfig;
using flags::kProfile;
using flags::kRegion;
using flags::kSource;
using flags::kTimeout;
using flags::kTokenFile;

constexpr FlagRow kCacheClearFlags[] = {
    {"profile", "profile", FlagTarget::profile, FlagArity::value, "remove only this profile's entries", nullptr},
};

constexpr FlagRow kDoctorFlags[] = {
    kProfile,
    kConfig,
    {"json", "json", FlagTarget::option, FlagArity::switch_on, "print the report as one JSON document",
     check_true_false},
    {"gcp", "gcp", FlagTarget::option, FlagArity::switch_on,
     "check the AWS -> GCP chain (fedcred gcp) even without a provider audience", check_true_false},
    {"azure", "azure", FlagTarget::option, FlagArity::switch_on,
     "check the chain to Azure (fedcred azure): the default when the profile has tenant_id and no role_arn",
     check_true_false},
    {"tenant-id", "tenant_id", FlagTarget::setting, FlagArity::value, "Entra directory (tenant) id (Azure)",
     check_setting},
    {"client-id", "client_id", FlagTarget::setting, FlagArity::value, "Entra application (client) id (Azure)",
     check_setting},
    {"scope", "scope", FlagTarget::setting, FlagArity::value, "RESOURCE/.default (Azure)", check_setting},
    {"role-arn", "role_arn", FlagTarget::setting, FlagArity::value, "IAM role to assume (GCP -> AWS)", check_setting},
    {"audience", "audience", FlagTarget::setting, FlagArity::value,
     "audience of the subject token (a workload identity provider means AWS -> GCP)", check_setting},
    kSource,
    kRegion,
    kTokenFile,
    kAzureResource,
    kAzureClientId,
    kAzureObjectId,
    kAzureMsiResId,
    kTimeout,
};

constexpr FlagRow kSetupTrustPolicyFlags[] = {
    kProfile,
    kConfig,
    {"audience", "audience", FlagTarget::setting, FlagArity::value,
     "audience of the token (default sts.amazonaws.com)", check_setting},
    kSource,
    kTokenFile,
    {"role-arn", "role_arn", FlagTarget::setting, FlagArity::value,
     "the role (names the account of a non-Google issuer's OIDC provider)", check_setting},
    kAzureResource,
    kAzureClientId,
    kAzureObjectId,
    kAzureMsiResId,
    kTimeout,
};

constexpr FlagRow kSetupAwsConfigFlags[] = {
    {"profile", "profile", FlagTarget::profile, FlagArity::value,
     "profile name, in ~/.aws/config and fedcred.conf (required)", nullptr},
    {"role-arn", "role_arn", FlagTarget::setting, FlagArity::value,
     "also print the fedcred.conf section naming this role", check_setting},
    kConfig,
};

constexpr FlagRow kSetupGcpCredConfigFlags[] = {
    {"audience", "audience", FlagTarget::setting, FlagArity::value,
     "workload identity provider: //iam.googleapis.com/projects/N/locations/global/"
     "workloadIdentityPools/POOL/providers/PROVIDER (required)",
     check_setting},
    {"provider", "provider", FlagTarget::option, FlagArity::value,
     "executable (fedcred gcp, default), aws (the aws1 source for an AWS provider, read by access-token) or "
     "azure (fedcred gcp --source azure: an Azure VM's managed identity)",
     check_provider},
    kAzureResource,
    kAzureClientId,
    kAzureObjectId,
    kAzureMsiResId,
    {"service-account", "service_account", FlagTarget::option, FlagArity::value,
     "impersonate this service account (EMAIL)", check_service_account},
    {"output-file", "output_file", FlagTarget::option, FlagArity::value,
     "credential_source.executable.output_file (absolute path)", check_command_word},
    {"token-url", "token_url", FlagTarget::option, FlagArity::value,
     "token_url (default https://sts.googleapis.com/v1/token)", check_https_url},
    {"impersonation-url", "impersonation_url", FlagTarget::option, FlagArity::value,
     "service_account_impersonation_url (default from EMAIL)", check_https_url},
    {"profile", "profile", FlagTarget::profile, FlagArity::value, "the command runs 'fedcred gcp --profile NAME'",
     nullptr},
};

// `fedcred azure`'s profile (issue 22.4): the assertion it would send.
constexpr FlagRow kSetupAzureFederatedCredentialFlags[] = {
    kProfile,
    kConfig,
    {"tenant-id", "tenant_id", FlagTarget::setting, FlagArity::value,
     "Entra directory (tenant) id (required unless the profile sets tenant_id)", check_setting},
    {"client-id", "client_id", FlagTarget::setting, FlagArity::value,
     "the application to register the credential on (or client_id in the profile)", check_setting},
    kSource,
    kRegion,
    kTokenFile,
    kTimeout,
};

// The [serve] keys of fedcred.conf(5), checked as there (config/serve_settings.h).
constexpr FlagRow kServeFlags[] = {
    {"listen", "listen", FlagTarget::option, FlagArity::value,
     "loopback ADDR:PORT to listen on, repeatable (default 127.0.0.1:8960 and [::1]:8960)", validate_serve_setting,
     false, true},
    {"aws-profile", "aws_profile", FlagTarget::option, FlagArity::value,
     "serve this profile's AWS credentials at /aws/credentials", validate_serve_setting},
    {"gcp-profile", "gcp_profile", FlagTarget::option, FlagArity::value,
     "serve this profile's Google token as a GCE metadata server", validate_serve_setting},
    {"azure-profile", "azure_profile", FlagTarget::option, FlagArity::value,
     "serve this profile's Entra tokens at Azure's managed-identity endpoints (App Service and IMDS forms)",
     validate_serve_setting},
    {"token-file", "token_file", FlagTarget::option, FlagArity::value,
     "the token the AWS route's and the Azure App Service form's clients send (created if missing)",
     validate_serve_setting},
    {"token-group", "token_group", FlagTarget::option, FlagArity::value,
     "group of a token file created at start (mode 0640)", validate_serve_setting},
    kConfig,
    {"stats", "stats", FlagTarget::option, FlagArity::switch_on,
     "print the counters of the server running on --listen and exit", check_true_false},
    {"health", "health", FlagTarget::option, FlagArity::switch_on,
     "print GET /healthz of the server running on --listen; exit 0 only if it serves valid credentials (a probe)",
     check_true_false},
};

Result<Secret> run_cache_list_row(CommandCall const& c) { return run_cache_list(c.deps.env); }
Result<Secret> run_cache_clear_row(CommandCall const& c) {
  auto const& profile = c.inputs.profile;
  return run_cache_clear(c.deps.env, profile.empty() ? std::nullopt : std::optional(profile));
}
Result<Secret> run_doctor(CommandCall const& c) {
  return run_doctor_command(c.inputs, c.options, c.deps, c.deps.modules, c.report);
}
Result<Secret> run_trust_policy(CommandCall const& c) {
  return run_setup_aws_trust_policy(c.inputs, c.deps, c.deps.modules);
}
Result<Secret> run_aws_config(CommandCall const& c) { return run_setup_aws_config(c.inputs, c.options, c.deps); }
Result<Secret> run_gcp_cred_config(CommandCall const& c) {
  return run_setup_gcp_cred_config(c.inputs, c.options);
}
Result<Secret> run_azure_federated_credential(CommandCall const& c) {
  return run_setup_azure_federated_credential(c.inputs, c.deps, c.deps.modules);
}
Result<Secret> run_serve(CommandCall const& c) { return run_serve_command(c.inputs, c.options, c.deps); }

// words, name, summary, flags,
// hands out credentials, audited, quiet stderr, served by the front, logs what it serves, names its binary,
// holds secrets, run, failure document
// doctor and setup: reports and configuration, not credentials, so no audit
// record; doctor's report is its document whether or not a check failed.
// serve audits each issuance itself: it runs for days, not one request.
// setup only prints configuration: the one kind that is not made undumpable,
// but for azure-federated-credential, which holds the assertion (an Entra
// client credential) while it reads its claims.
constexpr std::array kRows{
    CommandRow{"cache list", "cache-list", "show cached entries: profile, role, expiry (never a secret)", {},
               false, false, false, false, false, false, true, run_cache_list_row, nullptr},
    CommandRow{"cache clear", "cache-clear", "remove cached entries", kCacheClearFlags,
               false, false, false, false, false, false, true, run_cache_clear_row, nullptr},
    CommandRow{"doctor", "doctor", "check the whole chain of a profile and say what to fix", kDoctorFlags,
               false, false, false, false, false, false, true, run_doctor, nullptr},
    CommandRow{"setup aws-trust-policy", "setup-aws-trust-policy",
               "print the IAM trust policy for this machine's identity (live claims)", kSetupTrustPolicyFlags,
               false, false, false, false, false, false, false, run_trust_policy, nullptr},
    CommandRow{"setup aws-config", "setup-aws-config", "print the ~/.aws/config section that runs fedcred",
               kSetupAwsConfigFlags, false, false, false, false, false, true, false, run_aws_config, nullptr},
    CommandRow{"setup gcp-cred-config", "setup-gcp-cred-config",
               "print the external_account credential config that runs fedcred", kSetupGcpCredConfigFlags,
               false, false, false, false, false, true, false, run_gcp_cred_config, nullptr},
    CommandRow{"setup azure-federated-credential", "setup-azure-federated-credential",
               "print the Entra federated credential (az ad app federated-credential create) for this machine's identity",
               kSetupAzureFederatedCredentialFlags, false, false, false, false, false, false, true,
               run_azure_federated_credential, nullptr},
    CommandRow{"serve", "serve", "serve credentials on loopback to SDKs (AWS container endpoint, GCE metadata, Azure managed identity)", kServeFlags,
               true, false, false, false, true, false, true, run_serve, nullptr},
};

constexpr bool none_served_by_front() {
  for (auto const& row : kRows) {
    if (row.served_by_front) return false;
  }
  return true;
}
static_assert(none_served_by_front(), "a row the front serves belongs in registry_front.cc");

}  // namespace

CommandRow const* find_any_row(std::string_view name) {
  if (auto const* row = find_front_row(name)) return row;
  for (auto const& row : kRows) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

std::vector<CommandRow const*> all_rows() {
  std::vector<CommandRow const*> all;
  for (auto const& row : front_rows()) all.push_back(&row);
  for (auto const& row : kRows) all.push_back(&row);
  return all;
}

}  // namespace fedcred
