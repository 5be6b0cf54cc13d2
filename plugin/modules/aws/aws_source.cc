// SPDX-License-Identifier: Apache-2.0
#include "aws_source.h"

#include <algorithm>

#include "time_format.h"
#include "ascii.h"
#include "aws_partition.h"
#include "imds.h"
#include "web_identity_token.h"

namespace fedcred::modules {
namespace {

}  // namespace

Result<AwsSourceRequest> aws_source_request(ModuleCall const& call, Clock const& clock) {
  auto params = messages::decode_subject_token_params(call.reader());
  if (!params) return std::move(params).error();
  AwsSourceRequest request;
  request.audience = std::move(params->audience);
  if (params->imds_endpoint.empty()) return make_error(Status::usage, "missing parameter imds_endpoint");
  request.imds_endpoint = std::move(params->imds_endpoint);
  request.region = std::move(params->region);
  if (!request.region.empty() && !aws::is_valid_region(request.region)) {
    return make_error(Status::usage, "\"" + request.region + "\" is not an AWS region name (AWS_REGION)");
  }
  request.sts_endpoint = std::move(params->sts_endpoint);
  request.duration_seconds = params->duration_seconds.value_or(3600);
  if (request.duration_seconds < WebIdentityTokenClient::kMinDuration ||
      request.duration_seconds > WebIdentityTokenClient::kMaxDuration) {
    return make_error(Status::usage, "duration for GetWebIdentityToken must be 60-3600 seconds, not " +
                                         std::to_string(request.duration_seconds));
  }
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return std::move(deadline).error();
  request.deadline_ms = *deadline;
  if (params->caller_keys) {
    sigv4::Credentials creds;
    creds.access_key_id = std::move(params->caller_keys->access_key_id);
    creds.secret_access_key = std::move(params->caller_keys->secret_access_key);
    creds.session_token = std::move(params->caller_keys->session_token);
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
  if (operation != FEDCRED_OP_SUBJECT_TOKEN) return call.fail(unsupported_operation("aws", operation));
  auto request = aws_source_request(call, clock);
  if (!request) return call.fail(request.error());
  AwsSource source(http, clock, std::move(random));
  source.set_logger(call.logger());
  auto token = source.subject_token(*request);
  if (!token) return call.fail(token.error());
  call.set_results(messages::encode(messages::SubjectTokenResult{token->token, token->expiration, token->region}));
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
