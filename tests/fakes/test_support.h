// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the core unit tests: a fake clock, a recording module
// runner, temporary directories, hand-built JWTs and a Result matcher.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "fakes/base64url.h"
#include "fakes/fake_clock.h"
#include "clock.h"
#include "base/env.h"
#include "module_host/runner.h"
#include "result.h"

namespace fedcred {

// gtest prints enum classes as raw bytes; name the status instead.
inline void PrintTo(Status s, std::ostream* os) {
  switch (s) {
    case Status::ok: *os << "Status::ok"; return;
    case Status::internal: *os << "Status::internal"; return;
    case Status::usage: *os << "Status::usage"; return;
    case Status::source: *os << "Status::source"; return;
    case Status::denied: *os << "Status::denied"; return;
    case Status::transient: *os << "Status::transient"; return;
    case Status::response: *os << "Status::response"; return;
    case Status::io: *os << "Status::io"; return;
  }
  *os << "Status(" << static_cast<int>(s) << ")";
}

}  // namespace fedcred

namespace fedcred::test {

// EXPECT_TRUE(Succeeds(result)) prints the error message on failure.
template <typename T>
::testing::AssertionResult Succeeds(Result<T> const& r) {
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "failed with status " << static_cast<int>(r.error().status)
                                       << ": " << r.error().message;
}

// EXPECT_TRUE(FailsWith(result, Status::usage, "file.conf:3", "unknown key")):
// fails unless the result is an error with that status whose message contains
// every needle.
template <typename T, typename... Needles>
::testing::AssertionResult FailsWith(Result<T> const& r, Status status, Needles const&... needles) {
  if (r.ok()) return ::testing::AssertionFailure() << "succeeded, expected an error";
  auto const& e = r.error();
  if (e.status != status) {
    return ::testing::AssertionFailure() << "status " << static_cast<int>(e.status) << ", expected "
                                         << static_cast<int>(status) << " (message: " << e.message << ")";
  }
  std::vector<std::string> const wanted{std::string(needles)...};
  for (auto const& n : wanted) {
    if (e.message.find(n) == std::string::npos) {
      return ::testing::AssertionFailure() << "message \"" << e.message << "\" lacks \"" << n << "\"";
    }
  }
  return ::testing::AssertionSuccess() << "message: " << e.message;
}

// MapEnv from a literal map (MapEnv's own constructor is ambiguous with braces).
inline MapEnv env_of(std::map<std::string, std::string> vars) { return MapEnv(std::move(vars)); }

// A clock that only moves when told to. sleep_ms advances monotonic time.
// 2026-01-01T00:00:00Z: the scripted STS expirations are relative to it.
struct FakeClock : fedcred::testing::FakeClock {
  FakeClock() : fedcred::testing::FakeClock(1767225600, 5'000'000) {}
};

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

// Records every call and answers per module with a scripted result; a module
// without a script fails with Status::internal.
class FakeModuleRunner final : public ModuleRunner {
 public:
  std::vector<ModuleCall> calls;

  void answer(std::string const& module, std::map<std::string, std::string> const& results) {
    scripts_.insert_or_assign(module, Script{make_values(results), std::nullopt});
  }
  void fail(std::string const& module, Status status, std::string message) {
    scripts_.insert_or_assign(module, Script{{}, make_error(status, std::move(message))});
  }

  Result<Values> run(std::string const& module, std::string const& operation, Values const& params,
                     Logger const& /*log*/) override {
    ModuleCall call{module, operation, {}};
    for (auto const& [k, v] : params) call.params[k] = v.reveal();
    calls.push_back(std::move(call));
    auto it = scripts_.find(module);
    if (it == scripts_.end()) return make_error(Status::internal, "no script for module " + module);
    if (it->second.error) return *it->second.error;
    return it->second.results;  // copies: Secret is copyable
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
  std::map<std::string, Script> scripts_;
};

// A fresh directory under $TMPDIR (or /tmp), removed with its content.
class TempDir {
 public:
  TempDir() {
    char const* base = getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/fedcred-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  TempDir(TempDir const&) = delete;
  TempDir& operator=(TempDir const&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  std::string const& path() const { return path_; }
  std::string operator/(std::string const& rel) const { return path_ + "/" + rel; }

  // Writes `content` to path()/rel, creating parent directories; returns the full path.
  std::string write(std::string const& rel, std::string const& content) const {
    std::filesystem::path full = std::filesystem::path(path_) / rel;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream(full, std::ios::binary) << content;
    return full.string();
  }
  std::string mkdir(std::string const& rel) const {
    std::filesystem::create_directories(std::filesystem::path(path_) / rel);
    return path_ + "/" + rel;
  }

 private:
  std::string path_;
};

using fedcred::testing::base64url_encode;

// header.payload.signature with an RS256 header and a fake signature: claims
// decoding never verifies, so this is all a JWT needs to be here.
inline std::string make_jwt(std::string const& payload_json) {
  return base64url_encode(R"({"alg":"RS256","typ":"JWT","kid":"test"})") + "." + base64url_encode(payload_json) +
         "." + base64url_encode("not-a-real-signature-but-long-enough");
}

// A GCE format=full identity token for instance `instance_name`.
inline std::string make_gce_jwt(std::string const& instance_name, std::string const& sub = "107517467455664443765") {
  return make_jwt(R"({"iss":"https://accounts.google.com","aud":"sts.amazonaws.com","sub":")" + sub +
                  R"(","azp":")" + sub + R"(","iat":1767225600,"exp":1767229200,)" +
                  R"("google":{"compute_engine":{"instance_name":")" + instance_name +
                  R"(","project_id":"my-project","zone":"us-central1-a"}}})");
}

}  // namespace fedcred::test
