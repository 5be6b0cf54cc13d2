// SPDX-License-Identifier: Apache-2.0
// The subject token of a Google workload identity pool's AWS provider
// (subject_token_type urn:ietf:params:aws:token-type:aws4_request,
// docs/PROTOCOLS.md 8.2): a SigV4-signed `POST ?Action=GetCallerIdentity` that is
// never sent to AWS. Google's STS replays it to learn who signed. It is
// serialized as {"url","method","headers":[{"key","value"}...]} and the whole
// JSON is percent-encoded, as google-auth-library does.
//
// The signed headers are host, x-amz-date, (with session credentials)
// x-amz-security-token and x-goog-cloud-target-resource (the provider), as
// Google's STS reference recommends and its example signs (issue 21.2), so a
// leaked token names the one provider it can be redeemed at. google-auth-library
// (Python and Node) adds the target header after signing; Google's STS takes both.
//
// Module operation FEDCRED_OP_AWS4_REQUEST (fedcred/module.h), read and
// written with module_messages.h (Aws4RequestParams -> SubjectTokenResult).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clock.h"
#include "http_client.h"
#include "module_call.h"
#include "result.h"
#include "retry.h"
#include "secret.h"
#include "sigv4.h"

namespace fedcred::modules {

inline constexpr char kDefaultVerificationUrl[] =
    "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15";

// The serialized, percent-encoded signed request (exposed for tests).
// Status::usage for a verification URL that is not https or a bad region.
Result<Secret> caller_identity_token(std::string const& verification_url_template, std::string const& region,
                                     std::string const& audience, sigv4::Credentials const& credentials,
                                     std::int64_t unix_time);

// The operation; see above.
int run_caller_identity_token(ModuleCall& call, HttpClient& http, Clock& clock, RandomSource& random);

}  // namespace fedcred::modules
