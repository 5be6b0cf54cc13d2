// SPDX-License-Identifier: Apache-2.0
#include "commands/access_token.h"

#include <algorithm>

#include <utility>

#include "cache/key.h"
#include "commands/cached_credentials.h"
#include "commands/registry.h"
#include "commands/subject.h"
#include "config/config.h"
#include "config/profile.h"
#include "files/secret_file.h"
#include "flows/aws_chain.h"
#include "flows/credential_config.h"
#include "flows/credential_config_rules.h"
#include "flows/signer_identity.h"
#include "flows/subject_token.h"
#include "output/json_writer.h"
#include "output/output_file.h"
#include "fedcred/module.h"
#include "module_messages.h"
#include "time_format.h"
#include "url.h"

namespace fedcred {
namespace {

constexpr char kAccessToken[] = "access_token";
constexpr char kSubject[] = "subject";  // not secret: who signed, for the audit trail of cache hits
constexpr char kDefaultScope[] = "https://www.googleapis.com/auth/cloud-platform";
constexpr char kJwtType[] = "urn:ietf:params:oauth:token-type:jwt";

struct AccessTokenRequest : RunSettings {
  // Google's libraries refresh 5 minutes before expiry (docs/PROTOCOLS.md 8.1).
  AccessTokenRequest() { refresh_margin_seconds = 300; }
  std::string profile;
  CredentialConfig config;
  std::string scope;   // space-separated
  std::string project_id;  // not part of the exchange: what `fedcred serve` tells clients
  std::string region;  // aws1: empty = from IMDS
  std::string imds_endpoint;
  AwsChainLink aws_link;
  std::string sts_endpoint;  // aws1 + IRSA: the STS override, empty = regional
  CommandInputs executable;  // fedcred_executable: `fedcred gcp`'s profile and flags
  AzureSourceInputs azure;   // azure_imds: what the config's IMDS URL asks for
};

// The inputs of the config's `fedcred gcp ...` as the command line would give
// them: each word through the gcp row's flags and validators (so `--source
// azure --azure-resource R`, issue 22.5, means here what it means to Google's
// libraries running the command). A flag this in-process run cannot honour
// (--config: access-token's configuration is the one read) is refused.
Result<CommandInputs> executable_inputs(CredentialConfig const& c, std::string const& config_file) {
  CommandRow const* gcp = find_front_row("gcp");
  if (gcp == nullptr) return make_error(Status::internal, "no gcp row");
  std::string const origin = "credential_source.executable.command of " + c.path;
  CommandInputs inner;
  inner.profile = c.executable_profile;
  inner.config_file = config_file;
  auto const& words = c.executable_args;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string const& word = words[i];
    auto const eq = word.find('=');
    std::string const spelling = word.rfind("--", 0) == 0 ? word.substr(2, eq == std::string::npos ? eq : eq - 2) : "";
    FlagRow const* flag = nullptr;
    for (auto const& f : gcp->flags) {
      if (!spelling.empty() && f.spelling == spelling) flag = &f;
    }
    if (flag == nullptr || flag->target == FlagTarget::config || flag->target == FlagTarget::option) {
      return make_error(Status::usage, origin + ": '" + word.substr(0, 64) +
                                           "' is not a flag fedcred access-token runs in-process (the settings "
                                           "flags of 'fedcred gcp' and --profile)");
    }
    std::string value;
    if (flag->arity != FlagArity::value) {
      value = flag->arity == FlagArity::switch_on ? "true" : "false";
    } else if (eq != std::string::npos) {
      value = word.substr(eq + 1);
    } else if (i + 1 < words.size()) {
      value = words[++i];
    } else {
      return make_error(Status::usage, origin + ": " + flag_origin(*flag) + " needs a value");
    }
    if (flag->target == FlagTarget::profile) continue;  // executable_profile
    if (auto ok = flag->validate(flag->key, value); !ok) {
      return Error(std::move(ok).error()).prefix(origin + ": " + flag_origin(*flag));
    }
    inner.explicit_settings[std::string(flag->key)] = Setting{value, origin + " " + flag_origin(*flag)};
  }
  return inner;
}

// scheme://host[:port] of the config's IMDS URLs: they all name one server.
std::string url_base(std::string const& url) {
  auto parsed = modules::parse_url(url);
  return parsed ? parsed->origin() : std::string();
}

Result<AccessTokenRequest> resolve(CommandInputs const& in, Env const& env, ConfigSet const& files,
                                   std::int64_t default_timeout) {
  auto settings = effective_settings(files, in.profile, in.explicit_settings, env);
  if (!settings) return std::move(settings).error();
  Settings const& s = *settings;
  AccessTokenRequest req;
  req.profile = in.profile;
  req.timeout_seconds = default_timeout;
  apply_run_settings(s, req);
  auto const* path = setting_value(s, "credential_config");
  if (path == nullptr) {
    return make_error(Status::usage, "no credential config: pass --credential-config FILE (the external_account JSON "
                                     "from gcloud iam workload-identity-pools create-cred-config) or set "
                                     "credential_config in the profile");
  }
  auto config = load_checked_credential_config(*path, s);
  if (!config) return std::move(config).error();
  req.config = std::move(*config);
  std::string scopes = kDefaultScope;
  if (auto const* v = setting_value(s, "scopes")) scopes = *v;
  for (char& c : scopes) c = c == ',' ? ' ' : c;
  req.scope = scopes;
  if (auto const* v = setting_value(s, "region")) req.region = *v;
  if (auto const* v = setting_value(s, "project_id")) req.project_id = *v;

  if (req.config.source == CredentialConfig::Source::fedcred_executable) {
    auto inner = executable_inputs(req.config, in.config_file);
    if (!inner) return std::move(inner).error();
    req.executable = std::move(*inner);
  }
  if (req.config.source == CredentialConfig::Source::azure_imds) {
    // Where the config says, as Google's libraries ask (the rules checked it).
    auto endpoint = checked_azure_imds_url(req.config.credentials_url, "credential_source.url", true);
    if (!endpoint) return std::move(endpoint).error();
    req.azure = AzureSourceInputs{req.config.azure_resource, req.config.azure_identity, std::move(*endpoint)};
  }
  if (req.config.source == CredentialConfig::Source::aws1) {
    // Google's libraries read IMDS where the config says; so does fedcred
    // (AWS_EC2_METADATA_SERVICE_ENDPOINT still wins, as for every AWS tool).
    std::string base = url_base(!req.config.credentials_url.empty() ? req.config.credentials_url : req.config.region_url);
    auto imds = imds_endpoint(env);
    if (!imds) return std::move(imds).error();
    req.imds_endpoint = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") || base.empty() ? imds->url : base;
    auto link = select_aws_link(env, req.imds_endpoint);
    if (!link) return std::move(link).error();
    req.aws_link = std::move(*link);
    // IRSA's AssumeRoleWithWebIdentity goes where every AWS tool sends STS calls.
    if (env.get("AWS_ENDPOINT_URL_STS")) {  // never the generic AWS_ENDPOINT_URL: see endpoints.h
      auto sts = sts_endpoint(req.region.empty() ? "us-east-1" : req.region, false, env);
      if (!sts) return std::move(sts).error();
      req.sts_endpoint = sts->url;
    }
  }
  return req;
}

// The executable's words, one per line (a word holds no newline: split_command).
std::string executable_words(std::vector<std::string> const& words) {
  std::string out;
  for (auto const& word : words) out += word + "\n";
  return out;
}

CacheKey access_token_cache_key(AccessTokenRequest const& r) {
  return CacheKeyBuilder("access-token")
      .add("profile", r.profile)
      .add("audience", r.config.audience)
      .add("token_url", r.config.token_url)
      .add("impersonation_url", r.config.impersonation_url)
      .add("lifetime", std::to_string(r.config.token_lifetime_seconds))
      .add("scope", r.scope)
      .add("source", std::to_string(static_cast<int>(r.config.source)))
      .add("verification_url", r.config.regional_cred_verification_url)
      .add("region", r.region)
      .add("imds_endpoint", r.imds_endpoint)
      .add("sts_endpoint", r.sts_endpoint)
      .add("file", r.config.file)
      .add("executable_profile", r.config.executable_profile)
      .add("executable_args", executable_words(r.config.executable_args))
      // azure_imds: the managed identity asked for (see aws_cache_key)
      .add("azure_resource", r.azure.resource)
      .add("azure_identity", r.azure.resource.empty() ? "" : describe_managed_identity(r.azure.identity))
      .add("azure_imds_endpoint", r.azure.imds_endpoint)
      // Which AWS identity signs (issue 12.1); never a secret.
      .add("aws_link", r.aws_link.link)
      .add("aws_identity", r.aws_link.identity)
      .build();
}

struct Subject {
  Secret token;
  std::string type;
  std::string who;  // for the audit trail
};

Result<Subject> subject_token(AccessTokenRequest const& r, ConfigSet const& files,
                              std::int64_t deadline_ms, CredentialDeps const& deps) {
  CredentialConfig const& c = r.config;
  if (c.source == CredentialConfig::Source::file) {
    // Named by the config's author: under the same trust rules as the config.
    auto token = read_secret_file(c.file, "credential_source.file of " + c.path, SecretFileOwner::trusted);
    if (!token) return std::move(token).error();
    return Subject{std::move(*token), c.subject_token_type, "file " + c.file};
  }
  if (c.source == CredentialConfig::Source::fedcred_executable) {
    // The config runs `fedcred gcp`: the same flow, in-process.
    CommandInputs inner = r.executable;
    inner.explicit_settings["audience"] = Setting{c.audience, "audience in " + c.path};
    auto req = resolve_subject_request(SubjectCommand::gcp, files, inner, deps.env, deps.default_timeout_seconds);
    if (!req) return std::move(req).error();
    CredentialDeps no_audit = deps;
    no_audit.audit = nullptr;
    auto token = cached_subject_token(*req, no_audit);
    if (!token) return std::move(token).error();
    std::string type = c.subject_token_type.empty() ? kJwtType : c.subject_token_type;
    return Subject{std::move(token->token), type, token->subject};
  }
  if (c.source == CredentialConfig::Source::azure_imds) {
    SubjectTokenRequest t;
    t.source = kAzureSource;
    t.audience = r.azure.resource;
    t.azure = r.azure;
    t.deadline_ms = deadline_ms;
    auto token = fetch_subject_token(t, deps.env, deps.modules, deps.log);
    if (!token) return std::move(token).error();
    return Subject{std::move(token->token), c.subject_token_type.empty() ? kJwtType : c.subject_token_type,
                   token->subject};
  }
  messages::Aws4RequestParams params;
  params.audience = c.audience;
  params.verification_url = c.regional_cred_verification_url;
  params.region = r.region;
  params.imds_endpoint = r.imds_endpoint;
  params.sts_endpoint = r.sts_endpoint;
  params.deadline_ms = deadline_ms;
  auto filled = fill_aws_link(r.aws_link, deps.env, params.caller_keys, params.aws_link);
  if (!filled) return std::move(filled).error();
  auto results = deps.modules.run("aws", FEDCRED_OP_AWS4_REQUEST, messages::encode(params), deps.log);
  if (!results) return std::move(results).error();
  auto signed_request = messages::decode_subject_token_result(messages::reader_of(*results));
  if (!signed_request) return Error(std::move(signed_request).error()).prefix("module aws");
  std::string who = signed_request->identity.empty() ? r.aws_link.identity : signed_request->identity;
  deps.log.debug("signed GetCallerIdentity with AWS credentials from " + who);
  return Subject{std::move(signed_request->subject_token), kAws4RequestType, who};
}

Result<CacheEntry> fetch(AccessTokenRequest const& r, ConfigSet const& files,
                         std::int64_t deadline_ms, CredentialDeps const& deps) {
  auto subject = subject_token(r, files, deadline_ms, deps);
  if (!subject) return std::move(subject).error();
  messages::AccessTokenParams params;
  params.token_url = r.config.token_url;
  params.audience = r.config.audience;
  params.subject_token = std::move(subject->token);
  params.subject_token_type = subject->type;
  params.scope = r.scope;
  if (!r.config.impersonation_url.empty()) {
    params.impersonation_url = r.config.impersonation_url;
    params.lifetime_seconds = r.config.token_lifetime_seconds;
  }
  params.deadline_ms = deadline_ms;
  auto results = deps.modules.run("google", FEDCRED_OP_ACCESS_TOKEN, messages::encode(params), deps.log);
  if (!results) return std::move(results).error();
  auto token = messages::decode_access_token_result(messages::reader_of(*results));
  if (!token) return Error(std::move(token).error()).prefix("module google");
  CacheEntry e;
  e.profile = r.profile;
  e.label = r.config.audience;
  e.expiration = token->expiration;
  e.values[kAccessToken] = std::move(token->access_token);
  e.values[kSubject] = Secret(subject->who);
  return e;
}

struct Resolved {
  ConfigSet files;
  AccessTokenRequest req;
};

Result<Resolved> load_and_resolve(CommandInputs const& in, CredentialDeps const& deps) {
  auto files = load_command_config(in, deps);
  if (!files) return std::move(files).error();
  auto req = resolve(in, deps.env, *files, deps.default_timeout_seconds);
  if (!req) return std::move(req).error();
  return Resolved{std::move(*files), std::move(*req)};
}

}  // namespace

