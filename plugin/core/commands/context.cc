// SPDX-License-Identifier: Apache-2.0
#include "commands/context.h"

namespace fedcred {

Result<ConfigSet> load_command_config(CommandInputs const& in, CommandContext const& context) {
  auto config = load_config(config_search_list(context.env, in.config_file, context.sysconfdir));
  if (config) {
    for (auto const& warning : config->warnings) context.log.warning(warning);
  }
  return config;
}

std::int64_t run_started_ms(CommandContext const& context) {
  return context.started_ms != 0 ? context.started_ms : context.clock.monotonic_ms();
}

}  // namespace fedcred
