// SPDX-License-Identifier: Apache-2.0
// `fedcred token`: the raw subject token (a JWT), for consumers that read a
// token file (AWS_WEB_IDENTITY_TOKEN_FILE, Google file-sourced configs).
#pragma once

#include <sys/types.h>

#include <string>

#include "commands/credential_deps.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// Where the token goes: stdout (file empty), or a file written atomically,
// mode 0600, or 0640 and group `group` when one is named (--output-group: the
// consumers are that group's members, as fedcred-token@.service does it).
struct TokenOutput {
  std::string file;
  std::string group;
};

// A group's id by name (--output-group): files/group.h's lookup_group (NSS)
// in the full wiring, a hand-off in the static front (commands/runtime.h);
// nullptr: a group cannot be named (internal).
using GroupLookup = Result<gid_t> (*)(std::string const& name);

// With an output file, the returned document is empty; otherwise it is the
// token. --output-group without --output, or an unknown group: Status::usage,
// before anything is fetched.
Result<Secret> run_token_command(CommandInputs const& in, TokenOutput const& output, CredentialDeps const& deps,
                                 GroupLookup lookup_group);

}  // namespace fedcred
