// SPDX-License-Identifier: Apache-2.0
// `fedcred setup azure-federated-credential`'s document (issue 22.4): what an
// Entra application needs to trust this machine's identity, from the claims
// of the assertion `fedcred azure` sends: the `az ad app federated-credential
// create --parameters` JSON (issuer, subject, audiences exactly as the
// assertion carries them), and the environment the Azure SDKs read to use
// that trust through fedcred's token file. Pure functions.
#pragma once

#include <string>

#include "flows/jwt_claims.h"
#include "result.h"

namespace fedcred {

struct AzureFederatedCredentialInput {
  JwtClaims claims;        // of the assertion, for api://AzureADTokenExchange
  std::string tenant_id;
  std::string client_id;   // the application
  std::string authority;   // https://host[:port]
  std::string profile;     // names the token file of fedcred-token@PROFILE; may be empty
};

// The federated identity credential's parameters (JSON, pretty-printed):
// name ("fedcred-" and the subject, as Entra allows names), issuer, subject,
// description, audiences [aud]. Status::source when the assertion has no
// iss, sub or aud to register.
Result<std::string> render_federated_credential_parameters(JwtClaims const& claims);

// The whole document: the az command with those parameters, then the
// environment block for the SDKs' WorkloadIdentityCredential. No final newline.
Result<std::string> render_azure_federated_credential(AzureFederatedCredentialInput const& input);

}  // namespace fedcred
