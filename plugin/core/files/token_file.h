// SPDX-License-Identifier: Apache-2.0
// The authorization token file of `fedcred serve`'s AWS route: clients point
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at it, and the server answers only
// requests whose Authorization equals its content.
#pragma once

#include <string>

#include "result.h"
#include "secret.h"

namespace fedcred {

// The token in `path`. When the file does not exist it is created (O_EXCL,
// never through a symlink) with a fresh random token (256 bits, hex), mode
// 0640 and, when `group` is not empty, that group, so its members' SDKs can
// read it. An existing file must be a regular file holding one token without
// CR or LF (the SDKs refuse such header values). Errors: Status::io naming
// the path and the reason, never the content; an unknown group is
// Status::usage.
Result<Secret> ensure_token_file(std::string const& path, std::string const& group);

}  // namespace fedcred
