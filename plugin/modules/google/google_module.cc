// SPDX-License-Identifier: Apache-2.0
// fedcred-google.so: Google STS token exchange and IAM Credentials
// generateAccessToken, for `fedcred access-token`. A module of its own so the
// cache-hit path of access-token maps no libcurl or OpenSSL.
#include "google_token.h"
#include "module_entry.h"

namespace {

int run(fedcred_module_host const* host, fedcred_module_call* call, char const* operation) {
  return fedcred::modules::run_network_module(
      host, call, operation, "google", fedcred::modules::ProbeTarget::none, [](auto& mc, std::string_view op, auto& http, auto& clock) {
        return fedcred::modules::run_google_operation(mc, op, http, clock);
      });
}

constexpr fedcred_module kModule = {
    FEDCRED_MODULE_ABI_VERSION,
    "google",
    "Google OAuth 2.0 access token: STS token exchange, then IAM Credentials generateAccessToken",
    &run,
};

}  // namespace

extern "C" fedcred_module const* fedcred_module_entry_v1(void) { return &kModule; }
