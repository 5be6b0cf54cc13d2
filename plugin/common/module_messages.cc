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

Result<std::string> required(Reader const& read, char const* key) {
  auto v = read(key);
  if (!v) return make_error(Status::usage, std::string("missing parameter ") + key);
  return std::string(*v);
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

Result<std::optional<std::int64_t>> time_value(Reader const& read, char const* key, Status status) {
  auto v = read(key);
  if (!v) return std::optional<std::int64_t>();
  auto t = parse_rfc3339(std::string(*v));
  if (!t) {
    return make_error(status, std::string(key) + " is not an RFC 3339 time: \"" + std::string(v->substr(0, 40)) + "\"");
  }
  return std::optional<std::int64_t>(*t);
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
  if (p.caller_keys) {
    put(out, FEDCRED_KEY_ACCESS_KEY_ID, p.caller_keys->access_key_id);
    put(out, FEDCRED_KEY_SECRET_ACCESS_KEY, p.caller_keys->secret_access_key);
    put(out, FEDCRED_KEY_SESSION_TOKEN, p.caller_keys->session_token);
  }
  if (p.deadline_ms != 0) put(out, FEDCRED_KEY_DEADLINE_MS, std::to_string(p.deadline_ms));
  return out;
}

Result<SubjectTokenParams> decode_subject_token_params(Reader const& read) {
  SubjectTokenParams p;
  auto audience = required(read, FEDCRED_KEY_AUDIENCE);
  if (!audience) return std::move(audience).error();
  p.audience = std::move(*audience);
  p.metadata_host = text(read, FEDCRED_KEY_METADATA_HOST);
  p.imds_endpoint = text(read, FEDCRED_KEY_IMDS_ENDPOINT);
  p.region = text(read, FEDCRED_KEY_REGION);
  p.sts_endpoint = text(read, FEDCRED_KEY_STS_ENDPOINT);
  auto duration = integer(read, FEDCRED_KEY_DURATION, Status::usage);
  if (!duration) return std::move(duration).error();
  p.duration_seconds = *duration;
  auto akid = read(FEDCRED_KEY_ACCESS_KEY_ID);
  auto secret = read(FEDCRED_KEY_SECRET_ACCESS_KEY);
  if (akid.has_value() != secret.has_value()) {
    return make_error(Status::usage, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  }
  if (akid) {
    AwsKeys keys{std::string(*akid), Secret(*secret), Secret()};
    if (auto token = read(FEDCRED_KEY_SESSION_TOKEN)) keys.session_token = Secret(*token);
    p.caller_keys = std::move(keys);
  }
  auto deadline = integer(read, FEDCRED_KEY_DEADLINE_MS, Status::usage);
  if (!deadline) return std::move(deadline).error();
  p.deadline_ms = deadline->value_or(0);
  return p;
}

Values encode(SubjectTokenResult const& r) {
  Values out;
  put(out, FEDCRED_KEY_SUBJECT_TOKEN, r.subject_token);
  if (r.expiration) put(out, FEDCRED_KEY_EXPIRATION, format_rfc3339_utc(*r.expiration));
  put(out, FEDCRED_KEY_REGION, r.region);
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
  return r;
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
  if (p.deadline_ms != 0) put(out, FEDCRED_KEY_DEADLINE_MS, std::to_string(p.deadline_ms));
  return out;
}

Result<AssumeRoleParams> decode_assume_role_params(Reader const& read) {
  AssumeRoleParams p;
  for (auto [key, field] : {std::pair{FEDCRED_KEY_ENDPOINT, &p.endpoint}, std::pair{FEDCRED_KEY_REGION, &p.region},
                            std::pair{FEDCRED_KEY_ROLE_ARN, &p.role_arn},
                            std::pair{FEDCRED_KEY_SESSION_NAME, &p.session_name}}) {
    auto value = required(read, key);
    if (!value) return std::move(value).error();
    *field = std::move(*value);
  }
  auto duration = integer(read, FEDCRED_KEY_DURATION, Status::usage);
  if (!duration) return std::move(duration).error();
  if (!*duration) return make_error(Status::usage, "missing parameter duration");
  p.duration_seconds = **duration;
  auto token = read(FEDCRED_KEY_WEB_IDENTITY_TOKEN);
  if (!token) return make_error(Status::usage, "missing parameter web_identity_token");
  p.web_identity_token = Secret(*token);
  auto deadline = integer(read, FEDCRED_KEY_DEADLINE_MS, Status::usage);
  if (!deadline) return std::move(deadline).error();
  p.deadline_ms = deadline->value_or(0);
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

void encode_reading(Values& out, std::string const& prefix, ProbeReading const& r) {
  if (r.status != 0) put(out, prefix + FEDCRED_KEY_STATUS, std::to_string(r.status));
  put(out, prefix + FEDCRED_KEY_LATENCY_MS, std::to_string(r.latency_ms));
  put(out, prefix + FEDCRED_KEY_ERROR, r.error);
  if (r.timed_out) put(out, prefix + FEDCRED_KEY_TIMED_OUT, "1");
  put(out, prefix + FEDCRED_KEY_FLAVOR, r.flavor);
}

Values encode(ProbeResult const& r) {
  Values out;
  encode_reading(out, "", r.reading);
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
