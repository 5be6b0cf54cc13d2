// SPDX-License-Identifier: Apache-2.0
#include "commands/command.h"

namespace fedcred {

Result<ConfigSet> load_command_config(CommandInputs const& in, CommandDeps const& deps) {
  return load_config(config_search_list(deps.env, in.config_file, deps.sysconfdir));
}

}  // namespace fedcred
