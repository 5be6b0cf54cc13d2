// SPDX-License-Identifier: Apache-2.0
#include "config/azure_source.h"

#include <utility>

#include "azure_ids.h"
#include "url.h"

namespace fedcred {

Result<std::string> checked_azure_imds_url(std::string const& value, std::string const& origin, bool path_allowed) {
  for (char c : value) {
    if (c <= ' ' || c >= 0x7f) {
      return make_error(Status::usage, origin + ": the Azure IMDS URL contains spaces or control characters");
    }
  }
  auto url = modules::parse_url(value);
  if (!url) return make_error(Status::usage, origin + ": " + url.error().message);
  // IMDS is plain http on a link-local address, and its answer is a token:
  // the request must not leave the machine or cross a network in clear text.
  if (url->scheme != "http" || !(modules::is_loopback_host(url->host) || modules::is_link_local_host(url->host))) {
    return make_error(Status::usage, origin + "=" + url->origin() +
                                         ": the Azure IMDS endpoint is plain http to a loopback or link-local "
                                         "address only (169.254.169.254, or a local stand-in on 127.0.0.1)");
  }
  if (!path_allowed && url->path != "/") {
    return make_error(Status::usage, origin + ": expected http://host[:port] without a path");
  }
  return url->origin();
}

Result<std::string> azure_imds_endpoint(Env const& env) {
  constexpr char kVariable[] = "AZURE_POD_IDENTITY_AUTHORITY_HOST";
  auto value = env.get(kVariable);
  if (!value) return std::string(azure::kImdsEndpoint);
  return checked_azure_imds_url(*value, kVariable, false);
}

Result<AzureSourceInputs> resolve_azure_source(Settings const& settings, Env const& env) {
  AzureSourceInputs out;
  std::string const* resource = setting_value(settings, "azure_resource");
  if (resource == nullptr) {
    return make_error(Status::usage,
                      "source 'azure' needs the resource its managed-identity token is for (the token's aud, "
                      "e.g. api://fedcred-aws): pass --azure-resource or set azure_resource in the profile");
  }
  out.resource = *resource;
  std::string origins;
  for (auto const& [key, field] : {std::pair{"azure_client_id", &out.identity.client_id},
                                   std::pair{"azure_object_id", &out.identity.object_id},
                                   std::pair{"azure_msi_res_id", &out.identity.res_id}}) {
    auto it = settings.find(key);
    if (it == settings.end()) continue;
    *field = it->second.value;
    origins += (origins.empty() ? "" : ", ") + it->second.origin;
  }
  if (auto ok = azure::check_managed_identity(out.identity); !ok) {
    return Error(std::move(ok).error()).prefix(origins);
  }
  auto endpoint = azure_imds_endpoint(env);
  if (!endpoint) return std::move(endpoint).error();
  out.imds_endpoint = std::move(*endpoint);
  return out;
}

Result<std::string> azure_token_audience(Settings const& settings, AzureSourceInputs const& azure) {
  auto it = settings.find("audience");
  if (it != settings.end() && it->second.value != azure.resource) {
    return make_error(Status::usage, it->second.origin + ": source 'azure' issues its token for azure_resource (" +
                                         azure.resource + "), not for another audience: drop the audience or "
                                         "set it to the resource");
  }
  return azure.resource;
}

std::string describe_managed_identity(messages::ManagedIdentity const& identity) {
  if (!identity.client_id.empty()) return "client_id=" + identity.client_id;
  if (!identity.object_id.empty()) return "object_id=" + identity.object_id;
  if (!identity.res_id.empty()) return "msi_res_id=" + identity.res_id;
  return "system-assigned";
}

}  // namespace fedcred
