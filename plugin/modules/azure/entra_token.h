// SPDX-License-Identifier: Apache-2.0
// EntraTokenClient: a Microsoft Entra ID access token for an application,
// from the client-credentials grant with a federated client assertion (the
// workload's own identity token, audience api://AzureADTokenExchange):
// POST AUTHORITY/TENANT/oauth2/v2.0/token (docs/PROTOCOLS.md 12.2).
//
// Errors: Status::usage for bad inputs (authority not https, malformed
// tenant or client id, a scope that is not RESOURCE/.default), before any
// request; Status::denied when Entra refuses (the AADSTS code and its fix,
// entra_errors.h); Status::transient after retries on 429, 5xx and
// connection failures; Status::response for answers that are not Entra's.
// Messages never contain the assertion or the access token.
#pragma once

#include <cstdint>
#include <string>

#include "azure_token.h"
#include "clock.h"
#include "http_client.h"
#include "logger.h"
#include "retry.h"
#include "secret.h"

namespace fedcred::modules {

struct EntraTokenRequest {
  std::string authority;  // https://host[:port]; empty: the Azure public cloud's
  std::string tenant_id;
  std::string client_id;
  std::string scope;  // RESOURCE/.default
  Secret client_assertion;
  std::int64_t deadline_ms = 0;
};

class EntraTokenClient {
 public:
  static constexpr std::int64_t kAttemptTimeoutMs = 8000;
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;  // access tokens are a few KiB
  static RetryPolicy default_policy() { return RetryPolicy{4, 250, 2000, 500}; }

  EntraTokenClient(HttpClient& http, Clock& clock, RetryPolicy policy = default_policy(),
                   RandomSource& random = system_random());
  void set_logger(Logger log) { log_ = std::move(log); }

  Result<AzureAccessToken> access_token(EntraTokenRequest const& request);

 private:
  HttpClient& http_;
  Clock& clock_;
  RetryPolicy policy_;
  RandomSource& random_;
  Logger log_;
};

// AUTHORITY/TENANT/oauth2/v2.0/token for a normalized authority.
std::string entra_token_url(std::string const& authority, std::string const& tenant_id);

}  // namespace fedcred::modules
