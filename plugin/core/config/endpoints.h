// SPDX-License-Identifier: Apache-2.0
// Where fedcred's network calls go: the STS endpoint for a region (with the
// partition DNS suffixes and FIPS variants of botocore's endpoint rules), the
// GCE metadata host, and the ecosystem's override variables, so the overrides
// that steer the AWS CLI and google-auth steer fedcred too.
#pragma once

#include <string>
#include <string_view>

#include "base/env.h"
#include "result.h"
#include "url.h"

namespace fedcred {

struct Endpoint {
  std::string url;     // scheme://host[:port][/path]
  std::string origin;  // "AWS_ENDPOINT_URL_STS", or "region us-east-1"
};

// AWS_ENDPOINT_URL_STS, else https://sts[-fips].REGION.SUFFIX. The generic
// AWS_ENDPOINT_URL is deliberately ignored (see the .cc).
// An override must be an https URL, or http to a loopback address (tests and
// local proxies): a web identity token must not cross a network in clear text.
Result<Endpoint> sts_endpoint(std::string_view region, bool use_fips, Env const& env);

// The DNS suffix of the partition a region belongs to ("amazonaws.com.cn" for cn-*).
std::string_view partition_dns_suffix(std::string_view region);

// GCE_METADATA_HOST (host[:port]), else the legacy GCE_METADATA_ROOT, else
// metadata.google.internal. Always plain http, so only is_metadata_host().
Result<Endpoint> gce_metadata_host(Env const& env);

// True for the hosts a plain-http metadata request may go to: loopback and
// link-local (url.h's rules: 127.0.0.0/8, ::1, 169.254.0.0/16, fe80::/10),
// metadata.google.internal and the EC2 IPv6 IMDS address [fd00:ec2::254].
// IPv6 literals in brackets.
bool is_metadata_host(std::string_view host);

// A metadata base URL override (AWS_EC2_METADATA_SERVICE_ENDPOINT): https to
// any host, plain http only to is_metadata_host(); trailing slashes dropped.
Result<Endpoint> metadata_url_override(std::string url, std::string const& origin);

// True for 127.0.0.0/8, ::1 and localhost: the modules' rule (url.h), so that
// the core and the modules agree on where plain http may go.
using modules::is_loopback_host;

// host[:port] of a URL for messages, never the path, query or user info
// ("https://sts.us-east-1.amazonaws.com/" -> "sts.us-east-1.amazonaws.com").
using modules::url_authority;

}  // namespace fedcred
