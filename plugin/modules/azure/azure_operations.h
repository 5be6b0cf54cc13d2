// SPDX-License-Identifier: Apache-2.0
// The azure module's operations (fedcred/module.h), read and written with
// module_messages.h:
//   entra_token    EntraTokenParams -> AccessTokenResult (EntraTokenClient)
//   subject_token  SubjectTokenParams (audience = the resource,
//                  azure_imds_endpoint, managed_identity) -> SubjectTokenResult
//                  with the expiry IMDS gave (AzureImdsSource)
#pragma once

#include <string_view>

#include "clock.h"
#include "http_client.h"
#include "module_call.h"
#include "random_source.h"

namespace fedcred::modules {

int run_azure_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock,
                        RandomSource& random = system_random());

}  // namespace fedcred::modules
