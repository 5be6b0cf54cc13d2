// SPDX-License-Identifier: Apache-2.0
#include "flows/instance_role.h"

#include <utility>

#include "imds_client.h"
#include "net/plain_http_client.h"

namespace fedcred {

Result<InstanceRole> ImdsRoleLookup::role_name(std::string const& imds_endpoint, std::int64_t deadline_ms) {
  auto endpoint = net::parse_http_endpoint(imds_endpoint);
  if (!endpoint) return std::move(endpoint).error();
  // Resolved once, before the first attempt: a name that does not resolve is
  // not retried (the static front hands it off to the fetcher instead).
  auto addresses = net::addresses_of(*endpoint, resolver_, deadline_ms - clock_.monotonic_ms());
  if (!addresses) {
    if (addresses.error().status == Status::transient) {
      return imds::unreachable(addresses.error(), endpoint->host_header, "the IMDSv2 token");
    }
    return std::move(addresses).error();
  }
  net::PlainHttpClient http(clock_, *endpoint, std::move(*addresses));
  imds::ImdsClient imds(http, clock_, imds_endpoint, deadline_ms, imds::default_policy(), random_);
  auto role = imds.role_name();
  if (!role) return std::move(role).error();
  return InstanceRole{std::move(*role), imds.take_token()};
}

std::string instance_role_identity(std::string const& role, std::string const& imds_endpoint) {
  return "instance role " + role + " at " + imds_endpoint;
}

Result<void> name_instance_role(AwsChainLink& link, std::string const& imds_endpoint, InstanceRoleLookup* lookup,
                                std::int64_t deadline_ms) {
  if (link.link != "imds") return {};
  if (lookup == nullptr) return make_error(Status::internal, "no instance role lookup for the imds link");
  auto role = lookup->role_name(imds_endpoint, deadline_ms);
  if (!role) return std::move(role).error();
  link.identity = instance_role_identity(role->name, imds_endpoint);
  link.instance_role = std::move(role->name);
  link.imds_session_token = std::move(role->imds_session_token);
  return {};
}

}  // namespace fedcred
