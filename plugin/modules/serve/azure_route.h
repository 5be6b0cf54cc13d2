// SPDX-License-Identifier: Apache-2.0
// Azure managed-identity emulation (issue 22.3, docs/PROTOCOLS.md 16): the two
// endpoints ManagedIdentityCredential reads, so that Azure SDKs on GCP or AWS
// get Entra tokens of the server's Azure profile unchanged.
//   - App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER): GET /msi/token
//     ?api-version=2019-08-01&resource=R, header X-IDENTITY-HEADER equal to
//     the server's token file.
//   - IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST): GET
//     /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R,
//     header Metadata: true; its refusals as Azure IMDS words them, so the
//     SDKs' probe (no Metadata header, expects an answer) passes.
// Tokens are per resource, so unlike the AWS and Google routes nothing is
// published ahead: each request asks the library (AzureIdentity::token),
// which answers from its cache or exchanges within its deadline.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http_types.h"
#include "published.h"

namespace fedcred::serve {

inline constexpr std::string_view kAzureAppServicePath = "/msi/token";
inline constexpr std::string_view kAzureImdsPath = "/metadata/identity/oauth2/token";

// What the library answers for one resource: a token (wiped with it), or a
// FEDCRED_E_* status and a message that holds no secret.
struct AzureTokenAnswer {
  std::unique_ptr<Published> token;
  int status = 0;
  std::string error;
};

struct AzureIdentity {
  std::string client_id;  // the Entra application the profile's tokens are issued to
  // A token for `resource` (the library asks Entra for RESOURCE/.default);
  // called from the server's threads, concurrently.
  std::function<AzureTokenAnswer(std::string const& resource)> token;
};

// Either form's path, with or without the trailing '/' (MSAL Node adds one
// to an AZURE_POD_IDENTITY_AUTHORITY_HOST endpoint).
bool is_azure_path(std::string_view path);

// `authorization`: the token file's content now (the App Service form's
// secret; empty: the file is unusable and no request matches).
HttpResponse azure_token(HttpRequest const& req, AzureIdentity const& identity, PublishedSlot const& authorization,
                         std::int64_t now_unix);

}  // namespace fedcred::serve
