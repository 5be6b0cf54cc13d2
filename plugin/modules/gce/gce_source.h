// SPDX-License-Identifier: Apache-2.0
// GceSource: a Google ID token for the default service account, from the
// metadata server's identity endpoint (docs/PROTOCOLS.md sections 6 and 9):
// Compute Engine's, GKE's (Workload Identity) or Cloud Run's.
//
// Every failure is Status::source: whatever goes wrong, the subject token is
// unavailable, and the message says what to check (host, VM, account).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clock.h"
#include "http_client.h"
#include "logger.h"
#include "module_call.h"
#include "result.h"
#include "retry.h"
#include "secret.h"

namespace fedcred::modules {

struct GceTokenRequest {
  std::string metadata_host;  // host[:port], e.g. metadata.google.internal
  std::string audience;       // becomes the token's aud claim
  std::int64_t deadline_ms = 0;  // absolute CLOCK_MONOTONIC ms
};

class GceSource {
 public:
  static constexpr std::size_t kMaxTokenBytes = 64 * 1024;
  // Metadata answers within milliseconds on a VM; a slow attempt is a lost one.
  static constexpr std::int64_t kAttemptTimeoutMs = 3000;
  static RetryPolicy default_policy() { return RetryPolicy{4, 200, 1000, 200}; }

  GceSource(HttpClient& http, Clock& clock, RetryPolicy policy = default_policy(),
            RandomSource& random = system_random());

  void set_logger(Logger log) { log_ = std::move(log); }

  // The raw JWT, trimmed and shape-checked: format=full, or the standard
  // format when the server refuses format=full with HTTP 400 (GKE,
  // docs/PROTOCOLS.md section 9).
  Result<Secret> identity_token(GceTokenRequest const& request);

 private:
  // One URL with retries of transient failures.
  Result<Secret> fetch(GceTokenRequest const& request, std::string const& url);
  Result<Secret> attempt(GceTokenRequest const& request, std::string const& url);

  HttpClient& http_;
  Clock& clock_;
  RetryPolicy policy_;
  RandomSource& random_;
  Logger log_;
  int last_status_ = 0;  // HTTP status of the last answer; 0 when none came
};

// The identity endpoint URL for host and audience, with format=full when
// full (exposed for tests).
std::string gce_identity_url(std::string_view metadata_host, std::string_view audience, bool full = true);

// True when text is three non-empty base64url segments joined by dots.
bool looks_like_jwt(std::string_view text);

// The module's operation dispatch: "subject_token" with its parameters
// (audience, metadata_host, deadline_ms) read from call; result subject_token.
int run_gce_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock);

}  // namespace fedcred::modules
