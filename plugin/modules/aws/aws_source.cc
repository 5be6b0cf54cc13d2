// SPDX-License-Identifier: Apache-2.0
#include "aws_source.h"

#include <algorithm>
#include <charconv>

#include "time_format.h"  // the core's RFC 3339 parser, compiled into this module
#include "ascii.h"
#include "aws_partition.h"
#include "imds.h"
#include "web_identity_token.h"

namespace fedcred::modules {
namespace {

Result<std::int64_t> parse_duration(std::optional<std::string> const& text) {
  if (!text) return std::int64_t{3600};
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < WebIdentityTokenClient::kMinDuration ||
      value > WebIdentityTokenClient::kMaxDuration) {
    return make_error(Status::usage, "duration for GetWebIdentityToken must be 60-3600 seconds, not \"" + *text + "\"");
  }
  return value;
}

}  // namespace

Result<AwsSourceRequest> aws_source_request(ModuleCall const& call, Clock const& clock) {
  AwsSourceRequest request;
  auto audience = call.required_param("audience");
  if (!audience) return std::move(audience).error();
  request.audience = std::move(*audience);
  auto imds = call.required_param("imds_endpoint");
  if (!imds) return std::move(imds).error();
  request.imds_endpoint = std::move(*imds);
  request.region = call.param("region").value_or("");
  if (!request.region.empty() && !aws::is_valid_region(request.region)) {
    return make_error(Status::usage, "\"" + request.region + "\" is not an AWS region name (AWS_REGION)");
  }
  request.sts_endpoint = call.param("sts_endpoint").value_or("");
  auto duration = parse_duration(call.param("duration"));
  if (!duration) return std::move(duration).error();
  request.duration_seconds = *duration;
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return std::move(deadline).error();
  request.deadline_ms = *deadline;

  auto akid = call.param("access_key_id");
  auto secret = call.required_secret_param("secret_access_key");
  if (akid.has_value() != secret.ok()) {
    return make_error(Status::usage, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  }
  if (akid) {
    sigv4::Credentials creds;
    creds.access_key_id = std::move(*akid);
    creds.secret_access_key = std::move(*secret);
    if (auto token = call.required_secret_param("session_token")) creds.session_token = std::move(*token);
    request.credentials = std::move(creds);
  }
  return request;
}

AwsSource::AwsSource(HttpClient& http, Clock& clock, RandomSource random)
    : http_(http), clock_(clock), random_(std::move(random)) {}

Result<AwsSubjectToken> AwsSource::subject_token(AwsSourceRequest const& request) {
  // Fails before any I/O when the override is the global endpoint.
  if (!request.sts_endpoint.empty()) {
    auto checked = web_identity_sts_endpoint(request.region.empty() ? "us-east-1" : request.region,
                                             request.sts_endpoint);
    if (!checked) return std::move(checked).error();
  }
  Imds imds(http_, clock_, request.imds_endpoint, request.deadline_ms, Imds::default_policy(), random_);
  AwsSubjectToken out;
  out.region = request.region;
  if (out.region.empty()) {
    auto region = imds.region();
    if (!region) return std::move(region).error();
    out.region = std::move(*region);
  }
  std::optional<sigv4::Credentials> instance;
  if (!request.credentials) {
    auto creds = imds.role_credentials();
    if (!creds) return std::move(creds).error();
    instance = std::move(*creds);
  }
  sigv4::Credentials const& credentials = request.credentials ? *request.credentials : *instance;

  auto endpoint = web_identity_sts_endpoint(out.region, request.sts_endpoint);
  if (!endpoint) return std::move(endpoint).error();
  WebIdentityTokenClient sts(http_, clock_, WebIdentityTokenClient::default_policy(), random_);
  sts.set_logger(log_);
  auto token = sts.get({*endpoint, out.region, request.audience, request.duration_seconds, request.deadline_ms},
                       credentials);
  if (!token) return std::move(token).error();
  auto expiration = parse_rfc3339(token->expiration);
  if (!expiration) {
    return make_error(Status::response, "GetWebIdentityToken returned an Expiration that is not an RFC 3339 time");
  }
  out.token = std::move(token->token);
  out.expiration = *expiration;
  return out;
}

int run_aws_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock,
                      RandomSource random) {
  if (operation != "subject_token") return call.fail(unsupported_operation("aws", operation));
  auto request = aws_source_request(call, clock);
  if (!request) return call.fail(request.error());
  AwsSource source(http, clock, std::move(random));
  source.set_logger(call.logger());
  auto token = source.subject_token(*request);
  if (!token) return call.fail(token.error());
  call.set_result("subject_token", token->token);
  call.set_result("expiration", std::to_string(token->expiration));
  call.set_result("region", token->region);
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
