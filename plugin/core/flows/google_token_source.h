// SPDX-License-Identifier: Apache-2.0
// The one thing `fedcred serve`'s GCE metadata emulation needs from the
// Google side: the current access token of a profile, and who it belongs to.
// An interface here, below commands/, so that the served route depends on
// it rather than on the access-token command; commands/serve_google.h
// implements it with that command's cached exchange.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "output/audit.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct GoogleAccessToken {
  Secret access_token;
  std::int64_t expiration = 0;  // unix seconds
};

struct GoogleTokenIdentity {
  std::string email;  // the service account (or principal) the token acts as
  std::vector<std::string> scopes;
  std::string project_id;
  std::string numeric_project_id;
  std::int64_t timeout_seconds = 15;  // the profile's deadline for one exchange (--timeout / `timeout`)
};

class GoogleTokenSource {
 public:
  virtual ~GoogleTokenSource() = default;
  // Who the tokens of `profile` act as; Status::usage when the profile cannot
  // give Google tokens.
  virtual Result<GoogleTokenIdentity> identity(std::string const& profile) = 0;
  // A token with at least `min_lifetime_seconds` left: from the cache when
  // one is there, else a fresh exchange (through the same single flight as
  // `fedcred access-token`). Fills in `audit` (source, target, cache use:
  // the server tells a stale-on-error answer from a refresh by it).
  virtual Result<GoogleAccessToken> current_token(std::string const& profile, std::int64_t min_lifetime_seconds,
                                                  AuditRecord& audit) = 0;
};

}  // namespace fedcred
