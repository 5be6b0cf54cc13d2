// SPDX-License-Identifier: Apache-2.0
#include "google_token.h"

#include <arpa/inet.h>
#include <json-c/json.h>
#include <string.h>

#include <charconv>
#include <memory>

#include "time_format.h"
#include "ascii.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr char kGrantType[] = "urn:ietf:params:oauth:grant-type:token-exchange";
constexpr char kAccessTokenType[] = "urn:ietf:params:oauth:token-type:access_token";

struct JsonDeleter {
  void operator()(json_object* o) const noexcept { json_object_put(o); }
};
using JsonPtr = std::unique_ptr<json_object, JsonDeleter>;
struct TokenerDeleter {
  void operator()(json_tokener* t) const noexcept { json_tokener_free(t); }
};

JsonPtr parse_object(std::string_view text) {
  std::unique_ptr<json_tokener, TokenerDeleter> tokener(json_tokener_new());
  if (!tokener) return nullptr;
  JsonPtr doc(json_tokener_parse_ex(tokener.get(), text.data(), static_cast<int>(text.size())));
  if (!doc || json_tokener_get_error(tokener.get()) != json_tokener_success ||
      !json_object_is_type(doc.get(), json_type_object)) {
    return nullptr;
  }
  return doc;
}

json_object* member(json_object* obj, char const* key, json_type type) {
  json_object* v = nullptr;
  if (obj == nullptr || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type)) return nullptr;
  return v;
}

// Copies a token out of the document and wipes json-c's copy before it is freed.
Secret take_secret(json_object* v) {
  char* text = const_cast<char*>(json_object_get_string(v));
  std::size_t const len = static_cast<std::size_t>(json_object_get_string_len(v));
  Secret out(std::string_view(text, len));
  explicit_bzero(text, len);
  return out;
}

// Google's words in a message: printable ASCII, bounded.
std::string clean(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 300)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

