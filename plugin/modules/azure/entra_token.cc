// SPDX-License-Identifier: Apache-2.0
#include "entra_token.h"

#include "azure_ids.h"
#include "entra_errors.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr char kJwtBearer[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

}  // namespace

std::string entra_token_url(std::string const& authority, std::string const& tenant_id) {
  return authority + "/" + tenant_id + "/oauth2/v2.0/token";
}

EntraTokenClient::EntraTokenClient(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource& random)
    : http_(http), clock_(clock), policy_(policy), random_(random) {}

Result<AzureAccessToken> EntraTokenClient::access_token(EntraTokenRequest const& request) {
  auto authority =
      azure::normalize_authority(request.authority.empty() ? azure::kPublicCloudAuthority : request.authority);
  if (!authority) return std::move(authority).error();
  for (auto const& checked : {azure::check_tenant_id(request.tenant_id), azure::check_client_id(request.client_id),
                              azure::check_scope(request.scope)}) {
    if (!checked) return checked.error();
  }
  if (request.client_assertion.empty()) return make_error(Status::usage, "missing client assertion");

  std::string const url = entra_token_url(*authority, request.tenant_id);
  std::string const host = url_authority(url);
  Secret const form = form_encode({{"client_id", request.client_id},
                                   {"scope", request.scope},
                                   {"grant_type", "client_credentials"},
                                   {"client_assertion_type", kJwtBearer},
                                   {"client_assertion", request.client_assertion.reveal()}});
  Retrier retrier(policy_, clock_, request.deadline_ms, random_);
  auto body = retrier.run(
      [&](int attempt) -> Result<Secret> {
        HttpRequest http_request;
        http_request.method = "POST";
        http_request.url = url;
        http_request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
        http_request.body = form;
        http_request.timeout_ms = attempt_timeout_ms(clock_, request.deadline_ms, kAttemptTimeoutMs);
        http_request.max_body_bytes = kMaxBodyBytes;
        auto response = http_.send(http_request);
        if (!response) return std::move(response).error();
        if (log_) {
          log_.debug("Entra ID at " + host + " answered HTTP " + std::to_string(response->status) + " (attempt " +
                     std::to_string(attempt) + ")");
        }
        if (response->status == 200) return std::move(response->body);
        return entra_error(response->status, response->body.reveal(), host, request.tenant_id, request.client_id);
      },
      is_transient);
  if (!body) return std::move(body).error();
  return parse_azure_token_answer(body->reveal(), "Entra ID", host, clock_.unix_seconds());
}

}  // namespace fedcred::modules