Result<AccessTokenTarget> resolve_access_token_target(CommandInputs const& in, CredentialDeps const& deps) {
  auto r = load_and_resolve(in, deps);
  if (!r) return std::move(r).error();
  return AccessTokenTarget{r->req.config.audience, r->req.config.impersonation_url, r->req.scope, r->req.project_id,
                           r->req.timeout_seconds};
}

Result<IssuedAccessToken> cached_access_token(CommandInputs const& in, std::optional<std::int64_t> margin_seconds,
                                              CredentialDeps const& deps, AuditRecord& audit) {
  auto resolved = load_and_resolve(in, deps);
  if (!resolved) return std::move(resolved).error();
  AccessTokenRequest& req = resolved->req;
  if (margin_seconds) req.refresh_margin_seconds = *margin_seconds;
  audit.profile = req.profile;
  audit.source = req.config.source == CredentialConfig::Source::aws1         ? "aws1"
                 : req.config.source == CredentialConfig::Source::file       ? "file"
                 : req.config.source == CredentialConfig::Source::azure_imds ? "azure"
                                                                             : "fedcred-gcp";
  audit.target = req.config.audience;
  choose_audit_target(req, deps, audit);

  // One deadline for the run: the lock wait and the exchange both count from here.
  std::int64_t const started_ms = run_started_ms(deps);
  std::int64_t const deadline_ms = started_ms + req.timeout_seconds * 1000;
  // The key names who signs, confirmed on a hit too (flows/signer_identity.h):
  // a replaced instance profile or another container token is a new key.
  if (req.config.source == CredentialConfig::Source::aws1) {
    auto named = confirm_signer(req.aws_link, deps.env, req.imds_endpoint, deps.instance_role, deadline_ms);
    if (!named) return std::move(named).error();
  }
  auto do_fetch = [&]() { return fetch(req, resolved->files, deadline_ms, deps); };
  auto usable = [](CacheEntry const& e) { return e.values.count(kAccessToken) != 0; };
  // Google STS tokens live an hour; an impersonated one what the config asked for.
  FetchBounds const bounds{started_ms, std::max<std::int64_t>(req.config.token_lifetime_seconds, 3600)};
  auto entry = cached_credentials(access_token_cache_key(req), req, bounds, do_fetch, usable, deps, &audit.cache);
  if (!entry) return std::move(entry).error();
  audit.expiration = entry->expiration;
  if (auto it = entry->values.find(kSubject); it != entry->values.end()) audit.subject = it->second.reveal();
  return IssuedAccessToken{entry->values.at(kAccessToken), entry->expiration};
}

Result<Secret> run_access_token_command(CommandInputs const& in, CommandOptions const& options,
                                        std::string const& output_file, CredentialDeps const& deps) {
  std::string format = "token";
  if (auto it = options.find("format"); it != options.end()) format = it->second;
  AuditRecord scratch;
  AuditRecord& audit = deps.audit != nullptr ? *deps.audit : scratch;
  auto issued = cached_access_token(in, std::nullopt, deps, audit);
  if (!issued) return std::move(issued).error();

  Secret const& token = issued->access_token;
  Secret document;
  if (format == "json") {
    JsonWriter w;
    w.string("access_token", token.reveal())
        .string("token_type", "Bearer")
        .number("expires_in", std::max<std::int64_t>(0, issued->expiration - deps.clock.unix_seconds()))
        .string("expiry", format_rfc3339_utc(issued->expiration));
    document = w.finish();
  } else {
    document = token;
  }
  if (output_file.empty()) return document;
  Secret line(document.reveal() + "\n");
  auto written = write_file_atomically(output_file, line.reveal());
  if (!written) return std::move(written).error();
  return Secret();
}

}  // namespace fedcred
