// SPDX-License-Identifier: Apache-2.0
#include "assume_role.h"

#include <algorithm>

#include "ascii.h"
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

StsExchange::StsExchange(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource random)
    : http_(http), clock_(clock), policy_(policy), random_(std::move(random)) {}

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
  if (operation != "assume_role_with_web_identity") return call.fail(unsupported_operation("sts", operation));
  AssumeRoleRequest request;
  for (auto [key, field] : {std::pair{"endpoint", &request.endpoint}, std::pair{"region", &request.region},
                            std::pair{"role_arn", &request.role_arn},
                            std::pair{"session_name", &request.session_name},
                            std::pair{"duration", &request.duration}}) {
    auto value = call.required_param(key);
    if (!value) return call.fail(value.error());
    *field = std::move(*value);
  }
  auto token = call.required_secret_param("web_identity_token");
  if (!token) return call.fail(token.error());
  request.web_identity_token = std::move(*token);
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  request.deadline_ms = *deadline;

  StsExchange sts(http, clock);
  sts.set_logger(call.logger());
  auto creds = sts.assume_role_with_web_identity(request);
  if (!creds) return call.fail(creds.error());
  call.set_result("access_key_id", creds->access_key_id);
  call.set_result("secret_access_key", creds->secret_access_key);
  call.set_result("session_token", creds->session_token);
  call.set_result("expiration", creds->expiration);
  call.set_result("assumed_role_arn", creds->assumed_role_arn);
  call.set_result("request_id", creds->request_id);
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
