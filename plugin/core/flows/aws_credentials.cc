// SPDX-License-Identifier: Apache-2.0
#include "flows/aws_credentials.h"

#include "output/json_writer.h"
#include "time_format.h"

namespace fedcred {
namespace {

std::string const* find(Values const& v, char const* key) {
  auto it = v.find(key);
  return it == v.end() || it->second.empty() ? nullptr : &it->second.reveal();
}

}  // namespace

Result<AwsCredentials> aws_credentials_from_exchange(Values const& results, std::int64_t now_unix,
                                                     std::string const& endpoint_host) {
  auto incomplete = [&](char const* field) {
    return make_error(Status::response, "STS (" + endpoint_host + ") answered without " + field);
  };
  auto const* akid = find(results, "access_key_id");
  auto const* secret = find(results, "secret_access_key");
  auto const* token = find(results, "session_token");
  auto const* expiration = find(results, "expiration");
  if (akid == nullptr) return incomplete("AccessKeyId");
  if (secret == nullptr) return incomplete("SecretAccessKey");
  if (token == nullptr) return incomplete("SessionToken");
  if (expiration == nullptr) return incomplete("Expiration");
  auto expires = parse_rfc3339(*expiration);
  if (!expires) {
    return make_error(Status::response, "STS (" + endpoint_host + ") sent an Expiration that is not an RFC 3339 time: '" +
                                            expiration->substr(0, 40) + "'");
  }
  if (*expires <= now_unix) {
    return make_error(Status::response, "STS (" + endpoint_host + ") issued credentials that already expired at " +
                                            format_rfc3339_utc(*expires) + " (is the clock of this machine right? now " +
                                            format_rfc3339_utc(now_unix) + ")");
  }
  AwsCredentials c;
  c.access_key_id = Secret(*akid);
  c.secret_access_key = Secret(*secret);
  c.session_token = Secret(*token);
  c.expiration = *expires;
  if (auto const* arn = find(results, "assumed_role_arn")) c.assumed_role_arn = *arn;
  if (auto const* id = find(results, "request_id")) c.request_id = *id;
  return c;
}

Secret render_credential_process(AwsCredentials const& creds) {
  JsonWriter w;
  w.number("Version", 1)
      .string("AccessKeyId", creds.access_key_id.reveal())
      .string("SecretAccessKey", creds.secret_access_key.reveal())
      .string("SessionToken", creds.session_token.reveal())
      .string("Expiration", format_rfc3339_utc(creds.expiration));
  return w.finish();
}

Secret render_container_credentials(AwsCredentials const& creds) {
  JsonWriter w;
  w.string("AccessKeyId", creds.access_key_id.reveal())
      .string("SecretAccessKey", creds.secret_access_key.reveal())
      .string("Token", creds.session_token.reveal())
      .string("Expiration", format_rfc3339_utc(creds.expiration));
  return w.finish();
}

}  // namespace fedcred
