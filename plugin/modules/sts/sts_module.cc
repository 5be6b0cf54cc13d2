// SPDX-License-Identifier: Apache-2.0
// fedcred-sts.so: AWS STS AssumeRoleWithWebIdentity as a token exchange.
#include "assume_role.h"
#include "module_entry.h"

namespace {

int run(fedcred_module_host const* host, fedcred_module_call* call, char const* operation) {
  return fedcred::modules::run_network_module(
      host, call, operation, "sts", fedcred::modules::ProbeTarget::sts, [](auto& mc, std::string_view op, auto& http, auto& clock) {
        return fedcred::modules::run_sts_operation(mc, op, http, clock);
      });
}

constexpr fedcred_module kModule = {
    FEDCRED_MODULE_ABI_VERSION,
    "sts",
    "AWS STS AssumeRoleWithWebIdentity (unsigned; a web identity token for AWS credentials)",
    &run,
};

}  // namespace

extern "C" fedcred_module const* fedcred_module_entry_v1(void) { return &kModule; }
