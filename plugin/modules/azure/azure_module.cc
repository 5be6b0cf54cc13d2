// SPDX-License-Identifier: Apache-2.0
// fedcred-azure.so: Microsoft Entra ID's client-credentials exchange with a
// federated assertion, and the Azure IMDS managed-identity source. A module of
// its own so the cache hits of the Azure commands map no libcurl or OpenSSL.
#include "azure_operations.h"
#include "module_entry.h"

namespace {

int run(fedcred_module_host const* host, fedcred_module_call* call, char const* operation) {
  return fedcred::modules::run_network_module(host, call, operation, "azure", fedcred::modules::ProbeTarget::none,
                                              [](auto& mc, std::string_view op, auto& http, auto& clock) {
                                                return fedcred::modules::run_azure_operation(mc, op, http, clock);
                                              });
}

constexpr fedcred_module kModule = {
    FEDCRED_MODULE_ABI_VERSION,
    "azure",
    "Microsoft Entra ID token from a federated client assertion; Azure IMDS managed-identity token",
    &run,
};

}  // namespace

extern "C" fedcred_module const* fedcred_module_entry_v1(void) { return &kModule; }
