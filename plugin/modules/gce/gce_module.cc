// SPDX-License-Identifier: Apache-2.0
// fedcred-gce.so: the GCE metadata server as a subject-token source.
#include "gce_source.h"
#include "module_entry.h"

namespace {

int run(fedcred_module_host const* host, fedcred_module_call* call, char const* operation) {
  return fedcred::modules::run_network_module(
      host, call, operation, "gce", fedcred::modules::ProbeTarget::gce_metadata, [](auto& mc, std::string_view op, auto& http, auto& clock) {
        return fedcred::modules::run_gce_operation(mc, op, http, clock);
      });
}

constexpr fedcred_module kModule = {
    FEDCRED_MODULE_ABI_VERSION,
    "gce",
    "Google ID token from the GCE metadata server (instance service account)",
    &run,
};

}  // namespace

extern "C" fedcred_module const* fedcred_module_entry_v1(void) { return &kModule; }
