// SPDX-License-Identifier: Apache-2.0
// What `fedcred serve` hands out, one object per route, all refreshed the
// same way: the AWS route's container-credentials document (the `aws` flow
// and its cache) and the Google route's access token (a GoogleTokenSource).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "commands/credential_deps.h"
#include "config/profile.h"
#include "flows/google_token_source.h"
#include "output/audit.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

struct Issued {
  Secret value;  // what the route serves
  std::int64_t expiration = 0;
  AuditRecord audit;
};

class ServedCredential {
 public:
  virtual ~ServedCredential() = default;
  virtual int route() const = 0;  // FEDCRED_SERVE_AWS or FEDCRED_SERVE_GOOGLE
  virtual std::string describe() const = 0;  // "AWS profile P" for log lines
  // The margin the one-shot commands use for this profile's cache entries.
  virtual std::int64_t cache_margin() const = 0;
  // Through the cache: an entry with more than margin_seconds left, else fetched.
  virtual Result<Issued> fetch(std::int64_t margin_seconds) = 0;
  // The profile's own deadline for one fetch (--timeout / `timeout`).
  virtual std::int64_t fetch_timeout_seconds() const = 0;
};

std::unique_ptr<ServedCredential> make_served_aws(AwsRequest req, CredentialDeps const& deps);
// `timeout_seconds`: the Google profile's deadline (GoogleTokenIdentity).
std::unique_ptr<ServedCredential> make_served_google(std::string profile, GoogleTokenSource& source,
                                                     std::int64_t timeout_seconds);

}  // namespace fedcred
