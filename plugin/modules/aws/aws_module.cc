// SPDX-License-Identifier: Apache-2.0
// fedcred-aws.so: the EC2 instance's AWS identity as a subject-token source
// (STS GetWebIdentityToken, for Google workload identity federation).
#include "aws_source.h"
#include "module_entry.h"

namespace {

int run(fedcred_module_host const* host, fedcred_module_call* call, char const* operation) {
  return fedcred::modules::run_network_module(
      host, call, operation, "aws", fedcred::modules::ProbeTarget::imds, [](auto& mc, std::string_view op, auto& http, auto& clock) {
        return fedcred::modules::run_aws_operation(mc, op, http, clock);
      });
}

constexpr fedcred_module kModule = {
    FEDCRED_MODULE_ABI_VERSION,
    "aws",
    "JWT from AWS STS GetWebIdentityToken (instance role via IMDSv2, or AWS_* keys), SigV4-signed",
    &run,
};

}  // namespace

extern "C" fedcred_module const* fedcred_module_entry_v1(void) { return &kModule; }
