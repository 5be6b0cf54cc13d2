// SPDX-License-Identifier: Apache-2.0
#include "config/endpoints.h"

#include <arpa/inet.h>

#include <string>

#include "aws_partition.h"

namespace fedcred {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
}

// Splits "scheme://authority/path" and returns the host part of the authority.
std::string_view url_host(std::string_view url, std::string_view scheme) {
  auto authority = url.substr(scheme.size());
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (!authority.empty() && authority.front() == '[') return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

Result<Endpoint> checked_override(std::string const& url, std::string const& origin) {
  for (char c : url) {
    if (c <= ' ' || c >= 0x7f) {
      return make_error(Status::usage, origin + ": the endpoint URL contains spaces or control characters");
    }
  }
  // "http://127.0.0.1@evil.example/" connects to evil.example: user info would
  // defeat the loopback rule below, and an STS endpoint never needs it.
  auto scheme_end = url.find("://");
  auto authority = scheme_end == std::string::npos ? std::string_view() : std::string_view(url).substr(scheme_end + 3);
  if (authority.substr(0, authority.find_first_of("/?#")).find('@') != std::string_view::npos) {
    return make_error(Status::usage, origin + ": the endpoint URL must not contain user information ('@')");
  }
  constexpr std::string_view kHttps = "https://", kHttp = "http://";
  if (starts_with(url, kHttps) && !url_host(url, kHttps).empty()) return Endpoint{url, origin};
  if (starts_with(url, kHttp)) {
    auto host = url_host(url, kHttp);
    if (is_loopback_host(host)) return Endpoint{url, origin};
    return make_error(Status::usage, origin + "=" + url +
                                         ": plain http is allowed only to a loopback address; "
                                         "use https so the identity token is not sent in clear text");
  }
  return make_error(Status::usage, origin + "=" + url + ": not an http(s) URL");
}

// The host part of "host", "host:port", "[v6]" or "[v6]:port".
std::string_view authority_host(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

Error not_a_metadata_host(std::string const& origin, std::string const& value) {
  return make_error(Status::usage, origin + "=" + value +
                                       ": metadata requests are plain http and return identity tokens and "
                                       "credentials, so only a loopback or link-local address or the documented "
                                       "metadata name (metadata.google.internal, fd00:ec2::254) is accepted; "
                                       "use https for anything else");
}

}  // namespace

bool is_metadata_host(std::string_view host) {
  if (is_loopback_host(host)) return true;
  if (host == "metadata.google.internal" || host == "metadata.google.internal." || host == "[fd00:ec2::254]") {
    return true;
  }
  std::string h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 16) == 0xA9FE;  // 169.254.0.0/16
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
    in6_addr v6{};
    // fe80::/10, link-local
    return inet_pton(AF_INET6, h.substr(1, h.size() - 2).c_str(), &v6) == 1 && v6.s6_addr[0] == 0xfe &&
           (v6.s6_addr[1] & 0xc0) == 0x80;
  }
  return false;
}

Result<Endpoint> metadata_url_override(std::string url, std::string const& origin) {
  constexpr std::string_view kHttps = "https://", kHttp = "http://";
  bool const https = starts_with(url, kHttps);
  if (!https && !starts_with(url, kHttp)) {
    return make_error(Status::usage, origin + "=" + url + ": not an http(s) URL");
  }
  auto authority = std::string_view(url).substr(https ? kHttps.size() : kHttp.size());
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return make_error(Status::usage, origin + ": the endpoint URL must not contain user information ('@')");
  }
  auto host = authority_host(authority);
  if (host.empty()) return make_error(Status::usage, origin + "=" + url + ": no host");
  if (!https && !is_metadata_host(host)) return not_a_metadata_host(origin, url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return Endpoint{url, origin};
}

std::string endpoint_host(std::string const& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return url.substr(start, url.find_first_of("/?#", start) - start);
}

std::string_view partition_dns_suffix(std::string_view region) { return aws::partition_dns_suffix(region); }

Result<Endpoint> sts_endpoint(std::string_view region, bool use_fips, Env const& env) {
  // Not the generic AWS_ENDPOINT_URL: workloads set it for MinIO / R2 /
  // LocalStack, and STS requests carry a bearer token (or a signed, replayable
  // request) that must reach STS only.
  if (auto url = env.get("AWS_ENDPOINT_URL_STS")) return checked_override(*url, "AWS_ENDPOINT_URL_STS");
  // In aws-us-gov the regular regional endpoint is already FIPS validated and
  // there is no sts-fips host (botocore's endpoint rules).
  bool fips_host = use_fips && !starts_with(region, "us-gov-");
  std::string host = std::string(fips_host ? "sts-fips." : "sts.") + std::string(region) + "." +
                     std::string(partition_dns_suffix(region));
  return Endpoint{"https://" + host, "region " + std::string(region)};
}

Result<Endpoint> gce_metadata_host(Env const& env) {
  std::string origin = "GCE_METADATA_HOST";
  auto host = env.get(origin);
  if (!host) {
    origin = "GCE_METADATA_ROOT";
    host = env.get(origin);
  }
  if (!host) return Endpoint{"metadata.google.internal", "default"};
  bool valid = !host->empty() && host->size() <= 255;
  for (char c : *host) valid = valid && is_host_char(c);
  if (!valid) {
    return make_error(Status::usage, origin + ": '" + *host + "' is not a host[:port]");
  }
  // Always plain http (google-auth's own rule): the same loopback / link-local
  // rule as any plain-http endpoint that gets a token back.
  if (!is_metadata_host(authority_host(*host))) return not_a_metadata_host(origin, *host);
  return Endpoint{*host, origin};
}

}  // namespace fedcred
