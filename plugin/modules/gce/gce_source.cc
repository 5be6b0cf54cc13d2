// SPDX-License-Identifier: Apache-2.0
#include "gce_source.h"

#include "ascii.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr char kIdentityPath[] = "/computeMetadata/v1/instance/service-accounts/default/identity";
// The one refusal of format=full on record: GKE's metadata server answered
// HTTP 400 to identity?format=full (google-auth-library-nodejs#1305,
// docs/PROTOCOLS.md section 9). Only this status earns a second request.
constexpr int kFormatRefusedStatus = 400;

bool is_base64url(char c) { return ascii::is_alnum(c) || c == '-' || c == '_'; }

std::string where(std::string const& host) { return "the GCE metadata server at " + host; }

// Turns one non-200 answer into an error; 5xx and 429 are retryable.
Error status_error(std::string const& host, int status) {
  std::string const prefix = where(host) + " answered HTTP " + std::to_string(status);
  if (status >= 500 || status == 429) return make_error(Status::transient, prefix);
  switch (status) {
    case 404:
      return make_error(Status::source,
                        prefix + " for the identity token: no service account is attached to this VM, "
                                 "or GCE_METADATA_HOST points at the wrong server");
    case 403:
      return make_error(Status::source,
                        prefix + ": the metadata server refused the request; check the VM's service account "
                                 "and access scopes, and that nothing between fedcred and the server "
                                 "dropped the Metadata-Flavor header");
    default:
      if (status >= 300 && status < 400) {
        return make_error(Status::source, prefix + " (a redirect; metadata redirects are never followed)");
      }
      return make_error(Status::source, prefix + " for the identity token");
  }
}

}  // namespace

std::string gce_identity_url(std::string_view metadata_host, std::string_view audience, bool full) {
  return "http://" + std::string(metadata_host) + kIdentityPath + "?audience=" + percent_encode(audience) +
         (full ? "&format=full" : "");
}

bool looks_like_jwt(std::string_view text) {
  if (text.empty() || text.size() > GceSource::kMaxTokenBytes) return false;
  int dots = 0;
  std::size_t segment = 0;
  for (char c : text) {
    if (c == '.') {
      if (segment == 0) return false;
      ++dots;
      segment = 0;
    } else if (is_base64url(c)) {
      ++segment;
    } else {
      return false;
    }
  }
  return dots == 2 && segment > 0;
}

GceSource::GceSource(HttpClient& http, Clock& clock, RetryPolicy policy, RandomSource& random)
    : http_(http), clock_(clock), policy_(policy), random_(random) {}

Result<Secret> GceSource::attempt(GceTokenRequest const& request, std::string const& url) {
  HttpRequest http_request;
  http_request.url = url;
  http_request.headers = {{"Metadata-Flavor", "Google"}};
  http_request.timeout_ms = attempt_timeout_ms(clock_, request.deadline_ms, kAttemptTimeoutMs);
  http_request.max_body_bytes = kMaxTokenBytes;
  http_request.direct = true;

  last_status_ = 0;
  auto response = http_.send(http_request);
  if (!response) {
    Error error = std::move(response).error();
    // An oversized body is final and, like every metadata failure, a source
    // error; transport errors stay transient so they are retried.
    if (error.status == Status::response) error.status = Status::source;
    return error;
  }
  std::string const& host = request.metadata_host;
  last_status_ = response->status;
  if (response->status >= 500) return status_error(host, response->status);
  bool const flavored = response->header("metadata-flavor") == std::optional<std::string>("Google");
  if (response->status != 200) {
    // An error page without the header: whatever answered (a captive portal,
    // a wrong GCE_METADATA_HOST) is likely not the metadata server at all.
    if (!flavored && response->status != kFormatRefusedStatus) {
      return make_error(Status::source, where(host) + " answered HTTP " + std::to_string(response->status) +
                                            " without \"Metadata-Flavor: Google\": not a GCE metadata server "
                                            "(check GCE_METADATA_HOST)");
    }
    return status_error(host, response->status);
  }
  // The token itself does not need the header. Google's libraries require it
  // on detection only (google-auth-library-python _metadata.ping, Go
  // metadata.OnGCE; google-cloud-cpp never checks it), and GKE's metadata
  // server has answered service-account tokens without it
  // (googleapis/gcp-metadata#215). What proves the answer is the token: a
  // JWT here, its audience in the host, its signature at STS
  // (docs/PROTOCOLS.md section 9).
  std::string_view token = ascii::trim(response->body.reveal());
  if (!looks_like_jwt(token)) {
    return make_error(Status::source, "metadata server at " + host + " returned a body that is not a JWT" +
                                          (flavored ? "" : " (and no \"Metadata-Flavor: Google\" header: "
                                                           "check GCE_METADATA_HOST)"));
  }
  if (!flavored && log_) {
    log_.debug(where(host) + " sent the token without \"Metadata-Flavor: Google\" (as GKE's has); "
                                          "the token is checked instead");
  }
  return Secret(token);
}

