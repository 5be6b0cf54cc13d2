// SPDX-License-Identifier: Apache-2.0
#include "sts_query.h"

#include <algorithm>
#include <array>

#include "ascii.h"
#include "fedcred/module.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr std::size_t kMaxMessageChars = 512;
// Runs at least this long are treated as possible credentials or tokens.
constexpr std::size_t kLongTokenRun = 100;

bool is_token_char(char c) {
  return ascii::is_alnum(c) || c == '-' || c == '_' || c == '+' || c == '/' || c == '=' || c == '.';
}

bool looks_like_jwt_run(std::string_view run) {
  return run.rfind("eyJ", 0) == 0 && std::count(run.begin(), run.end(), '.') >= 2;
}

std::string sts_where(std::string const& host) { return "STS (" + host + ")"; }

std::string describe(StsError const& e) {
  std::string text = sanitize_sts_text(e.code);
  if (!e.message.empty()) text += ": " + sanitize_sts_text(e.message);
  if (!e.request_id.empty()) text += " (request id " + sanitize_sts_text(e.request_id) + ")";
  return text;
}

std::string with_subject(StsQuery const& query) {
  return query.subject.empty() ? query.action : query.action + " " + query.subject;
}

// sanitize_sts_text catches long and JWT-shaped runs; this catches the exact
// secrets of this request, whatever their length.
Error scrubbed(Error error, std::vector<std::string_view> const& secrets) {
  for (std::string_view secret : secrets) {
    if (secret.size() < 4) continue;  // too short to be a secret, and would mangle words
    for (auto at = error.message.find(secret); at != std::string::npos; at = error.message.find(secret, at)) {
      error.message.replace(at, secret.size(), "[redacted]");
    }
  }
  return error;
}

}  // namespace

bool is_retryable_sts_code(std::string_view code) {
  static constexpr std::array<std::string_view, 8> kRetryable = {
      "IDPCommunicationError", "Throttling",  "ThrottlingException", "RequestLimitExceeded",
      "TooManyRequestsException", "RequestTimeout", "ServiceUnavailable", "InternalFailure"};
  return std::find(kRetryable.begin(), kRetryable.end(), code) != kRetryable.end();
}

std::string sanitize_sts_text(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size() && out.size() < kMaxMessageChars) {
    char const c = text[i];
    if (is_token_char(c)) {
      std::size_t end = i;
      while (end < text.size() && is_token_char(text[end])) ++end;
      std::string_view run = text.substr(i, end - i);
      out += looks_like_jwt_run(run) || run.size() >= kLongTokenRun ? std::string_view("[redacted]") : run;
      i = end;
    } else {
      out.push_back(ascii::is_control(c) ? ' ' : c);
      ++i;
    }
  }
  if (out.size() > kMaxMessageChars) out.resize(kMaxMessageChars);
  if (i < text.size()) out += "...";
  return out;
}

Error sts_unusable(std::string const& host, int status, Error const& why) {
  return make_error(Status::response, sts_where(host) + " answered HTTP " + std::to_string(status) +
                                          " with a document fedcred cannot use: " + why.message);
}

StsQueryClient::StsQueryClient(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource& random, Logger log)
    : http_(http), clock_(clock), policy_(policy), random_(random), log_(std::move(log)) {}

Result<HttpResponse> StsQueryClient::attempt(StsQuery const& query, std::string const& host) {
  HttpRequest request;
  request.method = "POST";
  request.url = query.endpoint;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"Accept", "text/xml"}};
  if (query.headers) {
    auto headers = query.headers(request.headers);
    if (!headers) return std::move(headers).error();
    request.headers = std::move(*headers);
  }
  if (query.form != nullptr) request.body = *query.form;
  request.timeout_ms = attempt_timeout_ms(clock_, query.deadline_ms, query.attempt_timeout_ms);
  request.max_body_bytes = kMaxStsDocumentBytes;

  auto response = http_.send(request);
  for (auto& header : request.headers) wipe(header.second);  // may hold a session token
  if (!response) return std::move(response).error();
  int const status = response->status;
  if (status >= 200 && status < 300) return response;
  if (status >= 300 && status < 400) {
    return make_error(Status::response, sts_where(host) + " answered HTTP " + std::to_string(status) +
                                            " (a redirect, not followed): check the STS endpoint URL");
  }
  auto error = parse_error_response(response->body.reveal());
  if (!error) {
    if (status >= 500 || status == 429) {
      return make_error(Status::transient, sts_where(host) + " answered HTTP " + std::to_string(status));
    }
    return sts_unusable(host, status, error.error());
  }
  if (status >= 500 || status == 429 || is_retryable_sts_code(error->code)) {
    return make_error(Status::transient,
                      sts_where(host) + " answered HTTP " + std::to_string(status) + ": " + describe(*error));
  }
  return make_error(Status::denied, sts_where(host) + " refused " + with_subject(query) + ": " + describe(*error) +
                                        (query.hint ? query.hint(error->code) : std::string()));
}

Result<HttpResponse> StsQueryClient::post(StsQuery const& query) {
  auto url = parse_url(query.endpoint);
  if (!url) return Error(url.error()).prefix("invalid STS endpoint");
  std::string const host = url->authority();
  Retrier retrier(policy_, clock_, query.deadline_ms, random_);
  if (log_) {
    retrier.set_observer([this](int n, Error const& error, std::int64_t delay) {
      log_.info("attempt " + std::to_string(n) + " failed (" + error.message + "); retrying in " +
                std::to_string(delay) + " ms");
    });
  }
  auto result = retrier.run([&](int) { return attempt(query, host); }, is_transient);
  if (result) return result;
  if (result.error().status != Status::transient) return scrubbed(std::move(result).error(), query.secrets);
  return scrubbed(make_error(Status::transient, with_subject(query) + " failed after " +
                                                    std::to_string(retrier.attempts()) +
                                                    " attempt(s): " + result.error().message),
                  query.secrets);
}

}  // namespace fedcred::modules
