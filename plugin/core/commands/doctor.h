// SPDX-License-Identifier: Apache-2.0
// `fedcred doctor`: walks the whole chain of one profile and says, step by
// step, what works and, for what does not, the likely cause and the fix
// (issue 7). It never writes the cache or an output file and never prints a
// token, key or session token: only claims, hosts, latencies and messages.
//
// Direction: GCP -> AWS (the `aws` command) unless --gcp is given or the
// profile's audience is a workload identity provider, then AWS -> GCP (the
// `gcp` command, whose exchange Google's library makes: doctor checks up to
// the subject token and the consumer's GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES);
// GCP or AWS -> Azure (the `azure` command) with --azure, or when the profile
// names a tenant_id and no role_arn.
//
// Steps, in order (a failed step that later steps depend on ends the walk):
//   config              files read, the effective profile with each value's origin
//   allow-executables   (gcp) GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES
//   cache               the cache directory: path, ownership, mode, entries
//   metadata | imds     the source's metadata service reachable, with latency;
//                       for IMDSv2 a token PUT without answer while GETs are
//                       answered (hop limit 1 behind a container bridge)
//   subject-token       a token from the source, and its claims (iss, aud,
//                       azp, sub, email, exp)
//   sts-endpoint        (aws) the STS endpoint answers, with latency
//   clock               this machine's clock against the token's iat/exp and
//                       the servers' Date headers
//   exchange            (aws) AssumeRoleWithWebIdentity itself; on
//                       AccessDenied the trust-policy conditions this token
//                       satisfies. (azure) the Entra token request itself;
//                       when no federated credential matches, the issuer,
//                       subject and audience to register
// Exit status: 0 when no step failed (warnings allowed), else the status of
// the first failed step: 2 configuration (also a skewed clock and an
// allow-executables variable set to something else than 1), 3 source, 4
// denied, 5 unreachable STS, 6 unusable response, 7 local I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/context.h"
#include "commands/doctor/report.h"
#include "module_host/runner.h"
#include "result.h"
#include "time_format.h"
#include "secret.h"
#include "commands/setup.h"

namespace fedcred {

struct DoctorOptions {
  bool json = false;
  bool gcp = false;
  bool azure = false;
};

// Largest offset between this machine's clock and a server's before doctor
// warns, and before it fails (STS and JWT validators allow a few minutes at
// most; NTP keeps a healthy machine well under a second).
inline constexpr std::int64_t kClockWarnSeconds = 10;
inline constexpr std::int64_t kClockFailSeconds = 60;

DoctorReport run_doctor(CommandInputs const& in, DoctorOptions const& options, CommandContext const& context,
                        ModuleRunner& modules);


// The command: the report (text, or JSON with options "json") in `report`
// always; an error with the first failed step's status when one failed.
Result<Secret> run_doctor_command(CommandInputs const& in, CommandOptions const& options, CommandContext const& context,
                                  ModuleRunner& modules, Secret& report);

}  // namespace fedcred
