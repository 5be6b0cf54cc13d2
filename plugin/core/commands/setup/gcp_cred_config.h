// SPDX-License-Identifier: Apache-2.0
// `fedcred setup gcp-cred-config`'s document: the external_account credential
// config whose executable runs fedcred (as gcloud iam workload-identity-pools
// create-cred-config --executable-command would write it; with provider azure
// the command names source azure and its managed identity), or the aws1 source
// gcloud writes with --aws. Pure functions: what to print, from the request.
#pragma once

#include <string>

#include "commands/context.h"
#include "module_messages.h"
#include "result.h"

namespace fedcred {

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
  // "azure": the executable runs `fedcred gcp --source azure` with these
  // (an Azure VM's managed identity for an OIDC provider, issue 22.5).
  std::string provider = "executable";
  std::string azure_resource;
  messages::ManagedIdentity azure_identity;
};

inline constexpr char kGoogleStsTokenUrl[] = "https://sts.googleapis.com/v1/token";
inline constexpr int kExecutableTimeoutMillis = 30000;

// The external_account credential config (JSON, pretty-printed).
Result<std::string> render_gcp_cred_config(GcpCredConfigInput const& in);

// The document's input from the request: --audience (a setting given on the
// command line), the options as given, --exe defaulting to
// kDefaultFedcredPath, the profile.
GcpCredConfigInput gcp_cred_config_input(CommandInputs const& in, CommandOptions const& options);

}  // namespace fedcred
