// SPDX-License-Identifier: Apache-2.0
#include "azure_ids.h"

#include "ascii.h"
#include "url.h"

namespace fedcred::azure {
namespace ascii = modules::ascii;
namespace {

constexpr std::size_t kMaxTenantLength = 256;
constexpr std::size_t kMaxResourceLength = 1000;
constexpr char kDefaultSuffix[] = "/.default";

// The value quoted in a message: visible ASCII, bounded (it came from a user).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, 80)) out += ascii::is_print(c) ? c : '?';
  return out + (text.size() > 80 ? "...\"" : "\"");
}

bool all_visible(std::string_view text) {
  for (char c : text) {
    if (!ascii::is_graph(c)) return false;
  }
  return true;
}

}  // namespace

bool is_guid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool const dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !ascii::is_xdigit(text[i])) return false;
  }
  return true;
}

Result<void> check_tenant_id(std::string_view tenant_id) {
  if (tenant_id.empty()) return make_error(Status::usage, "missing tenant id (AZURE_TENANT_ID, --tenant-id)");
  bool valid = tenant_id.size() <= kMaxTenantLength;
  for (char c : tenant_id) valid = valid && (ascii::is_alnum(c) || c == '-' || c == '.');
  if (!valid) {
    return make_error(Status::usage,
                      "invalid tenant id " + quoted(tenant_id) + ": expected the directory's GUID or its domain name");
  }
  for (char const* multi : {"common", "organizations", "consumers"}) {
    if (ascii::iequals(tenant_id, multi)) {
      return make_error(Status::usage, "tenant id " + quoted(tenant_id) +
                                           " names no directory: a client-credentials token needs the "
                                           "application's own tenant id");
    }
  }
  return {};
}

Result<void> check_client_id(std::string_view client_id, std::string_view what) {
  if (client_id.empty()) return make_error(Status::usage, "missing " + std::string(what));
  if (!is_guid(client_id)) {
    return make_error(Status::usage, "invalid " + std::string(what) + " " + quoted(client_id) +
                                         ": expected a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
  }
  return {};
}

Result<std::string> normalize_authority(std::string_view authority) {
  auto url = modules::parse_url(authority);
  if (!url) return Error(url.error()).prefix("authority (AZURE_AUTHORITY_HOST)");
  if (url->scheme != "https") {
    return make_error(Status::usage, "authority " + url->authority() +
                                         " must be https: the token request carries the client assertion "
                                         "(the Azure SDKs refuse http too)");
  }
  if (url->path != "/") {
    return make_error(Status::usage,
                      "authority (AZURE_AUTHORITY_HOST) must be https://host[:port] without a "
                      "path or query, e.g. " +
                          std::string(kPublicCloudAuthority));
  }
  return "https://" + url->authority();
}

Result<void> check_scope(std::string_view scope) {
  std::string_view const suffix = kDefaultSuffix;
  if (scope.size() <= suffix.size() || scope.size() > kMaxResourceLength || !all_visible(scope) ||
      scope.substr(scope.size() - suffix.size()) != suffix) {
    return make_error(Status::usage, "invalid scope " + quoted(scope) +
                                         ": a client-credentials token takes one RESOURCE/.default, e.g. " +
                                         std::string(kDefaultScope));
  }
  return {};
}

Result<void> check_resource(std::string_view resource) {
  if (resource.empty() || resource.size() > kMaxResourceLength || !all_visible(resource)) {
    return make_error(Status::usage, "invalid resource " + quoted(resource) +
                                         ": expected the resource's URI, e.g. https://management.azure.com/");
  }
  return {};
}

Result<void> check_managed_identity(messages::ManagedIdentity const& identity) {
  int const given = !identity.client_id.empty() + !identity.object_id.empty() + !identity.res_id.empty();
  if (given > 1) {
    return make_error(Status::usage,
                      "name a managed identity by one of client id, object id or resource id, not several");
  }
  if (!identity.client_id.empty()) return check_client_id(identity.client_id, "managed identity client id");
  if (!identity.object_id.empty()) return check_client_id(identity.object_id, "managed identity object id");
  if (!identity.res_id.empty() && (identity.res_id.rfind("/subscriptions/", 0) != 0 || !all_visible(identity.res_id) ||
                                   identity.res_id.size() > kMaxResourceLength)) {
    return make_error(Status::usage, "invalid managed identity resource id " + quoted(identity.res_id) +
                                         ": expected /subscriptions/.../userAssignedIdentities/NAME");
  }
  return {};
}

}  // namespace fedcred::azure
