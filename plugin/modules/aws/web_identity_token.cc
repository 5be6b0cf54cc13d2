// SPDX-License-Identifier: Apache-2.0
#include "web_identity_token.h"

#include "ascii.h"
#include "aws_partition.h"
#include "sts_query.h"
#include "url.h"

namespace fedcred::modules {
namespace {

std::string hint_for(std::string const& code) {
  if (code == "OutboundWebIdentityFederationDisabledException") {
    return "; outbound identity federation is not enabled for this AWS account: run: aws iam "
           "enable-outbound-web-identity-federation";
  }
  if (code == "AccessDenied" || code == "AccessDeniedException") {
    return "; the caller's IAM role or user needs permission sts:GetWebIdentityToken (and "
           "sts:TagGetWebIdentityToken to pass tags)";
  }
  if (code == "SignatureDoesNotMatch") {
    return "; the request signature was rejected: check the clock (SigV4 tolerates 5 minutes of skew) and that "
           "the access key id and secret access key belong together";
  }
  if (code == "InvalidClientTokenId" || code == "ExpiredToken" || code == "ExpiredTokenException") {
    return "; the AWS credentials were not accepted: check AWS_ACCESS_KEY_ID/AWS_SESSION_TOKEN, or unset them to "
           "use the instance role";
  }
  if (code == "SessionDurationEscalationException") {
    return "; the token would outlive the caller's session: lower the duration";
  }
  if (code == "RegionDisabledException") return "; activate STS in this region or use another region";
  if (code == "ValidationError") {
    return "; check the audience (1-1000 characters) and the duration (60-3600 seconds)";
  }
  return "";
}

}  // namespace

Secret web_identity_token_form(WebIdentityTokenRequest const& request) {
  std::string const duration = std::to_string(request.duration_seconds);
  return form_encode({{"Action", "GetWebIdentityToken"},
                      {"Version", "2011-06-15"},
                      {"Audience.member.1", request.audience},
                      {"SigningAlgorithm", "RS256"},
                      {"DurationSeconds", duration}});
}

Result<std::string> web_identity_sts_endpoint(std::string const& region, std::string const& override_url) {
  if (!override_url.empty()) {
    auto url = parse_url(override_url);
    if (!url) return Error(url.error()).prefix("invalid STS endpoint");
    std::string host = url->host;
    for (char& c : host) c = ascii::to_lower(c);
    if (host == "sts.amazonaws.com") {
      return make_error(Status::usage,
                        "STS endpoint " + override_url +
                            " is the global endpoint, where GetWebIdentityToken does not exist: use a regional "
                            "endpoint such as https://sts." + region + "." +
                            std::string(aws::partition_dns_suffix(region)) +
                            " (or unset AWS_ENDPOINT_URL_STS)");
    }
    return override_url;
  }
  if (!aws::is_valid_region(region)) {
    return make_error(Status::usage, "\"" + region + "\" is not an AWS region name (set AWS_REGION)");
  }
  return "https://sts." + region + "." + std::string(aws::partition_dns_suffix(region));
}

WebIdentityTokenClient::WebIdentityTokenClient(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource& random)
    : http_(http), clock_(clock), policy_(policy), random_(random) {}

Result<StsWebIdentityToken> WebIdentityTokenClient::get(WebIdentityTokenRequest const& request,
                                                        sigv4::Credentials const& credentials) {
  auto url = parse_url(request.endpoint);
  if (!url) return Error(url.error()).prefix("invalid STS endpoint");
  if (request.audience.empty() || request.audience.size() > 1000) {
    return make_error(Status::usage, "the audience for GetWebIdentityToken must have 1-1000 characters");
  }
  if (request.duration_seconds < kMinDuration || request.duration_seconds > kMaxDuration) {
    return make_error(Status::usage, "duration " + std::to_string(request.duration_seconds) +
                                         " is outside GetWebIdentityToken's 60-3600 seconds");
  }
  if (!aws::is_valid_region(request.region)) {
    return make_error(Status::usage, "\"" + request.region + "\" is not an AWS region name");
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return make_error(Status::usage, "no AWS credentials to sign GetWebIdentityToken with");
  }

  Secret const form = web_identity_token_form(request);
  std::string const path_and_query = url->path;
  std::size_t const q = path_and_query.find('?');

  StsQuery query;
  query.action = "GetWebIdentityToken";
  query.subject = "for audience " + request.audience;
  query.endpoint = request.endpoint;
  query.form = &form;
  query.hint = hint_for;
  query.secrets = {credentials.secret_access_key.reveal(), credentials.session_token.reveal()};
  query.attempt_timeout_ms = kAttemptTimeoutMs;
  query.deadline_ms = request.deadline_ms;
  // Signed afresh for each attempt: X-Amz-Date is part of the signature, and
  // a retry after a long backoff should not look like a replay.
  query.headers = [&](HeaderList base) -> Result<HeaderList> {
    // Host is sent explicitly so that the signed value is the one on the wire.
    base.emplace_back("Host", url->authority());
    sigv4::Request to_sign{"POST", path_and_query.substr(0, q),
                           q == std::string::npos ? std::string() : path_and_query.substr(q + 1), base,
                           form.reveal()};
    sigv4::Options options;
    options.region = request.region;
    options.service = "sts";
    options.unix_time = clock_.unix_seconds();
    auto signed_request = sigv4::sign(to_sign, credentials, options);
    for (auto& header : to_sign.headers) wipe(header.second);
    if (!signed_request) return std::move(signed_request).error();
    base.insert(base.end(), signed_request->headers.begin(), signed_request->headers.end());
    for (auto& header : signed_request->headers) wipe(header.second);
    return base;
  };

  StsQueryClient client(http_, clock_, policy_, random_, log_);
  auto response = client.post(query);
  if (!response) return std::move(response).error();
  auto token = parse_web_identity_token_response(response->body.reveal());
  if (!token) return sts_unusable(url->authority(), response->status, token.error());
  return token;
}

}  // namespace fedcred::modules
