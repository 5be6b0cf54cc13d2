// SPDX-License-Identifier: Apache-2.0
#include "assume_role.h"

#include <algorithm>
#include <array>
#include "ascii.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr std::size_t kMaxResponseBytes = kMaxStsDocumentBytes;
constexpr std::size_t kMaxMessageChars = 512;
// Runs at least this long are treated as possible credentials or tokens.
constexpr std::size_t kLongTokenRun = 100;

bool is_token_char(char c) {
  return ascii::is_alnum(c) || c == '-' || c == '_' || c == '+' || c == '/' || c == '=' || c == '.';
}

bool looks_like_jwt_run(std::string_view run) {
  return run.rfind("eyJ", 0) == 0 && std::count(run.begin(), run.end(), '.') >= 2;
}

std::string sts_where(std::string const& host) { return "STS (" + host + ")"; }

std::string describe(StsError const& e) {
  std::string text = sanitize_sts_text(e.code);
  if (!e.message.empty()) text += ": " + sanitize_sts_text(e.message);
  if (!e.request_id.empty()) text += " (request id " + sanitize_sts_text(e.request_id) + ")";
  return text;
}

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

class Attempt {
 public:
  Attempt(HttpClient& http, Clock& clock, AssumeRoleRequest const& request, std::string host, Secret const& form)
      : http_(http), clock_(clock), request_(request), host_(std::move(host)), form_(form) {}

  Result<StsCredentials> operator()() {
    HttpRequest http_request;
    http_request.method = "POST";
    http_request.url = request_.endpoint;
    http_request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                            {"Accept", "text/xml"}};
    http_request.body = form_;
    http_request.timeout_ms = attempt_timeout_ms(clock_, request_.deadline_ms, StsExchange::kAttemptTimeoutMs);
    http_request.max_body_bytes = kMaxResponseBytes;

    auto response = http_.send(http_request);
    if (!response) return std::move(response).error();
    int const status = response->status;
    std::string_view const body = response->body.reveal();
    if (status >= 200 && status < 300) {
      auto creds = parse_assume_role_response(body);
      if (!creds) return unusable(status, creds.error());
      return creds;
    }
    if (status >= 300 && status < 400) {
      return make_error(Status::response, sts_where(host_) + " answered HTTP " + std::to_string(status) +
                                              " (a redirect, not followed): check the STS endpoint URL");
    }
    auto error = parse_error_response(body);
    if (!error) {
      if (status >= 500 || status == 429) {
        return make_error(Status::transient, sts_where(host_) + " answered HTTP " + std::to_string(status));
      }
      return unusable(status, error.error());
    }
    if (status >= 500 || status == 429 || is_retryable_sts_code(error->code)) {
      return make_error(Status::transient, sts_where(host_) + " answered HTTP " + std::to_string(status) + ": " +
                                               describe(*error));
    }
    return make_error(Status::denied, sts_where(host_) + " refused AssumeRoleWithWebIdentity for role " +
                                          request_.role_arn + ": " + describe(*error) +
                                          hint_for(error->code, request_));
  }

 private:
  Error unusable(int status, Error const& why) const {
    return make_error(Status::response, sts_where(host_) + " answered HTTP " + std::to_string(status) +
                                            " with a document fedcred cannot use: " + why.message);
  }

  HttpClient& http_;
  Clock& clock_;
  AssumeRoleRequest const& request_;
  std::string host_;
  Secret const& form_;
};

bool is_decimal(std::string_view s) {
  return !s.empty() && s.size() <= 9 &&
         std::all_of(s.begin(), s.end(), ascii::is_digit);
}

}  // namespace

bool is_retryable_sts_code(std::string_view code) {
  static constexpr std::array<std::string_view, 8> kRetryable = {
      "IDPCommunicationError", "Throttling",  "ThrottlingException", "RequestLimitExceeded",
      "TooManyRequestsException", "RequestTimeout", "ServiceUnavailable", "InternalFailure"};
  return std::find(kRetryable.begin(), kRetryable.end(), code) != kRetryable.end();
}

std::string sanitize_sts_text(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size() && out.size() < kMaxMessageChars) {
    char const c = text[i];
    if (is_token_char(c)) {
      std::size_t end = i;
      while (end < text.size() && is_token_char(text[end])) ++end;
      std::string_view run = text.substr(i, end - i);
      out += looks_like_jwt_run(run) || run.size() >= kLongTokenRun ? std::string_view("[redacted]") : run;
      i = end;
    } else {
      out.push_back(ascii::is_control(c) ? ' ' : c);
      ++i;
    }
  }
  if (out.size() > kMaxMessageChars) out.resize(kMaxMessageChars);
  if (i < text.size()) out += "...";
  return out;
}

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

  std::string const host = url->authority();
  Secret const form = assume_role_form(request);
  Attempt attempt(http_, clock_, request, host, form);
  Retrier retrier(policy_, clock_, request.deadline_ms, random_);
  if (log_) {
    retrier.set_observer([this](int n, Error const& error, std::int64_t delay) {
      log_(FEDCRED_LOG_INFO, "attempt " + std::to_string(n) + " failed (" + error.message + "); retrying in " +
                                 std::to_string(delay) + " ms");
    });
  }
  auto result = retrier.run([&](int) { return attempt(); }, is_transient);
  if (result || result.error().status != Status::transient) return result;
  return make_error(Status::transient, "AssumeRoleWithWebIdentity for role " + request.role_arn + " failed after " +
                                           std::to_string(retrier.attempts()) +
                                           " attempt(s): " + result.error().message);
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
