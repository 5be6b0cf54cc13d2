// SPDX-License-Identifier: Apache-2.0
// `fedcred setup ...`: ready-made configuration for the consumers of fedcred,
// printed, never written (issue 7):
//   aws-trust-policy  the IAM trust policy a role needs to accept this
//                     machine's tokens, from the live claims of one
//   aws-config        the ~/.aws/config section whose credential_process
//                     runs fedcred (plus the fedcred.conf section)
//   azure-federated-credential  the Entra application's federated identity
//                     credential for this machine's identity (az ad app
//                     federated-credential create), from the live claims
//                     of one assertion, and the SDKs' environment
//   gcp-cred-config   the external_account credential config whose
//                     executable runs fedcred (as gcloud iam
//                     workload-identity-pools create-cred-config
//                     --executable-command would write it)
// What each prints is a pure function of the request, in setup/ (tested
// without any I/O); setup.cc gathers what those need (the configuration, a
// live subject token) and hands their document back.
#pragma once

#include "commands/context.h"
#include "commands/setup/aws_config.h"       // IWYU pragma: export
#include "commands/setup/azure_federated_credential.h"  // IWYU pragma: export
#include "commands/setup/gcp_cred_config.h"  // IWYU pragma: export
#include "commands/setup/options.h"          // IWYU pragma: export
#include "commands/setup/trust_policy.h"     // IWYU pragma: export
#include "module_host/runner.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// The commands: "setup-aws-trust-policy" fetches one subject token (never
// cached) for the profile (source gce, audience sts.amazonaws.com by
// default) and renders its policy; the others only render.
Result<Secret> run_setup_aws_trust_policy(CommandInputs const& in, CommandContext const& context,
                                          ModuleRunner& modules);
Result<Secret> run_setup_aws_config(CommandInputs const& in, CommandOptions const& options,
                                    CommandContext const& context);
Result<Secret> run_setup_gcp_cred_config(CommandInputs const& in, CommandOptions const& options);
// "setup-azure-federated-credential" fetches the assertion `fedcred azure`
// would send for the profile (never cached) and renders what to register.
Result<Secret> run_setup_azure_federated_credential(CommandInputs const& in, CommandContext const& context,
                                                    ModuleRunner& modules);

}  // namespace fedcred
