// SPDX-License-Identifier: Apache-2.0
#include "imds_client.h"

#include <utility>

#include "url.h"

namespace fedcred::imds {

ImdsClient::ImdsClient(modules::HttpClient& http, Clock& clock, std::string base_url, std::int64_t deadline_ms,
                       modules::RetryPolicy policy, RandomSource& random)
    : http_(http),
      clock_(clock),
      base_url_(std::move(base_url)),
      host_(modules::url_authority(base_url_)),
      deadline_ms_(deadline_ms),
      policy_(policy),
      random_(random) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

// Direct (never a proxy: metadata endpoints must not be proxied), capped, and
// timed for one attempt within the deadline, taken when the request is built.
modules::HttpRequest ImdsClient::request(char const* method, std::string const& path) const {
  modules::HttpRequest out;
  out.method = method;
  out.url = base_url_ + path;
  out.timeout_ms = modules::attempt_timeout_ms(clock_, deadline_ms_, kAttemptTimeoutMs);
  out.max_body_bytes = kMaxBodyBytes;
  out.direct = true;
  return out;
}

template <typename Fn>
auto ImdsClient::with_retries(Fn&& fn) -> decltype(fn()) {
  modules::Retrier retrier(policy_, clock_, deadline_ms_, random_);
  return retrier.run([&](int) { return fn(); }, modules::is_transient);
}

Result<void> ImdsClient::ensure_token() {
  if (!token_.empty()) return {};
  if (!modules::parse_url(base_url_)) {
    return make_error(Status::usage, "invalid IMDS endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT): not an http(s) URL");
  }
  auto result = with_retries([&]() -> Result<Secret> {
    modules::HttpRequest put = request("PUT", kTokenPath);
    put.headers = {{kTokenTtlHeader, std::to_string(kTokenTtlSeconds)}};
    std::int64_t const started = clock_.monotonic_ms();
    auto response = http_.send(put);
    if (!response) {
      Error error = std::move(response).error();
      // A PUT that gets no answer at all is the classic IMDSv2-in-a-container
      // failure: the answer's IP TTL (hop limit) of 1 dies at the container
      // bridge. Waiting longer would not help, so this is final.
      if (error.status == Status::transient && clock_.monotonic_ms() - started >= put.timeout_ms) {
        return token_request_unanswered(host_, put.timeout_ms);
      }
      // A garbled answer is the source's failure, not the caller's.
      if (error.status == Status::response) error.status = Status::source;
      return error;
    }
    return token_from_answer(response->status, response->body.reveal(), host_);
  });
  if (!result) {
    if (result.error().status == Status::transient) return unreachable(result.error(), host_, "the IMDSv2 token");
    return std::move(result).error();
  }
  token_ = std::move(*result);
  return {};
}

Result<Secret> ImdsClient::get(std::string const& path, std::string const& what) {
  auto have_token = ensure_token();
  if (!have_token) return std::move(have_token).error();
  auto result = with_retries([&]() -> Result<Secret> {
    modules::HttpRequest get = request("GET", path);
    get.headers = {{kTokenHeader, token_.reveal()}};
    auto response = http_.send(get);
    wipe(get.headers[0].second);
    if (!response) {
      Error error = std::move(response).error();
      if (error.status == Status::response) error.status = Status::source;
      return error;
    }
    auto status = check_get_status(response->status, path, what, host_);
    if (!status) return std::move(status).error();
    return std::move(response->body);
  });
  if (!result && result.error().status == Status::transient) return unreachable(result.error(), host_, what);
  return result;
}

Result<std::string> ImdsClient::role_name() {
  auto listing = get(kRolesPath, "the instance role name");
  if (!listing) return std::move(listing).error();
  return role_from_listing(listing->reveal(), host_);
}

modules::HttpRequest ImdsClient::probe_token_request(int ttl_seconds) const {
  modules::HttpRequest put = request("PUT", kTokenPath);
  put.headers = {{kTokenTtlHeader, std::to_string(ttl_seconds)}};
  return put;
}

modules::HttpRequest ImdsClient::probe_untokened_request() const { return request("GET", "/latest/meta-data/"); }

}  // namespace fedcred::imds
