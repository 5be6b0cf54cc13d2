// SPDX-License-Identifier: Apache-2.0
// botocore's rule for the container credentials endpoint (ECS, EKS Pod
// Identity; docs/PROTOCOLS.md 4.2, botocore ContainerMetadataFetcher): https may go
// anywhere; plain http only to a loopback address or the agents' own hosts.
// Shared by the core (which refuses a bad URL before anything runs) and the
// aws module (which checks what it is handed).
#pragma once

#include <string_view>

#include "result.h"

namespace fedcred::aws {

// A host as parse_url returns it (any case, IPv6 in brackets or bare):
// loopback (url.h's rule), 169.254.170.2, 169.254.170.23 or fd00:ec2::23.
bool is_allowed_container_http_host(std::string_view host);

// The whole URL: parsed by parse_url, then the rule above. Status::usage
// errors name the host, never the path; callers prefix the variable.
Result<void> check_container_credentials_url(std::string_view url);

}  // namespace fedcred::aws
