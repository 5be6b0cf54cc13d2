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

}  // namespace fedcred
