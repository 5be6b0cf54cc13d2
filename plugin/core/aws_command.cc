// SPDX-License-Identifier: Apache-2.0
#include "aws_command.h"

#include "config.h"
#include "profile.h"

namespace fedcred {

Result<Secret> run_aws_command(CommandInputs const& in, CommandDeps const& deps) {
  auto config = load_config(config_search_list(deps.env, in.config_file, deps.sysconfdir));
  if (!config) return std::move(config).error();
  auto req = resolve_aws_request(*config, in.profile, in.explicit_settings, deps.env, deps.default_timeout_seconds);
  if (!req) return std::move(req).error();
  auto creds = fetch_aws_credentials(*req, FlowDeps{deps.clock, deps.modules, deps.log});
  if (!creds) return std::move(creds).error();
  deps.log.info("issued credentials for " + (creds->assumed_role_arn.empty() ? req->role_arn : creds->assumed_role_arn) +
                " until " + std::to_string(creds->expiration));
  return render_credential_process(*creds);
}

}  // namespace fedcred
