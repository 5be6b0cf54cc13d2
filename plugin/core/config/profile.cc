// SPDX-License-Identifier: Apache-2.0
#include "config/profile.h"

#include <unistd.h>

#include <array>
#include <string_view>
#include <utility>

namespace fedcred {
namespace {

// Environment variables the AWS tools already honour, and the profile key each
// one stands for. The first one set wins.
struct EnvKey {
  char const* variable;
  char const* key;
};
constexpr std::array<EnvKey, 3> kEnvKeys{{
    {"AWS_REGION", "region"},
    {"AWS_DEFAULT_REGION", "region"},
    {"AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"},
}};

// How botocore reads a boolean variable (botocore.utils.ensure_boolean): "true"
// in any case is true, and every other value is false, not an error. The AWS
// CLI and fedcred must pick the same STS host from AWS_USE_FIPS_ENDPOINT.
bool botocore_boolean(std::string_view value) {
  constexpr std::string_view kTrue = "true";
  if (value.size() != kTrue.size()) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char const c = value[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kTrue[i]) return false;
  }
  return true;
}

void overlay(Settings& into, Settings const& from) {
  for (auto const& [key, setting] : from) into[key] = setting;
}

}  // namespace

void apply_run_settings(Settings const& s, RunSettings& run) {
  if (auto v = setting_value(s, "timeout")) run.timeout_seconds = parse_int(*v);
  if (auto v = setting_value(s, "cache")) run.cache = parse_bool(*v);
  if (auto v = setting_value(s, "refresh_margin")) run.refresh_margin_seconds = parse_int(*v);
  if (auto it = s.find("log"); it != s.end()) {
    if (it->second.from_root_file || geteuid() == 0) {
      run.log_target = it->second.value;
    } else if (it->second.value != "syslog") {
      run.log_target_refused = it->second.origin;
    }
  }
}

Result<Settings> effective_settings(ConfigSet const& config, std::string const& profile,
                                    Settings const& explicit_settings, Env const& env) {
  Settings merged;
  if (auto it = config.sections.find("default"); it != config.sections.end()) overlay(merged, it->second);
  if (!profile.empty() && profile != "default") {
    auto it = config.sections.find(profile);
    if (it == config.sections.end()) {
      std::string files;
      for (auto const& f : config.files_read) files += (files.empty() ? "" : ", ") + f;
      return make_error(Status::usage, "profile '" + profile + "' is not defined in the configuration (" +
                                           (files.empty() ? std::string("no config file found") : "read: " + files) +
                                           ")");
    }
    overlay(merged, it->second);
  }
  // Only a value that is used is validated: a flag overrides the variable
  // (AWS_REGION=us-east-1a must not fail a run given --region), and the AWS
  // tools' variables take what botocore takes (AWS_USE_FIPS_ENDPOINT: see
  // botocore_boolean).
  Settings from_env;
  for (auto const& [variable, key] : kEnvKeys) {
    if (from_env.count(key) != 0 || explicit_settings.count(key) != 0) continue;
    auto value = env.get(variable);
    if (!value) continue;
    if (std::string_view(key) == "use_fips_endpoint") *value = botocore_boolean(*value) ? "true" : "false";
    auto valid = validate_setting(key, *value);
    if (!valid) return make_error(Status::usage, std::string(variable) + ": " + valid.error().message);
    from_env[key] = Setting{*value, variable};
  }
  overlay(merged, from_env);
  overlay(merged, explicit_settings);
  return merged;
}

Result<AwsRequest> resolve_aws_request(ConfigSet const& config, std::string const& profile,
                                       Settings const& explicit_settings, Env const& env,
                                       std::int64_t default_timeout_seconds) {
  auto settings = effective_settings(config, profile, explicit_settings, env);
  if (!settings) return std::move(settings).error();
  Settings const& s = *settings;

  AwsRequest req;
  req.profile = profile;
  req.timeout_seconds = default_timeout_seconds;
  if (auto v = setting_value(s, "source")) req.source = *v;
  if (auto v = setting_value(s, "token_file")) req.token_file = *v;
  if (auto v = setting_value(s, "role_arn")) req.role_arn = *v;
  if (auto v = setting_value(s, "audience")) req.audience = *v;
  if (auto v = setting_value(s, "region")) req.region = *v;
  if (auto v = setting_value(s, "session_name")) req.session_name = *v;
  if (auto v = setting_value(s, "duration")) req.duration_seconds = parse_int(*v);
  if (auto v = setting_value(s, "use_fips_endpoint")) req.use_fips_endpoint = parse_bool(*v);
  apply_run_settings(s, req);

  // Issue 12.9: an AWS identity turned into a JWT to assume an AWS role is a
  // detour STS does not support for its own tokens; refuse it up front
  // rather than fail later with a missing parameter.
  if (req.source == "aws") {
    auto const& origin = s.count("source") != 0 ? s.at("source").origin : std::string("source");
    return make_error(Status::usage, origin + ": source 'aws' cannot be used by 'fedcred aws' (it turns AWS "
                                              "credentials into a token for Google: use it with 'fedcred gcp', "
                                              "'token' or 'access-token'); for AWS credentials use source gce, azure or file");
  }
  if (req.role_arn.empty()) {
    return make_error(Status::usage,
                      "no role ARN: pass --role-arn or set role_arn in the profile" +
                          (profile.empty() ? std::string() : " '" + profile + "'"));
  }
  auto sts = sts_endpoint(req.region, req.use_fips_endpoint, env);
  if (!sts) return std::move(sts).error();
  req.sts = std::move(*sts);
  auto metadata = gce_metadata_host(env);
  if (!metadata) return std::move(metadata).error();
  req.metadata_host = std::move(*metadata);
  if (req.source == kAzureSource) {
    auto azure = resolve_azure_source(s, env);
    if (!azure) return std::move(azure).error();
    req.azure = std::move(*azure);
    auto audience = azure_token_audience(s, req.azure);
    if (!audience) return std::move(audience).error();
    req.audience = std::move(*audience);
  }
  return req;
}

}  // namespace fedcred
