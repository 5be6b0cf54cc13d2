// SPDX-License-Identifier: Apache-2.0
// Small secret files that their owner rotates (Kubernetes projected tokens,
// CI OIDC tokens, EKS Pod Identity authorization tokens): read whole on every
// use, never cached by fedcred, bounded in size, wiped from every buffer.
#pragma once

#include <string>

#include "result.h"
#include "secret.h"

namespace fedcred {

// Who may own the file: anyone whose file the caller can read (a token file
// the environment names), or the trust rules of files/trusted_file.h (a file
// named by a credential config, whose author may be someone else: issue 21.1).
enum class SecretFileOwner { any, trusted };

// The file's content without surrounding whitespace. `what` names the file
// in messages ("token file", "web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE)").
// Status::source when it is missing, unreadable, not regular, too large or
// empty, or (SecretFileOwner::trusted) breaks an owner, mode or directory rule.
Result<Secret> read_secret_file(std::string const& path, std::string const& what,
                                SecretFileOwner owner = SecretFileOwner::any);

}  // namespace fedcred
