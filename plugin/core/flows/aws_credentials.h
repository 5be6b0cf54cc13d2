// SPDX-License-Identifier: Apache-2.0
// AWS session credentials as fedcred hands them to the AWS tools, and the
// credential_process document (docs/PROTOCOLS.md section 1.1): Version is the JSON
// number 1, Expiration is RFC 3339 UTC with "Z".
#pragma once

#include <cstdint>
#include <string>

#include "module_host/runner.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct AwsCredentials {
  Secret access_key_id;
  Secret secret_access_key;
  Secret session_token;
  std::int64_t expiration = 0;  // unix seconds
  std::string assumed_role_arn;
  std::string request_id;
  // For the audit trail: whose token was exchanged, and the session name.
  std::string subject;
  std::string session_name;
};

// Builds credentials from the sts module's results. Missing fields, an
// unparseable expiration, or credentials already expired at `now_unix` are
// Status::response: never printed, never cached.
Result<AwsCredentials> aws_credentials_from_exchange(Values const& results, std::int64_t now_unix,
                                                     std::string const& endpoint_host);

Secret render_credential_process(AwsCredentials const& creds);

// The container-credentials provider's document (docs/PROTOCOLS.md 4.2), which
// `fedcred serve` answers: {"AccessKeyId","SecretAccessKey","Token","Expiration"}.
Secret render_container_credentials(AwsCredentials const& creds);

}  // namespace fedcred
