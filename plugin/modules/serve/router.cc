// SPDX-License-Identifier: Apache-2.0
#include "router.h"

#include <string.h>

#include "aws_route.h"
#include "host_check.h"
#include "metadata_route.h"
#include "serve_abi.h"
#include "time_format.h"

namespace fedcred::serve {
namespace {

std::string expiry_field(char const* name, PublishedSlot const& slot, std::int64_t now_unix, bool& any_valid) {
  auto current = slot.current();
  bool valid = valid_at(current.get(), now_unix);
  any_valid = any_valid || valid;
  std::string v = valid ? "\"" + format_rfc3339_utc(current->expiration) + "\"" : "null";
  return std::string("\"") + name + "\":{\"valid\":" + (valid ? "true" : "false") + ",\"expiration\":" + v + "}";
}

}  // namespace

HttpResponse json_error(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  // code and message are constants of this module or numbers: no escaping needed.
  r.body = "{\"code\":\"" + std::string(code) + "\",\"message\":\"" + std::string(message) + "\"}";
  return r;
}

Router::Router(RouterConfig config) : config_(std::move(config)) {
  if (config_.client_token) {
    authorization_.publish(*config_.client_token, INT64_MAX);
    explicit_bzero(config_.client_token->data(), config_.client_token->size());
  }
}

Router::~Router() = default;

HttpResponse Router::handle(HttpRequest const& req, std::int64_t now_unix) {
  HttpResponse r;
  if (!host_allowed(req.host)) {
    r = json_error(403, "HostNotAllowed", "the Host header must name a loopback address or localhost");
  } else if (auto refused = refuse_caller(req, now_unix)) {
    r = std::move(*refused);
  } else {
    r = dispatch(req, now_unix);
    if (r.credential >= 0) report(*req.caller, r.credential, true, now_unix);
  }
  counters_.count_status(r.status);
  return r;
}

bool Router::should_hold(HttpRequest const& req, std::int64_t now_unix) const {
  if (now_unix >= config_.hold_until_unix) return false;
  if (req.path == kAwsCredentialsPath && config_.aws) return aws_.current() == nullptr;
  if (config_.google && is_metadata_path(req.path) && req.path.size() >= 6 &&
      req.path.substr(req.path.size() - 6) == "/token") {
    return google_.current() == nullptr;
  }
  return false;
}

// The caller check of every route but /healthz, which tells nothing secret
// and is what monitoring asks as whatever user it runs as.
std::optional<HttpResponse> Router::refuse_caller(HttpRequest const& req, std::int64_t now_unix) {
  if (req.path == "/healthz") return std::nullopt;
  if (!req.caller) {
    return json_error(403, "CallerUnknown",
                      "the server cannot tell which user owns this connection (sock_diag); it answers local "
                      "callers it can identify only");
  }
  if (config_.caller_allowed && config_.caller_allowed(*req.caller)) return std::nullopt;
  int route = req.path == kAwsCredentialsPath ? FEDCRED_SERVE_AWS
              : is_metadata_path(req.path)    ? FEDCRED_SERVE_GOOGLE
              : is_azure_path(req.path)       ? FEDCRED_SERVE_AZURE
                                              : -1;
  report(*req.caller, route, false, now_unix);
  // The uid is the caller's own: it tells it nothing new.
  return json_error(403, "CallerNotAllowed",
                    "this user (uid " + std::to_string(*req.caller) +
                        ") is not one the server answers: add it to [serve] allow_users or allow_groups in "
                        "fedcred.conf (see fedcred.conf(5))");
}

void Router::report(uid_t caller, int route, bool served, std::int64_t now_unix) {
  if (!config_.audit) return;
  if (auto count = audit_.note(caller, route, served, now_unix)) config_.audit(caller, route, served, *count);
}

HttpResponse Router::dispatch(HttpRequest const& req, std::int64_t now_unix) const {
  if (req.path == "/healthz") return healthz(now_unix);
  if (req.path == "/stats") return stats();
  if (req.path == kAwsCredentialsPath && config_.aws) {
    if (config_.check_authorization) config_.check_authorization();
    return aws_credentials(req, authorization_, aws_, now_unix);
  }
  if (config_.google && is_metadata_path(req.path)) return metadata(req, *config_.google, google_, now_unix);
  if (config_.azure && is_azure_path(req.path)) {
    if (config_.check_authorization && req.identity_header) config_.check_authorization();
    return azure_token(req, *config_.azure, authorization_, now_unix);
  }
  return json_error(404, "NotFound", "no such path");
}

HttpResponse Router::healthz(std::int64_t now_unix) const {
  bool any_valid = false;
  std::string fields;
  if (config_.aws) fields += expiry_field("aws", aws_, now_unix, any_valid);
  if (config_.google) fields += (fields.empty() ? "" : ",") + expiry_field("google", google_, now_unix, any_valid);
  HttpResponse r;
  // Every route that publishes ahead must be able to answer for the server
  // to be healthy; the Azure routes fetch per request, so they hold nothing
  // that could have expired.
  bool all_valid = true;
  if (config_.aws) all_valid = all_valid && valid_at(aws_.current().get(), now_unix);
  if (config_.google) all_valid = all_valid && valid_at(google_.current().get(), now_unix);
  bool const publishes = config_.aws || config_.google.has_value();
  r.status = all_valid && (any_valid || !publishes) ? 200 : 503;
  r.body = std::string("{\"status\":\"") + (r.status == 200 ? "ok" : "unavailable") + "\"" +
           (fields.empty() ? "" : ",") + fields + "}";
  return r;
}

HttpResponse Router::stats() const {
  auto n = [](std::atomic<std::uint64_t> const& a) { return std::to_string(a.load(std::memory_order_relaxed)); };
  HttpResponse r;
  r.body = "{\"requests\":" + n(counters_.requests) + ",\"2xx\":" + n(counters_.status_2xx) +
           ",\"4xx\":" + n(counters_.status_4xx) + ",\"5xx\":" + n(counters_.status_5xx) +
           ",\"issued\":" + n(counters_.published) + ",\"refreshes\":" + n(counters_.refreshes) +
           ",\"refresh_failures\":" + n(counters_.refresh_failures) + "}";
  return r;
}

}  // namespace fedcred::serve
