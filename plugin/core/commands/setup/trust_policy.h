// SPDX-License-Identifier: Apache-2.0
// `fedcred setup aws-trust-policy`'s document: the IAM trust policy a role
// needs to accept this machine's tokens, from the claims of one. Pure
// functions; doctor's advice names the same conditions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flows/jwt_claims.h"
#include "result.h"

namespace fedcred {

// The trust-policy conditions a token satisfies, in policy order. For Google
// ID tokens (iss accounts.google.com; docs/PROTOCOLS.md section 6):
// accounts.google.com:aud = azp (aud when there is no azp),
// accounts.google.com:oaud = aud (only with an azp), accounts.google.com:sub =
// sub. For any other issuer (an IAM OIDC provider named after it):
// HOST/PATH:aud = aud and HOST/PATH:sub = sub. Status::source when a needed
// claim is missing.
Result<std::vector<std::pair<std::string, std::string>>> aws_trust_conditions(JwtClaims const& claims);

// True when the token was issued by Google (the built-in accounts.google.com
// provider, no IAM OIDC provider resource needed).
bool is_google_issuer(std::string_view iss);

// The trust-policy document (JSON, pretty-printed): Allow
// sts:AssumeRoleWithWebIdentity to Principal Federated accounts.google.com
// (or arn:aws:iam::ACCOUNT:oidc-provider/ISSUER, where ACCOUNT comes from
// role_arn, required then) under StringEquals on aws_trust_conditions().
Result<std::string> render_aws_trust_policy(JwtClaims const& claims, std::string_view role_arn);

}  // namespace fedcred
