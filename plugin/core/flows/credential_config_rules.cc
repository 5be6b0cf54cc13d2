// SPDX-License-Identifier: Apache-2.0
#include "flows/credential_config_rules.h"

#include "aws_partition.h"
#include "azure_ids.h"
#include "config/azure_source.h"
#include "config/endpoints.h"
#include "url.h"

namespace fedcred {
namespace {

constexpr char kVerificationQuery[] = "Action=GetCallerIdentity&Version=2011-06-15";
constexpr char kRegionTemplate[] = "{region}";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

// One DNS label: what REGION and NAME stand for in the host shapes.
bool is_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// SERVICE.googleapis.com, SERVICE.REGION.rep.googleapis.com, NAME-SERVICE.p.googleapis.com
bool is_google_service_host(std::string_view host_in, std::string_view service) {
  std::string const host = lower(host_in);
  std::string_view h = host;
  std::string const global = std::string(service) + ".googleapis.com";
  if (h == global) return true;
  std::string const regional_prefix = std::string(service) + ".";
  constexpr std::string_view kRep = ".rep.googleapis.com";
  if (h.substr(0, regional_prefix.size()) == regional_prefix && ends_with(h, kRep)) {
    return is_label(h.substr(regional_prefix.size(), h.size() - regional_prefix.size() - kRep.size()));
  }
  std::string const psc_suffix = "-" + std::string(service) + ".p.googleapis.com";
  if (ends_with(h, psc_suffix)) return is_label(h.substr(0, h.size() - psc_suffix.size()));
  return false;
}

std::string origin_of(modules::Url const& url) { return lower(url.origin()); }

// token_url or the impersonation URL: Google's host over https, or the
// endpoint the root-owned fedcred.conf names (then moved onto it).
Result<void> check_google_url(std::string& url, std::string const& key, std::string const& path,
                              bool (*is_google_host)(std::string_view), std::string const& named,
                              std::string const& setting, std::string const& shapes) {
  auto bad = [&](std::string const& why) {
    return make_error(Status::usage, "credential config " + path + ": " + key + " " + why);
  };
  auto parsed = modules::parse_url(url);
  if (!parsed) return bad("is not a usable URL: " + parsed.error().message);
  if (!named.empty() && origin_of(*parsed) == named) return {};  // the endpoint root named: as is
  if (parsed->scheme != "https" || !is_google_host(parsed->host) || !(parsed->port.empty() || parsed->port == "443")) {
    return bad("names " + parsed->origin() + ": only https to " + shapes +
               " is accepted (rule google-endpoint; another endpoint only when a root-owned fedcred.conf names it "
               "with " + setting + ")");
  }
  if (!named.empty()) url = named + parsed->path;
  return {};
}

Result<void> check_verification_url(std::string const& url, std::string const& path) {
  auto bad = [&](std::string const& why) {
    return make_error(Status::usage, "credential config " + path +
                                         ": credential_source.regional_cred_verification_url " + why +
                                         " (rule verification-url: https://sts.{region}.amazonaws.com?" +
                                         kVerificationQuery + " only)");
  };
  std::string concrete = url;
  bool const templated = concrete.find(kRegionTemplate) != std::string::npos;
  if (auto at = concrete.find(kRegionTemplate); at != std::string::npos) concrete.replace(at, 8, "us-east-1");
  if (concrete.find(kRegionTemplate) != std::string::npos) return bad("names {region} twice");
  auto parsed = modules::parse_url(concrete);
  if (!parsed) return bad("is not a usable URL: " + parsed.error().message);
  if (parsed->scheme != "https" || !parsed->port.empty()) return bad("must be https on the default port");
  std::string const host = lower(parsed->host);
  bool host_ok = false;
  if (templated) {
    host_ok = host == "sts.us-east-1.amazonaws.com" && url.find("sts.{region}.amazonaws.com") != std::string::npos;
  } else if (host.rfind("sts.", 0) == 0) {
    auto const dot = host.find('.', 4);
    std::string const region = dot == std::string::npos ? "" : host.substr(4, dot - 4);
    host_ok = aws::is_valid_region(region) &&
              host == "sts." + region + "." + std::string(aws::partition_dns_suffix(region));
  }
  if (!host_ok) return bad("names host " + parsed->host + ", not a regional AWS STS endpoint");
  if (parsed->path != std::string("/?") + kVerificationQuery) {
    return bad("must carry exactly ?" + std::string(kVerificationQuery) + ", not " + parsed->path);
  }
  return {};
}

Result<void> check_metadata_url(std::string const& url, std::string const& key, std::string const& path) {
  if (url.empty()) return {};
  auto parsed = modules::parse_url(url);
  if (!parsed || !is_metadata_host(parsed->host)) {
    return make_error(Status::usage,
                      "credential config " + path + ": credential_source." + key + " names " +
                          (parsed ? parsed->authority() : std::string("no usable URL")) +
                          ": only a loopback or link-local address or a metadata name (169.254.169.254, "
                          "[fd00:ec2::254], metadata.google.internal) is accepted (rule metadata-host, as for "
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT)");
  }
  return {};
}

}  // namespace

bool is_google_sts_host(std::string_view host) { return is_google_service_host(host, "sts"); }

bool is_google_iamcredentials_host(std::string_view host) { return is_google_service_host(host, "iamcredentials"); }

Result<NamedGoogleEndpoints> named_google_endpoints(Settings const& settings) {
  NamedGoogleEndpoints named;
  for (auto [key, into] : {std::pair{"google_sts_endpoint", &named.sts},
                           std::pair{"google_iamcredentials_endpoint", &named.iamcredentials}}) {
    auto it = settings.find(key);
    if (it == settings.end()) continue;
    if (!it->second.from_root_file) {
      return make_error(Status::usage, it->second.origin + ": " + key +
                                           " is honoured only in a configuration file owned by root: it decides "
                                           "where credentials are sent");
    }
    auto parsed = modules::parse_url(it->second.value);
    if (!parsed) return make_error(Status::usage, it->second.origin + ": " + key + ": " + parsed.error().message);
    *into = origin_of(*parsed);
  }
  return named;
}

Result<void> apply_credential_config_rules(CredentialConfig& c, NamedGoogleEndpoints const& named) {
  auto token = check_google_url(c.token_url, "token_url", c.path, is_google_sts_host, named.sts,
                                "google_sts_endpoint",
                                "sts.googleapis.com, sts.REGION.rep.googleapis.com or NAME-sts.p.googleapis.com");
  if (!token) return token;
  if (!c.impersonation_url.empty()) {
    auto imp = check_google_url(c.impersonation_url, "service_account_impersonation_url", c.path,
                                is_google_iamcredentials_host, named.iamcredentials, "google_iamcredentials_endpoint",
                                "iamcredentials.googleapis.com, iamcredentials.REGION.rep.googleapis.com or "
                                "NAME-iamcredentials.p.googleapis.com");
    if (!imp) return imp;
  }
  if (c.source == CredentialConfig::Source::aws1) {
    auto verification = check_verification_url(c.regional_cred_verification_url, c.path);
    if (!verification) return verification;
    for (auto [key, url] : {std::pair{"url", &c.credentials_url}, std::pair{"region_url", &c.region_url},
                            std::pair{"imdsv2_session_token_url", &c.imdsv2_session_token_url}}) {
      auto metadata = check_metadata_url(*url, key, c.path);
      if (!metadata) return metadata;
    }
  }
  if (c.source == CredentialConfig::Source::azure_imds) {
    // Source azure's rules (config/azure_source.h): plain http to a loopback or
    // link-local address, a valid resource and at most one identity.
    std::string const where = "credential config " + c.path + ": credential_source.url";
    auto endpoint = checked_azure_imds_url(c.credentials_url, where, true);
    if (!endpoint) return std::move(endpoint).error();
    if (auto ok = azure::check_resource(c.azure_resource); !ok) return Error(std::move(ok).error()).prefix(where);
    if (auto ok = azure::check_managed_identity(c.azure_identity); !ok) {
      return Error(std::move(ok).error()).prefix(where);
    }
  }
  return {};
}

Result<CredentialConfig> load_checked_credential_config(std::string const& path, Settings const& settings) {
  auto named = named_google_endpoints(settings);
  if (!named) return std::move(named).error();
  auto config = load_credential_config(path);
  if (!config) return config;
  auto checked = apply_credential_config_rules(*config, *named);
  if (!checked) return std::move(checked).error();
  return config;
}

}  // namespace fedcred
