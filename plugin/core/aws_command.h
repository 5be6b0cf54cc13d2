// SPDX-License-Identifier: Apache-2.0
// The "aws" command from inputs to document: configuration, profile
// resolution, the flow, the credential_process rendering. The C ABI and the
// tests drive this; it owns no process-global state.
#pragma once

#include <string>

#include "aws_flow.h"
#include "env.h"
#include "settings.h"

namespace fedcred {

struct CommandInputs {
  std::string profile;      // --profile, may be empty
  std::string config_file;  // --config, may be empty
  Settings explicit_settings;
};

struct CommandDeps {
  Env const& env;
  Clock& clock;
  ModuleRunner& modules;
  Logger const& log;
  std::string sysconfdir;
  std::int64_t default_timeout_seconds;
};

Result<Secret> run_aws_command(CommandInputs const& in, CommandDeps const& deps);

}  // namespace fedcred
