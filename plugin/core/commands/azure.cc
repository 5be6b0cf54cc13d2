// SPDX-License-Identifier: Apache-2.0
#include "commands/azure.h"

#include <time.h>

#include <algorithm>
#include <utility>

#include "azure_ids.h"
#include "cache/key.h"
#include "commands/cached_credentials.h"
#include "commands/subject.h"
#include "config/profile.h"
#include "fedcred/module.h"
#include "flows/instance_role.h"
#include "flows/metadata_account.h"
#include "flows/subject_token.h"
#include "module_messages.h"
#include "output/json_writer.h"
#include "output/output_file.h"

namespace fedcred {
namespace {

constexpr char kAccessToken[] = "access_token";
constexpr char kSubject[] = "subject";  // not secret: whose assertion, for the audit trail of cache hits
// Entra's access tokens live 60 to 90 minutes by default; a token lifetime
// policy may ask for up to a day. Anything later is not Entra's answer.
constexpr std::int64_t kMaxTokenLifetimeSeconds = 24 * 3600;

Result<std::string> authority_of(Env const& env) {
  auto host = env.get("AZURE_AUTHORITY_HOST");
  if (!host || host->empty()) return std::string(azure::kPublicCloudAuthority);
  auto authority = azure::normalize_authority(*host);
  if (!authority) return Error(std::move(authority).error()).prefix("AZURE_AUTHORITY_HOST");
  return authority;
}

Result<EntraRequest> resolve(CommandInputs const& in, Env const& env, ConfigSet const& files,
                             std::int64_t default_timeout) {
  // The assertion is a subject token as `fedcred token` gets one (source,
  // token_file, region, token_duration), always for Entra's audience.
  CommandInputs assertion_inputs = in;
  assertion_inputs.explicit_settings["audience"] =
      Setting{azure::kTokenExchangeAudience, "the audience of an Entra client assertion"};
  auto subject = resolve_subject_request(SubjectCommand::token, files, assertion_inputs, env, default_timeout);
  if (!subject) return std::move(subject).error();
  auto settings = effective_settings(files, in.profile, in.explicit_settings, env);
  if (!settings) return std::move(settings).error();
  Settings const& s = *settings;

  EntraRequest req;
  // timeout, cache, refresh_margin and log, read by resolve_subject_request
  // with the same default margin.
  static_cast<RunSettings&>(req) = static_cast<RunSettings const&>(*subject);
  req.profile = in.profile;
  req.assertion = std::move(subject->token);
  EntraTarget& t = req.target;
  t.source = req.assertion.source;
  auto const* tenant = setting_value(s, "tenant_id");
  auto const* client = setting_value(s, "client_id");
  if (tenant == nullptr) {
    return make_error(Status::usage, "no tenant id: pass --tenant-id (the Entra directory's GUID or domain) or set "
                                     "tenant_id in the profile");
  }
  if (client == nullptr) {
    return make_error(Status::usage, "no client id: pass --client-id (the application whose federated credential "
                                     "trusts this workload) or set client_id in the profile");
  }
  t.tenant_id = *tenant;
  t.client_id = *client;
  t.scope = azure::kDefaultScope;
  if (auto const* v = setting_value(s, "scope")) t.scope = *v;
  auto authority = authority_of(env);
  if (!authority) return std::move(authority).error();
  t.authority = std::move(*authority);
  return req;
}

CacheKey azure_cache_key(EntraRequest const& r) {
  return CacheKeyBuilder("azure")
      .add("profile", r.profile)  // see aws_cache_key
      .add("authority", r.target.authority)
      .add("tenant_id", r.target.tenant_id)
      .add("client_id", r.target.client_id)
      .add("scope", r.target.scope)
      // Whose assertion (source, endpoints, the AWS identity or metadata
      // account that signs): the subject token's own key, never a secret.
      .add("assertion", subject_cache_key(r.profile, r.assertion).canonical)
      .build();
}

// The refusal with what to register: the assertion's own iss, sub and aud
// (identifiers, never the token), as setup azure-federated-credential prints them.
Error with_triple_to_register(Error error, JwtClaims const& claims) {
  if (error.status == Status::denied && is_unmatched_federated_credential(error.message)) {
    error.message += "; this machine's assertion carries issuer " + claims.iss + ", subject " + claims.sub +
                     ", audience " + claims.aud +
                     " (fedcred setup azure-federated-credential prints the az command that registers them)";
  }
  return error;
}

Result<CacheEntry> fetch(EntraRequest const& r, CredentialDeps const& deps) {
  auto assertion = fetch_subject_token(r.assertion, deps.env, deps.modules, deps.log);
  if (!assertion) return std::move(assertion).error();
  std::string const subject = assertion->subject;
  auto token = exchange_entra_assertion(r.target, std::move(*assertion), r.assertion.deadline_ms, deps.modules,
                                        deps.log);
  if (!token) return std::move(token).error();
  deps.log.info("issued an Entra token for client " + r.target.client_id + " in tenant " + r.target.tenant_id +
                " (" + r.target.scope + ") to " + subject);
  CacheEntry e;
  e.profile = r.profile;
  e.label = r.target.scope;
  e.expiration = token->expiration;
  e.values[kAccessToken] = std::move(token->access_token);
  e.values[kSubject] = Secret(subject);
  return e;
}

// "2026-12-05 10:00:00.000000" in local time: `az account get-access-token`'s
// expiresOn (datetime.fromtimestamp(...).strftime("%Y-%m-%d %H:%M:%S.%f")).
std::string az_local_time(std::int64_t unix_seconds) {
  time_t const t = static_cast<time_t>(unix_seconds);
  struct tm local {};
  if (localtime_r(&t, &local) == nullptr) return "";
  char text[40];
  std::size_t const n = strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S.000000", &local);
  return std::string(text, n);
}

}  // namespace

Result<EntraRequest> resolve_entra_request(CommandInputs const& in, CommandContext const& context) {
  auto files = load_command_config(in, context);
  if (!files) return std::move(files).error();
  return resolve(in, context.env, *files, context.default_timeout_seconds);
}

Result<EntraTarget> resolve_entra_target(CommandInputs const& in, CredentialDeps const& deps) {
  auto r = resolve_entra_request(in, deps);
  if (!r) return std::move(r).error();
  return std::move(r->target);
}

// Entra's "no federated identity credential matches the assertion" codes
// (modules/azure/entra_errors.cc gives each its fix): the application lacks
// exactly the triple this assertion carries.
bool is_unmatched_federated_credential(std::string_view message) {
  for (std::string_view code : {"AADSTS70021", "AADSTS700211", "AADSTS700212", "AADSTS700213", "AADSTS7002137",
                                "AADSTS7002138"}) {
    for (auto at = message.find(code); at != std::string_view::npos; at = message.find(code, at + 1)) {
      std::size_t const end = at + code.size();
      if (end == message.size() || message[end] < '0' || message[end] > '9') return true;
    }
  }
  return false;
}

Result<messages::AccessTokenResult> exchange_entra_assertion(EntraTarget const& target, SubjectToken assertion,
                                                             std::int64_t deadline_ms, ModuleRunner& modules,
                                                             Logger const& log) {
  messages::EntraTokenParams params;
  params.authority = target.authority;
  params.tenant_id = target.tenant_id;
  params.client_id = target.client_id;
  params.scope = target.scope;
  params.client_assertion = std::move(assertion.token);
  params.deadline_ms = deadline_ms;
  auto results = modules.run("azure", FEDCRED_OP_ENTRA_TOKEN, messages::encode(params), log);
  if (!results) return with_triple_to_register(std::move(results).error(), assertion.claims);
  auto token = messages::decode_access_token_result(messages::reader_of(*results));
  if (!token) return Error(std::move(token).error()).prefix("module azure");
  return token;
}

Result<EntraAssertion> fetch_entra_assertion(CommandInputs const& in, CommandContext const& context,
                                             ModuleRunner& modules) {
  auto r = resolve_entra_request(in, context);
  if (!r) return std::move(r).error();
  SubjectTokenRequest& t = r->assertion;
  t.deadline_ms = run_started_ms(context) + r->timeout_seconds * 1000;
  auto token = fetch_subject_token(t, context.env, modules, context.log);
  if (!token) return std::move(token).error();
  return EntraAssertion{std::move(r->target), std::move(*token)};
}

std::string entra_scope_for_resource(std::string_view resource) { return std::string(resource) + "/.default"; }

Result<IssuedEntraToken> cached_entra_token(CommandInputs const& in, std::string const& scope,
                                            std::optional<std::int64_t> margin_seconds, CredentialDeps const& deps,
                                            AuditRecord& audit) {
  auto resolved = resolve_entra_request(in, deps);
  if (!resolved) return std::move(resolved).error();
  EntraRequest& req = *resolved;
  if (!scope.empty()) {
    if (auto checked = azure::check_scope(scope); !checked) return checked.error();
    req.target.scope = scope;
  }
  if (margin_seconds) req.refresh_margin_seconds = *margin_seconds;
  audit.profile = req.profile;
  audit.source = req.assertion.source;
  audit.target = req.target.tenant_id + "/" + req.target.client_id + " " + req.target.scope;
  choose_audit_target(req, deps, audit);

  // One deadline for the run: the lock wait, the assertion and the exchange.
  std::int64_t const started_ms = run_started_ms(deps);
  req.assertion.deadline_ms = started_ms + req.timeout_seconds * 1000;
  // The key names who signs the assertion, asked on a hit too (issues 12.1
  // and 21.12): a replaced instance role or service account is a new key.
  auto named = name_instance_role(req.assertion.aws_link, req.assertion.imds_endpoint, deps.instance_role,
                                  req.assertion.deadline_ms);
  if (!named) return std::move(named).error();
  if (req.cache) {
    auto account = name_metadata_account(req.assertion.source, req.assertion.metadata_host, deps.metadata_account,
                                         req.assertion.deadline_ms);
    if (!account) return std::move(account).error();
    req.assertion.metadata_account = std::move(*account);
  }
  auto do_fetch = [&]() { return fetch(req, deps); };
  auto usable = [](CacheEntry const& e) { return e.values.count(kAccessToken) != 0; };
  FetchBounds const bounds{started_ms, kMaxTokenLifetimeSeconds};
  auto entry = cached_credentials(azure_cache_key(req), req, bounds, do_fetch, usable, deps, &audit.cache);
  if (!entry) return std::move(entry).error();
  audit.expiration = entry->expiration;
  if (auto it = entry->values.find(kSubject); it != entry->values.end()) audit.subject = it->second.reveal();
  return IssuedEntraToken{entry->values.at(kAccessToken), entry->expiration, req.target.tenant_id,
                          req.target.client_id, req.target.scope};
}

Result<Secret> run_azure_command(CommandInputs const& in, CommandOptions const& options,
                                 std::string const& output_file, CredentialDeps const& deps) {
  std::string format = "token";
  if (auto it = options.find("format"); it != options.end()) format = it->second;
  AuditRecord scratch;
  AuditRecord& audit = deps.audit != nullptr ? *deps.audit : scratch;
  auto issued = cached_entra_token(in, "", std::nullopt, deps, audit);
  if (!issued) return std::move(issued).error();

  Secret document;
  if (format == "json") {
    // The keys and order of `az account get-access-token` (without
    // subscription: fedcred knows the tenant, not a subscription).
    JsonWriter w;
    w.string("accessToken", issued->access_token.reveal())
        .string("expiresOn", az_local_time(issued->expiration))
        .number("expires_on", issued->expiration)
        .string("tenant", issued->tenant_id)
        .string("tokenType", "Bearer");
    document = w.finish();
  } else {
    document = issued->access_token;
  }
  if (output_file.empty()) return document;
  // As `fedcred token --output`: the file holds the document alone, no
  // newline, so a reader can send it verbatim.
  auto written = write_file_atomically(output_file, document.reveal());
  if (!written) return std::move(written).error();
  return Secret();
}

}  // namespace fedcred