// What Google said, from either error shape: OAuth {"error","error_description"}
// (STS) or {"error":{"code","message","status"}} (IAM Credentials).
std::string google_error(std::string_view body) {
  JsonPtr doc = parse_object(body);
  if (!doc) return "";
  if (json_object* e = member(doc.get(), "error", json_type_string)) {
    std::string text = clean(json_object_get_string(e));
    if (json_object* d = member(doc.get(), "error_description", json_type_string)) {
      text += ": " + clean(json_object_get_string(d));
    }
    return text;
  }
  if (json_object* e = member(doc.get(), "error", json_type_object)) {
    std::string text;
    if (json_object* s = member(e, "status", json_type_string)) text = clean(json_object_get_string(s));
    if (json_object* m = member(e, "message", json_type_string)) text += ": " + clean(json_object_get_string(m));
    return text;
  }
  return "";
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

bool is_loopback(std::string host) {
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

Result<void> check_google_url(std::string const& url, std::string const& what) {
  auto parsed = parse_url(url);
  if (!parsed) return Error(parsed.error()).prefix(what);
  if (parsed->scheme == "https" || is_loopback(parsed->host)) return {};
  return make_error(Status::usage, what + " " + parsed->authority() +
                                       ": plain http is allowed only to a loopback address; use https");
}

GoogleTokenClient::GoogleTokenClient(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource random)
    : http_(http), clock_(clock), policy_(policy), random_(std::move(random)) {}

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
        if (log_) log_(FEDCRED_LOG_DEBUG, what + " at " + host + " answered HTTP " + std::to_string(status) +
                                              " (attempt " + std::to_string(attempt + 1) + ")");
        if (status == 200) return std::move(response->body);
        std::string const said = google_error(response->body.reveal());
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
  JsonPtr doc = parse_object(body->reveal());
  json_object* token = doc ? member(doc.get(), "access_token", json_type_string) : nullptr;
  if (token == nullptr) {
    return make_error(Status::response, "Google STS at " + url_authority(request.token_url) +
                                            " answered without an access_token");
  }
  GoogleAccessToken out;
  out.token = take_secret(token);
  // expires_in is an integer, or a string of one (PROTOCOLS.md 8.1).
  std::int64_t expires_in = 0;
  if (json_object* e = member(doc.get(), "expires_in", json_type_int)) {
    expires_in = json_object_get_int64(e);
  } else if (json_object* s = member(doc.get(), "expires_in", json_type_string)) {
    std::string_view text = json_object_get_string(s);
    std::from_chars(text.data(), text.data() + text.size(), expires_in);
  }
  if (expires_in <= 0) {
    return make_error(Status::response, "Google STS at " + url_authority(request.token_url) +
                                            " answered without a positive expires_in");
  }
  out.expiration = clock_.unix_seconds() + expires_in;
  return out;
}

Result<GoogleAccessToken> GoogleTokenClient::impersonate(GoogleTokenRequest const& request, Secret const& sts_token) {
  JsonPtr body(json_object_new_object());
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
  Secret const json(std::string_view(json_object_to_json_string_ext(body.get(), JSON_C_TO_STRING_PLAIN)));
  auto answer = post(request.impersonation_url, "IAM Credentials generateAccessToken",
                     {{"Content-Type", "application/json"},
                      {"Accept", "application/json"},
                      {"Authorization", "Bearer " + sts_token.reveal()}},
                     json, request.deadline_ms);
  if (!answer) return std::move(answer).error();
  JsonPtr doc = parse_object(answer->reveal());
  json_object* token = doc ? member(doc.get(), "accessToken", json_type_string) : nullptr;
  json_object* expire = doc ? member(doc.get(), "expireTime", json_type_string) : nullptr;
  std::string const host = url_authority(request.impersonation_url);
  if (token == nullptr || expire == nullptr) {
    return make_error(Status::response, "IAM Credentials at " + host + " answered without accessToken/expireTime");
  }
  GoogleAccessToken out;
  out.token = take_secret(token);
  auto expiration = parse_rfc3339(json_object_get_string(expire));
  if (!expiration) return make_error(Status::response, "IAM Credentials at " + host + " answered a bad expireTime");
  out.expiration = *expiration;
  return out;
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
                         RandomSource random) {
  if (operation != "access_token") return call.fail(unsupported_operation("google", operation));
  GoogleTokenRequest request;
  for (auto [key, field] : {std::pair{"token_url", &request.token_url}, std::pair{"audience", &request.audience},
                            std::pair{"subject_token_type", &request.subject_token_type},
                            std::pair{"scope", &request.scope}}) {
    auto value = call.required_param(key);
    if (!value) return call.fail(value.error());
    *field = std::move(*value);
  }
  auto token = call.required_secret_param("subject_token");
  if (!token) return call.fail(token.error());
  request.subject_token = std::move(*token);
  request.impersonation_url = call.param("impersonation_url").value_or("");
  if (auto lifetime = call.param("lifetime")) {
    auto [end, ec] = std::from_chars(lifetime->data(), lifetime->data() + lifetime->size(), request.lifetime_seconds);
    if (ec != std::errc() || end != lifetime->data() + lifetime->size() || request.lifetime_seconds < 600 ||
        request.lifetime_seconds > 43200) {
      return call.fail(make_error(Status::usage, "token_lifetime_seconds must be 600-43200, not \"" + *lifetime + "\""));
    }
  }
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  request.deadline_ms = *deadline;
  GoogleTokenClient client(http, clock, GoogleTokenClient::default_policy(), std::move(random));
  client.set_logger(call.logger());
  auto result = client.access_token(request);
  if (!result) return call.fail(result.error());
  call.set_result("access_token", result->token);
  call.set_result("expiration", std::to_string(result->expiration));
  call.set_result("impersonated", request.impersonation_url.empty() ? "0" : "1");
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
