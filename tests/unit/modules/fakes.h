// SPDX-License-Identifier: Apache-2.0
// Test doubles for the modules: the scripted HttpClient (tests/fakes/fake_http_client.h),
// a clock whose sleeps advance time, and a module host that records what a module reports.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "clock.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_http_client.h"
#include "fakes/random.h"
#include "fedcred/module.h"

namespace fedcred::modules::testing {

using fedcred::test::FixedRandom;
using fedcred::testing::FakeClock;

// The one fake of the HTTP seam (tests/fakes/fake_http_client.h).
using fedcred::test::connection_refused;
using fedcred::test::FakeHttpClient;
using fedcred::test::response;

// What a module told the host during one call.
struct CallRecord {
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> results;
  int error_status = 0;
  std::string error_message;
  std::vector<std::pair<int, std::string>> logs;
};

}  // namespace fedcred::modules::testing

// The ABI leaves the call opaque to modules; the fake host defines it.
struct fedcred_module_call {
  fedcred::modules::testing::CallRecord record;
};

namespace fedcred::modules::testing {

inline fedcred_module_host const& fake_host() {
  static fedcred_module_host const host = {
      FEDCRED_MODULE_ABI_VERSION,
      [](fedcred_module_call const* call, char const* key) -> char const* {
        auto it = call->record.params.find(key);
        return it == call->record.params.end() ? nullptr : it->second.c_str();
      },
      [](fedcred_module_call* call, char const* key, char const* value, std::size_t len) {
        call->record.results[key] = std::string(value, len);
      },
      [](fedcred_module_call* call, int status, char const* message) {
        call->record.error_status = status;
        call->record.error_message = message;
      },
      [](fedcred_module_call* call, int level, char const* message) {
        call->record.logs.emplace_back(level, message);
      },
  };
  return host;
}

}  // namespace fedcred::modules::testing
