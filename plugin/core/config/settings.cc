// SPDX-License-Identifier: Apache-2.0
#include "config/settings.h"

#include <array>

#include "aws_partition.h"
#include "azure_ids.h"
#include "url.h"

namespace fedcred {
namespace {

using Validator = Result<void> (*)(std::string_view);

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// STS RoleSessionName: [\w+=,.@-], 2..64 (docs/PROTOCOLS.md, fact 10).
bool is_session_name_char(char c) {
  return is_word_char(c) || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

std::optional<std::int64_t> to_int(std::string_view v) {
  if (v.empty() || v.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

Result<void> int_in_range(std::string_view v, std::int64_t lo, std::int64_t hi, char const* unit) {
  auto n = to_int(v);
  if (!n || *n < lo || *n > hi) {
    return make_error(Status::usage, "'" + std::string(v) + "' is not a whole number of " + unit +
                                         " between " + std::to_string(lo) + " and " +
                                         std::to_string(hi));
  }
  return {};
}

std::optional<bool> to_bool(std::string_view v) {
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  return std::nullopt;
}

Result<void> check_bool(std::string_view v) {
  if (!to_bool(v)) {
    return make_error(Status::usage, "'" + std::string(v) + "' is not a boolean (true/false, yes/no, on/off, 1/0)");
  }
  return {};
}

Result<void> check_role_arn(std::string_view v) {
  if (!is_valid_role_arn(v)) {
    return make_error(Status::usage, "'" + std::string(v) +
                                         "' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)");
  }
  return {};
}

Result<void> check_session_name(std::string_view v) {
  if (!is_valid_session_name(v)) {
    return make_error(Status::usage, "'" + std::string(v) +
                                         "' is not a valid session name (2 to 64 characters of "
                                         "letters, digits and _+=,.@-)");
  }
  return {};
}

Result<void> check_region(std::string_view v) {
  if (is_valid_region(v)) return {};
  // botocore takes any host label and then fails to reach sts.<label>; an
  // availability zone in AWS_REGION is the usual slip, so name the region.
  if (v.size() > 1 && v.back() >= 'a' && v.back() <= 'z' && is_valid_region(v.substr(0, v.size() - 1))) {
    return make_error(Status::usage, "'" + std::string(v) + "' is an availability zone, not a region: use '" +
                                         std::string(v.substr(0, v.size() - 1)) + "'");
  }
  return make_error(Status::usage, "'" + std::string(v) + "' is not an AWS region name (e.g. us-east-1)");
}

Result<void> check_audience(std::string_view v) {
  bool printable = !v.empty() && v.size() <= 1000;
  for (char c : v) printable = printable && c > ' ' && c < 0x7f;
  if (!printable) {
    return make_error(Status::usage, "the audience must be 1 to 1000 printable characters without spaces");
  }
  return {};
}

Result<void> check_module_name(std::string_view v) {
  bool ok = !v.empty() && v.size() <= 32;
  for (char c : v) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  if (!ok) {
    return make_error(Status::usage, "'" + std::string(v) +
                                         "' is not a source name (lower-case letters, digits, _ and -)");
  }
  return {};
}

Result<void> check_duration(std::string_view v) { return int_in_range(v, 900, 43200, "seconds"); }
// GetWebIdentityToken accepts 60..3600 (docs/PROTOCOLS.md section 3).
Result<void> check_token_duration(std::string_view v) { return int_in_range(v, 60, 3600, "seconds"); }

Result<void> check_token_file(std::string_view v) {
  if (v.empty() || v.front() != '/' || v.size() > 4096) {
    return make_error(Status::usage, "'" + std::string(v) + "' is not an absolute file path");
  }
  return {};
}
Result<void> check_path(std::string_view v) {
  if (v.empty() || v.size() > 4096 || v.find('\0') != std::string_view::npos) {
    return make_error(Status::usage, "'" + std::string(v) + "' is not a file path");
  }
  return {};
}
// Google OAuth scopes, comma-separated (no blanks: they separate scopes on the wire).
Result<void> check_scopes(std::string_view v) {
  if (v.empty() || v.size() > 4096) return make_error(Status::usage, "no scope given");
  for (char c : v) {
    if (c <= ' ' || c >= 0x7f) {
      return make_error(Status::usage, "'" + std::string(v) + "' is not comma-separated URLs without blanks");
    }
  }
  return {};
}
// A Google project id (6-30 of [a-z0-9-]) or a legacy domain-scoped one
// (example.com:project): only shown to clients, never sent anywhere.
Result<void> check_project_id(std::string_view v) {
  if (v.empty() || v.size() > 100) return make_error(Status::usage, "no project id given");
  for (char c : v) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':')) {
      return make_error(Status::usage, "'" + std::string(v) + "' is not a Google project id");
    }
  }
  return {};
}
Result<void> check_timeout(std::string_view v) { return int_in_range(v, 1, 300, "seconds"); }
Result<void> check_refresh_margin(std::string_view v) { return int_in_range(v, 0, 43200, "seconds"); }

Result<void> check_log_target(std::string_view v) {
  if (v == "syslog" || v == "stderr" || v == "none") return {};
  return make_error(Status::usage, "'" + std::string(v) + "' is not a log target (syslog, stderr or none)");
}

// google_sts_endpoint, google_iamcredentials_endpoint (honoured from a
// root-owned file only: flows/credential_config_rules.h): an origin,
// https, or http to a loopback address (a local stand-in or proxy).
Result<void> check_endpoint_origin(std::string_view v) {
  auto url = modules::parse_url(v);
  if (!url) return make_error(Status::usage, "'" + std::string(v) + "': " + url.error().message);
  if (url->path != "/") return make_error(Status::usage, "'" + std::string(v) + "' must be scheme://host[:port] only");
  if (url->scheme != "https" && !modules::is_loopback_host(url->host)) {
    return make_error(Status::usage, "'" + std::string(v) + "': plain http only to a loopback address");
  }
  return {};
}

// `fedcred azure` (issue 22.1): the Entra application and what its token is for.
Result<void> check_tenant_id(std::string_view v) { return azure::check_tenant_id(v); }
Result<void> check_client_id(std::string_view v) { return azure::check_client_id(v); }
Result<void> check_entra_scope(std::string_view v) { return azure::check_scope(v); }
// The Azure IMDS source's keys (issue 22.5), by the rules the azure module
// applies (plugin/common/azure_ids.h): a bad value is exit 2 where it was
// written, before any request.
Result<void> check_azure_resource(std::string_view v) { return azure::check_resource(v); }
Result<void> check_azure_client_id(std::string_view v) {
  return azure::check_client_id(v, "managed identity client id");
}
Result<void> check_azure_object_id(std::string_view v) {
  return azure::check_client_id(v, "managed identity object id");
}
Result<void> check_azure_msi_res_id(std::string_view v) {
  if (v.empty()) return make_error(Status::usage, "no managed identity resource id given");
  messages::ManagedIdentity identity;
  identity.res_id = std::string(v);
  return azure::check_managed_identity(identity);
}

struct KeySpec {
  std::string_view key;
  Validator validate;
};

constexpr std::array<KeySpec, 25> kKeys{{
    {"source", check_module_name},
    {"role_arn", check_role_arn},
    {"audience", check_audience},
    {"region", check_region},
    {"session_name", check_session_name},
    {"duration", check_duration},
    {"use_fips_endpoint", check_bool},
    {"timeout", check_timeout},
    {"cache", check_bool},
    {"refresh_margin", check_refresh_margin},
    {"token_duration", check_token_duration},
    {"token_file", check_token_file},
    {"log", check_log_target},
    {"credential_config", check_path},
    {"scopes", check_scopes},
    {"project_id", check_project_id},
    {"google_sts_endpoint", check_endpoint_origin},
    {"google_iamcredentials_endpoint", check_endpoint_origin},
    {"tenant_id", check_tenant_id},
    {"client_id", check_client_id},
    {"scope", check_entra_scope},
    // source azure (Azure IMDS managed identity)
    {"azure_resource", check_azure_resource},
    {"azure_client_id", check_azure_client_id},
    {"azure_object_id", check_azure_object_id},
    {"azure_msi_res_id", check_azure_msi_res_id},
}};

KeySpec const* find_key(std::string_view key) {
  for (auto const& spec : kKeys) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

}  // namespace

bool is_profile_key(std::string_view key) { return find_key(key) != nullptr; }

Result<void> check_setting(std::string_view key, std::string_view value) {
  KeySpec const* spec = find_key(key);
  if (spec == nullptr) {
    return make_error(Status::usage, "unknown key '" + std::string(key) + "'");
  }
  return spec->validate(value);
}

Result<void> validate_setting(std::string_view key, std::string_view value) {
  if (find_key(key) == nullptr) return check_setting(key, value);
  auto r = check_setting(key, value);
  if (!r) return make_error(Status::usage, std::string(key) + ": " + r.error().message);
  return {};
}

bool parse_bool(std::string_view value) { return to_bool(value).value_or(false); }

std::int64_t parse_int(std::string_view value) { return to_int(value).value_or(0); }

bool is_valid_role_arn(std::string_view v) {
  // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME; STS allows 20..2048 characters.
  if (v.size() < 20 || v.size() > 2048) return false;
  constexpr std::string_view kPrefix = "arn:aws";
  if (v.substr(0, kPrefix.size()) != kPrefix) return false;
  auto iam = v.find(":iam::");
  if (iam == std::string_view::npos) return false;
  for (char c : v.substr(kPrefix.size(), iam - kPrefix.size())) {
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  }
  auto account = v.substr(iam + 6);
  if (account.size() < 13 || account[12] != ':') return false;
  for (char c : account.substr(0, 12)) {
    if (c < '0' || c > '9') return false;
  }
  auto resource = account.substr(13);
  constexpr std::string_view kRole = "role/";
  if (resource.substr(0, kRole.size()) != kRole || resource.size() == kRole.size()) return false;
  for (char c : resource.substr(kRole.size())) {
    if (!(is_session_name_char(c) || c == '/')) return false;
  }
  return resource.back() != '/';
}

bool is_valid_session_name(std::string_view v) {
  if (v.size() < 2 || v.size() > 64) return false;
  for (char c : v) {
    if (!is_session_name_char(c)) return false;
  }
  return true;
}

bool is_valid_region(std::string_view v) { return aws::is_valid_region(v); }

std::optional<std::string> sanitize_session_name(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (out.size() == 64) break;
    out.push_back(is_session_name_char(c) ? c : '-');
  }
  if (!is_valid_session_name(out)) return std::nullopt;
  return out;
}

}  // namespace fedcred
