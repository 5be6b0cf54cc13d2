// SPDX-License-Identifier: Apache-2.0
// What a command that hands out credentials (aws, gcp, token, access-token,
// serve) takes beyond its context: the module runner, the cache's seams, the
// audit record and the lookups asked before every cache lookup. The
// commands that hand out nothing take commands/context.h alone.
#pragma once

#include "cache/fetch.h"
#include "commands/context.h"
#include "config/profile.h"
#include "flows/instance_role.h"
#include "flows/metadata_account.h"
#include "module_host/runner.h"
#include "output/audit.h"
#include "random_source.h"

namespace fedcred {

struct CredentialDeps : CommandContext {
  RandomSource& random;
  ModuleRunner& modules;
  AuditRecord* audit = nullptr;  // filled in as the command learns what it hands out
  // Set in the static front only (cache/fetch.h): a miss is handed to the fetcher.
  FetchHandoff const* hand_off = nullptr;
  // Which role the EC2 instance has, asked before every cache lookup of the
  // imds link (flows/instance_role.h); nullptr: that link fails (internal).
  InstanceRoleLookup* instance_role = nullptr;
  // Which service account the Google metadata server speaks for, asked before
  // every cache lookup of source gce (flows/metadata_account.h); nullptr:
  // that source fails (internal).
  MetadataAccountLookup* metadata_account = nullptr;
};

// Points the audit record where `run`'s log key says, and warns when a `log`
// setting was refused (profile.h, apply_run_settings).
void choose_audit_target(RunSettings const& run, CommandContext const& context, AuditRecord& audit);

}  // namespace fedcred
