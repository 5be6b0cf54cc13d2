// SPDX-License-Identifier: Apache-2.0
// StsQueryClient: one AWS STS Query-protocol call (a form POST, XML back),
// retried within the deadline. Every STS operation fedcred calls
// (AssumeRoleWithWebIdentity, GetWebIdentityToken) classifies STS's answers
// through here, so they retry and refuse alike:
//  - 2xx: the response is returned for the operation's own parser;
//  - 5xx, 429, retryable codes (Throttling, ...), transport errors: retried,
//    then Status::transient naming the action and the attempts;
//  - any other ErrorResponse: Status::denied with code, message, request id
//    and the operation's hint for that code;
//  - redirects and non-STS documents: Status::response.
// Messages name the endpoint host, never the form body or the credentials.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "clock.h"
#include "http_client.h"
#include "logger.h"
#include "result.h"
#include "retry.h"
#include "secret.h"
#include "sts_xml.h"

namespace fedcred::modules {

struct StsQuery {
  std::string action;    // "GetWebIdentityToken": for messages
  std::string subject;   // what the call is about, for messages ("for role ARN"); may be empty
  std::string endpoint;  // URL, already validated
  Secret const* form = nullptr;  // the form body (not copied)
  // Given the standard headers (Content-Type, Accept), the headers one
  // attempt sends, or an error that ends the call; null sends the standard
  // ones. SigV4 signs each attempt afresh: the time is part of the signature.
  std::function<Result<HeaderList>(HeaderList standard)> headers;
  // Appended to a refusal with this code ("; check ..."); may be null.
  std::function<std::string(std::string const& code)> hint;
  // Values that must never appear in a message (the session token, the
  // form's token): replaced wherever STS echoes them. Views, not copies.
  std::vector<std::string_view> secrets;
  std::int64_t attempt_timeout_ms = 8000;
  std::int64_t deadline_ms = 0;  // absolute CLOCK_MONOTONIC ms
};

class StsQueryClient {
 public:
  StsQueryClient(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource& random, Logger log);

  // The 2xx response, or the classified failure (see above).
  Result<HttpResponse> post(StsQuery const& query);

 private:
  Result<HttpResponse> attempt(StsQuery const& query, std::string const& host);

  HttpClient& http_;
  Clock& clock_;
  RetryPolicy policy_;
  RandomSource& random_;
  Logger log_;
};

// Status::response "STS (HOST) answered HTTP N with a document fedcred cannot
// use: WHY", for a 2xx body the operation's parser rejected.
Error sts_unusable(std::string const& host, int status, Error const& why);

// STS error codes worth another attempt with the same inputs.
bool is_retryable_sts_code(std::string_view code);

// Text from STS made safe for a message: JWT-like and long token-like runs
// replaced, control characters flattened, length capped. STS messages can
// echo parts of the request.
std::string sanitize_sts_text(std::string_view text);

}  // namespace fedcred::modules
