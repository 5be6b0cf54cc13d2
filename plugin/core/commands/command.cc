// SPDX-License-Identifier: Apache-2.0
#include "commands/command.h"

namespace fedcred {

Result<ConfigSet> load_command_config(CommandInputs const& in, CommandDeps const& deps) {
  return load_config(config_search_list(deps.env, in.config_file, deps.sysconfdir));
}

std::int64_t run_started_ms(CommandDeps const& deps) {
  return deps.started_ms != 0 ? deps.started_ms : deps.clock.monotonic_ms();
}

}  // namespace fedcred
