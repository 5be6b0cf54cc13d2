// SPDX-License-Identifier: Apache-2.0
#include "commands/subject.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "commands/cached_credentials.h"
#include "commands/credential_deps.h"
#include "config/profile.h"
#include "flows/signer_identity.h"
#include "time_format.h"

namespace fedcred {
namespace {

constexpr char kSubjectToken[] = "subject_token";
constexpr char kSubject[] = "subject";  // not secret: for the audit trail of cache hits
// What Azure IMDS hands out (expires_in 86399 for a cold token).
constexpr std::int64_t kAzureManagedIdentityTokenSeconds = 24 * 3600;

bool is_resource_id(std::string_view v) {
  if (v.empty() || v.size() > 63) return false;
  for (char c : v) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

Result<std::string> gcp_provider_audience(std::string_view audience) {
  std::string_view rest = audience;
  if (rest.substr(0, 6) == "https:") rest.remove_prefix(6);
  constexpr std::string_view kPrefix = "//iam.googleapis.com/projects/";
  bool ok = rest.substr(0, kPrefix.size()) == kPrefix;
  if (ok) {
    rest.remove_prefix(kPrefix.size());
    auto slash = rest.find('/');
    auto number = rest.substr(0, slash);
    ok = slash != std::string_view::npos && !number.empty() &&
         number.find_first_not_of("0123456789") == std::string_view::npos;
    if (ok) rest.remove_prefix(slash);
    constexpr std::string_view kPool = "/locations/global/workloadIdentityPools/";
    ok = ok && rest.substr(0, kPool.size()) == kPool;
    if (ok) {
      rest.remove_prefix(kPool.size());
      auto pool_end = rest.find("/providers/");
      ok = pool_end != std::string_view::npos && is_resource_id(rest.substr(0, pool_end)) &&
           is_resource_id(rest.substr(pool_end + 11));
    }
  }
  if (!ok) {
    return make_error(Status::usage,
                      "audience '" + std::string(audience) +
                          "' is not a workload identity provider (//iam.googleapis.com/projects/NUMBER/locations/"
                          "global/workloadIdentityPools/POOL/providers/PROVIDER)");
  }
  std::string_view resource = audience.substr(0, 6) == "https:" ? audience.substr(6) : audience;
  return "https:" + std::string(resource);
}

Result<SubjectCommandRequest> resolve_subject_request(SubjectCommand command, ConfigSet const& config,
                                                      CommandInputs const& in, Env const& env,
                                                      std::int64_t default_timeout_seconds) {
  Settings explicit_settings = in.explicit_settings;
  // Google's libraries tell the executable which provider they exchange for;
  // a flag still wins, the profile only fills in when neither says.
  if (command == SubjectCommand::gcp && explicit_settings.count("audience") == 0) {
    if (auto aud = env.get("GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE")) {
      explicit_settings["audience"] = Setting{*aud, "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE"};
    }
  }
  auto settings = effective_settings(config, in.profile, explicit_settings, env);
  if (!settings) return std::move(settings).error();
  Settings const& s = *settings;

  SubjectCommandRequest req;
  req.profile = in.profile;
  req.timeout_seconds = default_timeout_seconds;
  SubjectTokenRequest& t = req.token;
  t.source = command == SubjectCommand::gcp ? "aws" : "gce";
  if (auto v = setting_value(s, "source")) t.source = *v;
  if (auto v = setting_value(s, "token_file")) t.token_file = *v;
  if (auto v = setting_value(s, "region")) t.region = *v;
  if (auto v = setting_value(s, "token_duration")) t.token_duration_seconds = parse_int(*v);
  apply_run_settings(s, req);

  auto const* audience = setting_value(s, "audience");
  if (command == SubjectCommand::gcp) {
    if (audience == nullptr) {
      return make_error(Status::usage,
                        "no audience: Google's libraries set GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE; otherwise pass "
                        "--audience //iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/"
                        "POOL/providers/PROVIDER or set audience in the profile");
    }
    auto provider = gcp_provider_audience(*audience);
    if (!provider) return Error(std::move(provider).error()).prefix(s.at("audience").origin);
    t.audience = std::move(*provider);
  } else if (t.source == kAzureSource) {
    // the resource (azure_token_audience, below)
  } else if (audience != nullptr) {
    t.audience = *audience;
  } else if (t.source == "gce") {
    t.audience = "sts.amazonaws.com";
  } else if (t.source != "file") {
    return make_error(Status::usage, "source '" + t.source + "' needs an audience: pass --audience or set it in the profile");
  }

  if (t.source == "gce") {
    auto host = gce_metadata_host(env);
    if (!host) return std::move(host).error();
    t.metadata_host = host->url;
  } else if (t.source == kAzureSource) {
    auto azure = resolve_azure_source(s, env);
    if (!azure) return std::move(azure).error();
    t.azure = std::move(*azure);
    if (command == SubjectCommand::token) {
      auto token_audience = azure_token_audience(s, t.azure);
      if (!token_audience) return std::move(token_audience).error();
      t.audience = std::move(*token_audience);
    }
  } else if (t.source == "aws") {
    auto imds = imds_endpoint(env);
    if (!imds) return std::move(imds).error();
    t.imds_endpoint = imds->url;
    auto link = select_aws_link(env, t.imds_endpoint);
    if (!link) return std::move(link).error();
    t.aws_link = std::move(*link);
    // An explicit STS endpoint is honoured as for every AWS tool; otherwise
    // the module picks the regional endpoint once it knows the region.
    if (env.get("AWS_ENDPOINT_URL_STS")) {
      auto sts = sts_endpoint(t.region.empty() ? "us-east-1" : t.region, false, env);
      if (!sts) return std::move(sts).error();
      t.sts_endpoint_override = sts->url;
    }
  }
  return req;
}

CacheKey subject_cache_key(std::string const& profile, SubjectTokenRequest const& t) {
  return CacheKeyBuilder("subject-token")
      .add("profile", profile)  // see aws_cache_key
      .add("source", t.source)
      .add("audience", t.audience)
      .add("metadata_host", t.metadata_host)
      // Whose token (issue 21.12): a metadata server re-bound to another
      // service account is a new key. Not a secret.
      .add("metadata_account", t.metadata_account)
      .add("imds_endpoint", t.imds_endpoint)
      .add("region", t.region)
      .add("sts_endpoint", t.sts_endpoint_override)
      .add("token_duration", std::to_string(t.token_duration_seconds))
      // Which AWS identity signs (issue 12.1): two key pairs or an instance
      // role under one profile and audience must never share an entry. No secret.
      .add("aws_link", t.aws_link.link)
      .add("aws_identity", t.aws_link.identity)
      // Source azure: the managed identity asked for (see aws_cache_key).
      .add("azure_resource", t.azure.resource)
      .add("azure_identity", t.source == kAzureSource ? describe_managed_identity(t.azure.identity) : "")
      .add("azure_imds_endpoint", t.azure.imds_endpoint)
      .build();
}

namespace {

// The token, from the cache when fresh; `cache_use` says how it was obtained.
Result<SubjectToken> cache_first_token(SubjectCommandRequest const& req, CredentialDeps const& deps,
                                       CacheUse& cache_use) {
  SubjectTokenRequest t = req.token;
  std::int64_t const started_ms = run_started_ms(deps);
  t.deadline_ms = started_ms + req.timeout_seconds * 1000;
  // Handing out an expired token would only move the failure to the consumer.
  auto unexpired = [&](Result<SubjectToken> token) -> Result<SubjectToken> {
    if (token && token->expiration <= 0) {
      return make_error(Status::source, "source '" + t.source + "' returned a token without an expiry (exp claim)");
    }
    if (token && token->expiration <= deps.clock.unix_seconds()) {
      return make_error(Status::source, "source '" + t.source + "' returned a token that expired at " +
                                            format_rfc3339_utc(token->expiration));
    }
    return token;
  };
  if (t.source == "file") return unexpired(fetch_subject_token(t, deps.env, deps.modules, deps.log));
  // The key names who signs, confirmed on a hit too (flows/signer_identity.h):
  // a replaced instance profile or another container token is a new key.
  auto named = confirm_signer(t.aws_link, deps.env, t.imds_endpoint, deps.instance_role, t.deadline_ms);
  if (!named) return std::move(named).error();
  // The same for the metadata server's service account (issue 21.12); an
  // uncached run needs no key and asks nothing more.
  Result<std::string> account = std::string();
  if (req.cache) account = name_metadata_account(t.source, t.metadata_host, deps.metadata_account, t.deadline_ms);
  if (!account) return std::move(account).error();
  t.metadata_account = std::move(*account);

  auto fetch = [&]() -> Result<CacheEntry> {
    auto token = unexpired(fetch_subject_token(t, deps.env, deps.modules, deps.log));
    if (!token) return std::move(token).error();
    CacheEntry e;
    e.profile = req.profile;
    e.label = t.audience;
    e.expiration = token->expiration;
    e.values[kSubjectToken] = token->token;
    e.values[kSubject] = Secret(token->claims.sub);
    return e;
  };
  auto usable = [](CacheEntry const& e) { return e.values.count(kSubjectToken) != 0; };
  // Google ID tokens live an hour; GetWebIdentityToken tokens what was asked;
  // Azure managed-identity tokens about a day (docs/PROTOCOLS.md 13).
  std::int64_t const longest = t.source == kAzureSource ? kAzureManagedIdentityTokenSeconds : 3600;
  FetchBounds const bounds{started_ms, std::max<std::int64_t>(t.token_duration_seconds, longest)};
  auto entry = cached_credentials(subject_cache_key(req.profile, t), req, bounds, fetch, usable, deps, &cache_use);
  if (!entry) return std::move(entry).error();
  SubjectToken out;
  out.token = entry->values.at(kSubjectToken);
  out.expiration = entry->expiration;  // claims stay empty: no caller needs them on this path
  if (auto it = entry->values.find(kSubject); it != entry->values.end()) out.subject = it->second.reveal();
  return out;
}

}  // namespace

Result<SubjectToken> cached_subject_token(SubjectCommandRequest const& req, CredentialDeps const& deps) {
  AuditRecord scratch;
  AuditRecord& audit = deps.audit != nullptr ? *deps.audit : scratch;
  audit.profile = req.profile;
  audit.source = req.token.source;
  audit.target = req.token.audience;
  choose_audit_target(req, deps, audit);
  auto token = cache_first_token(req, deps, audit.cache);
  if (token) {
    audit.expiration = token->expiration;
    audit.subject = token->subject;
  }
  return token;
}


}  // namespace fedcred
