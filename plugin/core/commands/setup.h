// SPDX-License-Identifier: Apache-2.0
// `fedcred setup ...`: ready-made configuration for the consumers of fedcred,
// printed, never written (issue 7):
//   aws-trust-policy  the IAM trust policy a role needs to accept this
//                     machine's tokens, from the live claims of one
//   aws-config        the ~/.aws/config section whose credential_process
//                     runs fedcred (plus the fedcred.conf section)
//   gcp-cred-config   the external_account credential config whose
//                     executable runs fedcred (as gcloud iam
//                     workload-identity-pools create-cred-config
//                     --executable-command would write it)
// The document generators are pure functions, tested without any I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "flows/jwt_claims.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// Checks the value of a doctor/setup option ("json", "gcp", "exe",
// "service_account", "output_file", "token_url", "impersonation_url") where
// it is set (Status::usage).
Result<void> validate_command_option(std::string_view key, std::string_view value);

// Where fedcred is installed when the caller did not say ("exe" unset).
inline constexpr char kDefaultFedcredPath[] = "/usr/bin/fedcred";

// The trust-policy conditions a token satisfies, in policy order. For Google
// ID tokens (iss accounts.google.com; docs/PROTOCOLS.md section 6):
// accounts.google.com:aud = azp (aud when there is no azp),
// accounts.google.com:oaud = aud (only with an azp), accounts.google.com:sub =
// sub. For any other issuer (an IAM OIDC provider named after it):
// HOST/PATH:aud = aud and HOST/PATH:sub = sub. Status::source when a needed
// claim is missing.
Result<std::vector<std::pair<std::string, std::string>>> aws_trust_conditions(JwtClaims const& claims);

// True when the token was issued by Google (the built-in accounts.google.com
// provider, no IAM OIDC provider resource needed).
bool is_google_issuer(std::string_view iss);

// The trust-policy document (JSON, pretty-printed): Allow
// sts:AssumeRoleWithWebIdentity to Principal Federated accounts.google.com
// (or arn:aws:iam::ACCOUNT:oidc-provider/ISSUER, where ACCOUNT comes from
// role_arn, required then) under StringEquals on aws_trust_conditions().
Result<std::string> render_aws_trust_policy(JwtClaims const& claims, std::string_view role_arn);

// The ~/.aws/config section for `profile` whose credential_process runs
// `fedcred_path aws --profile PROFILE`; with a role ARN, also the fedcred.conf
// section that names it. Status::usage for a profile name or path that cannot
// be written there safely.
Result<std::string> render_aws_config(std::string_view profile, std::string_view fedcred_path,
                                      std::string_view role_arn, std::string_view fedcred_conf_path);

struct GcpCredConfigInput {
  std::string audience;           // required: a workload identity provider
  std::string service_account;    // optional: impersonate it
  std::string output_file;        // optional: credential_source.executable.output_file
  std::string token_url;          // default https://sts.googleapis.com/v1/token
  std::string impersonation_url;  // default from service_account
  std::string fedcred_path;       // absolute path of the fedcred binary
  std::string profile;            // optional: the command gets --profile
  // "executable" (default: fedcred gcp as the executable source) or "aws":
  // the aws1 source gcloud writes with --aws --enable-imdsv2, read by
  // `fedcred access-token` (and by Google's libraries themselves).
  std::string provider = "executable";
};

inline constexpr char kGoogleStsTokenUrl[] = "https://sts.googleapis.com/v1/token";
inline constexpr int kExecutableTimeoutMillis = 30000;

// The external_account credential config (JSON, pretty-printed).
Result<std::string> render_gcp_cred_config(GcpCredConfigInput const& in);

// The commands: "setup-aws-trust-policy" fetches one subject token (never
// cached) for the profile (source gce, audience sts.amazonaws.com by
// default) and renders its policy; the others only render.
Result<Secret> run_setup_aws_trust_policy(CommandInputs const& in, CommandDeps const& deps);
Result<Secret> run_setup_aws_config(CommandInputs const& in, CommandOptions const& options, CommandDeps const& deps);
Result<Secret> run_setup_gcp_cred_config(CommandInputs const& in, CommandOptions const& options,
                                         CommandDeps const& deps);

}  // namespace fedcred
