// SPDX-License-Identifier: Apache-2.0
// `fedcred serve --stats` and `--health`: asks a running server for its
// counters (GET /stats) or its health (GET /healthz, what a container's exec
// probe runs: the kubelet's httpGet cannot reach a loopback-only server) on
// its first listen address. Neither answer is secret; the request carries no
// token.
#pragma once

#include "config/serve_settings.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// path: "/stats" or "/healthz". Any answer but 200 is a failure (transient)
// naming the status and the body (/healthz says which route has nothing valid).
Result<Secret> query_serve(ListenAddress const& where, std::string const& path, std::int64_t timeout_seconds);

}  // namespace fedcred
