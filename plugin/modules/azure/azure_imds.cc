// SPDX-License-Identifier: Apache-2.0
#include "azure_imds.h"

#include "ascii.h"
#include "azure_ids.h"
#include "json_doc.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr char kTokenPath[] = "/metadata/identity/oauth2/token";

std::string where(std::string const& host) { return "Azure IMDS at " + host; }

// IMDS's error_description (or error), printable and bounded.
std::string imds_said(std::string_view body) {
  JsonDoc doc = parse_json_object(body);
  if (!doc) return "";
  json_object* text = json_member(doc.get(), "error_description", json_type_string);
  if (text == nullptr) text = json_member(doc.get(), "error", json_type_string);
  if (text == nullptr) return "";
  std::string out;
  for (char c : std::string_view(json_object_get_string(text)).substr(0, 300)) out += ascii::is_print(c) ? c : ' ';
  return out;
}

std::string which_identity(messages::ManagedIdentity const& identity) {
  if (!identity.client_id.empty()) return "the managed identity with client id " + identity.client_id;
  if (!identity.object_id.empty()) return "the managed identity with object id " + identity.object_id;
  if (!identity.res_id.empty()) return "the managed identity " + identity.res_id;
  return "this VM's system-assigned managed identity";
}

Result<std::string> normalize_endpoint(std::string const& endpoint) {
  auto url = parse_url(endpoint.empty() ? azure::kImdsEndpoint : endpoint);
  if (!url) return Error(url.error()).prefix("Azure IMDS endpoint");
  if (url->path != "/") {
    return make_error(Status::usage, "Azure IMDS endpoint must be http://host[:port] without a path");
  }
  return url->origin();
}

}  // namespace

bool azure_imds_retries(int status) {
  return status == 404 || status == 408 || status == 410 || status == 429 || status >= 500;
}

std::string azure_imds_token_url(std::string const& endpoint, std::string const& resource,
                                 messages::ManagedIdentity const& identity) {
  std::string url =
      endpoint + kTokenPath + "?api-version=" + AzureImdsSource::kApiVersion + "&resource=" + percent_encode(resource);
  if (!identity.client_id.empty()) url += "&client_id=" + percent_encode(identity.client_id);
  if (!identity.object_id.empty()) url += "&object_id=" + percent_encode(identity.object_id);
  if (!identity.res_id.empty()) url += "&msi_res_id=" + percent_encode(identity.res_id);
  return url;
}

AzureImdsSource::AzureImdsSource(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource& random)
    : http_(http), clock_(clock), policy_(policy), random_(random) {}

Result<AzureAccessToken> AzureImdsSource::attempt(std::string const& url, std::string const& host,
                                                  AzureImdsRequest const& request) {
  HttpRequest http_request;
  http_request.url = url;
  http_request.headers = {{"Metadata", "true"}};
  http_request.timeout_ms = attempt_timeout_ms(clock_, request.deadline_ms, kAttemptTimeoutMs);
  http_request.max_body_bytes = kMaxBodyBytes;
  http_request.direct = true;
  auto response = http_.send(http_request);
  if (!response) {
    Error error = std::move(response).error();
    if (error.status == Status::response) error.status = Status::source;  // oversized: final
    return error;
  }
  int const status = response->status;
  if (status == 200) {
    auto token = parse_azure_token_answer(response->body.reveal(), "Azure IMDS", host, clock_.unix_seconds());
    if (token) return token;
    return make_error(Status::source, token.error().message);  // like every IMDS failure
  }
  std::string const said = imds_said(response->body.reveal());
  std::string text = where(host) + " answered HTTP " + std::to_string(status) + (said.empty() ? "" : ": " + said);
  if (azure_imds_retries(status)) return make_error(Status::transient, text);
  if (status == 400 && said.find("Identity not found") != std::string::npos) {
    text += "; " + which_identity(request.identity) +
            " is not assigned to this VM: check the client id, object id or resource id";
  } else if (status == 400) {
    text += "; check the resource (" + request.resource + ") and the identity";
  } else if (status >= 300 && status < 400) {
    text += " (a redirect; metadata redirects are never followed)";
  }
  return make_error(Status::source, text);
}

Result<AzureAccessToken> AzureImdsSource::access_token(AzureImdsRequest const& request) {
  auto endpoint = normalize_endpoint(request.endpoint);
  if (!endpoint) return std::move(endpoint).error();
  if (auto ok = azure::check_resource(request.resource); !ok) return std::move(ok).error();
  if (auto ok = azure::check_managed_identity(request.identity); !ok) return std::move(ok).error();

  std::string const url = azure_imds_token_url(*endpoint, request.resource, request.identity);
  std::string const host = url_authority(url);
  Retrier retrier(policy_, clock_, request.deadline_ms, random_);
  if (log_) {
    retrier.set_observer([this](int attempt, Error const& error, std::int64_t delay) {
      log_.info("attempt " + std::to_string(attempt) + " failed (" + error.message + "); retrying in " +
                std::to_string(delay) + " ms");
    });
  }
  auto result = retrier.run([&](int) { return attempt(url, host, request); }, is_transient);
  if (result || result.error().status != Status::transient) return result;
  // Retries exhausted: the token is unavailable (exit 3), worded by what kept failing.
  Error const& last = result.error();
  std::string const tries = " after " + std::to_string(retrier.attempts()) + " attempt(s)";
  if (last.message.rfind(where(host), 0) == 0) return make_error(Status::source, last.message + tries);
  return make_error(Status::source, "cannot reach " + where(host) + " (" + last.message + ")" + tries +
                                        ": is this an Azure VM with a managed identity?");
}

}  // namespace fedcred::modules
