// SPDX-License-Identifier: Apache-2.0
// The one symbol a module exports (see fedcred/module.h). Each module
// defines it; the version script (../module.map) hides everything else.
#pragma once

#include "fedcred/module.h"

#define FEDCRED_MODULE_EXPORT __attribute__((visibility("default")))

extern "C" FEDCRED_MODULE_EXPORT fedcred_module const* fedcred_module_entry_v1(void);

#include <string_view>

#include "clock.h"
#include "curl_http.h"
#include "module_call.h"
#include "probe.h"

namespace fedcred::modules {

// The body of every network module's `run` entry: the production HTTP client
// and clock, doctor's reachability check ("probe"), then the module's own
// operations; run_guarded keeps exceptions from crossing the C ABI.
template <typename Operations>
int run_network_module(fedcred_module_host const* host, fedcred_module_call* call, char const* operation,
                       std::string_view module_name, ProbeTarget probe_target, Operations operations) noexcept {
  return run_guarded(host, call, operation, [&](ModuleCall& mc, std::string_view op) {
    CurlHttpClient http;
    SystemClock clock;
    if (op == "probe") return run_probe_operation(mc, module_name, probe_target, http, clock);
    return operations(mc, op, http, clock);
  });
}

}  // namespace fedcred::modules
