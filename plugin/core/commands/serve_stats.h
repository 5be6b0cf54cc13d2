// SPDX-License-Identifier: Apache-2.0
// `fedcred serve --stats`: asks a running server for its counters (GET /stats
// on its first listen address). The counters are not secret; the request
// carries no token.
#pragma once

#include "config/serve_settings.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

Result<Secret> query_serve_stats(ListenAddress const& where, std::int64_t timeout_seconds);

}  // namespace fedcred
