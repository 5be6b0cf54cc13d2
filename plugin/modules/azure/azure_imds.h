// SPDX-License-Identifier: Apache-2.0
// AzureImdsSource: a managed identity's access token from the Azure Instance
// Metadata Service (docs/PROTOCOLS.md 13):
//   GET ENDPOINT/metadata/identity/oauth2/token?api-version=2018-02-01
//       &resource=R[&client_id=C|&object_id=O|&msi_res_id=ID]   Metadata: true
// under the IMDS rules: direct (never a proxy; IMDS refuses a request with
// X-Forwarded-For), no redirects, bounded answers, and the retries Azure
// documents (404, 408, 410, 429 and 5xx, exponential backoff from 1 s, at
// most 3 retries) within the run's deadline.
//
// Every failure is Status::source (the token is unavailable), with what to
// check; bad inputs are Status::usage before any request. No message holds
// the token.
#pragma once

#include <cstdint>
#include <string>

#include "azure_token.h"
#include "clock.h"
#include "http_client.h"
#include "logger.h"
#include "module_messages.h"
#include "retry.h"

namespace fedcred::modules {

struct AzureImdsRequest {
  std::string endpoint;  // http://host[:port]; empty: http://169.254.169.254
  std::string resource;
  messages::ManagedIdentity identity;
  std::int64_t deadline_ms = 0;
};

class AzureImdsSource {
 public:
  static constexpr char kApiVersion[] = "2018-02-01";
  // IMDS asks Entra on a cold cache: slower than a metadata read.
  static constexpr std::int64_t kAttemptTimeoutMs = 5000;
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;
  // 1 s -> 2 s -> 4 s, three retries (MSAL's ImdsRetryPolicy, Azure's guidance).
  static RetryPolicy default_policy() { return RetryPolicy{4, 1000, 4000, 200}; }

  AzureImdsSource(HttpClient& http, Clock& clock, RetryPolicy policy = default_policy(),
                  RandomSource& random = system_random());
  void set_logger(Logger log) { log_ = std::move(log); }

  Result<AzureAccessToken> access_token(AzureImdsRequest const& request);

 private:
  Result<AzureAccessToken> attempt(std::string const& url, std::string const& host, AzureImdsRequest const& request);

  HttpClient& http_;
  Clock& clock_;
  RetryPolicy policy_;
  RandomSource& random_;
  Logger log_;
};

// The token URL for a normalized endpoint, resource and identity.
std::string azure_imds_token_url(std::string const& endpoint, std::string const& resource,
                                 messages::ManagedIdentity const& identity);

// Statuses Azure says to retry: 404 (IMDS updating), 408, 410 (IMDS
// updating, back within 70 s), 429 (throttled), 5xx.
bool azure_imds_retries(int status);

}  // namespace fedcred::modules
