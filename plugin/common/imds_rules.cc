// SPDX-License-Identifier: Apache-2.0
#include "imds_rules.h"

#include "ascii.h"

namespace fedcred::imds {
namespace {

using modules::ascii::trim;

bool is_role_name_char(char c) {
  return modules::ascii::is_alnum(c) || std::string_view("+=,.@_-").find(c) != std::string_view::npos;
}

std::string status_hint(int status, std::string const& what) {
  switch (status) {
    case 401:
      return ": the IMDSv2 session token was rejected while reading " + what +
             " (a proxy in between, or the token expired; rerun)";
    case 403:
      return ": access to " + what + " is not allowed (instance metadata tags or access restricted?)";
    default:
      return " for " + what;
  }
}

}  // namespace

std::string where(std::string const& host) { return "the instance metadata service (IMDS) at " + host; }

Result<Secret> token_from_answer(int status, std::string_view body, std::string const& host) {
  if (status >= 500) return make_error(Status::transient, where(host) + " answered HTTP " + std::to_string(status));
  if (status == 403) {
    return make_error(Status::source, where(host) + " refused the IMDSv2 token request (HTTP 403): IMDS may be "
                                                    "disabled for this instance (aws ec2 "
                                                    "modify-instance-metadata-options --http-endpoint enabled), "
                                                    "or a proxy added X-Forwarded-For");
  }
  if (status != 200) {
    return make_error(Status::source, where(host) + " answered HTTP " + std::to_string(status) +
                                          " to the IMDSv2 token request (fedcred uses IMDSv2 only)");
  }
  std::string_view token = trim(body);
  if (token.empty()) return make_error(Status::source, where(host) + " returned an empty IMDSv2 token");
  return Secret(token);
}

Error token_request_unanswered(std::string const& host, std::int64_t timeout_ms) {
  return make_error(Status::source,
                    "no answer to the IMDSv2 token request from " + where(host) + " within " +
                        std::to_string(timeout_ms) +
                        " ms: in a container the hop limit must be 2 (aws ec2 "
                        "modify-instance-metadata-options --http-put-response-hop-limit 2); outside EC2 set "
                        "AWS_EC2_METADATA_SERVICE_ENDPOINT or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
}

Result<void> check_get_status(int status, std::string_view path, std::string const& what, std::string const& host) {
  if (status == 200) return {};
  if (status >= 500) return make_error(Status::transient, where(host) + " answered HTTP " + std::to_string(status));
  if (status == 404 && path == kRolesPath) {
    return make_error(Status::source, "no IAM role is attached to this instance (" + where(host) +
                                          " answered HTTP 404 for the role name): attach an instance profile "
                                          "(aws ec2 associate-iam-instance-profile) or set AWS_ACCESS_KEY_ID and "
                                          "AWS_SECRET_ACCESS_KEY");
  }
  std::string_view const roles = kRolesPath;
  if (status == 404 && path.size() > roles.size() && path.substr(0, roles.size()) == roles) {
    // The role was listed a moment ago (by this client or the host's key lookup).
    return make_error(Status::source, where(host) + " has no credentials for instance role " +
                                          std::string(path.substr(roles.size())) +
                                          " (HTTP 404): the instance profile was just replaced; run again");
  }
  return make_error(Status::source, where(host) + " answered HTTP " + std::to_string(status) + status_hint(status, what));
}

Error unreachable(Error const& transport, std::string const& host, std::string const& what) {
  std::string_view detail = transport.message;
  std::string const prefix = "cannot reach " + host + ": ";
  if (detail.rfind(prefix, 0) == 0) detail.remove_prefix(prefix.size());
  return make_error(Status::source, "cannot reach " + where(host) + " for " + what + " (" + std::string(detail) +
                                        "): is this an EC2 instance? AWS_EC2_METADATA_SERVICE_ENDPOINT overrides "
                                        "the address");
}

bool is_role_name(std::string_view name) {
  bool valid = !name.empty() && name.size() <= 128;
  for (char c : name) valid = valid && is_role_name_char(c);
  return valid;
}

Result<std::string> role_from_listing(std::string_view listing, std::string const& host) {
  std::string const role(trim(listing.substr(0, listing.find('\n'))));
  if (!is_role_name(role)) {
    return make_error(Status::source, where(host) + " returned no usable IAM role name: attach an instance profile "
                                                    "to this instance");
  }
  return role;
}

}  // namespace fedcred::imds
