// SPDX-License-Identifier: Apache-2.0
// The Azure managed-identity routes of `fedcred serve` (issue 22.3), the
// library's half: the profile's client id, and the token fetch the module
// calls per request, over an AzureTokenSource (`fedcred azure`'s cached
// exchange), with an audit line per token fetched fresh.
#pragma once

#include <memory>
#include <string>

#include "commands/credential_deps.h"
#include "flows/azure_token_source.h"
#include "module_host/serve_host.h"
#include "result.h"

namespace fedcred {

// Profiles are read from the files `config_file` and the environment name,
// as `fedcred azure --profile P` reads them; tokens through its cache (one
// entry per scope) and single flight, one fetch at a time. `deps` must
// outlive it.
std::unique_ptr<AzureTokenSource> make_azure_token_source(std::string config_file, CredentialDeps const& deps);

// What ServerOptions::azure gets for `profile`: Status::usage (before the
// server starts) when the profile gives no Entra tokens. `source` and `deps`
// must outlive the server.
Result<ServerOptions::Azure> served_azure(std::string const& profile, AzureTokenSource& source,
                                          CredentialDeps const& deps);

}  // namespace fedcred
