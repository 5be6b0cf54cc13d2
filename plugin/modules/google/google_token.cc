// SPDX-License-Identifier: Apache-2.0
#include "google_token.h"

#include <charconv>

#include "module_messages.h"
#include <memory>

#include "time_format.h"
#include "ascii.h"
#include "json_doc.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr char kGrantType[] = "urn:ietf:params:oauth:grant-type:token-exchange";
constexpr char kAccessTokenType[] = "urn:ietf:params:oauth:token-type:access_token";
constexpr std::int64_t kMaxExpiresInSeconds = 24 * 3600;

// Google's words in a message: printable ASCII, bounded.
std::string clean(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 300)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

std::string hint_for(int status, std::string const& error, bool iam) {
  if (iam && (status == 403 || error.rfind("PERMISSION_DENIED", 0) == 0)) {
    return "; grant the pool's principal roles/iam.workloadIdentityUser (or serviceAccountTokenCreator) on the "
           "service account, and check service_account_impersonation_url";
  }
  if (error.rfind("invalid_grant", 0) == 0) {
    return "; check the provider's attribute condition and mapping, that the AWS account is the one the provider "
           "names, and that audience is the provider's full resource name";
  }
  if (error.rfind("invalid_target", 0) == 0) return "; check audience: the pool or provider does not exist or is disabled";
  if (error.rfind("invalid_scope", 0) == 0) return "; check --scopes";
  return "";
}

}  // namespace

std::string google_error_text(std::string_view body) {
  JsonDoc doc = parse_json_object(body);
  if (!doc) return "";
  if (json_object* e = json_member(doc.get(), "error", json_type_string)) {
    std::string text = clean(json_object_get_string(e));
    if (json_object* d = json_member(doc.get(), "error_description", json_type_string)) {
      text += ": " + clean(json_object_get_string(d));
    }
    return text;
  }
  if (json_object* e = json_member(doc.get(), "error", json_type_object)) {
    std::string text;
    if (json_object* s = json_member(e, "status", json_type_string)) text = clean(json_object_get_string(s));
    if (json_object* m = json_member(e, "message", json_type_string)) text += ": " + clean(json_object_get_string(m));
    return text;
  }
  return "";
}

Result<GoogleAccessToken> parse_sts_token_response(std::string_view body, std::string const& host,
                                                   std::int64_t now) {
  JsonDoc doc = parse_json_object(body);
  json_object* token = doc ? json_member(doc.get(), "access_token", json_type_string) : nullptr;
  if (token == nullptr) {
    return make_error(Status::response, "Google STS at " + host + " answered without an access_token");
  }
  GoogleAccessToken out;
  out.token = take_json_secret(token);
  // expires_in is an integer, or a string of one (docs/PROTOCOLS.md 8.1).
  std::int64_t expires_in = 0;
  if (json_object* e = json_member(doc.get(), "expires_in", json_type_int)) {
    expires_in = json_object_get_int64(e);
  } else if (json_object* s = json_member(doc.get(), "expires_in", json_type_string)) {
    std::string_view text = json_object_get_string(s);
    std::from_chars(text.data(), text.data() + text.size(), expires_in);
  }
  if (expires_in <= 0) {
    return make_error(Status::response, "Google STS at " + host + " answered without a positive expires_in");
  }
  // No Google access token lives longer than 12 h (docs/PROTOCOLS.md 8.3);
  // a larger value is not Google's answer, and near INT64_MAX the sum below
  // would overflow.
  if (expires_in > kMaxExpiresInSeconds) {
    return make_error(Status::response, "Google STS at " + host + " answered an expires_in of more than a day");
  }
  out.expiration = now + expires_in;
  return out;
}

Result<GoogleAccessToken> parse_generate_access_token_response(std::string_view body, std::string const& host) {
  JsonDoc doc = parse_json_object(body);
  json_object* token = doc ? json_member(doc.get(), "accessToken", json_type_string) : nullptr;
  json_object* expire = doc ? json_member(doc.get(), "expireTime", json_type_string) : nullptr;
  if (token == nullptr || expire == nullptr) {
    return make_error(Status::response, "IAM Credentials at " + host + " answered without accessToken/expireTime");
  }
  GoogleAccessToken out;
  out.token = take_json_secret(token);
  auto expiration = parse_rfc3339(json_object_get_string(expire));
  if (!expiration) return make_error(Status::response, "IAM Credentials at " + host + " answered a bad expireTime");
  out.expiration = *expiration;
  return out;
}

Result<void> check_google_url(std::string const& url, std::string const& what) {
  auto parsed = parse_url(url);
  if (!parsed) return Error(parsed.error()).prefix(what);
  if (parsed->scheme == "https" || is_loopback_host(parsed->host)) return {};
  return make_error(Status::usage, what + " " + parsed->authority() +
                                       ": plain http is allowed only to a loopback address; use https");
}

GoogleTokenClient::GoogleTokenClient(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource& random)
    : http_(http), clock_(clock), policy_(policy), random_(random) {}

