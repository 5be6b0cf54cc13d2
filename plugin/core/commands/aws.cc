// SPDX-License-Identifier: Apache-2.0
#include "commands/aws.h"

#include <optional>
#include <utility>

#include "commands/cached_credentials.h"
#include "config/profile.h"
#include "time_format.h"

namespace fedcred {
namespace {

constexpr char kAccessKeyId[] = "AccessKeyId";
constexpr char kSecretAccessKey[] = "SecretAccessKey";
constexpr char kSessionToken[] = "SessionToken";
// Not secret: kept with the credentials so a cache hit is audited like the
// issuance it replays.
constexpr char kSubject[] = "Subject";
constexpr char kSessionName[] = "SessionName";
constexpr char kRequestId[] = "RequestId";

CacheEntry to_cache_entry(AwsRequest const& req, AwsCredentials const& creds) {
  CacheEntry e;
  e.profile = req.profile;
  e.label = req.role_arn;
  e.expiration = creds.expiration;
  e.values[kAccessKeyId] = creds.access_key_id;
  e.values[kSecretAccessKey] = creds.secret_access_key;
  e.values[kSessionToken] = creds.session_token;
  e.values[kSubject] = Secret(creds.subject);
  e.values[kSessionName] = Secret(creds.session_name);
  e.values[kRequestId] = Secret(creds.request_id);
  return e;
}

std::optional<AwsCredentials> from_cache_entry(CacheEntry const& e) {
  auto get = [&](char const* k) -> Secret const* {
    auto it = e.values.find(k);
    return it == e.values.end() || it->second.empty() ? nullptr : &it->second;
  };
  auto const *akid = get(kAccessKeyId), *secret = get(kSecretAccessKey), *token = get(kSessionToken);
  if (akid == nullptr || secret == nullptr || token == nullptr) return std::nullopt;
  AwsCredentials c;
  c.access_key_id = *akid;
  c.secret_access_key = *secret;
  c.session_token = *token;
  c.expiration = e.expiration;
  auto text = [&](char const* k) { return get(k) == nullptr ? std::string() : get(k)->reveal(); };
  c.subject = text(kSubject);
  c.session_name = text(kSessionName);
  c.request_id = text(kRequestId);
  return c;
}

}  // namespace

CacheKey aws_cache_key(AwsRequest const& req, std::string const& metadata_account) {
  return CacheKeyBuilder("aws")
      // The profile is part of the key although it changes nothing on the wire:
      // `cache clear --profile P` must remove every entry P would be served.
      .add("profile", req.profile)
      .add("source", req.source)
      .add("token_file", req.token_file)
      .add("metadata_host", req.metadata_host.url)
      // Whose token the session was made from (issue 21.12): after
      // set-service-account the old account's session is never served.
      .add("metadata_account", metadata_account)
      // Source azure: the identity asked of Azure IMDS names the key (issue
      // 22.5): the resource (the token's aud), the user-assigned identity or
      // the system-assigned one, and the endpoint. Not asked on a hit: IMDS
      // has no cheaper question than a token (docs/DESIGN.md).
      .add("azure_resource", req.azure.resource)
      .add("azure_identity", req.source == kAzureSource ? describe_managed_identity(req.azure.identity) : "")
      .add("azure_imds_endpoint", req.azure.imds_endpoint)
      .add("audience", req.audience)
      .add("role_arn", req.role_arn)
      .add("region", req.region)
      .add("sts_endpoint", req.sts.url)
      .add("session_name", req.session_name ? "=" + *req.session_name : std::string("(derived)"))
      .add("duration", std::to_string(req.duration_seconds))
      .build();
}

Result<AwsRequest> resolve_aws_command(CommandInputs const& in, CredentialDeps const& deps) {
  auto config = load_command_config(in, deps);
  if (!config) return std::move(config).error();
  return resolve_aws_request(*config, in.profile, in.explicit_settings, deps.env, deps.default_timeout_seconds);
}

Result<AwsCredentials> cached_aws_credentials(AwsRequest const& req, std::int64_t margin_seconds,
                                              CredentialDeps const& deps, AuditRecord& audit) {
  // One deadline for the whole call: the lock wait and the fetch after it.
  std::int64_t const started_ms = run_started_ms(deps);
  std::int64_t const deadline_ms = started_ms + req.timeout_seconds * 1000;
  audit.profile = req.profile;
  audit.source = req.source;
  audit.target = req.role_arn;
  choose_audit_target(req, deps, audit);

  auto fetch = [&]() -> Result<CacheEntry> {
    auto creds = fetch_aws_credentials(req, FlowDeps{deps.env, deps.clock, deps.modules, deps.log, deadline_ms});
    if (!creds) return std::move(creds).error();
    deps.log.info("issued credentials for " +
                  (creds->assumed_role_arn.empty() ? req.role_arn : creds->assumed_role_arn) + " until " +
                  format_rfc3339_utc(creds->expiration) +
                  (creds->request_id.empty() ? std::string() : " (STS request id " + creds->request_id + ")"));
    return to_cache_entry(req, *creds);
  };
  auto usable = [](CacheEntry const& e) { return from_cache_entry(e).has_value(); };
  RunSettings run = req;
  run.refresh_margin_seconds = margin_seconds;
  // The key names the metadata server's account, asked on a hit too (an
  // uncached run needs no key and asks nothing more).
  Result<std::string> account = std::string();
  if (req.cache) account = name_metadata_account(req.source, req.metadata_host.url, deps.metadata_account, deadline_ms);
  if (!account) return std::move(account).error();
  auto entry = cached_credentials(aws_cache_key(req, *account), run, FetchBounds{started_ms, req.duration_seconds}, fetch, usable,
                                  deps, &audit.cache);
  if (!entry) return std::move(entry).error();
  auto creds = from_cache_entry(*entry);
  if (!creds) return make_error(Status::internal, "credentials without their fields");
  audit.subject = creds->subject;
  audit.session_name = creds->session_name;
  audit.request_id = creds->request_id;
  audit.expiration = creds->expiration;
  return std::move(*creds);
}

Result<Secret> run_aws_command(CommandInputs const& in, CredentialDeps const& deps) {
  auto req = resolve_aws_command(in, deps);
  if (!req) return std::move(req).error();
  AuditRecord scratch;
  AuditRecord& audit = deps.audit != nullptr ? *deps.audit : scratch;
  auto creds = cached_aws_credentials(*req, req->refresh_margin_seconds, deps, audit);
  if (!creds) return std::move(creds).error();
  return render_credential_process(*creds);
}

}  // namespace fedcred
