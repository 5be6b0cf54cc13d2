// SPDX-License-Identifier: Apache-2.0
// ModuleCall: the C++ face of one module invocation (fedcred/module.h), so
// module logic reads parameters and reports results without touching the C
// structs; run_guarded() is the exception firewall of every `run` entry.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "clock.h"
#include "fedcred/module.h"
#include "logger.h"
#include "module_messages.h"
#include "result.h"
#include "secret.h"

namespace fedcred::modules {

class ModuleCall {
 public:
  // host must outlive this object; run_guarded() has checked its version.
  ModuleCall(fedcred_module_host const& host, fedcred_module_call* call) noexcept : host_(host), call_(call) {}

  // An input, or nullopt when absent or empty (empty counts as unset, as it
  // does for the environment variables these values usually come from).
  std::optional<std::string> param(std::string const& key) const;
  // The input, or Status::usage "missing parameter KEY".
  Result<std::string> required_param(std::string const& key) const;
  // For inputs that are secrets (tokens): never copied into a plain string.
  Result<Secret> required_secret_param(std::string const& key) const;

  // deadline_ms (absolute CLOCK_MONOTONIC ms); when absent, now plus the
  // build's default timeout. Malformed values are Status::usage.
  Result<std::int64_t> deadline_ms(Clock const& clock) const;

  // The call's inputs for a codec of module_messages.h (decode_*_params).
  messages::Reader reader() const;
  // Stores every value of an encoded result (module_messages.h encode()).
  void set_results(messages::Values const& values);

  void set_result(std::string const& key, std::string_view value);
  void set_result(std::string const& key, Secret const& value);

  // Records the error with the host and returns its status, so handlers can
  // `return call.fail(error);`.
  int fail(Error const& error);

  void log(int level, std::string const& text);
  // A Logger bound to this call, for logic that must not know the host ABI.
  Logger logger();

 private:
  fedcred_module_host const& host_;
  fedcred_module_call* call_;
};

// Handles one operation; returns FEDCRED_OK or call.fail(...)'s value.
using OperationHandler = std::function<int(ModuleCall& call, std::string_view operation)>;

// The body of every module's `run`: checks the host, runs the handler, and
// turns any exception into FEDCRED_E_INTERNAL, because nothing may unwind
// through the extern "C" boundary.
int run_guarded(fedcred_module_host const* host, fedcred_module_call* call, char const* operation,
                OperationHandler const& handler) noexcept;

// Status::usage "module NAME does not support operation OP".
Error unsupported_operation(std::string_view module, std::string_view operation);

}  // namespace fedcred::modules
