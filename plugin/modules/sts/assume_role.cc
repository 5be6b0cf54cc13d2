// SPDX-License-Identifier: Apache-2.0
#include "assume_role.h"

#include <algorithm>

#include "ascii.h"
#include "time_format.h"
#include "url.h"

namespace fedcred::modules {
namespace {

std::string hint_for(std::string const& code, AssumeRoleRequest const& request) {
  if (code == "AccessDenied") {
    return "; check the role's trust policy: Principal {\"Federated\": \"accounts.google.com\"} with "
           "accounts.google.com:oaud = the audience the token was requested for, and "
           "accounts.google.com:sub (and :aud) = the service account's unique numeric id";
  }
  if (code == "InvalidIdentityToken") {
    return "; STS could not validate the token: check that its issuer is one the account trusts "
           "(accounts.google.com needs no IAM OIDC provider; other issuers do) and that the VM's clock is right";
  }
  if (code == "ExpiredTokenException") return "; the token expired before STS checked it: check the clock";
  if (code == "RegionDisabledException") {
    return "; activate STS in region " + request.region + " (IAM account settings) or use another region";
  }
  if (code == "ValidationError") {
    return "; check role_arn, session_name (2-64 characters of [A-Za-z0-9_+=,.@-]) and duration "
           "(900-43200 seconds, within the role's maximum session duration)";
  }
  return "";
}

bool is_decimal(std::string_view s) {
  return !s.empty() && s.size() <= 9 &&
         std::all_of(s.begin(), s.end(), ascii::is_digit);
}

}  // namespace

Secret assume_role_form(AssumeRoleRequest const& request) {
  return form_encode({{"Action", "AssumeRoleWithWebIdentity"},
                      {"Version", "2011-06-15"},
                      {"RoleArn", request.role_arn},
                      {"RoleSessionName", request.session_name},
                      {"WebIdentityToken", request.web_identity_token.reveal()},
                      {"DurationSeconds", request.duration}});
}

StsExchange::StsExchange(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource& random)
    : http_(http), clock_(clock), policy_(policy), random_(random) {}

Result<StsCredentials> StsExchange::assume_role_with_web_identity(AssumeRoleRequest const& request) {
  auto url = parse_url(request.endpoint);
  if (!url) return Error(url.error()).prefix("invalid STS endpoint");
  if (!is_decimal(request.duration)) {
    return make_error(Status::usage, "duration must be a number of seconds, not \"" + request.duration + "\"");
  }
  for (auto const* field : {&request.role_arn, &request.session_name}) {
    if (field->empty()) return make_error(Status::usage, "missing role_arn or session_name for STS");
  }
  if (request.web_identity_token.empty()) return make_error(Status::usage, "missing web identity token for STS");

  Secret const form = assume_role_form(request);
  StsQuery query;
  query.action = "AssumeRoleWithWebIdentity";
  query.subject = "for role " + request.role_arn;
  query.endpoint = request.endpoint;
  query.form = &form;
  query.hint = [&request](std::string const& code) { return hint_for(code, request); };
  query.secrets = {request.web_identity_token.reveal()};
  query.attempt_timeout_ms = kAttemptTimeoutMs;
  query.deadline_ms = request.deadline_ms;
  StsQueryClient client(http_, clock_, policy_, random_, log_);
  auto response = client.post(query);
  if (!response) return std::move(response).error();
  auto creds = parse_assume_role_response(response->body.reveal());
  if (!creds) return sts_unusable(url->authority(), response->status, creds.error());
  return creds;
}

int run_sts_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock) {
  if (operation != FEDCRED_OP_ASSUME_ROLE) return call.fail(unsupported_operation("sts", operation));
  auto params = messages::decode_assume_role_params(call.reader());
  if (!params) return call.fail(params.error());
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  AssumeRoleRequest request{params->endpoint, params->region, params->role_arn, params->session_name,
                            std::to_string(params->duration_seconds), std::move(params->web_identity_token),
                            *deadline};

  StsExchange sts(http, clock);
  sts.set_logger(call.logger());
  auto creds = sts.assume_role_with_web_identity(request);
  if (!creds) return call.fail(creds.error());
  // The wire carries one time format: STS's Expiration is re-written as
  // RFC 3339 UTC, and one it sent unparseable is its unusable answer.
  auto expiration = parse_rfc3339(creds->expiration);
  if (!expiration) {
    return call.fail(make_error(Status::response, "STS (" + url_authority(request.endpoint) +
                                                      ") sent an Expiration that is not an RFC 3339 time: '" +
                                                      creds->expiration.substr(0, 40) + "'"));
  }
  call.set_results(messages::encode(messages::AssumeRoleResult{
      Secret(creds->access_key_id), creds->secret_access_key, creds->session_token, *expiration,
      creds->assumed_role_arn, creds->request_id}));
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
