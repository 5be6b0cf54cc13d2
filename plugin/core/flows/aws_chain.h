// SPDX-License-Identifier: Apache-2.0
// Which AWS credentials sign for source `aws`: botocore's credential chain
// (docs/PROTOCOLS.md 4, docs/DESIGN.md), decided here from the environment alone, in
// botocore's order:
//   1. environment   AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]
//   2. web_identity  AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME]
//                    (EKS IRSA) -> STS AssumeRoleWithWebIdentity
//   3. container     AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS: against
//                    http://169.254.170.2) or _FULL_URI (EKS Pod Identity), with
//                    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (wins) or _TOKEN
//   4. imds          IMDSv2 (unless AWS_EC2_METADATA_DISABLED=true)
// The module (modules/aws/credential_chain.h) runs the chosen link. Deciding
// here means the cache key names the signing identity (issue 12.1) without a
// network call (but for the instance role's name: flows/instance_role.h), and AWS secrets are read from the environment only for
// source `aws` (issue 12.9).
#pragma once

#include <optional>
#include <string>

#include "base/env.h"
#include "module_messages.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// Test-only override of the ECS host for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
// (loopback http only): fedcred(1) "ENVIRONMENT".
inline constexpr char kContainerEndpointVar[] = "FEDCRED_CONTAINER_CREDENTIALS_ENDPOINT";

struct AwsChainLink {
  std::string link;   // environment | web_identity | container | imds
  // Who signs, for the cache key, doctor and -v; never a secret: the access
  // key id, the role ARN and token file, the container URL, or for imds
  // "instance role at ENDPOINT" until name_instance_role (flows/instance_role.h)
  // asked IMDS, then "instance role ROLE at ENDPOINT".
  std::string identity;
  // imds: the role IMDS named (name_instance_role), passed to the module,
  // which refuses to sign with another; empty before.
  std::string instance_role = {};
  // imds: the IMDSv2 session that role was listed with, passed to the module,
  // which goes on with it (one session per fetch: issue 20.3); empty before.
  Secret imds_session_token = {};
};

// The link the environment selects. Status::usage for half-set pairs
// (AWS_ACCESS_KEY_ID without the secret, AWS_WEB_IDENTITY_TOKEN_FILE without
// AWS_ROLE_ARN), a forbidden container host, or no link at all.
Result<AwsChainLink> select_aws_link(Env const& env, std::string const& imds_endpoint);

// The chosen link's module inputs (module_messages.h), reading the token
// files now (they rotate: read on every fetch, never cached). Status::source
// when a file cannot be read.
Result<void> fill_aws_link(AwsChainLink const& link, Env const& env, std::optional<messages::AwsKeys>& keys,
                           messages::AwsLinkInputs& inputs);

// The container link's Authorization: the content of
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read now), else the value of
// AWS_CONTAINER_AUTHORIZATION_TOKEN, else empty (ECS sends none).
// Status::source when the file cannot be read.
Result<Secret> container_authorization_token(Env const& env);

}  // namespace fedcred
