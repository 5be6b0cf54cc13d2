// SPDX-License-Identifier: Apache-2.0
// The one thing `fedcred serve`'s Azure managed-identity routes need from the
// Entra side: a profile's application (client) id, and its token for a
// resource. An interface here, below commands/, so that the served routes
// depend on it rather than on the azure command; commands/serve_azure.h
// implements it with that command's cached exchange.
#pragma once

#include <cstdint>
#include <string>

#include "output/audit.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct AzureAccessToken {
  Secret access_token;
  std::int64_t expiration = 0;  // unix seconds
};

class AzureTokenSource {
 public:
  virtual ~AzureTokenSource() = default;
  // The application the tokens of `profile` are issued to (what the routes
  // answer as client_id); Status::usage when the profile cannot give Entra
  // tokens. Sends nothing.
  virtual Result<std::string> client_id(std::string const& profile) = 0;
  // A token for `resource` (Entra's scope RESOURCE/.default) with more than
  // the profile's refresh margin left: from the cache when one is there, else
  // a fresh exchange (through the same single flight as `fedcred azure`).
  // Fills in `audit` (cache use: the server audits fresh issuances only).
  // Called from the server's threads, concurrently.
  virtual Result<AzureAccessToken> current_token(std::string const& profile, std::string const& resource,
                                                 AuditRecord& audit) = 0;
};

}  // namespace fedcred
