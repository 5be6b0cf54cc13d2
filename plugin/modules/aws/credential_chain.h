// SPDX-License-Identifier: Apache-2.0
// The AWS credentials that sign for source `aws`: one link of botocore's
// credential chain (PROTOCOLS.md 4; DESIGN.md). The core picks the link from
// the environment (flows/aws_chain.h: environment keys, then a web identity
// token file, then container credentials, then IMDSv2, botocore's order) and
// passes that link's inputs; this file runs it. Keeping the choice in the core
// lets the cache key name the signing identity without any network call.
//
// Module parameters (strings; empty = absent):
//   credential_link  environment | web_identity | container | imds
//   environment:  access_key_id, secret_access_key, session_token
//   web_identity: web_identity_token (the file's content, read by the core on
//                 every fetch), role_arn, role_session_name, region,
//                 sts_endpoint -> AssumeRoleWithWebIdentity
//   container:    container_url (full URL), container_authorization_token
//   imds:         imds_endpoint (base URL)
#pragma once

#include <cstdint>
#include <string>

#include "clock.h"
#include "http_client.h"
#include "log_fn.h"
#include "module_call.h"
#include "result.h"
#include "retry.h"
#include "sigv4.h"

namespace fedcred::modules {

class Imds;

struct AwsCredentials {
  sigv4::Credentials keys;
  std::int64_t expiration = 0;  // unix seconds; 0 = long-term keys
  std::string link;             // which link answered (for -v and doctor)
  std::string identity;         // who signs, never a secret: "access key AKIA...", "instance role R"
};

// botocore's rule for a container credentials URL: https anywhere; plain
// http only to a loopback address or 169.254.170.2, 169.254.170.23,
// fd00:ec2::23, localhost. Status::usage otherwise, naming the host.
Result<void> check_container_url(std::string const& url);

class CredentialChain {
 public:
  CredentialChain(HttpClient& http, Clock& clock, RandomSource random = default_random())
      : http_(http), clock_(clock), random_(std::move(random)) {}
  void set_logger(LogFn log) { log_ = std::move(log); }

  // The credentials of the link `call` names; `region` is the region already
  // known (may be empty), used for the web identity STS call; `imds` is the
  // caller's IMDS session (shared so one run makes one token PUT), needed by
  // the imds link only.
  Result<AwsCredentials> resolve(ModuleCall const& call, std::string const& region, std::int64_t deadline_ms,
                                 Imds* imds);

 private:
  Result<AwsCredentials> environment(ModuleCall const& call);
  Result<AwsCredentials> web_identity(ModuleCall const& call, std::string const& region, std::int64_t deadline_ms);
  Result<AwsCredentials> container(ModuleCall const& call, std::int64_t deadline_ms);
  Result<AwsCredentials> instance_role(Imds* imds);

  HttpClient& http_;
  Clock& clock_;
  RandomSource random_;
  LogFn log_;
};

}  // namespace fedcred::modules
