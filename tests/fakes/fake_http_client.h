// SPDX-License-Identifier: Apache-2.0
// The fake of the HTTP seam (http_client.h, which the modules' curl client and
// the core's plain-http client implement): answers from a script, then
// repeats a fallback, recording every request; each send may take simulated
// time on a FakeClock. Used by the modules' tests (tests/unit/modules/fakes.h)
// and the one IMDS client's (tests/unit/common/imds_client_test.cc).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "http_client.h"

namespace fedcred::test {

inline modules::HttpResponse response(int status, std::string body, modules::HeaderList headers = {}) {
  modules::HttpResponse r;
  r.status = status;
  r.body = Secret(std::move(body));
  r.headers = std::move(headers);
  return r;
}

// Answers from a script, then repeats `fallback` (if set) forever. Every
// request is recorded. Each send may take simulated time on the clock.
class FakeHttpClient final : public modules::HttpClient {
 public:
  using Reply = std::function<Result<modules::HttpResponse>(modules::HttpRequest const&)>;

  explicit FakeHttpClient(testing::FakeClock* clock = nullptr) : clock_(clock) {}

  void push(Result<modules::HttpResponse> r) {
    script_.emplace_back([r](modules::HttpRequest const&) { return r; });
  }
  void push(Reply reply) { script_.push_back(std::move(reply)); }
  void set_fallback(Result<modules::HttpResponse> r) {
    fallback_ = [r](modules::HttpRequest const&) { return r; };
  }
  // Simulated duration of each request (bounded by its timeout).
  void set_latency_ms(std::int64_t ms) { latency_ms_ = ms; }

  Result<modules::HttpResponse> send(modules::HttpRequest const& request) override {
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

  std::vector<modules::HttpRequest> requests;

 private:
  testing::FakeClock* clock_;
  std::deque<Reply> script_;
  Reply fallback_;
  std::int64_t latency_ms_ = 0;
};

// What the HTTP clients report for a refused connection.
inline Error connection_refused(std::string const& host) {
  return make_error(Status::transient, "cannot reach " + host + ": Failed to connect to " + host +
                                           ": Connection refused");
}

}  // namespace fedcred::test
