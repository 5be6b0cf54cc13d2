// SPDX-License-Identifier: Apache-2.0
// The rules of fedcred's one IMDS client (imds_client.h; docs/PROTOCOLS.md
// 4.1), which the aws module (over libcurl, on a miss) and the core's
// instance-role lookup (over a plain socket, before every cache lookup of the
// imds link) both speak through, so both ask alike and fail alike:
//
// - IMDSv2 only, no IMDSv1 fallback: unauthenticated GETs are what SSRF
//   attacks against EC2 use, and instances requiring IMDSv2 refuse them.
// - direct (never a proxy), no redirects, 1 s per attempt, 64 KiB per answer,
//   5xx and transport failures retried (default_policy()) within the run's
//   deadline.
// - every failure is Status::source, with a message saying what to check; no
//   message holds the session token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"
#include "retry.h"
#include "secret.h"

namespace fedcred::imds {

inline constexpr char kTokenPath[] = "/latest/api/token";
inline constexpr char kRolesPath[] = "/latest/meta-data/iam/security-credentials/";
inline constexpr char kTokenTtlHeader[] = "X-aws-ec2-metadata-token-ttl-seconds";
inline constexpr char kTokenHeader[] = "X-aws-ec2-metadata-token";
inline constexpr std::int64_t kAttemptTimeoutMs = 1000;
inline constexpr int kTokenTtlSeconds = 300;  // as Google's libraries: one fedcred run needs seconds
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline modules::RetryPolicy default_policy() { return modules::RetryPolicy{2, 100, 500, 100}; }

// "the instance metadata service (IMDS) at HOST", for messages.
std::string where(std::string const& host);

// The session token in the answer to PUT kTokenPath: 5xx is Status::transient
// (retried), any other non-200 or an empty token Status::source.
Result<Secret> token_from_answer(int status, std::string_view body, std::string const& host);

// The error for a PUT that got no answer within `timeout_ms`: in a container,
// the hop limit of 1 drops IMDS's answer (final: waiting longer would not help).
Error token_request_unanswered(std::string const& host, std::int64_t timeout_ms);

// Ok for 200; Status::transient for 5xx (retried); Status::source otherwise,
// 404 for kRolesPath meaning no role is attached, for kRolesPath + ROLE that
// the role listed a moment ago was replaced since. `what` names the read.
Result<void> check_get_status(int status, std::string_view path, std::string const& what, std::string const& host);

// Status::source for a transport failure that retries did not cure
// ("cannot reach HOST: why" from the HTTP client; the why is kept).
Error unreachable(Error const& transport, std::string const& host, std::string const& what);

// An IAM role name: 1..128 of [A-Za-z0-9+=,.@_-] (so it is one path segment).
bool is_role_name(std::string_view name);

// The role name in the answer to GET kRolesPath: its first line, trimmed, an
// IAM role name (is_role_name()); Status::source otherwise.
Result<std::string> role_from_listing(std::string_view listing, std::string const& host);

}  // namespace fedcred::imds
