// SPDX-License-Identifier: Apache-2.0
#include "aws_source.h"

#include <algorithm>

#include "time_format.h"  // the core's RFC 3339 parser, compiled into this module
#include "ascii.h"
#include "aws_partition.h"
#include "caller_identity_token.h"
#include "imds.h"
#include "web_identity_token.h"

namespace fedcred::modules {
namespace {

// Clock skew between this machine and STS, kept off the capped duration.
constexpr std::int64_t kCapSlackSeconds = 30;

}  // namespace

Result<std::int64_t> capped_duration(std::int64_t requested, std::int64_t expiration, std::int64_t now) {
  if (expiration <= 0) return requested;
  std::int64_t const remaining = expiration - now - kCapSlackSeconds;
  if (remaining >= requested) return requested;
  if (remaining < WebIdentityTokenClient::kMinDuration) {
    return make_error(Status::source, "the signing AWS credentials expire at " + format_rfc3339_utc(expiration) +
                                          ", too soon for a GetWebIdentityToken of at least 60 seconds: "
                                          "refresh them (or wait for the provider to rotate them)");
  }
  return remaining;
}

Result<std::string> resolve_region(std::string const& region, Imds* imds) {
  if (!region.empty()) return region;
  if (imds == nullptr) {
    return make_error(Status::usage, "no AWS region: set AWS_REGION (or let fedcred read it from IMDS)");
  }
  return imds->region();
}

Result<AwsSourceRequest> aws_source_request(ModuleCall const& call, Clock const& clock) {
  auto params = messages::decode_subject_token_params(call.reader());
  if (!params) return std::move(params).error();
  AwsSourceRequest request;
  request.audience = std::move(params->audience);
  request.imds_endpoint = std::move(params->imds_endpoint);
  request.region = std::move(params->region);
  if (!request.region.empty() && !aws::is_valid_region(request.region)) {
    return make_error(Status::usage, "\"" + request.region + "\" is not an AWS region name (AWS_REGION)");
  }
  // IMDS is needed for the region, or as the credential link.
  if ((request.region.empty() || params->aws_link.name == "imds") && request.imds_endpoint.empty()) {
    return make_error(Status::usage, "missing parameter imds_endpoint");
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
  request.caller_keys = std::move(params->caller_keys);
  request.aws_link = std::move(params->aws_link);
  return request;
}

AwsSource::AwsSource(HttpClient& http, Clock& clock, RandomSource& random)
    : http_(http), clock_(clock), random_(random) {}

Result<AwsSubjectToken> AwsSource::subject_token(AwsSourceRequest const& request, AwsCredentials const& credentials) {
  auto endpoint = web_identity_sts_endpoint(request.region, request.sts_endpoint);
  if (!endpoint) return std::move(endpoint).error();
  auto duration = capped_duration(request.duration_seconds, credentials.expiration, clock_.unix_seconds());
  if (!duration) return std::move(duration).error();
  if (*duration != request.duration_seconds && log_) {
    log_.info("GetWebIdentityToken duration capped from " + std::to_string(request.duration_seconds) + " to " +
              std::to_string(*duration) + " s: the signing credentials (" + credentials.identity + ") expire at " +
              format_rfc3339_utc(credentials.expiration));
  }
  WebIdentityTokenClient sts(http_, clock_, WebIdentityTokenClient::default_policy(), random_);
  sts.set_logger(log_);
  auto token = sts.get({*endpoint, request.region, request.audience, *duration, request.deadline_ms},
                       credentials.keys);
  if (!token) return std::move(token).error();
  auto expiration = parse_rfc3339(token->expiration);
  if (!expiration) {
    return make_error(Status::response, "GetWebIdentityToken returned an Expiration that is not an RFC 3339 time");
  }
  AwsSubjectToken out;
  out.token = std::move(token->token);
  out.expiration = *expiration;
  out.region = request.region;
  return out;
}

namespace {

int run_subject_token(ModuleCall& call, HttpClient& http, Clock& clock, RandomSource& random) {
  auto request = aws_source_request(call, clock);
  if (!request) return call.fail(request.error());
  // Fails before any I/O when the override is the global endpoint.
  if (!request->sts_endpoint.empty()) {
    auto checked = web_identity_sts_endpoint(request->region.empty() ? "us-east-1" : request->region,
                                             request->sts_endpoint);
    if (!checked) return call.fail(checked.error());
  }
  std::optional<Imds> imds =
      imds_for_call(http, clock, random, request->imds_endpoint, request->deadline_ms, request->aws_link);
  auto region = resolve_region(request->region, imds ? &*imds : nullptr);
  if (!region) return call.fail(region.error());
  request->region = std::move(*region);
  CredentialChain chain(http, clock, random);
  chain.set_logger(call.logger());
  auto credentials = chain.resolve(request->caller_keys, request->aws_link, request->region, request->sts_endpoint,
                                   request->deadline_ms, imds ? &*imds : nullptr);
  if (!credentials) return call.fail(credentials.error());
  AwsSource source(http, clock, random);
  source.set_logger(call.logger());
  auto token = source.subject_token(*request, *credentials);
  if (!token) return call.fail(token.error());
  call.set_results(messages::encode(messages::SubjectTokenResult{token->token, token->expiration, token->region,
                                                                  credentials->identity, credentials->link}));
  return FEDCRED_OK;
}

}  // namespace

int run_aws_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock,
                      RandomSource& random) {
  if (operation == FEDCRED_OP_SUBJECT_TOKEN) return run_subject_token(call, http, clock, random);
  if (operation == FEDCRED_OP_AWS4_REQUEST) return run_caller_identity_token(call, http, clock, random);
  return call.fail(unsupported_operation("aws", operation));
}

}  // namespace fedcred::modules
