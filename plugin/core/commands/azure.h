// SPDX-License-Identifier: Apache-2.0
// `fedcred azure`: a Microsoft Entra ID access token for a GCP or AWS
// workload (issue 22.1). The assertion is the workload's own identity, a
// subject token for audience api://AzureADTokenExchange from its source
// (gce: the metadata server's ID token; aws: sts:GetWebIdentityToken through
// the AWS credential chain; file), exchanged at
// AUTHORITY/TENANT/oauth2/v2.0/token by fedcred-azure.so (entra_token).
// Cached, single-flight and audited like the other credential commands;
// `fedcred serve`'s Azure managed-identity routes share the cached exchange.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/credential_deps.h"
#include "config/profile.h"
#include "flows/subject_token.h"
#include "module_messages.h"
#include "output/audit.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// What a profile's Entra tokens are for, as its flags and keys say (no
// exchange, no request): `fedcred serve` checks its profiles with it.
struct EntraTarget {
  std::string tenant_id;
  std::string client_id;
  std::string scope;      // RESOURCE/.default
  std::string authority;  // https://host[:port]: AZURE_AUTHORITY_HOST or the Azure public cloud's
  std::string source;     // where the assertion comes from: gce, aws, file, ...
};
Result<EntraTarget> resolve_entra_target(CommandInputs const& in, CredentialDeps const& deps);

// A profile resolved as `fedcred azure` resolves it, before any request
// (bad ids, scope or AZURE_AUTHORITY_HOST: Status::usage): what doctor walks.
struct EntraRequest : RunSettings {
  // azure-identity refreshes 5 minutes before expiry (azure.core's
  // BearerTokenCredentialPolicy), as Google's libraries do.
  EntraRequest() { refresh_margin_seconds = 300; }
  std::string profile;
  EntraTarget target;
  SubjectTokenRequest assertion;  // for audience api://AzureADTokenExchange; deadline_ms left 0
};
Result<EntraRequest> resolve_entra_request(CommandInputs const& in, CommandContext const& context);

// fedcred-azure.so's entra_token with `assertion` as the client assertion,
// no cache. A refusal for want of a matching federated identity credential
// (is_unmatched_federated_credential) adds the issuer, subject and audience
// the assertion carries: what to register.
Result<messages::AccessTokenResult> exchange_entra_assertion(EntraTarget const& target, SubjectToken assertion,
                                                             std::int64_t deadline_ms, ModuleRunner& modules,
                                                             Logger const& log);

// Entra's "no federated identity credential matches the assertion" codes in
// an error message: AADSTS70021, 700211, 700212, 700213, 7002137, 7002138.
bool is_unmatched_federated_credential(std::string_view message);

struct IssuedEntraToken {
  Secret access_token;
  std::int64_t expiration = 0;  // unix seconds
  std::string tenant_id;
  std::string client_id;
  std::string scope;  // what the token was asked for
};

// The profile's Entra token for `scope` (empty: the profile's, from --scope,
// its scope key, else https://management.azure.com/.default) through the
// cache and single flight of `fedcred azure` (one entry per scope for both):
// served from the cache while more than `margin_seconds` remain (nullopt:
// the profile's refresh margin, as the command does), else exchanged. Fills
// in `audit`. A bad scope is Status::usage before any request.
Result<IssuedEntraToken> cached_entra_token(CommandInputs const& in, std::string const& scope,
                                            std::optional<std::int64_t> margin_seconds, CredentialDeps const& deps,
                                            AuditRecord& audit);

// The client assertion `fedcred azure` would send for the profile, fetched
// now from its source (never cached), with the target it is for: its iss,
// sub and aud are the federated identity credential the application needs
// (setup azure-federated-credential).
struct EntraAssertion {
  EntraTarget target;
  SubjectToken assertion;
};
Result<EntraAssertion> fetch_entra_assertion(CommandInputs const& in, CommandContext const& context,
                                             ModuleRunner& modules);

// The scope that asks Entra for `resource` (a managed-identity request's
// `resource`, an `az --resource`): RESOURCE + "/.default", the trailing '/'
// of the resource kept, as MSAL and the Azure CLI make it
// ("https://management.azure.com/" -> "https://management.azure.com//.default").
std::string entra_scope_for_resource(std::string_view resource);

// options: "format" (token | json: the document `az account get-access-token`
// prints); output_file: write there (atomic, 0600) and print nothing.
Result<Secret> run_azure_command(CommandInputs const& in, CommandOptions const& options,
                                 std::string const& output_file, CredentialDeps const& deps);

}  // namespace fedcred
