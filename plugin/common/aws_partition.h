// SPDX-License-Identifier: Apache-2.0
// AWS partitions as fedcred needs them: the DNS suffix of a region's
// partition (botocore partitions.json, docs/PROTOCOLS.md 2.5) and a shape check
// for region names. Shared by the core (STS endpoint for `fedcred aws`) and
// the aws module (GetWebIdentityToken endpoint), so both build the same host.
#pragma once

#include <array>
#include <string_view>
#include <utility>

namespace fedcred::aws {

// The DNS suffix of the partition a region belongs to ("amazonaws.com.cn" for cn-*).
inline std::string_view partition_dns_suffix(std::string_view region) {
  // Ordered so that the longer prefixes win (us-isob- before us-iso-).
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kSuffixes{{
      {"cn-", "amazonaws.com.cn"},
      {"us-isob-", "sc2s.sgov.gov"},
      {"us-isof-", "csp.hci.ic.gov"},
      {"us-iso-", "c2s.ic.gov"},
      {"eu-isoe-", "cloud.adc-e.uk"},
      {"eusc-", "amazonaws.eu"},
  }};
  for (auto const& [prefix, suffix] : kSuffixes) {
    if (region.substr(0, prefix.size()) == prefix) return suffix;
  }
  return "amazonaws.com";
}

// True for names shaped like AWS regions: lower-case letters, digits and
// single hyphens, starting with a letter and ending with a digit
// ("us-east-1", "us-gov-west-1", "eusc-de-east-1"). The region becomes part of
// a host name and of the SigV4 scope, so nothing else may pass.
inline bool is_valid_region(std::string_view region) {
  if (region.size() < 4 || region.size() > 32) return false;
  if (!(region.front() >= 'a' && region.front() <= 'z')) return false;
  if (!(region.back() >= '0' && region.back() <= '9')) return false;
  bool hyphen = false;
  char prev = '\0';
  for (char c : region) {
    bool const ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    hyphen = hyphen || c == '-';
    prev = c;
  }
  return hyphen;
}

}  // namespace fedcred::aws
