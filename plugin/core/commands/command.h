// SPDX-License-Identifier: Apache-2.0
// What every command gets: the caller's inputs and the injected seams.
#pragma once

#include <cstdint>
#include <string>

#include "output/audit.h"
#include "cache/freshness.h"
#include "clock.h"
#include "base/env.h"
#include "output/logger.h"
#include "module_host/runner.h"
#include "config/settings.h"

namespace fedcred {

struct CommandInputs {
  std::string profile;      // --profile, may be empty
  std::string config_file;  // --config, may be empty
  Settings explicit_settings;
};

struct CommandDeps {
  Env const& env;
  Clock& clock;
  RandomSource& random;
  ModuleRunner& modules;
  Logger const& log;
  std::string sysconfdir;
  std::int64_t default_timeout_seconds;
  AuditRecord* audit = nullptr;  // filled in as the command learns what it hands out
};

}  // namespace fedcred
