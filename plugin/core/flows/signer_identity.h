// SPDX-License-Identifier: Apache-2.0
// Who signs for source `aws`, confirmed before every cache lookup, hits
// included, because the subject-token and access-token cache keys name it
// (issue 12.1) and what select_aws_link saw in the environment does not say
// it for two links:
//   imds       the instance profile's role can be replaced at any time: asked
//              of IMDS (flows/instance_role.h), "instance role ROLE at ENDPOINT";
//   container  the endpoint's URL is the same for every EKS Pod Identity pod
//              (http://169.254.170.23/v1/credentials), and which role it hands
//              out depends on who calls: the Authorization token, whose content
//              is the pod's projected service-account token (rotated by the
//              kubelet). Named by its SHA-256 (issue 21.12), read from the file
//              on every run: a pod re-bound to another service account, or
//              another token, is a new key. On ECS the URL is per task and a
//              task's role is fixed for its life, so the URL already names it.
// The other links are named by select_aws_link from the environment alone.
#pragma once

#include <cstdint>
#include <string>

#include "base/env.h"
#include "flows/aws_chain.h"
#include "flows/instance_role.h"
#include "result.h"

namespace fedcred {

// The container link's identity once its token is known: "container
// credentials URL", plus " authorization sha256:HEX" when a token is sent.
std::string container_identity(std::string const& url_identity, Secret const& authorization);

// Completes link.identity for the imds and container links (above); any other
// link is left as it is. An error when the identity cannot be confirmed
// (IMDS does not answer, the token file cannot be read): the run then fails as
// the fetch would, and nothing is served from the cache.
Result<void> confirm_signer(AwsChainLink& link, Env const& env, std::string const& imds_endpoint,
                            InstanceRoleLookup* lookup, std::int64_t deadline_ms);

}  // namespace fedcred
