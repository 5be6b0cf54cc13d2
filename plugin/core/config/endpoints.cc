// SPDX-License-Identifier: Apache-2.0
#include "config/endpoints.h"

#include <string>

#include "aws_partition.h"

namespace fedcred {
namespace {

// An override URL through the one parser (url.h): http or https, a valid
// host[:port], no user info ("http://127.0.0.1@evil.example/" connects to
// evil.example and would defeat the host rules). A refused URL is not echoed:
// its user info may hold a password.
Result<modules::Url> parsed_override(std::string const& url, std::string const& origin) {
  for (char c : url) {
    if (c <= ' ' || c >= 0x7f) {
      return make_error(Status::usage, origin + ": the endpoint URL contains spaces or control characters");
    }
  }
  auto parsed = modules::parse_url(url);
  if (!parsed) return make_error(Status::usage, origin + ": " + parsed.error().message);
  return parsed;
}

Result<Endpoint> checked_override(std::string const& url, std::string const& origin) {
  auto parsed = parsed_override(url, origin);
  if (!parsed) return std::move(parsed).error();
  if (parsed->scheme == "https" || is_loopback_host(parsed->host)) return Endpoint{url, origin};
  return make_error(Status::usage, origin + "=" + url +
                                       ": plain http is allowed only to a loopback address; "
                                       "use https so the identity token is not sent in clear text");
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
  return modules::is_link_local_host(host);
}

Result<Endpoint> metadata_url_override(std::string url, std::string const& origin) {
  auto parsed = parsed_override(url, origin);
  if (!parsed) return std::move(parsed).error();
  if (parsed->scheme != "https" && !is_metadata_host(parsed->host)) return not_a_metadata_host(origin, url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return Endpoint{url, origin};
}

std::string_view partition_dns_suffix(std::string_view region) { return aws::partition_dns_suffix(region); }

Result<Endpoint> sts_endpoint(std::string_view region, bool use_fips, Env const& env) {
  // Not the generic AWS_ENDPOINT_URL: workloads set it for MinIO / R2 /
  // LocalStack, and STS requests carry a bearer token (or a signed, replayable
  // request) that must reach STS only.
  if (auto url = env.get("AWS_ENDPOINT_URL_STS")) return checked_override(*url, "AWS_ENDPOINT_URL_STS");
  // In aws-us-gov the regular regional endpoint is already FIPS validated and
  // there is no sts-fips host (botocore's endpoint rules).
  bool fips_host = use_fips && region.rfind("us-gov-", 0) != 0;
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
  std::string bare_host;
  std::string port;
  if (host->size() > 255 || !modules::split_authority(*host, bare_host, port)) {
    return make_error(Status::usage, origin + ": '" + *host + "' is not a host[:port]");
  }
  // Always plain http (google-auth's own rule): the same loopback / link-local
  // rule as any plain-http endpoint that gets a token back.
  if (!is_metadata_host(bare_host)) return not_a_metadata_host(origin, *host);
  return Endpoint{*host, origin};
}

}  // namespace fedcred
