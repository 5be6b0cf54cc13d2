// SPDX-License-Identifier: Apache-2.0
#include "imds.h"

#include "ascii.h"
#include "json_doc.h"
#include "aws_partition.h"
#include "sts_query.h"
#include "imds_rules.h"
#include "url.h"

namespace fedcred::modules {
namespace {

using imds::where;

// Not the availability zone minus its last letter: Local Zone and Wavelength
// names ("us-west-2-lax-1a") do not end in the region name.
constexpr char kRegionPath[] = "/latest/meta-data/placement/region";

json_object* string_member(json_object* obj, char const* key) { return json_member(obj, key, json_type_string); }

}  // namespace

Result<sigv4::Credentials> parse_imds_credentials(std::string_view json, std::string const& role,
                                                  std::string* expiration) {
  return parse_aws_credentials_json(json, "the IMDS credentials of role " + role, true, expiration);
}

Result<sigv4::Credentials> parse_aws_credentials_json(std::string_view json, std::string const& what,
                                                      bool require_success_code, std::string* expiration) {
  JsonDoc doc = parse_json_object(json);
  if (!doc) {
    return make_error(Status::source, what + " are not a JSON object");
  }
  json_object* code = string_member(doc.get(), "Code");
  std::string const code_text = code != nullptr ? json_object_get_string(code) : "";
  json_object* akid = string_member(doc.get(), "AccessKeyId");
  json_object* secret = string_member(doc.get(), "SecretAccessKey");
  json_object* token = string_member(doc.get(), "Token");
  sigv4::Credentials creds;
  // Taken (and wiped in the document) before any check, so that no early
  // return leaves a secret behind in freed memory.
  if (secret != nullptr) creds.secret_access_key = take_json_secret(secret);
  if (token != nullptr) creds.session_token = take_json_secret(token);
  if (require_success_code && code_text != "Success") {
    json_object* message = string_member(doc.get(), "Message");
    std::string text = what + " report Code=" + sanitize_sts_text(code_text.empty() ? "(none)" : code_text);
    if (message != nullptr) text += " (" + sanitize_sts_text(json_object_get_string(message)) + ")";
    return make_error(Status::source, text + ": check the instance profile and its role in IAM");
  }
  if (akid != nullptr) creds.access_key_id = json_object_get_string(akid);
  if (expiration != nullptr) {
    json_object* exp = string_member(doc.get(), "Expiration");
    *expiration = exp != nullptr ? json_object_get_string(exp) : "";
  }
  if (creds.access_key_id.empty() || creds.secret_access_key.empty() || creds.session_token.empty()) {
    return make_error(Status::source, what + " lack AccessKeyId, SecretAccessKey or Token");
  }
  return creds;
}

Imds::Imds(HttpClient& http, Clock& clock, std::string base_url, std::int64_t deadline_ms, RetryPolicy policy,
           RandomSource& random)
    : http_(http),
      clock_(clock),
      base_url_(std::move(base_url)),
      host_(url_authority(base_url_)),
      deadline_ms_(deadline_ms),
      policy_(policy),
      random_(random) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

template <typename Fn>
auto Imds::with_retries(Fn&& fn) -> decltype(fn()) {
  Retrier retrier(policy_, clock_, deadline_ms_, random_);
  return retrier.run([&](int) { return fn(); }, is_transient);
}

Error Imds::unreachable(Error const& transport, std::string const& what) const {
  return imds::unreachable(transport, host_, what);
}

Result<void> Imds::ensure_token() {
  if (!token_.empty()) return {};
  if (!parse_url(base_url_)) {
    return make_error(Status::usage, "invalid IMDS endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT): not an http(s) URL");
  }
  auto result = with_retries([&]() -> Result<Secret> {
    HttpRequest request;
    request.method = "PUT";
    request.url = base_url_ + imds::kTokenPath;
    request.headers = {{imds::kTokenTtlHeader, std::to_string(kTokenTtlSeconds)}};
    request.timeout_ms = attempt_timeout_ms(clock_, deadline_ms_, kAttemptTimeoutMs);
    request.max_body_bytes = kMaxBodyBytes;
    request.direct = true;
    std::int64_t const started = clock_.monotonic_ms();
    auto response = http_.send(request);
    if (!response) {
      Error error = std::move(response).error();
      // A PUT that gets no answer at all is the classic IMDSv2-in-a-container
      // failure: the answer's IP TTL (hop limit) of 1 dies at the container
      // bridge. Waiting longer would not help, so this is final.
      if (error.status == Status::transient && clock_.monotonic_ms() - started >= request.timeout_ms) {
        return imds::token_request_unanswered(host_, request.timeout_ms);
      }
      if (error.status == Status::response) error.status = Status::source;
      return error;
    }
    return imds::token_from_answer(response->status, response->body.reveal(), host_);
  });
  if (!result) {
    if (result.error().status == Status::transient) return unreachable(result.error(), "the IMDSv2 token");
    return std::move(result).error();
  }
  token_ = std::move(*result);
  return {};
}

Result<Secret> Imds::get(std::string const& path, std::string const& what) {
  auto have_token = ensure_token();
  if (!have_token) return std::move(have_token).error();
  auto result = with_retries([&]() -> Result<Secret> {
    HttpRequest request;
    request.url = base_url_ + path;
    request.headers = {{imds::kTokenHeader, token_.reveal()}};
    request.timeout_ms = attempt_timeout_ms(clock_, deadline_ms_, kAttemptTimeoutMs);
    request.max_body_bytes = kMaxBodyBytes;
    request.direct = true;
    auto response = http_.send(request);
    wipe(request.headers[0].second);
    if (!response) {
      Error error = std::move(response).error();
      if (error.status == Status::response) error.status = Status::source;
      return error;
    }
    auto status = imds::check_get_status(response->status, path, what, host_);
    if (!status) return std::move(status).error();
    return std::move(response->body);
  });
  if (!result && result.error().status == Status::transient) return unreachable(result.error(), what);
  return result;
}

Result<sigv4::Credentials> Imds::role_credentials(std::string* expiration, std::string const& expected_role) {
  auto roles = get(imds::kRolesPath, "the instance role name");
  if (!roles) return std::move(roles).error();
  auto listed = imds::role_from_listing(roles->reveal(), host_);
  if (!listed) return std::move(listed).error();
  std::string const role = std::move(*listed);
  if (!expected_role.empty() && role != expected_role) {
    return make_error(Status::source, where(host_) + " names instance role " + role + ", not " + expected_role +
                                          " as a moment ago: the instance profile was just replaced; run again");
  }
  auto body = get(imds::kRolesPath + role, "the credentials of role " + role);
  if (!body) return std::move(body).error();
  role_ = role;
  return parse_imds_credentials(body->reveal(), role, expiration);
}

Result<std::string> Imds::region() {
  auto answer = get(kRegionPath, "the region");
  if (!answer) return std::move(answer).error();
  std::string region(ascii::trim(answer->reveal()));
  if (!aws::is_valid_region(region)) {
    return make_error(Status::source, where(host_) + " returned something that is not a region name (\"" +
                                          sanitize_sts_text(std::string_view(region).substr(0, 64)) +
                                          "\"): set AWS_REGION");
  }
  return region;
}

}  // namespace fedcred::modules
