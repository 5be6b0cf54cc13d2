// SPDX-License-Identifier: Apache-2.0
// fedcred-gce.so: the GCE metadata server as a subject-token source.
#include "clock.h"
#include "curl_http.h"
#include "gce_source.h"
#include "module_entry.h"
#include "probe.h"

namespace {

int run(fedcred_module_host const* host, fedcred_module_call* call, char const* operation) {
  return fedcred::modules::run_guarded(
      host, call, operation, [](fedcred::modules::ModuleCall& mc, std::string_view op) {
        fedcred::modules::CurlHttpClient http;
        fedcred::SystemClock clock;
        // doctor's reachability check (probe.h)
        if (op == "probe") return fedcred::modules::run_probe_operation(mc, "gce", http, clock);
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
