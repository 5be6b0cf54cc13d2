// SPDX-License-Identifier: Apache-2.0
// `fedcred cache list` and `fedcred cache clear`: what is cached (profile,
// role, expiry; never a secret) and removing it.
#pragma once

#include <optional>
#include <string>

#include "base/env.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// {"directory":"...","entries":[{"profile":"...","target":"...","role":"...","expiration":"...Z","file":"..."}]}
Result<Secret> run_cache_list(Env const& env);

// {"directory":"...","removed":N}; only the entries of `profile` when given.
Result<Secret> run_cache_clear(Env const& env, std::optional<std::string> const& profile);

}  // namespace fedcred
