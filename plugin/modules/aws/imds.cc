// SPDX-License-Identifier: Apache-2.0
#include "imds.h"

#include "ascii.h"
#include "fedcred/module.h"
#include "json_doc.h"
#include "aws_partition.h"
#include "sts_query.h"
#include "imds_rules.h"

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
    : client_(http, clock, std::move(base_url), deadline_ms, policy, random) {}

std::optional<Imds> imds_for_call(HttpClient& http, Clock& clock, RandomSource& random, std::string const& endpoint,
                                  std::int64_t deadline_ms, messages::AwsLinkInputs const& link) {
  std::optional<Imds> imds;
  if (endpoint.empty()) return imds;
  imds.emplace(http, clock, endpoint, deadline_ms, Imds::default_policy(), random);
  if (link.name == "imds" && !link.instance_role.empty()) imds->resume_session(link.imds_session_token);
  return imds;
}

void Imds::resume_session(Secret token) {
  resumed_ = !token.empty();
  client_.adopt_token(std::move(token));
}

Result<sigv4::Credentials> Imds::role_credentials(std::string* expiration, std::string const& expected_role) {
  std::string role = expected_role;
  // The host listed the expected role in this session a moment ago; it goes
  // into the credentials' path as it came (one path segment, checked).
  if (resumed_ && !role.empty() && !imds::is_role_name(role)) {
    return make_error(Status::usage, "parameter " FEDCRED_KEY_INSTANCE_ROLE " is not an IAM role name");
  }
  if (!resumed_ || role.empty()) {
    auto listed = client_.role_name();
    if (!listed) return std::move(listed).error();
    role = std::move(*listed);
    if (!expected_role.empty() && role != expected_role) {
      return make_error(Status::source, where(client_.host()) + " names instance role " + role + ", not " +
                                            expected_role +
                                            " as a moment ago: the instance profile was just replaced; run again");
    }
  }
  auto body = client_.get(imds::kRolesPath + role, "the credentials of role " + role);
  if (!body) return std::move(body).error();
  role_ = role;
  return parse_imds_credentials(body->reveal(), role, expiration);
}

Result<std::string> Imds::region() {
  auto answer = client_.get(kRegionPath, "the region");
  if (!answer) return std::move(answer).error();
  std::string region(ascii::trim(answer->reveal()));
  if (!aws::is_valid_region(region)) {
    return make_error(Status::source, where(client_.host()) + " returned something that is not a region name (\"" +
                                          sanitize_sts_text(std::string_view(region).substr(0, 64)) +
                                          "\"): set AWS_REGION");
  }
  return region;
}

}  // namespace fedcred::modules
