// SPDX-License-Identifier: Apache-2.0
// What source azure (an Azure VM's managed identity, issue 22.5) asks the
// Azure Instance Metadata Service for, resolved from the profile's settings
// and the environment before any request, for every command that takes a
// subject token (aws, gcp, token, setup aws-trust-policy, access-token's
// in-process `fedcred gcp`):
//   azure_resource      the resource the token is for: its `aud` (required)
//   azure_client_id | azure_object_id | azure_msi_res_id
//                       a user-assigned identity (at most one; none: the
//                       VM's system-assigned identity)
//   AZURE_POD_IDENTITY_AUTHORITY_HOST
//                       the IMDS endpoint, as the Azure SDKs read it: plain
//                       http to a loopback or link-local address only
// (docs/PROTOCOLS.md 13).
#pragma once

#include <string>

#include "base/env.h"
#include "config/settings.h"
#include "module_messages.h"
#include "result.h"

namespace fedcred {

inline constexpr char kAzureSource[] = "azure";

struct AzureSourceInputs {
  std::string resource;
  messages::ManagedIdentity identity;
  std::string imds_endpoint;  // http://host[:port]
};

// Status::usage naming the setting or variable for a missing resource, more
// than one identity selector, or an endpoint override that breaks the rule.
Result<AzureSourceInputs> resolve_azure_source(Settings const& settings, Env const& env);

// The audience of the token source azure fetches: the resource. An
// `audience` setting that says otherwise is Status::usage naming its origin
// (for aws and token; gcp's audience is the provider, not the token's).
Result<std::string> azure_token_audience(Settings const& settings, AzureSourceInputs const& azure);

// AZURE_POD_IDENTITY_AUTHORITY_HOST (http://host[:port] to a loopback or
// link-local address), else http://169.254.169.254.
Result<std::string> azure_imds_endpoint(Env const& env);

// The origin (http://host[:port]) of an Azure IMDS URL under that rule;
// Status::usage naming `origin` otherwise. With `path_allowed` the URL may
// carry a path (a credential config's token URL), else none.
Result<std::string> checked_azure_imds_url(std::string const& url, std::string const& origin, bool path_allowed);

// "client_id=C", "object_id=O", "msi_res_id=ID" or "system-assigned": the
// identity asked for, as the cache key and the logs name it. No secret.
std::string describe_managed_identity(messages::ManagedIdentity const& identity);

}  // namespace fedcred
