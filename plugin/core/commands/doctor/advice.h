// SPDX-License-Identifier: Apache-2.0
// doctor's fix advice: from a failure (status, message) and what the walk
// knows (source, claims, role) to the one thing to change. Pure functions.
#pragma once

#include <string>

#include "flows/jwt_claims.h"
#include "result.h"

namespace fedcred {

// The fix that fits a failure of the subject-token source, by status.
std::string source_fix(std::string const& source, Status status);

// The fix for a failed AssumeRoleWithWebIdentity: on AccessDenied, the
// trust-policy conditions this token satisfies.
std::string exchange_fix(Error const& error, JwtClaims const& claims, std::string const& role_arn);

// The fix for a failed Entra token request (`fedcred azure`, issue 22.4):
// when no federated identity credential matches, the issuer, subject and
// audience this token carries, to register on the application.
std::string entra_exchange_fix(Error const& error, JwtClaims const& claims, std::string const& tenant_id,
                               std::string const& client_id);

}  // namespace fedcred
