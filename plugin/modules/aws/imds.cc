// SPDX-License-Identifier: Apache-2.0
#include "imds.h"

#include "ascii.h"
#include "json_doc.h"
#include "aws_partition.h"
#include "sts_query.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr char kTokenPath[] = "/latest/api/token";
constexpr char kRolesPath[] = "/latest/meta-data/iam/security-credentials/";
// Not the availability zone minus its last letter: Local Zone and Wavelength
// names ("us-west-2-lax-1a") do not end in the region name.
constexpr char kRegionPath[] = "/latest/meta-data/placement/region";

std::string_view trim(std::string_view s) {
  while (!s.empty() && ascii::is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && ascii::is_space(s.back())) s.remove_suffix(1);
  return s;
}

json_object* string_member(json_object* obj, char const* key) { return json_member(obj, key, json_type_string); }

std::string where(std::string const& host) { return "the instance metadata service (IMDS) at " + host; }

std::string status_hint(int status, std::string const& what) {
  switch (status) {
    case 401:
      return ": the IMDSv2 session token was rejected while reading " + what +
             " (a proxy in between, or the token expired; rerun)";
    case 403:
      return ": access to " + what + " is not allowed (instance metadata tags or access restricted?)";
    default:
      return " for " + what;
  }
}

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
  // "cannot reach HOST: why" from the HttpClient; keep the why.
  std::string_view detail = transport.message;
  std::string const prefix = "cannot reach " + host_ + ": ";
  if (detail.rfind(prefix, 0) == 0) detail.remove_prefix(prefix.size());
  return make_error(Status::source, "cannot reach " + where(host_) + " for " + what + " (" + std::string(detail) +
                                        "): is this an EC2 instance? AWS_EC2_METADATA_SERVICE_ENDPOINT overrides "
                                        "the address");
}

Result<void> Imds::ensure_token() {
  if (!token_.empty()) return {};
  if (!parse_url(base_url_)) {
    return make_error(Status::usage, "invalid IMDS endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT): not an http(s) URL");
  }
  auto result = with_retries([&]() -> Result<Secret> {
    HttpRequest request;
    request.method = "PUT";
    request.url = base_url_ + kTokenPath;
    request.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(kTokenTtlSeconds)}};
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
        return make_error(Status::source,
                          "no answer to the IMDSv2 token request from " + where(host_) + " within " +
                              std::to_string(request.timeout_ms) +
                              " ms: in a container the hop limit must be 2 (aws ec2 "
                              "modify-instance-metadata-options --http-put-response-hop-limit 2); outside EC2 set "
                              "AWS_EC2_METADATA_SERVICE_ENDPOINT or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
      }
      if (error.status == Status::response) error.status = Status::source;
      return error;
    }
    int const status = response->status;
    if (status >= 500) return make_error(Status::transient, where(host_) + " answered HTTP " + std::to_string(status));
    if (status == 403) {
      return make_error(Status::source, where(host_) + " refused the IMDSv2 token request (HTTP 403): IMDS may be "
                                                       "disabled for this instance (aws ec2 "
                                                       "modify-instance-metadata-options --http-endpoint enabled), "
                                                       "or a proxy added X-Forwarded-For");
    }
    if (status != 200) {
      return make_error(Status::source, where(host_) + " answered HTTP " + std::to_string(status) +
                                            " to the IMDSv2 token request (fedcred uses IMDSv2 only)");
    }
    std::string_view token = trim(response->body.reveal());
    if (token.empty()) return make_error(Status::source, where(host_) + " returned an empty IMDSv2 token");
    return Secret(token);
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
    request.headers = {{"X-aws-ec2-metadata-token", token_.reveal()}};
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
    int const status = response->status;
    if (status >= 500) return make_error(Status::transient, where(host_) + " answered HTTP " + std::to_string(status));
    if (status == 404 && path == kRolesPath) {
      return make_error(Status::source, "no IAM role is attached to this instance (" + where(host_) +
                                            " answered HTTP 404 for the role name): attach an instance profile "
                                            "(aws ec2 associate-iam-instance-profile) or set AWS_ACCESS_KEY_ID and "
                                            "AWS_SECRET_ACCESS_KEY");
    }
    if (status != 200) {
      return make_error(Status::source,
                        where(host_) + " answered HTTP " + std::to_string(status) + status_hint(status, what));
    }
    return std::move(response->body);
  });
  if (!result && result.error().status == Status::transient) return unreachable(result.error(), what);
  return result;
}

Result<sigv4::Credentials> Imds::role_credentials(std::string* expiration) {
  auto roles = get(kRolesPath, "the instance role name");
  if (!roles) return std::move(roles).error();
  std::string_view listing = roles->reveal();
  std::string const role(trim(listing.substr(0, listing.find('\n'))));
  bool valid = !role.empty() && role.size() <= 128;
  for (char c : role) valid = valid && (ascii::is_alnum(c) || std::string_view("+=,.@_-").find(c) != std::string_view::npos);
  if (!valid) {
    return make_error(Status::source, where(host_) + " returned no usable IAM role name: attach an instance profile "
                                                     "to this instance");
  }
  auto body = get(kRolesPath + role, "the credentials of role " + role);
  if (!body) return std::move(body).error();
  role_ = role;
  return parse_imds_credentials(body->reveal(), role, expiration);
}

Result<std::string> Imds::region() {
  auto answer = get(kRegionPath, "the region");
  if (!answer) return std::move(answer).error();
  std::string region(trim(answer->reveal()));
  if (!aws::is_valid_region(region)) {
    return make_error(Status::source, where(host_) + " returned something that is not a region name (\"" +
                                          sanitize_sts_text(std::string_view(region).substr(0, 64)) +
                                          "\"): set AWS_REGION");
  }
  return region;
}

}  // namespace fedcred::modules
