// SPDX-License-Identifier: Apache-2.0
// The one thing `fedcred serve`'s GCE metadata emulation needs from the
// Google side: the current access token of a profile, and who it belongs to.
// The access-token flow (issue 13) implements it; until that lands on this
// branch, make_google_token_source() returns a source that says so, and the
// server refuses --gcp-profile at start rather than serving 503s.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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
};

class GoogleTokenSource {
 public:
  virtual ~GoogleTokenSource() = default;
  // Who the tokens of `profile` act as; Status::usage when the profile cannot
  // give Google tokens.
  virtual Result<GoogleTokenIdentity> identity(std::string const& profile) = 0;
  // A token with at least `min_lifetime_seconds` left: from the cache when
  // one is there, else a fresh exchange (through the same single flight as
  // `fedcred access-token`).
  virtual Result<GoogleAccessToken> current_token(std::string const& profile, std::int64_t min_lifetime_seconds) = 0;
};

// NOT YET WIRED: needs issue 13's access-token flow; every call fails with
// Status::usage saying so.
std::unique_ptr<GoogleTokenSource> make_unwired_google_token_source();

}  // namespace fedcred
