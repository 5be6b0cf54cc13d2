// SPDX-License-Identifier: Apache-2.0
// Groups named in the configuration or on the command line, for files handed
// to a group's members: serve's token file (token_group) and `token
// --output-group`. Looked up at the start of a command, before any fetch, so
// that a typo fails at once and not after a credential was issued.
#pragma once

#include <sys/types.h>

#include <string>

#include "result.h"

namespace fedcred {

// The id of group `name`. Error: Status::usage "no such group 'NAME'".
Result<gid_t> lookup_group(std::string const& name);

// The id of user `name` (serve's allow_users). Error: Status::usage "no such
// user 'NAME'".
Result<uid_t> lookup_user(std::string const& name);

}  // namespace fedcred
