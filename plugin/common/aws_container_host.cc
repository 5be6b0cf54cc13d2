// SPDX-License-Identifier: Apache-2.0
#include "aws_container_host.h"

#include <string>

#include "ascii.h"
#include "url.h"

namespace fedcred::aws {

bool is_allowed_container_http_host(std::string_view host) {
  if (modules::is_loopback_host(host)) return true;
  // botocore compares the bare host (urlparse drops the IPv6 brackets).
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string const bare = modules::ascii::lower_case(host);
  return bare == "169.254.170.2" || bare == "169.254.170.23" || bare == "fd00:ec2::23";
}

Result<void> check_container_credentials_url(std::string_view text) {
  auto url = modules::parse_url(text);
  if (!url) return std::move(url).error();
  if (url->scheme == "https" || is_allowed_container_http_host(url->host)) return {};
  return make_error(Status::usage, "container credentials host '" + url->host +
                                       "' is not allowed over plain http: use https, a loopback address, or "
                                       "169.254.170.2, 169.254.170.23, fd00:ec2::23 (as the AWS SDKs require)");
}

}  // namespace fedcred::aws
