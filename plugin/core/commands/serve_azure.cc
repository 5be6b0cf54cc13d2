// SPDX-License-Identifier: Apache-2.0
#include "commands/serve_azure.h"

#include <mutex>
#include <utility>

#include "commands/azure.h"
#include "time_format.h"

namespace fedcred {
namespace {

class EntraTokenSource final : public AzureTokenSource {
 public:
  EntraTokenSource(std::string config_file, CredentialDeps const& deps)
      : config_file_(std::move(config_file)), deps_(deps) {}

  Result<std::string> client_id(std::string const& profile) override {
    auto target = resolve_entra_target(inputs(profile), deps_);
    if (!target) return std::move(target).error();
    return target->client_id;
  }

  Result<AzureAccessToken> current_token(std::string const& profile, std::string const& resource,
                                         AuditRecord& audit) override {
    // The server's threads ask concurrently; the exchange's dependencies
    // (module runner, libcurl's global state) are made for one caller at a
    // time. A hit takes milliseconds; a miss holds the others for at most
    // its deadline.
    std::lock_guard<std::mutex> lock(mutex_);
    auto issued = cached_entra_token(inputs(profile), entra_scope_for_resource(resource), std::nullopt, deps_, audit);
    if (!issued) return std::move(issued).error();
    return AzureAccessToken{std::move(issued->access_token), issued->expiration};
  }

 private:
  CommandInputs inputs(std::string const& profile) const { return CommandInputs{profile, config_file_, {}}; }

  std::string config_file_;
  CredentialDeps const& deps_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<AzureTokenSource> make_azure_token_source(std::string config_file, CredentialDeps const& deps) {
  return std::make_unique<EntraTokenSource>(std::move(config_file), deps);
}

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
