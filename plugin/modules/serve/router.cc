// SPDX-License-Identifier: Apache-2.0
#include "router.h"

#include <string.h>

#include "aws_route.h"
#include "host_check.h"
#include "metadata_route.h"
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
  // code and message are constants of this module: no escaping needed.
  r.body = "{\"code\":\"" + std::string(code) + "\",\"message\":\"" + std::string(message) + "\"}";
  return r;
}

Router::Router(RouterConfig config) : config_(std::move(config)) {}

Router::~Router() {
  if (config_.aws_authorization) explicit_bzero(config_.aws_authorization->data(), config_.aws_authorization->size());
}

HttpResponse Router::handle(HttpRequest const& req, std::int64_t now_unix) {
  HttpResponse r = host_allowed(req.host)
                       ? dispatch(req, now_unix)
                       : json_error(403, "HostNotAllowed",
                                    "the Host header must name a loopback address, localhost or "
                                    "metadata.google.internal");
  counters_.count_status(r.status);
  return r;
}

HttpResponse Router::dispatch(HttpRequest const& req, std::int64_t now_unix) const {
  if (req.path == "/healthz") return healthz(now_unix);
  if (req.path == "/stats") return stats();
  if (req.path == kAwsCredentialsPath && config_.aws_authorization) {
    return aws_credentials(req, *config_.aws_authorization, aws_, now_unix);
  }
  if (config_.google && is_metadata_path(req.path)) return metadata(req, *config_.google, google_, now_unix);
  return json_error(404, "NotFound", "no such path");
}

HttpResponse Router::healthz(std::int64_t now_unix) const {
  bool any_valid = false;
  std::string fields;
  if (config_.aws_authorization) fields += expiry_field("aws", aws_, now_unix, any_valid);
  if (config_.google) fields += (fields.empty() ? "" : ",") + expiry_field("google", google_, now_unix, any_valid);
  HttpResponse r;
  // Every enabled route must be able to answer for the server to be healthy.
  bool all_valid = true;
  if (config_.aws_authorization) all_valid = all_valid && valid_at(aws_.current().get(), now_unix);
  if (config_.google) all_valid = all_valid && valid_at(google_.current().get(), now_unix);
  r.status = all_valid && any_valid ? 200 : 503;
  r.body = std::string("{\"status\":\"") + (r.status == 200 ? "ok" : "unavailable") + "\"," + fields + "}";
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
