// SPDX-License-Identifier: Apache-2.0
// Imds: what the aws module reads from the EC2 instance metadata service, the
// instance role's credentials and the region (docs/PROTOCOLS.md 4.1), over
// the one IMDS client (imds_client.h: IMDSv2 only, no IMDSv1 fallback, direct,
// short timeouts, retries, the hop-limit diagnosis), here over libcurl.
//
// Every failure is Status::source (the subject token cannot be had from this
// machine), with a message saying what to check. No message contains the
// session token or the credentials.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clock.h"
#include "http_client.h"
#include "imds_client.h"
#include "imds_rules.h"
#include "module_messages.h"
#include "result.h"
#include "retry.h"
#include "secret.h"
#include "sigv4.h"

namespace fedcred::modules {

class Imds {
 public:
  // The rules shared with the core's instance-role lookup (imds_rules.h).
  static constexpr std::int64_t kAttemptTimeoutMs = imds::kAttemptTimeoutMs;
  static constexpr int kTokenTtlSeconds = imds::kTokenTtlSeconds;
  static constexpr std::size_t kMaxBodyBytes = imds::kMaxBodyBytes;
  static RetryPolicy default_policy() { return imds::default_policy(); }

  // base_url: scheme://host[:port] (AWS_EC2_METADATA_SERVICE_ENDPOINT or
  // http://169.254.169.254); a trailing '/' is ignored.
  Imds(HttpClient& http, Clock& clock, std::string base_url, std::int64_t deadline_ms,
       RetryPolicy policy = default_policy(), RandomSource& random = system_random());

  // The instance role's temporary credentials; `expiration` (when given)
  // receives their Expiration as IMDS wrote it (RFC 3339), for callers that
  // must not outlive them. `expected_role` (when not empty): the role the
  // host's cache key names (core flows/instance_role.h); IMDS listing another
  // is Status::source before any credentials are read (the instance profile
  // was replaced between the two lookups, so the entry would be misfiled).
  Result<sigv4::Credentials> role_credentials(std::string* expiration = nullptr,
                                              std::string const& expected_role = "");
  // The role name role_credentials() found (empty before): names the
  // identity in messages and the audit trail, never a secret.
  std::string const& role_name() const { return role_; }
  // The instance's region, from placement/region (also right in Local Zones).
  Result<std::string> region();

  // Goes on with the IMDSv2 session the host listed its key's role with
  // (module.h imds_session_token): no token PUT, and role_credentials() reads
  // the expected role's credentials without listing the role again (IMDS's
  // 404 for them says the instance profile was replaced since).
  void resume_session(Secret token);

 private:
  imds::ImdsClient client_;  // the protocol: token, retries, errors (imds_client.h)
  bool resumed_ = false;
  std::string role_;
};

// The IMDS of one module call: none without an endpoint; else one session
// for both the region and the instance role, the host's when `link` hands
// one over.
std::optional<Imds> imds_for_call(HttpClient& http, Clock& clock, RandomSource& random, std::string const& endpoint,
                                  std::int64_t deadline_ms, messages::AwsLinkInputs const& link);

// The JSON of .../security-credentials/ROLE: Code must be "Success" and
// AccessKeyId, SecretAccessKey and Token present (exposed for tests).
// `expiration` (when given) receives the Expiration member, or "".
// The container credentials endpoint (ECS, EKS Pod Identity) answers the same
// document without Code: parse_aws_credentials_json() reads both, `what`
// naming the source in messages.
Result<sigv4::Credentials> parse_aws_credentials_json(std::string_view json, std::string const& what,
                                                      bool require_success_code, std::string* expiration);
Result<sigv4::Credentials> parse_imds_credentials(std::string_view json, std::string const& role,
                                                  std::string* expiration = nullptr);

}  // namespace fedcred::modules