Result<Secret> GoogleTokenClient::post(std::string const& url, std::string const& what, HeaderList const& headers,
                                       Secret const& body, std::int64_t deadline_ms) {
  std::string const host = url_authority(url);
  bool const iam = what != "Google STS";
  Retrier retrier(policy_, clock_, deadline_ms, random_);
  return retrier.run(
      [&](int attempt) -> Result<Secret> {
        HttpRequest request;
        request.method = "POST";
        request.url = url;
        request.headers = headers;
        request.body = body;
        request.timeout_ms = attempt_timeout_ms(clock_, deadline_ms, kAttemptTimeoutMs);
        request.max_body_bytes = kMaxBodyBytes;
        auto response = http_.send(request);
        for (auto& header : request.headers) wipe(header.second);
        if (!response) return std::move(response).error();
        int const status = response->status;
        if (log_)
          log_.debug(what + " at " + host + " answered HTTP " + std::to_string(status) + " (attempt " +
                     std::to_string(attempt + 1) + ")");
        if (status == 200) return std::move(response->body);
        std::string const said = google_error_text(response->body.reveal());
        std::string const text = what + " at " + host + " answered HTTP " + std::to_string(status) +
                                 (said.empty() ? std::string() : ": " + said) + hint_for(status, said, iam);
        if (status == 429 || status >= 500) return make_error(Status::transient, text);
        if (status == 400 || status == 401 || status == 403 || status == 404) return make_error(Status::denied, text);
        return make_error(Status::response, text);
      },
      is_transient);
}

Result<GoogleAccessToken> GoogleTokenClient::exchange(GoogleTokenRequest const& request) {
  Secret const form = form_encode({{"grant_type", kGrantType},
                                   {"audience", request.audience},
                                   {"scope", request.scope},
                                   {"requested_token_type", kAccessTokenType},
                                   {"subject_token", request.subject_token.reveal()},
                                   {"subject_token_type", request.subject_token_type}});
  auto body = post(request.token_url, "Google STS",
                   {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}}, form,
                   request.deadline_ms);
  if (!body) return std::move(body).error();
  return parse_sts_token_response(body->reveal(), url_authority(request.token_url), clock_.unix_seconds());
}

Result<GoogleAccessToken> GoogleTokenClient::impersonate(GoogleTokenRequest const& request, Secret const& sts_token) {
  JsonDoc body(json_object_new_object());
  json_object* scopes = json_object_new_array();
  std::string_view rest = request.scope;
  while (!rest.empty()) {
    auto space = rest.find(' ');
    std::string_view one = rest.substr(0, space);
    if (!one.empty()) json_object_array_add(scopes, json_object_new_string_len(one.data(), static_cast<int>(one.size())));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  json_object_object_add(body.get(), "scope", scopes);
  std::string const lifetime = std::to_string(request.lifetime_seconds) + "s";
  json_object_object_add(body.get(), "lifetime", json_object_new_string(lifetime.c_str()));
  Secret const json(std::string_view(json_object_to_json_string_ext(body.get(), JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)));
  auto answer = post(request.impersonation_url, "IAM Credentials generateAccessToken",
                     {{"Content-Type", "application/json"},
                      {"Accept", "application/json"},
                      {"Authorization", "Bearer " + sts_token.reveal()}},
                     json, request.deadline_ms);
  if (!answer) return std::move(answer).error();
  return parse_generate_access_token_response(answer->reveal(), url_authority(request.impersonation_url));
}

Result<GoogleAccessToken> GoogleTokenClient::access_token(GoogleTokenRequest const& request) {
  auto checked = check_google_url(request.token_url, "token_url");
  if (!checked) return std::move(checked).error();
  if (!request.impersonation_url.empty()) {
    auto ok = check_google_url(request.impersonation_url, "service_account_impersonation_url");
    if (!ok) return std::move(ok).error();
  }
  auto sts = exchange(request);
  if (!sts || request.impersonation_url.empty()) return sts;
  return impersonate(request, sts->token);
}

int run_google_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock,
                         RandomSource& random) {
  if (operation != FEDCRED_OP_ACCESS_TOKEN) return call.fail(unsupported_operation("google", operation));
  auto params = messages::decode_access_token_params(call.reader());
  if (!params) return call.fail(params.error());
  GoogleTokenRequest request;
  request.token_url = std::move(params->token_url);
  request.audience = std::move(params->audience);
  request.subject_token = std::move(params->subject_token);
  request.subject_token_type = std::move(params->subject_token_type);
  request.scope = std::move(params->scope);
  request.impersonation_url = std::move(params->impersonation_url);
  request.lifetime_seconds = params->lifetime_seconds.value_or(3600);
  // gcloud's range for service_account_impersonation.token_lifetime_seconds.
  if (request.lifetime_seconds < 600 || request.lifetime_seconds > 43200) {
    return call.fail(make_error(Status::usage, "token_lifetime_seconds must be 600-43200, not " +
                                                   std::to_string(request.lifetime_seconds)));
  }
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  request.deadline_ms = *deadline;
  GoogleTokenClient client(http, clock, GoogleTokenClient::default_policy(), random);
  client.set_logger(call.logger());
  auto result = client.access_token(request);
  if (!result) return call.fail(result.error());
  call.set_results(messages::encode(
      messages::AccessTokenResult{std::move(result->token), result->expiration, !request.impersonation_url.empty()}));
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
