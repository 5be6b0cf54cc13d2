// SPDX-License-Identifier: Apache-2.0
// The walk of `fedcred setup`: what each document needs from outside (the
// configuration, a live subject token), then the pure renderers of setup/.
#include "commands/setup.h"

#include <string>
#include <utility>

#include "commands/azure.h"
#include "commands/subject.h"
#include "config/config.h"
#include "config/profile.h"
#include "flows/subject_token.h"

namespace fedcred {

Result<Secret> run_setup_aws_trust_policy(CommandInputs const& in, CommandContext const& context,
                                          ModuleRunner& modules) {
  auto config = load_command_config(in, context);
  if (!config) return std::move(config).error();
  auto settings = effective_settings(*config, in.profile, in.explicit_settings, context.env);
  if (!settings) return std::move(settings).error();
  auto req = resolve_subject_request(SubjectCommand::token, *config, in, context.env, context.default_timeout_seconds);
  if (!req) return std::move(req).error();
  SubjectTokenRequest t = req->token;
  t.deadline_ms = context.clock.monotonic_ms() + req->timeout_seconds * 1000;
  // Straight from the source: setup changes nothing, not even the cache.
  auto token = fetch_subject_token(t, context.env, modules, context.log);
  if (!token) return std::move(token).error();
  std::string const* role_arn = setting_value(*settings, "role_arn");
  auto policy = render_aws_trust_policy(token->claims, role_arn == nullptr ? std::string() : *role_arn);
  if (!policy) return std::move(policy).error();
  return Secret(*policy);
}

Result<Secret> run_setup_azure_federated_credential(CommandInputs const& in, CommandContext const& context,
                                                    ModuleRunner& modules) {
  // Straight from the source, as aws-trust-policy: setup changes nothing.
  auto fetched = fetch_entra_assertion(in, context, modules);
  if (!fetched) return std::move(fetched).error();
  EntraTarget const& target = fetched->target;
  auto text = render_azure_federated_credential(
      {fetched->assertion.claims, target.tenant_id, target.client_id, target.authority, in.profile});
  if (!text) return std::move(text).error();
  return Secret(*text);
}

Result<Secret> run_setup_aws_config(CommandInputs const& in, CommandOptions const& options,
                                    CommandContext const& context) {
  AwsConfigRequest const request = aws_config_request(in, options, context.sysconfdir);
  auto text = render_aws_config(request.profile, request.fedcred_path, request.role_arn, request.fedcred_conf_path);
  if (!text) return std::move(text).error();
  bool configured = false;
  if (request.role_arn.empty()) {
    // Whether `fedcred aws --profile P` would find its role.
    auto config = load_command_config(in, context);
    if (config) {
      auto settings = effective_settings(*config, in.profile, {}, context.env);
      configured = settings && settings->count("role_arn") != 0;
    }
  }
  return Secret(finish_aws_config(std::move(*text), request, configured));
}

Result<Secret> run_setup_gcp_cred_config(CommandInputs const& in, CommandOptions const& options) {
  auto text = render_gcp_cred_config(gcp_cred_config_input(in, options));
  if (!text) return std::move(text).error();
  return Secret(*text);
}

}  // namespace fedcred
