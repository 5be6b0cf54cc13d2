// SPDX-License-Identifier: Apache-2.0
#include "azure_operations.h"

#include "azure_imds.h"
#include "entra_token.h"
#include "module_messages.h"

namespace fedcred::modules {
namespace {

int entra_token(ModuleCall& call, HttpClient& http, Clock& clock, RandomSource& random) {
  auto params = messages::decode_entra_token_params(call.reader());
  if (!params) return call.fail(params.error());
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  EntraTokenRequest request{std::move(params->authority),        std::move(params->tenant_id),
                            std::move(params->client_id),        std::move(params->scope),
                            std::move(params->client_assertion), *deadline};
  EntraTokenClient client(http, clock, EntraTokenClient::default_policy(), random);
  client.set_logger(call.logger());
  auto token = client.access_token(request);
  if (!token) return call.fail(token.error());
  call.set_results(messages::encode(messages::AccessTokenResult{std::move(token->token), token->expiration, false}));
  return FEDCRED_OK;
}

int imds_token(ModuleCall& call, HttpClient& http, Clock& clock, RandomSource& random) {
  auto params = messages::decode_subject_token_params(call.reader());
  if (!params) return call.fail(params.error());
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  AzureImdsSource source(http, clock, AzureImdsSource::default_policy(), random);
  source.set_logger(call.logger());
  auto token = source.access_token({std::move(params->azure_imds_endpoint), std::move(params->audience),
                                    std::move(params->managed_identity), *deadline});
  if (!token) return call.fail(token.error());
  messages::SubjectTokenResult result;
  result.subject_token = std::move(token->token);
  result.expiration = token->expiration;
  call.set_results(messages::encode(result));
  return FEDCRED_OK;
}

}  // namespace

int run_azure_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock,
                        RandomSource& random) {
  if (operation == FEDCRED_OP_ENTRA_TOKEN) return entra_token(call, http, clock, random);
  if (operation == FEDCRED_OP_SUBJECT_TOKEN) return imds_token(call, http, clock, random);
  return call.fail(unsupported_operation("azure", operation));
}

}  // namespace fedcred::modules
