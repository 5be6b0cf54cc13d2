// SPDX-License-Identifier: Apache-2.0
// The subject token: the identity this machine already has, as a JWT, from a
// source. "file" (a token file re-read on every call: Kubernetes projected
// tokens, CI OIDC tokens) is built in; every other source is a network module
// (gce: the GCE metadata server; aws: STS GetWebIdentityToken; azure: an
// Azure VM's managed identity from Azure IMDS). Shared by the aws, gcp and
// token commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "clock.h"
#include "config/azure_source.h"
#include "config/endpoints.h"
#include "base/env.h"
#include "flows/aws_chain.h"
#include "flows/jwt_claims.h"
#include "logger.h"
#include "module_host/runner.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct SubjectTokenRequest {
  std::string source;
  std::string audience;
  std::string token_file;             // source "file"
  std::string metadata_host;          // source "gce"
  std::string metadata_account;       // source "gce": the account it speaks for (cache key only)
  std::string imds_endpoint;          // source "aws"
  std::string region;                 // source "aws"; empty: discovered from IMDS
  std::string sts_endpoint_override;  // source "aws"; empty: the regional endpoint
  AwsChainLink aws_link;              // source "aws": which credentials sign (select_aws_link)
  AzureSourceInputs azure;            // source "azure": the resource (the token's aud), identity, IMDS
  std::int64_t token_duration_seconds = 3600;
  std::int64_t deadline_ms = 0;  // monotonic
};

struct SubjectToken {
  Secret token;
  JwtClaims claims;
  std::int64_t expiration = 0;  // unix seconds: the source's word, else the JWT's exp
  std::string subject;          // the claims' sub, also known on a cache hit (claims are not)
  std::string identity;         // source aws: who signed ("instance role R"), from the module
  std::string credential_link;  // source aws: the chain link that answered
};

// Status::source when the source fails or returns something that is not a
// JWT. For source aws the chosen link's secrets (AWS_SECRET_ACCESS_KEY, token
// files) are read from `env` here and passed on.
Result<SubjectToken> fetch_subject_token(SubjectTokenRequest const& req, Env const& env, ModuleRunner& modules,
                                         Logger const& log);

// The endpoint the aws source's IMDS calls go to:
// AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254.
Result<Endpoint> imds_endpoint(Env const& env);

}  // namespace fedcred
