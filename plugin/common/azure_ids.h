// SPDX-License-Identifier: Apache-2.0
// The Azure names fedcred takes from its users, checked alike by the azure
// module (before any request) and by the commands that take them: tenant and
// client ids, the Entra authority, the client-credentials scope, and the
// managed identity the Azure IMDS source asks for (docs/PROTOCOLS.md 12-13).
// Every rejection is Status::usage naming the value's role, so a typo is
// exit 2 before anything is sent.
#pragma once

#include <string>
#include <string_view>

#include "module_messages.h"
#include "result.h"

namespace fedcred::azure {

// Microsoft Entra ID of the Azure public cloud (azure-identity's
// AzureAuthorityHosts.AZURE_PUBLIC_CLOUD); AZURE_AUTHORITY_HOST names another.
inline constexpr char kPublicCloudAuthority[] = "https://login.microsoftonline.com";
// The audience Entra expects of a federated client assertion (the default of
// a federated identity credential).
inline constexpr char kTokenExchangeAudience[] = "api://AzureADTokenExchange";
// What `az account get-access-token` asks for without --resource/--scope.
inline constexpr char kDefaultScope[] = "https://management.azure.com/.default";
// Azure's Instance Metadata Service, plain http on the link-local address.
inline constexpr char kImdsEndpoint[] = "http://169.254.169.254";

// 8-4-4-4-12 hexadecimal digits.
bool is_guid(std::string_view text);

// A directory (tenant) id: a GUID or a verified domain name (letters, digits,
// '-' and '.', as azure-identity's validate_tenant_id), at most 256
// characters; not "common", "organizations" or "consumers", which name no
// directory a client-credentials request can be made in.
Result<void> check_tenant_id(std::string_view tenant_id);

// An application (client) id or a managed identity's client or object id: a GUID.
Result<void> check_client_id(std::string_view client_id, std::string_view what = "client id");

// https://host[:port] with nothing after it but one optional '/', as the
// Azure SDKs require of AZURE_AUTHORITY_HOST (http is refused: the request
// carries the assertion). Returns it without the '/'.
Result<std::string> normalize_authority(std::string_view authority);

// One RESOURCE/.default: the only scope form a client-credentials request
// may carry (Entra answers AADSTS1002012 or AADSTS70011 otherwise).
Result<void> check_scope(std::string_view scope);

// A resource (the IMDS token's audience): 1..1000 visible ASCII characters.
Result<void> check_resource(std::string_view resource);

// At most one of client_id, object_id (GUIDs) and res_id (an ARM id,
// "/subscriptions/...").
Result<void> check_managed_identity(messages::ManagedIdentity const& identity);

}  // namespace fedcred::azure
