// SPDX-License-Identifier: Apache-2.0
#include "commands/command.h"

namespace fedcred {

Result<ConfigSet> load_command_config(CommandInputs const& in, CommandDeps const& deps) {
  auto config = load_config(config_search_list(deps.env, in.config_file, deps.sysconfdir));
  if (config) {
    for (auto const& warning : config->warnings) deps.log.warning(warning);
  }
  return config;
}

void choose_audit_target(RunSettings const& run, CommandDeps const& deps, AuditRecord& audit) {
  audit.log_target = run.log_target;
  if (!run.log_target_refused.empty()) {
    deps.log.warning("log setting (" + run.log_target_refused +
                     ") ignored: only a configuration file owned by root moves the audit trail away from syslog");
  }
}

std::int64_t run_started_ms(CommandDeps const& deps) {
  return deps.started_ms != 0 ? deps.started_ms : deps.clock.monotonic_ms();
}

}  // namespace fedcred
