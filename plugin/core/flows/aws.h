// SPDX-License-Identifier: Apache-2.0
// The GCP -> AWS flow: subject token from the source module, then STS
// AssumeRoleWithWebIdentity through the sts module, within one deadline.
#pragma once

#include <cstdint>
#include <string>

#include "flows/aws_credentials.h"
#include "clock.h"
#include "base/env.h"
#include "flows/jwt_claims.h"
#include "logger.h"
#include "module_host/runner.h"
#include "config/profile.h"
#include "result.h"

namespace fedcred {

struct FlowDeps {
  Env const& env;
  Clock& clock;
  ModuleRunner& modules;
  Logger const& log;
  // Monotonic ms by which everything must be done; 0: now + req.timeout_seconds.
  // A command that first waits for the cache lock sets it at its start, so the
  // wait and the fetch share one deadline.
  std::int64_t deadline_ms = 0;
};

// Fetches fresh credentials (no cache involved).
Result<AwsCredentials> fetch_aws_credentials(AwsRequest const& req, FlowDeps const& deps);

// The sts module's AssumeRoleWithWebIdentity request for `req`: the one
// place that decides what the flow (and doctor's exchange check) sends.
messages::AssumeRoleParams assume_role_params(AwsRequest const& req, std::string const& session_name,
                                              Secret const& web_identity_token, std::int64_t deadline_ms);

// The session name when none is configured: the VM's instance name from the
// token (format=full on Compute Engine), else the token's email (the service
// account on GKE and Cloud Run, whose tokens carry no instance claims:
// docs/PROTOCOLS.md section 9), else "fedcred-" + the token's subject, else
// "fedcred-<unix time>" (botocore's own fallback shape). Each is sanitized and
// cut at 64 characters.
std::string default_session_name(JwtClaims const& claims, std::int64_t now_unix);

}  // namespace fedcred
