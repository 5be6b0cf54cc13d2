// SPDX-License-Identifier: Apache-2.0
// AWS Signature Version 4 (docs/PROTOCOLS.md section 5; botocore SigV4Auth), header
// form only: presigned URLs are not needed by anything fedcred calls.
//
// sign() returns every stage (canonical request, string to sign, signature,
// Authorization value) so the unit test can hold each one against the AWS
// signing test suite byte for byte, plus the headers to add to the request.
// It never sends anything and has no clock: the time is an input.
//
// The request must already carry every header it will be sent with that
// should be signed, Host included (HttpClient sends the Host header it is
// given, so what is signed is what goes on the wire).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "http_client.h"
#include "result.h"
#include "secret.h"

namespace fedcred::modules::sigv4 {

struct Credentials {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token;  // empty for long-term keys
};

struct Request {
  std::string method;     // "POST"
  std::string path;       // as sent: "/" or raw bytes; encoded here
  std::string query;      // as sent, without "?"; may be empty
  HeaderList headers;     // as sent, Host included
  std::string_view body;  // only its SHA-256 is used
};

struct Options {
  std::string region;
  std::string service;
  std::int64_t unix_time = 0;  // the request time (X-Amz-Date)
  // Remove "." / ".." and empty segments from the path (every service but S3).
  bool normalize_path = true;
  // Also sign an X-Amz-Content-Sha256 header (the suite's "sign_body").
  bool sign_body = false;
  // Send X-Amz-Security-Token unsigned (the suite's "omit_session_token",
  // for services that want it added after signing). STS signs it.
  bool omit_session_token = false;
};

struct Signed {
  // Holds the session token when it is signed: kept as a Secret.
  Secret canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // value of the Authorization header
  // Headers to add to the request, in order: X-Amz-Date,
  // X-Amz-Security-Token (when a session token exists),
  // X-Amz-Content-Sha256 (sign_body), Authorization.
  HeaderList headers;
};

// Status::usage for missing credentials, region or service or an unusable
// time; Status::internal when OpenSSL fails. Messages name no secret.
Result<Signed> sign(Request const& request, Credentials const& credentials, Options const& options);

// Exposed for tests and callers that need a stage on its own.
std::string sha256_hex(std::string_view data);
std::string canonical_uri(std::string_view path, bool normalize);
std::string canonical_query(std::string_view query);
// "20150830T123600Z"; empty when the time cannot be represented.
std::string amz_date(std::int64_t unix_time);

}  // namespace fedcred::modules::sigv4
