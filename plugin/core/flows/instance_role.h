// SPDX-License-Identifier: Apache-2.0
// Which IAM role the EC2 instance has, asked of IMDS before every cache lookup
// of the imds link (issue 12.1): the subject-token and access-token cache
// keys name the signing identity, and for an instance that is the role of its
// instance profile, which can be replaced at any time (role A -> role B must
// never be served A's token).
//
// The question is two requests (IMDSv2 session token, then the role
// listing), asked by the one IMDS client the aws module uses too
// (imds_client.h), over the core's plain-http client
// (net/plain_http_client.h) because it runs on the cache-hit path too, which
// maps neither libcurl nor OpenSSL (docs/ARCHITECTURE.md "The static front").
// On a miss the session goes on in the aws module (InstanceRole, below).
#pragma once

#include <cstdint>
#include <string>

#include "clock.h"
#include "flows/aws_chain.h"
#include "net/endpoint.h"
#include "random_source.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// What IMDS answered: the role's name, and the IMDSv2 session that listed it.
// The session goes to the aws module with the role (AwsChainLink), which
// then reads the role's credentials without a token PUT or a listing of its
// own: the fetch's first two requests are this lookup's (issue 20.3).
struct InstanceRole {
  std::string name;
  Secret imds_session_token;  // empty from a lookup that keeps none
};

// The seam: production asks IMDS (ImdsRoleLookup), unit tests fake it
// (tests/fakes/instance_role.h).
class InstanceRoleLookup {
 public:
  virtual ~InstanceRoleLookup() = default;
  // The instance's role, asked of IMDS at `imds_endpoint` (an http:// base
  // URL) within `deadline_ms` (CLOCK_MONOTONIC). Fails as the aws module does
  // (imds_client.h): Status::source with what to check.
  virtual Result<InstanceRole> role_name(std::string const& imds_endpoint, std::int64_t deadline_ms) = 0;
};

class ImdsRoleLookup final : public InstanceRoleLookup {
 public:
  // `resolver` turns a host name into addresses (net/endpoint.h): the static
  // front hands names off to the fetcher.
  ImdsRoleLookup(Clock& clock, RandomSource& random, net::HostResolver& resolver)
      : clock_(clock), random_(random), resolver_(resolver) {}
  Result<InstanceRole> role_name(std::string const& imds_endpoint, std::int64_t deadline_ms) override;

 private:
  Clock& clock_;
  RandomSource& random_;
  net::HostResolver& resolver_;
};

// The identity of the imds link once IMDS named the role.
std::string instance_role_identity(std::string const& role, std::string const& imds_endpoint);

// For the imds link: asks `lookup` for the role and names it in
// link.identity ("instance role ROLE at ENDPOINT"), keeping the role and its
// session for the module; any other link is left as it is. An error when the
// lookup fails (the run then fails as the fetch would: an identity that
// cannot be confirmed is never served from the cache).
Result<void> name_instance_role(AwsChainLink& link, std::string const& imds_endpoint, InstanceRoleLookup* lookup,
                                std::int64_t deadline_ms);

}  // namespace fedcred
