// SPDX-License-Identifier: Apache-2.0
// One plain-http exchange over a socket, for the core's own IMDS lookup
// (flows/instance_role.h) on the cache-hit path, where libcurl and OpenSSL
// may not be mapped (docs/ARCHITECTURE.md "The static front").
//
// Connect (each address in turn), send, read the answer: every wait is a
// poll() bounded by what is left of `deadline_ms` (CLOCK_MONOTONIC ms, the
// caller's attempt deadline within the run's one deadline). No proxy ever
// (metadata endpoints never go through one: docs/DESIGN.md), no redirect
// followed, no TLS; the answer is parsed by http_message.h and capped at
// kMaxHttpHeaderBytes + max_body_bytes. The request and every byte read are
// wiped before their memory is freed: both may hold an IMDS session token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "clock.h"
#include "net/endpoint.h"
#include "net/http_message.h"
#include "result.h"
#include "secret.h"

namespace fedcred::net {

// Status::transient "cannot reach AUTHORITY: why" when no connection could be
// made or the deadline passed (the HTTP clients' convention, which
// imds_rules.h's unreachable() relies on); Status::response when the answer
// is not HTTP (parse_http_answer()).
Result<HttpAnswer> plain_http_exchange(std::vector<SocketAddress> const& addresses, std::string const& authority,
                                       Secret const& request, std::int64_t deadline_ms, Clock const& clock,
                                       std::size_t max_body_bytes);

}  // namespace fedcred::net
