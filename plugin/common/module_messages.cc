// SPDX-License-Identifier: Apache-2.0
#include "module_messages.h"

#include <charconv>
#include <utility>

#include "fedcred/module.h"
#include "time_format.h"

namespace fedcred::messages {
namespace {

void put(Values& out, char const* key, std::string_view value) {
  if (!value.empty()) out[key] = Secret(value);
}
void put(Values& out, char const* key, Secret const& value) {
  if (!value.empty()) out[key] = value;
}
void put(Values& out, std::string const& key, std::string_view value) {
  if (!value.empty()) out[key] = Secret(value);
}

std::string text(Reader const& read, char const* key) {
  auto v = read(key);
  return v ? std::string(*v) : std::string();
}

Result<std::optional<std::int64_t>> integer(Reader const& read, char const* key, Status status) {
  auto v = read(key);
  if (!v) return std::optional<std::int64_t>();
  auto n = parse_integer(*v);
  if (!n) {
    return make_error(status, std::string(key) + " is not a decimal integer: \"" + std::string(v->substr(0, 40)) + "\"");
  }
  return std::optional<std::int64_t>(*n);
}

// Reads a required parameter into `field`.
Result<void> read_required(Reader const& read, char const* key, std::string& field) {
  auto v = read(key);
  if (!v) return make_error(Status::usage, std::string("missing parameter ") + key);
  field = std::string(*v);
  return {};
}

// Every operation's deadline_ms, absent when 0 (the module's default applies).
void put_deadline(Values& out, std::int64_t deadline_ms) {
  if (deadline_ms != 0) put(out, FEDCRED_KEY_DEADLINE_MS, std::to_string(deadline_ms));
}

Result<void> read_deadline(Reader const& read, std::int64_t& deadline_ms) {
  auto deadline = integer(read, FEDCRED_KEY_DEADLINE_MS, Status::usage);
  if (!deadline) return std::move(deadline).error();
  deadline_ms = deadline->value_or(0);
  return {};
}

Result<std::optional<std::int64_t>> time_value(Reader const& read, char const* key, Status status) {
  auto v = read(key);
  if (!v) return std::optional<std::int64_t>();
  auto t = parse_rfc3339(std::string(*v));
  if (!t) {
    return make_error(status, std::string(key) + " is not an RFC 3339 time: \"" + std::string(v->substr(0, 40)) + "\"");
  }
  return std::optional<std::int64_t>(*t);
}

void encode_reading(Values& out, std::string const& prefix, ProbeReading const& r) {
  if (r.status != 0) put(out, prefix + FEDCRED_KEY_STATUS, std::to_string(r.status));
  put(out, prefix + FEDCRED_KEY_LATENCY_MS, std::to_string(r.latency_ms));
  put(out, prefix + FEDCRED_KEY_ERROR, r.error);
  if (r.timed_out) put(out, prefix + FEDCRED_KEY_TIMED_OUT, "1");
  put(out, prefix + FEDCRED_KEY_FLAVOR, r.flavor);
}

Result<ProbeReading> decode_reading(Reader const& read, std::string const& prefix) {
  ProbeReading r;
  auto key = [&](char const* name) { return prefix + name; };
  auto status = integer(read, key(FEDCRED_KEY_STATUS).c_str(), Status::response);
  if (!status) return std::move(status).error();
  r.status = static_cast<int>(status->value_or(0));
  auto latency = integer(read, key(FEDCRED_KEY_LATENCY_MS).c_str(), Status::response);
  if (!latency) return std::move(latency).error();
  r.latency_ms = latency->value_or(0);
  r.error = text(read, key(FEDCRED_KEY_ERROR).c_str());
  r.timed_out = read(key(FEDCRED_KEY_TIMED_OUT).c_str()).has_value();
  r.flavor = text(read, key(FEDCRED_KEY_FLAVOR).c_str());
  return r;
}

void put_aws_link(Values& out, std::optional<AwsKeys> const& keys, AwsLinkInputs const& link) {
  if (keys) {
    put(out, FEDCRED_KEY_ACCESS_KEY_ID, keys->access_key_id);
    put(out, FEDCRED_KEY_SECRET_ACCESS_KEY, keys->secret_access_key);
    put(out, FEDCRED_KEY_SESSION_TOKEN, keys->session_token);
  }
  put(out, FEDCRED_KEY_CREDENTIAL_LINK, link.name);
  put(out, FEDCRED_KEY_WEB_IDENTITY_TOKEN, link.web_identity_token);
  put(out, FEDCRED_KEY_ROLE_ARN, link.role_arn);
  put(out, FEDCRED_KEY_ROLE_SESSION_NAME, link.role_session_name);
  put(out, FEDCRED_KEY_CONTAINER_URL, link.container_url);
  put(out, FEDCRED_KEY_CONTAINER_AUTHORIZATION_TOKEN, link.container_authorization_token);
  put(out, FEDCRED_KEY_INSTANCE_ROLE, link.instance_role);
  put(out, FEDCRED_KEY_IMDS_SESSION_TOKEN, link.imds_session_token);
}

Result<void> read_aws_link(Reader const& read, std::optional<AwsKeys>& keys, AwsLinkInputs& link) {
  auto akid = read(FEDCRED_KEY_ACCESS_KEY_ID);
  auto secret = read(FEDCRED_KEY_SECRET_ACCESS_KEY);
  if (akid.has_value() != secret.has_value()) {
    return make_error(Status::usage, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  }
  if (akid) {
    AwsKeys k{std::string(*akid), Secret(*secret), Secret()};
    if (auto token = read(FEDCRED_KEY_SESSION_TOKEN)) k.session_token = Secret(*token);
    keys = std::move(k);
  }
  link.name = text(read, FEDCRED_KEY_CREDENTIAL_LINK);
  if (link.name.empty()) link.name = keys ? "environment" : "imds";
  if (auto token = read(FEDCRED_KEY_WEB_IDENTITY_TOKEN)) link.web_identity_token = Secret(*token);
  link.role_arn = text(read, FEDCRED_KEY_ROLE_ARN);
  link.role_session_name = text(read, FEDCRED_KEY_ROLE_SESSION_NAME);
  link.container_url = text(read, FEDCRED_KEY_CONTAINER_URL);
  if (auto token = read(FEDCRED_KEY_CONTAINER_AUTHORIZATION_TOKEN)) link.container_authorization_token = Secret(*token);
  link.instance_role = text(read, FEDCRED_KEY_INSTANCE_ROLE);
  if (auto token = read(FEDCRED_KEY_IMDS_SESSION_TOKEN)) link.imds_session_token = Secret(*token);
  return {};
}

}  // namespace

std::optional<std::int64_t> parse_integer(std::string_view t) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  return value;
}

Reader reader_of(Values const& values) {
  return [&values](char const* key) -> std::optional<std::string_view> {
    auto it = values.find(key);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return std::string_view(it->second.reveal());
  };
}

// ---- subject_token ----

Values encode(SubjectTokenParams const& p) {
  Values out;
  put(out, FEDCRED_KEY_AUDIENCE, p.audience);
  put(out, FEDCRED_KEY_METADATA_HOST, p.metadata_host);
  put(out, FEDCRED_KEY_IMDS_ENDPOINT, p.imds_endpoint);
  put(out, FEDCRED_KEY_REGION, p.region);
  put(out, FEDCRED_KEY_STS_ENDPOINT, p.sts_endpoint);
  if (p.duration_seconds) put(out, FEDCRED_KEY_DURATION, std::to_string(*p.duration_seconds));
  put_aws_link(out, p.caller_keys, p.aws_link);
  put(out, FEDCRED_KEY_AZURE_IMDS_ENDPOINT, p.azure_imds_endpoint);
  put(out, FEDCRED_KEY_MI_CLIENT_ID, p.managed_identity.client_id);
  put(out, FEDCRED_KEY_MI_OBJECT_ID, p.managed_identity.object_id);
  put(out, FEDCRED_KEY_MI_RES_ID, p.managed_identity.res_id);
  put_deadline(out, p.deadline_ms);
  return out;
}

Result<SubjectTokenParams> decode_subject_token_params(Reader const& read) {
  SubjectTokenParams p;
  if (auto audience = read_required(read, FEDCRED_KEY_AUDIENCE, p.audience); !audience) {
    return std::move(audience).error();
  }
  p.metadata_host = text(read, FEDCRED_KEY_METADATA_HOST);
  p.imds_endpoint = text(read, FEDCRED_KEY_IMDS_ENDPOINT);
  p.region = text(read, FEDCRED_KEY_REGION);
  p.sts_endpoint = text(read, FEDCRED_KEY_STS_ENDPOINT);
  auto duration = integer(read, FEDCRED_KEY_DURATION, Status::usage);
  if (!duration) return std::move(duration).error();
  p.duration_seconds = *duration;
  auto link = read_aws_link(read, p.caller_keys, p.aws_link);
  if (!link) return std::move(link).error();
  p.azure_imds_endpoint = text(read, FEDCRED_KEY_AZURE_IMDS_ENDPOINT);
  p.managed_identity.client_id = text(read, FEDCRED_KEY_MI_CLIENT_ID);
  p.managed_identity.object_id = text(read, FEDCRED_KEY_MI_OBJECT_ID);
  p.managed_identity.res_id = text(read, FEDCRED_KEY_MI_RES_ID);
  if (auto deadline = read_deadline(read, p.deadline_ms); !deadline) return std::move(deadline).error();
  return p;
}

Values encode(SubjectTokenResult const& r) {
  Values out;
  put(out, FEDCRED_KEY_SUBJECT_TOKEN, r.subject_token);
  if (r.expiration) put(out, FEDCRED_KEY_EXPIRATION, format_rfc3339_utc(*r.expiration));
  put(out, FEDCRED_KEY_REGION, r.region);
  put(out, FEDCRED_KEY_IDENTITY, r.identity);
  put(out, FEDCRED_KEY_CREDENTIAL_LINK, r.credential_link);
  return out;
}

Result<SubjectTokenResult> decode_subject_token_result(Reader const& read) {
  SubjectTokenResult r;
  auto token = read(FEDCRED_KEY_SUBJECT_TOKEN);
  if (!token) return make_error(Status::source, "returned no subject token");
  r.subject_token = Secret(*token);
  auto expiration = time_value(read, FEDCRED_KEY_EXPIRATION, Status::response);
  if (!expiration) return std::move(expiration).error();
  r.expiration = *expiration;
  r.region = text(read, FEDCRED_KEY_REGION);
  r.identity = text(read, FEDCRED_KEY_IDENTITY);
  r.credential_link = text(read, FEDCRED_KEY_CREDENTIAL_LINK);
  return r;
}

// ---- aws4_request ----

Values encode(Aws4RequestParams const& p) {
  Values out;
  put(out, FEDCRED_KEY_AUDIENCE, p.audience);
  put(out, FEDCRED_KEY_VERIFICATION_URL, p.verification_url);
  put(out, FEDCRED_KEY_REGION, p.region);
  put(out, FEDCRED_KEY_IMDS_ENDPOINT, p.imds_endpoint);
  put(out, FEDCRED_KEY_STS_ENDPOINT, p.sts_endpoint);
  put_aws_link(out, p.caller_keys, p.aws_link);
  put_deadline(out, p.deadline_ms);
  return out;
}

Result<Aws4RequestParams> decode_aws4_request_params(Reader const& read) {
  Aws4RequestParams p;
  if (auto audience = read_required(read, FEDCRED_KEY_AUDIENCE, p.audience); !audience) {
    return std::move(audience).error();
  }
  p.verification_url = text(read, FEDCRED_KEY_VERIFICATION_URL);
  p.region = text(read, FEDCRED_KEY_REGION);
  p.imds_endpoint = text(read, FEDCRED_KEY_IMDS_ENDPOINT);
  p.sts_endpoint = text(read, FEDCRED_KEY_STS_ENDPOINT);
  auto link = read_aws_link(read, p.caller_keys, p.aws_link);
  if (!link) return std::move(link).error();
  if (auto deadline = read_deadline(read, p.deadline_ms); !deadline) return std::move(deadline).error();
  return p;
}

// ---- access_token ----

Values encode(AccessTokenParams const& p) {
  Values out;
  put(out, FEDCRED_KEY_TOKEN_URL, p.token_url);
  put(out, FEDCRED_KEY_AUDIENCE, p.audience);
  put(out, FEDCRED_KEY_SUBJECT_TOKEN, p.subject_token);
  put(out, FEDCRED_KEY_SUBJECT_TOKEN_TYPE, p.subject_token_type);
  put(out, FEDCRED_KEY_SCOPE, p.scope);
  put(out, FEDCRED_KEY_IMPERSONATION_URL, p.impersonation_url);
  if (p.lifetime_seconds) put(out, FEDCRED_KEY_LIFETIME, std::to_string(*p.lifetime_seconds));
  put_deadline(out, p.deadline_ms);
  return out;
}

Result<AccessTokenParams> decode_access_token_params(Reader const& read) {
  AccessTokenParams p;
  for (auto [key, field] : {std::pair{FEDCRED_KEY_TOKEN_URL, &p.token_url}, std::pair{FEDCRED_KEY_AUDIENCE, &p.audience},
                            std::pair{FEDCRED_KEY_SUBJECT_TOKEN_TYPE, &p.subject_token_type},
                            std::pair{FEDCRED_KEY_SCOPE, &p.scope}}) {
    if (auto value = read_required(read, key, *field); !value) return std::move(value).error();
  }
  auto token = read(FEDCRED_KEY_SUBJECT_TOKEN);
  if (!token) return make_error(Status::usage, "missing parameter subject_token");
  p.subject_token = Secret(*token);
  p.impersonation_url = text(read, FEDCRED_KEY_IMPERSONATION_URL);
  auto lifetime = integer(read, FEDCRED_KEY_LIFETIME, Status::usage);
  if (!lifetime) return std::move(lifetime).error();
  p.lifetime_seconds = *lifetime;
  if (auto deadline = read_deadline(read, p.deadline_ms); !deadline) return std::move(deadline).error();
  return p;
}

Values encode(AccessTokenResult const& r) {
  Values out;
  put(out, FEDCRED_KEY_ACCESS_TOKEN, r.access_token);
  put(out, FEDCRED_KEY_EXPIRATION, format_rfc3339_utc(r.expiration));
  if (r.impersonated) put(out, FEDCRED_KEY_IMPERSONATED, "1");
  return out;
}

Result<AccessTokenResult> decode_access_token_result(Reader const& read) {
  AccessTokenResult r;
  auto token = read(FEDCRED_KEY_ACCESS_TOKEN);
  if (!token) return make_error(Status::response, "returned no access token");
  r.access_token = Secret(*token);
  auto expiration = time_value(read, FEDCRED_KEY_EXPIRATION, Status::response);
  if (!expiration) return std::move(expiration).error();
  if (!*expiration) return make_error(Status::response, "returned an access token without an expiration");
  r.expiration = **expiration;
  r.impersonated = read(FEDCRED_KEY_IMPERSONATED).has_value();
  return r;
}

// ---- entra_token ----

Values encode(EntraTokenParams const& p) {
  Values out;
  put(out, FEDCRED_KEY_AUTHORITY, p.authority);
  put(out, FEDCRED_KEY_TENANT_ID, p.tenant_id);
  put(out, FEDCRED_KEY_CLIENT_ID, p.client_id);
  put(out, FEDCRED_KEY_SCOPE, p.scope);
  put(out, FEDCRED_KEY_CLIENT_ASSERTION, p.client_assertion);
  put_deadline(out, p.deadline_ms);
  return out;
}

Result<EntraTokenParams> decode_entra_token_params(Reader const& read) {
  EntraTokenParams p;
  for (auto [key, field] : {std::pair{FEDCRED_KEY_TENANT_ID, &p.tenant_id}, std::pair{FEDCRED_KEY_CLIENT_ID, &p.client_id},
                            std::pair{FEDCRED_KEY_SCOPE, &p.scope}}) {
    if (auto value = read_required(read, key, *field); !value) return std::move(value).error();
  }
  p.authority = text(read, FEDCRED_KEY_AUTHORITY);
  auto assertion = read(FEDCRED_KEY_CLIENT_ASSERTION);
  if (!assertion) return make_error(Status::usage, "missing parameter client_assertion");
  p.client_assertion = Secret(*assertion);
  if (auto deadline = read_deadline(read, p.deadline_ms); !deadline) return std::move(deadline).error();
  return p;
}

// ---- assume_role_with_web_identity ----

Values encode(AssumeRoleParams const& p) {
  Values out;
  put(out, FEDCRED_KEY_ENDPOINT, p.endpoint);
  put(out, FEDCRED_KEY_REGION, p.region);
  put(out, FEDCRED_KEY_ROLE_ARN, p.role_arn);
  put(out, FEDCRED_KEY_SESSION_NAME, p.session_name);
  put(out, FEDCRED_KEY_DURATION, std::to_string(p.duration_seconds));
  put(out, FEDCRED_KEY_WEB_IDENTITY_TOKEN, p.web_identity_token);
  put_deadline(out, p.deadline_ms);
  return out;
}

Result<AssumeRoleParams> decode_assume_role_params(Reader const& read) {
  AssumeRoleParams p;
  for (auto [key, field] : {std::pair{FEDCRED_KEY_ENDPOINT, &p.endpoint}, std::pair{FEDCRED_KEY_REGION, &p.region},
                            std::pair{FEDCRED_KEY_ROLE_ARN, &p.role_arn},
                            std::pair{FEDCRED_KEY_SESSION_NAME, &p.session_name}}) {
    if (auto value = read_required(read, key, *field); !value) return std::move(value).error();
  }
  auto duration = integer(read, FEDCRED_KEY_DURATION, Status::usage);
  if (!duration) return std::move(duration).error();
  if (!*duration) return make_error(Status::usage, "missing parameter duration");
  p.duration_seconds = **duration;
  auto token = read(FEDCRED_KEY_WEB_IDENTITY_TOKEN);
  if (!token) return make_error(Status::usage, "missing parameter web_identity_token");
  p.web_identity_token = Secret(*token);
  if (auto deadline = read_deadline(read, p.deadline_ms); !deadline) return std::move(deadline).error();
  return p;
}

Values encode(AssumeRoleResult const& r) {
  Values out;
  put(out, FEDCRED_KEY_ACCESS_KEY_ID, r.access_key_id);
  put(out, FEDCRED_KEY_SECRET_ACCESS_KEY, r.secret_access_key);
  put(out, FEDCRED_KEY_SESSION_TOKEN, r.session_token);
  put(out, FEDCRED_KEY_EXPIRATION, format_rfc3339_utc(r.expiration));
  put(out, FEDCRED_KEY_ASSUMED_ROLE_ARN, r.assumed_role_arn);
  put(out, FEDCRED_KEY_REQUEST_ID, r.request_id);
  return out;
}

Result<AssumeRoleResult> decode_assume_role_result(Reader const& read) {
  AssumeRoleResult r;
  for (auto [key, field, name] : {std::tuple{FEDCRED_KEY_ACCESS_KEY_ID, &r.access_key_id, "AccessKeyId"},
                                  std::tuple{FEDCRED_KEY_SECRET_ACCESS_KEY, &r.secret_access_key, "SecretAccessKey"},
                                  std::tuple{FEDCRED_KEY_SESSION_TOKEN, &r.session_token, "SessionToken"}}) {
    auto v = read(key);
    if (!v) return make_error(Status::response, std::string("answered without ") + name);
    *field = Secret(*v);
  }
  auto expiration = read(FEDCRED_KEY_EXPIRATION);
  if (!expiration) return make_error(Status::response, "answered without Expiration");
  auto t = parse_rfc3339(std::string(*expiration));
  if (!t) {
    return make_error(Status::response, "sent an Expiration that is not an RFC 3339 time: '" +
                                            std::string(expiration->substr(0, 40)) + "'");
  }
  r.expiration = *t;
  r.assumed_role_arn = text(read, FEDCRED_KEY_ASSUMED_ROLE_ARN);
  r.request_id = text(read, FEDCRED_KEY_REQUEST_ID);
  return r;
}

// ---- probe ----

Values encode(ProbeParams const& p) {
  Values out;
  put(out, FEDCRED_KEY_METADATA_HOST, p.metadata_host);
  put(out, FEDCRED_KEY_IMDS_ENDPOINT, p.imds_endpoint);
  put(out, FEDCRED_KEY_ENDPOINT, p.endpoint);
  put_deadline(out, p.deadline_ms);
  return out;
}

Result<ProbeParams> decode_probe_params(Reader const& read) {
  ProbeParams p;
  p.metadata_host = text(read, FEDCRED_KEY_METADATA_HOST);
  p.imds_endpoint = text(read, FEDCRED_KEY_IMDS_ENDPOINT);
  p.endpoint = text(read, FEDCRED_KEY_ENDPOINT);
  auto deadline = read_deadline(read, p.deadline_ms);
  if (!deadline) return std::move(deadline).error();
  return p;
}

Values encode(ProbeResult const& r) {
  Values out;
  for (auto [prefix, reading] : {std::pair{"", &r.reading}, std::pair{"put_", &r.put}, std::pair{"get_", &r.get}}) {
    if (reading->status != 0 || reading->latency_ms != 0 || !reading->error.empty() || reading->timed_out ||
        !reading->flavor.empty()) {
      encode_reading(out, prefix, *reading);
    }
  }
  put(out, FEDCRED_KEY_DATE, r.date);
  put(out, FEDCRED_KEY_EMAIL, r.email);
  return out;
}

Result<ProbeResult> decode_probe_result(Reader const& read) {
  ProbeResult r;
  for (auto [prefix, reading] : {std::pair{"", &r.reading}, std::pair{"put_", &r.put}, std::pair{"get_", &r.get}}) {
    auto decoded = decode_reading(read, prefix);
    if (!decoded) return std::move(decoded).error();
    *reading = std::move(*decoded);
  }
  r.date = text(read, FEDCRED_KEY_DATE);
  r.email = text(read, FEDCRED_KEY_EMAIL);
  return r;
}

}  // namespace fedcred::messages
