// SPDX-License-Identifier: Apache-2.0
// The AWS credentials that sign for source `aws`: one link of botocore's
// credential chain (docs/PROTOCOLS.md 4; docs/DESIGN.md). The core picks the link from
// the environment (flows/aws_chain.h: environment keys, then a web identity
// token file, then container credentials, then IMDSv2, botocore's order) and
// passes that link's inputs; this file runs it. Keeping the choice in the core
// lets the cache key name the signing identity without any network call.
//
// The link's inputs travel in module_messages.h's AwsKeys and AwsLinkInputs
// (fedcred/module.h, "The AWS credential link").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "clock.h"
#include "http_client.h"
#include "logger.h"
#include "module_messages.h"
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
  CredentialChain(HttpClient& http, Clock& clock, RandomSource& random = system_random())
      : http_(http), clock_(clock), random_(random) {}
  void set_logger(Logger log) { log_ = std::move(log); }

  // The credentials of the link `link` names. `region` (may be empty) and
  // `sts_endpoint` (empty: regional) serve the web identity STS call; `imds`
  // is the caller's IMDS session (shared so one run makes one token PUT),
  // needed by the imds link only.
  Result<AwsCredentials> resolve(std::optional<messages::AwsKeys> const& keys, messages::AwsLinkInputs const& link,
                                 std::string const& region, std::string const& sts_endpoint,
                                 std::int64_t deadline_ms, Imds* imds);

 private:
  Result<AwsCredentials> environment(std::optional<messages::AwsKeys> const& keys);
  Result<AwsCredentials> web_identity(messages::AwsLinkInputs const& link, std::string const& region,
                                      std::string const& sts_endpoint, std::int64_t deadline_ms);
  Result<AwsCredentials> container(messages::AwsLinkInputs const& link, std::int64_t deadline_ms);
  Result<AwsCredentials> instance_role(Imds* imds, std::string const& expected_role);

  HttpClient& http_;
  Clock& clock_;
  RandomSource& random_;
  Logger log_;
};

}  // namespace fedcred::modules
