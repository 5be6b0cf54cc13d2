// SPDX-License-Identifier: Apache-2.0
#include "credential_chain.h"

#include "time_format.h"
#include "aws_container_host.h"
#include "assume_role.h"
#include "aws_partition.h"
#include "imds.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr std::int64_t kContainerAttemptTimeoutMs = 2000;  // botocore's ContainerMetadataFetcher
constexpr std::size_t kContainerMaxBodyBytes = 64 * 1024;

std::int64_t expiry_of(std::string const& text) {
  auto parsed = parse_rfc3339(text);
  return parsed ? *parsed : 0;
}

}  // namespace

Result<void> check_container_url(std::string const& text) {
  auto checked = aws::check_container_credentials_url(text);
  if (!checked) return Error(checked.error()).prefix("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  return {};
}

Result<AwsCredentials> CredentialChain::resolve(std::optional<messages::AwsKeys> const& keys,
                                                messages::AwsLinkInputs const& inputs, std::string const& region,
                                                std::string const& sts_endpoint, std::int64_t deadline_ms,
                                                Imds* imds) {
  std::string const& link = inputs.name;
  Result<AwsCredentials> out = make_error(Status::usage, "unknown credential_link \"" + link + "\"");
  if (link == "environment") out = environment(keys);
  if (link == "web_identity") out = web_identity(inputs, region, sts_endpoint, deadline_ms);
  if (link == "container") out = container(inputs, deadline_ms);
  if (link == "imds") out = instance_role(imds, inputs.instance_role);
  if (out) {
    out->link = link;
    if (log_) log_.debug("AWS credentials from the " + link + " link: " + out->identity);
  }
  return out;
}

Result<AwsCredentials> CredentialChain::environment(std::optional<messages::AwsKeys> const& keys) {
  if (!keys || keys->access_key_id.empty() || keys->secret_access_key.empty()) {
    return make_error(Status::usage, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  }
  AwsCredentials out;
  out.keys.access_key_id = keys->access_key_id;
  out.keys.secret_access_key = keys->secret_access_key;
  out.keys.session_token = keys->session_token;
  out.identity = "access key " + out.keys.access_key_id;
  return out;
}

Result<AwsCredentials> CredentialChain::web_identity(messages::AwsLinkInputs const& link, std::string const& region,
                                                     std::string const& sts_endpoint, std::int64_t deadline_ms) {
  AssumeRoleRequest request;
  if (link.web_identity_token.empty()) {
    return make_error(Status::source, "the web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE) is empty");
  }
  request.web_identity_token = link.web_identity_token;
  if (link.role_arn.empty()) {
    return make_error(Status::usage, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
  }
  request.role_arn = link.role_arn;
  // botocore names an unnamed session after the time, as here.
  request.session_name = !link.role_session_name.empty() ? link.role_session_name
                                                          : "fedcred-" + std::to_string(clock_.unix_seconds());
  // botocore sends no DurationSeconds here; 3600 is STS's own default.
  request.duration = "3600";
  request.region = region.empty() ? "us-east-1" : region;
  if (!sts_endpoint.empty()) {
    request.endpoint = sts_endpoint;
  } else if (region.empty()) {
    request.endpoint = "https://sts.amazonaws.com";  // botocore's choice without a region
  } else {
    request.endpoint = "https://sts." + region + "." + std::string(aws::partition_dns_suffix(region));
  }
  request.deadline_ms = deadline_ms;
  StsExchange sts(http_, clock_, StsExchange::default_policy(), random_);
  sts.set_logger(log_);
  auto creds = sts.assume_role_with_web_identity(request);
  if (!creds) return Error(std::move(creds).error()).prefix("web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");
  AwsCredentials out;
  out.keys.access_key_id = creds->access_key_id;
  out.keys.secret_access_key = std::move(creds->secret_access_key);
  out.keys.session_token = std::move(creds->session_token);
  out.expiration = expiry_of(creds->expiration);
  out.identity = "web identity role " + request.role_arn;
  return out;
}

Result<AwsCredentials> CredentialChain::container(messages::AwsLinkInputs const& link, std::int64_t deadline_ms) {
  if (link.container_url.empty()) return make_error(Status::usage, "missing parameter container_url");
  std::string const& url = link.container_url;
  auto allowed = check_container_url(url);
  if (!allowed) return std::move(allowed).error();
  std::string const host = url_authority(url);
  std::string const what = "the container credentials endpoint " + host;
  Secret const& authorization = link.container_authorization_token;
  // botocore refuses a token with CR or LF: it would split the header.
  if (authorization.reveal().find_first_of("\r\n") != std::string::npos) {
    return make_error(Status::usage, "the container authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]) "
                                     "contains a line break");
  }
  // botocore's ContainerMetadataFetcher: 3 attempts, 1 s apart.
  Retrier retrier(RetryPolicy{3, 1000, 1000, 100}, clock_, deadline_ms, random_);
  auto body = retrier.run(
      [&](int) -> Result<Secret> {
        HttpRequest request;
        request.url = url;
        request.headers = {{"Accept", "application/json"}};
        if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization.reveal());
        request.timeout_ms = attempt_timeout_ms(clock_, deadline_ms, kContainerAttemptTimeoutMs);
        request.max_body_bytes = kContainerMaxBodyBytes;
        request.direct = true;  // a link-local/loopback endpoint: never through a proxy
        auto response = http_.send(request);
        for (auto& header : request.headers) wipe(header.second);
        if (!response) return std::move(response).error();
        int const status = response->status;
        if (status >= 500 || status == 429) {
          return make_error(Status::transient, what + " answered HTTP " + std::to_string(status));
        }
        if (status == 401 || status == 403) {
          return make_error(Status::denied, what + " refused the authorization token (HTTP " + std::to_string(status) +
                                                "): check AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        }
        if (status != 200) {
          return make_error(Status::source, what + " answered HTTP " + std::to_string(status));
        }
        return std::move(response->body);
      },
      is_transient);
  if (!body) {
    Error error = std::move(body).error();
    if (error.status == Status::transient) {
      return make_error(Status::source, "cannot get credentials from " + what + ": " + error.message);
    }
    return error;
  }
  std::string expiration;
  auto keys = parse_aws_credentials_json(body->reveal(), "the credentials from " + what, false, &expiration);
  if (!keys) return std::move(keys).error();
  AwsCredentials out;
  out.keys = std::move(*keys);
  out.expiration = expiry_of(expiration);
  out.identity = "container credentials from " + host;
  return out;
}

Result<AwsCredentials> CredentialChain::instance_role(Imds* imds, std::string const& expected_role) {
  if (imds == nullptr) return make_error(Status::usage, "missing parameter imds_endpoint");
  std::string expiration;
  auto keys = imds->role_credentials(&expiration, expected_role);
  if (!keys) return std::move(keys).error();
  AwsCredentials out;
  out.keys = std::move(*keys);
  out.expiration = expiry_of(expiration);
  out.identity = "instance role " + imds->role_name();
  return out;
}

}  // namespace fedcred::modules
