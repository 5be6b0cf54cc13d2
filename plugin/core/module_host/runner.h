// SPDX-License-Identifier: Apache-2.0
// ModuleRunner: runs one operation of a network module (module.h). The real
// runner dlopen()s fedcred-<name>.so only when a request needs the network, so
// the cache-hit path never maps libcurl or OpenSSL. Tests inject a fake.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "base/env.h"
#include "module_messages.h"
#include "logger.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// Module inputs and outputs; Secret because a token travels in them. Built
// and read with the codecs of module_messages.h.
using Values = messages::Values;

class ModuleRunner {
 public:
  virtual ~ModuleRunner() = default;
  virtual Result<Values> run(std::string const& module, std::string const& operation,
                             Values const& params, Logger const& log) = 0;
};

// The module directory: FEDCRED_MODULE_DIR, else the build tree's when this
// code runs from the build tree (so a freshly built binary finds its own
// modules), else the installed $libdir/fedcred/modules.
std::string module_directory(Env const& env);

std::unique_ptr<ModuleRunner> make_dlopen_module_runner(std::string directory);
// The same, with module_directory(env) found when the first module loads (a
// cache hit loads none); env must outlive the runner.
std::unique_ptr<ModuleRunner> make_dlopen_module_runner(Env const& env);

}  // namespace fedcred
