// SPDX-License-Identifier: Apache-2.0
// The Google route of `fedcred serve`: a GoogleTokenSource backed by
// `fedcred access-token`'s cached exchange (commands/access_token.h), so the
// server and the one-shot command share one cache entry and one single flight.
#pragma once

#include <memory>
#include <string>

#include "commands/access_token.h"
#include "commands/credential_deps.h"
#include "flows/google_token_source.h"

namespace fedcred {

// What the metadata paths say about a profile's tokens: the impersonated
// service account's email (else "default": a federated token acts as a
// workload identity principal, which has no email and must not appear in a
// path), the scopes, and the project number of the provider's audience.
// The project id is the profile's project_id key when set, else that number.
GoogleTokenIdentity google_identity_of(AccessTokenTarget const& target);

// Profiles are read from the files `config_file` and the environment name,
// as `fedcred access-token --profile P` reads them. `deps` must outlive it.
std::unique_ptr<GoogleTokenSource> make_google_token_source(std::string config_file, CredentialDeps const& deps);

}  // namespace fedcred
