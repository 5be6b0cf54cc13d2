// SPDX-License-Identifier: Apache-2.0
// Env: the environment seam. Core code reads variables through an Env so
// tests can give each case its own environment without touching the process.
#pragma once

#include <cstdlib>
#include <initializer_list>
#include <utility>
#include <map>
#include <optional>
#include <string>

namespace fedcred {

class Env {
 public:
  virtual ~Env() = default;
  // The value, or nullopt when unset. An empty value counts as unset, as the
  // AWS and Google libraries treat it.
  virtual std::optional<std::string> get(std::string const& name) const = 0;
};

class ProcessEnv final : public Env {
 public:
  std::optional<std::string> get(std::string const& name) const override {
    // secure_getenv: a set-id caller must not steer fedcred through its environment.
    char const* v = secure_getenv(name.c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  }
};

// For tests: a fixed map.
class MapEnv final : public Env {
 public:
  MapEnv() = default;
  MapEnv(std::initializer_list<std::pair<std::string const, std::string>> vars) : vars_(vars) {}
  explicit MapEnv(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  void set(std::string const& k, std::string const& v) { vars_[k] = v; }
  std::optional<std::string> get(std::string const& name) const override {
    auto it = vars_.find(name);
    if (it == vars_.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> vars_;
};

}  // namespace fedcred
