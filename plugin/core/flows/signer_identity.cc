// SPDX-License-Identifier: Apache-2.0
#include "flows/signer_identity.h"

#include "cache/digest.h"

namespace fedcred {

std::string container_identity(std::string const& url_identity, Secret const& authorization) {
  if (authorization.empty()) return url_identity;
  // A one-way digest: the canonical key is stored in the entry and -v prints it.
  return url_identity + " authorization sha256:" + sha256_hex(authorization.reveal());
}

Result<void> confirm_signer(AwsChainLink& link, Env const& env, std::string const& imds_endpoint,
                            InstanceRoleLookup* lookup, std::int64_t deadline_ms) {
  if (link.link == "imds") return name_instance_role(link, imds_endpoint, lookup, deadline_ms);
  if (link.link != "container") return {};
  auto token = container_authorization_token(env);
  if (!token) return std::move(token).error();
  link.identity = container_identity(link.identity, *token);
  return {};
}

}  // namespace fedcred
