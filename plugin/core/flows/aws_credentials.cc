// SPDX-License-Identifier: Apache-2.0
#include "flows/aws_credentials.h"

#include "output/json_writer.h"
#include "time_format.h"

namespace fedcred {

Result<AwsCredentials> aws_credentials_from_exchange(Values const& results, std::int64_t now_unix,
                                                     std::string const& endpoint_host) {
  auto decoded = messages::decode_assume_role_result(messages::reader_of(results));
  if (!decoded) {
    Error e = std::move(decoded).error();
    e.message = "STS (" + endpoint_host + ") " + e.message;
    return e;
  }
  std::int64_t const expires = decoded->expiration;
  if (expires <= now_unix) {
    return make_error(Status::response, "STS (" + endpoint_host + ") issued credentials that already expired at " +
                                            format_rfc3339_utc(expires) + " (is the clock of this machine right? now " +
                                            format_rfc3339_utc(now_unix) + ")");
  }
  AwsCredentials c;
  c.access_key_id = std::move(decoded->access_key_id);
  c.secret_access_key = std::move(decoded->secret_access_key);
  c.session_token = std::move(decoded->session_token);
  c.expiration = expires;
  c.assumed_role_arn = std::move(decoded->assumed_role_arn);
  c.request_id = std::move(decoded->request_id);
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