Result<Secret> GceSource::fetch(GceTokenRequest const& request, std::string const& url) {
  Retrier retrier(policy_, clock_, request.deadline_ms, random_);
  if (log_) {
    retrier.set_observer([this](int attempt, Error const& error, std::int64_t delay) {
      log_.info("attempt " + std::to_string(attempt) + " failed (" + error.message + "); retrying in " +
                std::to_string(delay) + " ms");
    });
  }
  auto result = retrier.run([&](int) { return attempt(request, url); }, is_transient);
  if (result || result.error().status != Status::transient) return result;

  // Retries exhausted on a transient failure: still a source failure (exit 3),
  // worded by what kept failing.
  Error const& last = result.error();
  std::string const tries = " after " + std::to_string(retrier.attempts()) + " attempt(s)";
  if (last.message.rfind(where(request.metadata_host), 0) == 0) {
    return make_error(Status::source, last.message + tries);
  }
  // The transport says "cannot reach HOST: why"; keep the why.
  std::string_view detail = last.message;
  std::string const transport_prefix = "cannot reach " + request.metadata_host + ": ";
  if (detail.rfind(transport_prefix, 0) == 0) detail.remove_prefix(transport_prefix.size());
  return make_error(Status::source, "cannot reach " + where(request.metadata_host) + " (" + std::string(detail) +
                                        ")" + tries +
                                        ": is this a GCE VM? Set GCE_METADATA_HOST to reach the metadata server "
                                        "at another address");
}

Result<Secret> GceSource::identity_token(GceTokenRequest const& request) {
  if (!is_valid_authority(request.metadata_host)) {
    return make_error(Status::usage, "invalid GCE metadata host \"" + request.metadata_host +
                                         "\" (expected host or host:port, as in GCE_METADATA_HOST)");
  }
  if (request.audience.empty()) return make_error(Status::usage, "missing audience for the GCE identity token");

  // format=full first: on Compute Engine it adds the instance claims (the
  // default session name) and the email claim; GKE and Cloud Run accept it
  // and leave the instance claims out (docs/PROTOCOLS.md section 9).
  auto result = fetch(request, gce_identity_url(request.metadata_host, request.audience, true));
  if (result || last_status_ != kFormatRefusedStatus) return result;
  // Refused: the same question in the standard format, once, within the
  // same deadline. Same host, same audience, same service account: the token
  // names the same identity, only with fewer claims.
  if (log_) {
    log_.info(where(request.metadata_host) + " refused format=full (HTTP " +
                               std::to_string(kFormatRefusedStatus) + "); asking for the standard format");
  }
  return fetch(request, gce_identity_url(request.metadata_host, request.audience, false));
}

int run_gce_operation(ModuleCall& call, std::string_view operation, HttpClient& http, Clock& clock) {
  if (operation != FEDCRED_OP_SUBJECT_TOKEN) return call.fail(unsupported_operation("gce", operation));
  auto params = messages::decode_subject_token_params(call.reader());
  if (!params) return call.fail(params.error());
  if (params->metadata_host.empty()) return call.fail(make_error(Status::usage, "missing parameter metadata_host"));
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());

  GceSource source(http, clock);
  source.set_logger(call.logger());
  auto token = source.identity_token({params->metadata_host, params->audience, *deadline});
  if (!token) return call.fail(token.error());
  // The expiry is the token's exp claim, which the host reads.
  messages::SubjectTokenResult result;
  result.subject_token = std::move(*token);
  call.set_results(messages::encode(result));
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
