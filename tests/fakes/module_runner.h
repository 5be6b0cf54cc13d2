// SPDX-License-Identifier: Apache-2.0
// The one fake of the module seam (module_host/runner.h): records every call
// and answers from a script, per module or per (module, operation). No gtest
// here, so the fuzz targets use it too.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "module_host/runner.h"
#include "result.h"
#include "secret.h"

namespace fedcred::test {

inline Values make_values(std::map<std::string, std::string> const& plain) {
  Values v;
  for (auto const& [k, val] : plain) v[k] = Secret(val);
  return v;
}

// One call the fake runner received, with its params revealed.
struct ModuleCall {
  std::string module;
  std::string operation;
  std::map<std::string, std::string> params;

  std::string param(std::string const& key) const {
    auto it = params.find(key);
    return it == params.end() ? std::string("<unset>") : it->second;
  }
};

// Answers a call from, in order: a script for its (module, operation), one for
// its module, the script for any module; with none of them it fails with
// Status::internal.
class FakeModuleRunner final : public ModuleRunner {
 public:
  std::vector<ModuleCall> calls;

  void answer(std::string const& module, std::map<std::string, std::string> const& results) {
    scripts_.insert_or_assign({module, ""}, Script{make_values(results), std::nullopt});
  }
  void fail(std::string const& module, Status status, std::string message) {
    scripts_.insert_or_assign({module, ""}, Script{{}, make_error(status, std::move(message))});
  }
  // Only this operation of the module fails (the sts probe answers while the
  // exchange is refused).
  void fail_operation(std::string const& module, std::string const& operation, Error error) {
    scripts_.insert_or_assign({module, operation}, Script{{}, std::move(error)});
  }
  // Every module answers `results` (or fails, when `error` is set).
  void answer_any(Values results, std::optional<Error> error = std::nullopt) {
    any_ = Script{std::move(results), std::move(error)};
  }

  Result<Values> run(std::string const& module, std::string const& operation, Values const& params,
                     Logger const& /*log*/) override {
    ModuleCall call{module, operation, {}};
    for (auto const& [k, v] : params) call.params[k] = v.reveal();
    calls.push_back(std::move(call));
    Script const* script = nullptr;
    if (auto it = scripts_.find({module, operation}); it != scripts_.end()) {
      script = &it->second;
    } else if (auto m = scripts_.find({module, ""}); m != scripts_.end()) {
      script = &m->second;
    } else if (any_) {
      script = &*any_;
    }
    if (script == nullptr) return make_error(Status::internal, "no script for module " + module);
    if (script->error) return *script->error;
    return script->results;  // copies: Secret is copyable
  }

  std::vector<std::string> modules_called() const {
    std::vector<std::string> names;
    for (auto const& c : calls) names.push_back(c.module);
    return names;
  }

 private:
  struct Script {
    Values results;
    std::optional<Error> error;
  };
  std::map<std::pair<std::string, std::string>, Script> scripts_;
  std::optional<Script> any_;
};

}  // namespace fedcred::test
