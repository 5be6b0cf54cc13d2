// SPDX-License-Identifier: Apache-2.0
#include "module_host/runner.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <vector>

#include "fedcred/module.h"
#include "fedcred_build_config.h"
#include "module_host/module_file.h"

// The host side of one module call: what module.h calls fedcred_module_call.
struct fedcred_module_call {
  fedcred::Values const* params = nullptr;
  fedcred::Values results;
  fedcred::Logger const* log = nullptr;
  std::optional<fedcred::Error> error;
};

namespace fedcred {
namespace {

char const* host_param(fedcred_module_call const* call, char const* key) {
  auto it = call->params->find(key);
  return it == call->params->end() ? nullptr : it->second.reveal().c_str();
}

void host_set_result(fedcred_module_call* call, char const* key, char const* value, std::size_t len) {
  call->results[key] = Secret(std::string(value, len));
}

void host_set_error(fedcred_module_call* call, int status, char const* message) {
  call->error = make_error(static_cast<Status>(status), scrub_secrets(message));
}

void host_log(fedcred_module_call* call, int level, char const* message) { call->log->log(level, message); }

constexpr fedcred_module_host kHost{FEDCRED_MODULE_ABI_VERSION, host_param, host_set_result, host_set_error,
                                    host_log};

bool valid_status(int status) { return status >= FEDCRED_E_INTERNAL && status <= FEDCRED_E_IO; }

std::string canonical_path(std::string const& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) == nullptr ? std::string() : std::string(resolved);
}

class DlopenModuleRunner final : public ModuleRunner {
 public:
  explicit DlopenModuleRunner(std::string directory) : directory_(std::move(directory)) {}
  // The directory is found when the first module loads: finding it costs a
  // dladdr and two realpath walks, which a cache hit (no module) must not pay.
  explicit DlopenModuleRunner(Env const& env) : env_(&env) {}

  Result<Values> run(std::string const& name, std::string const& operation, Values const& params,
                     Logger const& log) override {
    auto module = load(name);
    if (!module) return std::move(module).error();
    fedcred_module_call call;
    call.params = &params;
    call.log = &log;
    int status = (*module)->run(&kHost, &call, operation.c_str());
    if (status == FEDCRED_OK && !call.error) return std::move(call.results);
    if (call.error) return *call.error;
    return make_error(valid_status(status) ? static_cast<Status>(status) : Status::internal,
                      "module " + name + " failed without saying why");
  }

 private:
  Result<fedcred_module const*> load(std::string const& name) {
    if (env_ != nullptr) {
      directory_ = module_directory(*env_);
      env_ = nullptr;
    }
    std::string path = directory_ + "/fedcred-" + name + ".so";
    auto opened = open_module_file(directory_, path);
    if (!opened) return std::move(opened).error();
    ModuleHandle handle = std::move(*opened);
    auto entry = reinterpret_cast<fedcred_module_entry_fn>(dlsym(handle.get(), FEDCRED_MODULE_ENTRY_SYMBOL));
    fedcred_module const* module = entry == nullptr ? nullptr : entry();
    if (module == nullptr || module->abi_version != FEDCRED_MODULE_ABI_VERSION || module->run == nullptr ||
        module->name == nullptr || name != module->name) {
      return make_error(Status::internal, "module " + path + " is not a fedcred module of ABI version " +
                                              std::to_string(FEDCRED_MODULE_ABI_VERSION));
    }
    handles_.push_back(std::move(handle));
    return module;
  }

  Env const* env_ = nullptr;  // set until directory_ is found
  std::string directory_;
  std::vector<ModuleHandle> handles_;
};

}  // namespace

std::string module_directory(Env const& env) {
  if (auto dir = env.get("FEDCRED_MODULE_DIR")) return *dir;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&module_directory), &info) != 0 && info.dli_fname != nullptr) {
    std::string here = canonical_path(info.dli_fname);
    here = here.substr(0, here.rfind('/'));
    // libfedcred.so.1 in the build tree, or the build tree's helper, which
    // links the core itself (helper/meson.build).
    if (!here.empty() &&
        (here == canonical_path(FEDCRED_BUILD_LIBRARY_DIR) || here == canonical_path(FEDCRED_BUILD_HELPER_DIR))) {
      return FEDCRED_BUILD_MODULE_DIR;
    }
  }
  return FEDCRED_INSTALLED_MODULE_DIR;
}

std::unique_ptr<ModuleRunner> make_dlopen_module_runner(std::string directory) {
  return std::make_unique<DlopenModuleRunner>(std::move(directory));
}

std::unique_ptr<ModuleRunner> make_dlopen_module_runner(Env const& env) {
  return std::make_unique<DlopenModuleRunner>(env);
}

}  // namespace fedcred
