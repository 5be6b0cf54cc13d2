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
#include "fakes/module_runner.h"
#include "fakes/random.h"
#include "fakes/temp_dir.h"
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
