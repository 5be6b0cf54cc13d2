// SPDX-License-Identifier: Apache-2.0
// What every command gets: the caller's inputs and the injected seams.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

#include "base/env.h"
#include "cache/fetch.h"
#include "clock.h"
#include "config/config.h"
#include "config/profile.h"
#include "config/settings.h"
#include "flows/instance_role.h"
#include "flows/metadata_account.h"
#include "logger.h"
#include "module_host/runner.h"
#include "output/audit.h"
#include "random_source.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct CommandInputs {
  std::string profile;      // --profile, may be empty
  std::string config_file;  // --config, may be empty
  Settings explicit_settings;
};

using GroupLookup = Result<gid_t> (*)(std::string const& name);

struct CommandDeps {
  Env const& env;
  Clock& clock;
  RandomSource& random;
  ModuleRunner& modules;
  Logger const& log;
  std::string sysconfdir;
  std::int64_t default_timeout_seconds;
  AuditRecord* audit = nullptr;  // filled in as the command learns what it hands out
  // Set in the static front only (cache/fetch.h): a miss is handed to the fetcher.
  FetchHandoff const* hand_off = nullptr;
  // CLOCK_MONOTONIC ms at which the run started when it started in another
  // process (the front that handed it off); 0: it starts with the command.
  std::int64_t started_ms = 0;
  // Which role the EC2 instance has, asked before every cache lookup of the
  // imds link (flows/instance_role.h); nullptr: that link fails (internal).
  InstanceRoleLookup* instance_role = nullptr;
  // A group's id by name (token --output-group): files/group.h's
  // lookup_group (NSS) in the full wiring, a hand-off in the static front
  // (commands/runtime.h); nullptr: a group cannot be named (internal).
  GroupLookup lookup_group = nullptr;
  // Which service account the Google metadata server speaks for, asked before
  // every cache lookup of source gce (flows/metadata_account.h); nullptr:
  // that source fails (internal).
  MetadataAccountLookup* metadata_account = nullptr;
};

// When the run's one deadline (--timeout) started: deps.started_ms, else now.
std::int64_t run_started_ms(CommandDeps const& deps);

// The shared first step of every command that reads a profile: the
// configuration files `in` and the environment name (--config, FEDCRED_CONFIG,
// /etc/fedcred, XDG), loaded. Each command then resolves its own request
// from it (resolve_aws_request, resolve_subject_request, ...).
Result<ConfigSet> load_command_config(CommandInputs const& in, CommandDeps const& deps);

// Points the audit record where `run`'s log key says, and warns when a `log`
// setting was refused (profile.h, apply_run_settings).
void choose_audit_target(RunSettings const& run, CommandDeps const& deps, AuditRecord& audit);

// A command's own request keys that are not profile keys (token's "output",
// doctor's "json", setup's "exe", ...), by name; each command's row in the
// registry (commands/registry.h) lists which it takes.
using CommandOptions = std::map<std::string, std::string>;

// One run of one command: what the table's run functions receive.
struct CommandCall {
  CommandInputs const& inputs;
  CommandOptions const& options;
  CommandDeps const& deps;
  // A report printed even when the command fails (doctor); else left empty.
  Secret& report;
};

}  // namespace fedcred
