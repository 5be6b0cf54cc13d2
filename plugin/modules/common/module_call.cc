// SPDX-License-Identifier: Apache-2.0
#include "module_call.h"

#include <charconv>
#include <exception>
#include <new>

#include "fedcred_build_config.h"

namespace fedcred::modules {

std::optional<std::string> ModuleCall::param(std::string const& key) const {
  char const* v = host_.param(call_, key.c_str());
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

Result<std::string> ModuleCall::required_param(std::string const& key) const {
  auto v = param(key);
  if (!v) return make_error(Status::usage, "missing parameter " + key);
  return std::move(*v);
}

Result<Secret> ModuleCall::required_secret_param(std::string const& key) const {
  char const* v = host_.param(call_, key.c_str());
  if (v == nullptr || *v == '\0') return make_error(Status::usage, "missing parameter " + key);
  return Secret(std::string_view(v));
}

Result<std::int64_t> ModuleCall::deadline_ms(Clock const& clock) const {
  auto text = param(FEDCRED_KEY_DEADLINE_MS);
  if (!text) return clock.monotonic_ms() + std::int64_t{FEDCRED_DEFAULT_TIMEOUT_SECONDS} * 1000;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0) {
    return make_error(Status::usage, "parameter deadline_ms is not a non-negative integer: \"" + *text + "\"");
  }
  return value;
}

messages::Reader ModuleCall::reader() const {
  return [this](char const* key) -> std::optional<std::string_view> {
    char const* v = host_.param(call_, key);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string_view(v);
  };
}

void ModuleCall::set_results(messages::Values const& values) {
  for (auto const& [key, value] : values) set_result(key, value);
}

void ModuleCall::set_result(std::string const& key, std::string_view value) {
  host_.set_result(call_, key.c_str(), value.data(), value.size());
}

void ModuleCall::set_result(std::string const& key, Secret const& value) {
  set_result(key, std::string_view(value.reveal()));
}

int ModuleCall::fail(Error const& error) {
  int status = static_cast<int>(error.status);
  if (status == FEDCRED_OK) status = FEDCRED_E_INTERNAL;  // a failure must not read as success
  host_.set_error(call_, status, error.message.c_str());
  return status;
}

void ModuleCall::log(int level, std::string const& text) {
  if (host_.log != nullptr) host_.log(call_, level, text.c_str());
}

Logger ModuleCall::logger() {
  return Logger([this](int level, std::string const& text) { log(level, text); });
}

int run_guarded(fedcred_module_host const* host, fedcred_module_call* call, char const* operation,
                OperationHandler const& handler) noexcept {
  // A host of another ABI generation may lay the struct out differently:
  // touch nothing but the version field then.
  if (host == nullptr || call == nullptr || host->abi_version != FEDCRED_MODULE_ABI_VERSION ||
      host->param == nullptr || host->set_result == nullptr || host->set_error == nullptr) {
    return FEDCRED_E_INTERNAL;
  }
  if (operation == nullptr) {
    host->set_error(call, FEDCRED_E_USAGE, "no operation given to the module");
    return FEDCRED_E_USAGE;
  }
  ModuleCall mc(*host, call);
  char const* fallback = "internal error in the module";
  try {
    return handler(mc, operation);
  } catch (std::bad_alloc const&) {
    fallback = "out of memory in the module";
  } catch (std::exception const& e) {
    try {
      return mc.fail(make_error(Status::internal, std::string("internal error in the module: ") + e.what()));
    } catch (...) {
    }
  } catch (...) {
  }
  host->set_error(call, FEDCRED_E_INTERNAL, fallback);
  return FEDCRED_E_INTERNAL;
}

Error unsupported_operation(std::string_view module, std::string_view operation) {
  return make_error(Status::usage, "module " + std::string(module) + " does not support operation \"" +
                                       std::string(operation) + "\"");
}

}  // namespace fedcred::modules
