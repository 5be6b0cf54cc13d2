// SPDX-License-Identifier: Apache-2.0
#include "caller_identity_token.h"

#include <cstdio>
#include <optional>

#include "aws_partition.h"
#include "aws_source.h"
#include "credential_chain.h"
#include "imds.h"
#include "url.h"
#include "ascii.h"

namespace fedcred::modules {
namespace {

// Appends `value` as a JSON string literal (RFC 8259 escapes).
void append_json_string(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

Result<Secret> caller_identity_token(std::string const& verification_url_template, std::string const& region,
                                     std::string const& audience, sigv4::Credentials const& credentials,
                                     std::int64_t unix_time) {
  if (!aws::is_valid_region(region)) {
    return make_error(Status::usage, "\"" + region + "\" is not an AWS region name (set AWS_REGION)");
  }
  std::string url = verification_url_template;
  if (auto at = url.find("{region}"); at != std::string::npos) url.replace(at, 8, region);
  auto parsed = parse_url(url);
  if (!parsed || parsed->scheme != "https") {
    return make_error(Status::usage, "regional_cred_verification_url must be an https URL (the credential config's "
                                     "credential_source)");
  }
  std::string const& path_and_query = parsed->path;
  std::size_t const q = path_and_query.find('?');
  std::string const path = q == std::string::npos ? path_and_query : path_and_query.substr(0, q);
  std::string const query = q == std::string::npos ? std::string() : path_and_query.substr(q + 1);
  // The provider is signed with the rest (the header form Google's STS documents as
  // recommended): a leaked subject token cannot be redeemed at another provider.
  HeaderList headers = {{"host", parsed->authority()}, {"x-goog-cloud-target-resource", audience}};
  sigv4::Options options;
  options.region = region;
  options.service = "sts";
  options.unix_time = unix_time;
  auto signed_request = sigv4::sign({"POST", path.empty() ? "/" : path, query, headers, ""}, credentials, options);
  if (!signed_request) return std::move(signed_request).error();

  HeaderList all = std::move(headers);
  for (auto& [name, value] : signed_request->headers) all.emplace_back(modules::ascii::lower_case(name), std::move(value));

  std::string json = "{\"url\":";
  json.reserve(4096);  // one buffer for the whole document: no partial copy of the session token left behind
  append_json_string(json, url);
  json += ",\"method\":\"POST\",\"headers\":[";
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i != 0) json += ',';
    json += "{\"key\":";
    append_json_string(json, all[i].first);
    json += ",\"value\":";
    append_json_string(json, all[i].second);
    json += '}';
    wipe(all[i].second);
  }
  json += "]}";
  Secret encoded(percent_encode(json));
  wipe(json);
  return encoded;
}

int run_caller_identity_token(ModuleCall& call, HttpClient& http, Clock& clock, RandomSource& random) {
  auto params = messages::decode_aws4_request_params(call.reader());
  if (!params) return call.fail(params.error());
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  std::optional<Imds> imds = imds_for_call(http, clock, random, params->imds_endpoint, *deadline, params->aws_link);
  auto region = resolve_region(params->region, imds ? &*imds : nullptr);
  if (!region) return call.fail(region.error());
  CredentialChain chain(http, clock, random);
  chain.set_logger(call.logger());
  auto credentials = chain.resolve(params->caller_keys, params->aws_link, *region, params->sts_endpoint, *deadline,
                                   imds ? &*imds : nullptr);
  if (!credentials) return call.fail(credentials.error());
  std::string const url = params->verification_url.empty() ? kDefaultVerificationUrl : params->verification_url;
  auto token = caller_identity_token(url, *region, params->audience, credentials->keys, clock.unix_seconds());
  if (!token) return call.fail(token.error());
  std::optional<std::int64_t> expiration;
  if (credentials->expiration > 0) expiration = credentials->expiration;
  call.set_results(messages::encode(
      messages::SubjectTokenResult{*token, expiration, *region, credentials->identity, credentials->link}));
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
