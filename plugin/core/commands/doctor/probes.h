// SPDX-License-Identifier: Apache-2.0
// doctor's reachability checks: one probe through a network module (no
// retry, no token kept), judged into one step with its likely cause and fix.
// Each returns false when the walk cannot go on.
#pragma once

#include <cstdint>
#include <string>

#include "clock.h"
#include "commands/doctor/report.h"
#include "config/endpoints.h"
#include "module_host/runner.h"
#include "logger.h"

namespace fedcred {

struct ProbeRun {
  ModuleRunner& modules;
  Logger const& log;
  Clock& clock;
  std::int64_t deadline_ms;  // absolute CLOCK_MONOTONIC ms
};

// "metadata": the GCE metadata server answers with Metadata-Flavor: Google
// and has a default service account.
bool check_gce_metadata(ProbeRun const& run, std::string const& metadata_host, StepRecorder& steps);

// "imds": IMDSv2's token PUT answers (and, when only GETs do, the hop limit).
bool check_imds(ProbeRun const& run, std::string const& imds_endpoint, StepRecorder& steps);

// "sts-endpoint": the STS endpoint answers at all.
bool check_sts_endpoint(ProbeRun const& run, Endpoint const& sts, StepRecorder& steps);

}  // namespace fedcred
