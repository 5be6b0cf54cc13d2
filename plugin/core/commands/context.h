// SPDX-License-Identifier: Apache-2.0
// What every command gets: the caller's inputs and the run's context (the
// environment, the clock, the log, where the configuration lives, the one
// deadline). Light on purpose: a command that hands out credentials takes
// the heavier seams of commands/credential_deps.h as well; the others
// (setup, doctor, cache) do not see them.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/env.h"
#include "clock.h"
#include "config/config.h"
#include "config/settings.h"
#include "logger.h"
#include "result.h"

namespace fedcred {

struct CommandInputs {
  std::string profile;      // --profile, may be empty
  std::string config_file;  // --config, may be empty
  Settings explicit_settings;
};

// A command's own request keys that are not profile keys (token's "output",
// doctor's "json", setup's "exe", ...), by name; each command's row in the
// registry (commands/registry.h) lists which it takes.
using CommandOptions = std::map<std::string, std::string>;

struct CommandContext {
  Env const& env;
  Clock& clock;
  Logger const& log;
  std::string sysconfdir;
  std::int64_t default_timeout_seconds;
  // CLOCK_MONOTONIC ms at which the run started when it started in another
  // process (the front that handed it off); 0: it starts with the command.
  std::int64_t started_ms = 0;
};

// When the run's one deadline (--timeout) started: context.started_ms, else now.
std::int64_t run_started_ms(CommandContext const& context);

// The shared first step of every command that reads a profile: the
// configuration files `in` and the environment name (--config, FEDCRED_CONFIG,
// /etc/fedcred, XDG), loaded. Each command then resolves its own request
// from it (resolve_aws_request, resolve_subject_request, ...).
Result<ConfigSet> load_command_config(CommandInputs const& in, CommandContext const& context);

}  // namespace fedcred
