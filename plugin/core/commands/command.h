// SPDX-License-Identifier: Apache-2.0
// One run of one command as a registry row's `run` receives it
// (commands/registry.h): everything any row may need. Each row's adapter
// (commands/registry.cc, registry_front.cc) hands its command only the part
// it uses; the command units themselves include commands/context.h or
// commands/credential_deps.h, never this.
#pragma once

#include "commands/context.h"
#include "commands/credential_deps.h"
#include "commands/token.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct CommandCall {
  CommandInputs const& inputs;
  CommandOptions const& options;
  CredentialDeps const& deps;  // its CommandContext base for the commands that hand out nothing
  GroupLookup lookup_group;    // token's only (commands/token.h)
  // A report printed even when the command fails (doctor); else left empty.
  Secret& report;
};

}  // namespace fedcred
