// SPDX-License-Identifier: Apache-2.0
// Test doubles for the modules: a scripted HttpClient, a clock whose sleeps
// advance time, and a module host that records what a module reports.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "clock.h"
#include "fakes/fake_clock.h"
#include "fakes/random.h"
#include "fedcred/module.h"
#include "http_client.h"

namespace fedcred::modules::testing {

using fedcred::test::FixedRandom;
using fedcred::testing::FakeClock;

inline HttpResponse response(int status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = Secret(std::move(body));
  r.headers = std::move(headers);
  return r;
}

// Answers from a script, then repeats `fallback` (if set) forever. Every
// request is recorded. Each send may take simulated time on the clock.
class FakeHttpClient final : public HttpClient {
 public:
  using Reply = std::function<Result<HttpResponse>(HttpRequest const&)>;

  explicit FakeHttpClient(FakeClock* clock = nullptr) : clock_(clock) {}

  void push(Result<HttpResponse> r) {
    script_.emplace_back([r](HttpRequest const&) { return r; });
  }
  void push(Reply reply) { script_.push_back(std::move(reply)); }
  void set_fallback(Result<HttpResponse> r) {
    fallback_ = [r](HttpRequest const&) { return r; };
  }
  // Simulated duration of each request (bounded by its timeout).
  void set_latency_ms(std::int64_t ms) { latency_ms_ = ms; }

  Result<HttpResponse> send(HttpRequest const& request) override {
    requests.push_back(request);
    if (clock_ != nullptr) clock_->advance(std::min(latency_ms_, request.timeout_ms));
    if (!script_.empty()) {
      Reply next = std::move(script_.front());
      script_.pop_front();
      return next(request);
    }
    if (fallback_) return fallback_(request);
    return make_error(Status::internal, "FakeHttpClient: script exhausted");
  }

  std::vector<HttpRequest> requests;

 private:
  FakeClock* clock_;
  std::deque<Reply> script_;
  Reply fallback_;
  std::int64_t latency_ms_ = 0;
};

inline Error connection_refused(std::string const& host) {
  return make_error(Status::transient, "cannot reach " + host + ": Failed to connect to " + host +
                                           ": Connection refused");
}

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
