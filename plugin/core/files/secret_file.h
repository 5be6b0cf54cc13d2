// SPDX-License-Identifier: Apache-2.0
// Small secret files that their owner rotates (Kubernetes projected tokens,
// CI OIDC tokens, EKS Pod Identity authorization tokens): read whole on every
// use, never cached by fedcred, bounded in size, wiped from every buffer.
#pragma once

#include <string>

#include "result.h"
#include "secret.h"

namespace fedcred {

// The file's content without surrounding whitespace. `what` names the file
// in messages ("token file", "web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE)").
// Status::source when it is missing, unreadable, not regular, too large or empty.
Result<Secret> read_secret_file(std::string const& path, std::string const& what);

}  // namespace fedcred
