// SPDX-License-Identifier: Apache-2.0
#include "commands/serve_azure.h"

#include <utility>

#include "time_format.h"

namespace fedcred {

Result<ServerOptions::Azure> served_azure(std::string const& profile, AzureTokenSource& source,
                                          CredentialDeps const& deps) {
  auto client_id = source.client_id(profile);
  if (!client_id) return std::move(client_id).error().prefix("--azure-profile " + profile);
  ServerOptions::Azure azure;
  azure.client_id = std::move(*client_id);
  azure.token = [profile, &source, &deps](std::string const& resource) -> Result<AzureServedToken> {
    AuditRecord audit;
    audit.command = "serve";
    audit.profile = profile;
    auto token = source.current_token(profile, resource, audit);
    if (!token) {
      Error e = std::move(token).error();
      e.message = scrub_secrets(e.message);
      write_audit(audit, e.status, e.message, deps.env, false);
      deps.log.warning("Azure token for " + resource + " (profile " + profile + "): " + e.message);
      return e;
    }
    // One audit line per token fetched, however many requests it then
    // answers (the module reports who was served, once a minute).
    if (audit.cache == CacheUse::miss) {
      write_audit(audit, Status::ok, "", deps.env, false);
      deps.log.info("serving an Entra token for " + resource + " (profile " + profile + ") until " +
                    format_rfc3339_utc(token->expiration));
    }
    return AzureServedToken{std::move(token->access_token), token->expiration};
  };
  return azure;
}

}  // namespace fedcred
