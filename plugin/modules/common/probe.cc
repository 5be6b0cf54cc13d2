// SPDX-License-Identifier: Apache-2.0
#include "probe.h"

#include "ascii.h"
#include "imds_client.h"
#include "module_messages.h"
#include "retry.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr std::int64_t kProbeTimeoutMs = 2000;
constexpr int kImdsProbeTokenTtlSeconds = 60;  // the probe keeps no session
constexpr std::size_t kMaxText = 256;

messages::ProbeReading reading_of(ProbeOutcome const& o) {
  return {o.status, o.latency_ms, o.error, o.timed_out, o.flavor};
}

// GET the default service account's email with Metadata-Flavor: Google.
messages::ProbeResult probe_gce_metadata(std::string const& host, std::int64_t deadline, HttpClient& http,
                                         Clock& clock) {
  HttpRequest request;
  request.url = "http://" + host + "/computeMetadata/v1/instance/service-accounts/default/email";
  request.headers = {{"Metadata-Flavor", "Google"}};
  request.timeout_ms = attempt_timeout_ms(clock, deadline, kProbeTimeoutMs);
  request.direct = true;
  auto outcome = probe_http(http, clock, request, true);
  return {reading_of(outcome), {}, {}, outcome.date, outcome.text};
}

// The one IMDS client's two probe requests, each sent once: the token PUT
// (its answer, a session token, is wiped with the body) and a GET without one.
messages::ProbeResult probe_imds(std::string const& base, std::int64_t deadline, HttpClient& http, Clock& clock) {
  imds::ImdsClient const imds(http, clock, base, deadline);
  auto const put_outcome = probe_http(http, clock, imds.probe_token_request(kImdsProbeTokenTtlSeconds), false);
  auto const get_outcome = probe_http(http, clock, imds.probe_untokened_request(), false);
  return {{}, reading_of(put_outcome), reading_of(get_outcome),
          get_outcome.date.empty() ? put_outcome.date : get_outcome.date, ""};
}

messages::ProbeResult probe_sts(std::string const& endpoint, std::int64_t deadline, HttpClient& http, Clock& clock) {
  HttpRequest request;
  request.url = endpoint;
  request.timeout_ms = attempt_timeout_ms(clock, deadline, kProbeTimeoutMs);
  auto outcome = probe_http(http, clock, request, false);
  return {reading_of(outcome), {}, {}, outcome.date, ""};
}

// The target's address, checked: what the module was given to probe.
Result<std::string> probe_address(ProbeTarget target, messages::ProbeParams const& params) {
  switch (target) {
    case ProbeTarget::gce_metadata:
      if (params.metadata_host.empty()) return make_error(Status::usage, "missing parameter " FEDCRED_KEY_METADATA_HOST);
      if (!is_valid_authority(params.metadata_host)) {
        return make_error(Status::usage, "invalid GCE metadata host \"" + params.metadata_host + "\"");
      }
      return params.metadata_host;
    case ProbeTarget::imds:
      if (params.imds_endpoint.empty()) return make_error(Status::usage, "missing parameter " FEDCRED_KEY_IMDS_ENDPOINT);
      if (!parse_url(params.imds_endpoint)) {
        return make_error(Status::usage, "invalid IMDS endpoint: not an http(s) URL");
      }
      return params.imds_endpoint;
    case ProbeTarget::sts:
      if (params.endpoint.empty()) return make_error(Status::usage, "missing parameter " FEDCRED_KEY_ENDPOINT);
      if (!parse_url(params.endpoint)) return make_error(Status::usage, "invalid STS endpoint URL");
      return params.endpoint;
    case ProbeTarget::none:
      break;
  }
  return make_error(Status::internal, "no probe target");
}

}  // namespace

ProbeOutcome probe_http(HttpClient& http, Clock& clock, HttpRequest const& request, bool keep_text) {
  ProbeOutcome out;
  std::int64_t const started = clock.monotonic_ms();
  auto response = http.send(request);
  out.latency_ms = clock.monotonic_ms() - started;
  if (!response) {
    out.error = response.error().message;
    out.timed_out = out.latency_ms >= request.timeout_ms;
    return out;
  }
  out.status = response->status;
  out.date = response->header("date").value_or("");
  out.flavor = response->header("metadata-flavor").value_or("");
  if (keep_text && response->status == 200) {
    std::string_view body = ascii::trim(response->body.reveal());
    bool printable = body.size() <= kMaxText;
    for (char c : body) printable = printable && c > ' ' && c < 0x7f;
    if (printable) out.text = std::string(body);
  }
  return out;
}

int run_probe_operation(ModuleCall& call, std::string_view module, ProbeTarget target, HttpClient& http,
                        Clock& clock) {
  if (target == ProbeTarget::none) return call.fail(unsupported_operation(module, "probe"));
  auto params = messages::decode_probe_params(call.reader());
  if (!params) return call.fail(params.error());
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  auto address = probe_address(target, *params);
  if (!address) return call.fail(address.error());
  messages::ProbeResult result;
  if (target == ProbeTarget::gce_metadata) result = probe_gce_metadata(*address, *deadline, http, clock);
  if (target == ProbeTarget::imds) result = probe_imds(*address, *deadline, http, clock);
  if (target == ProbeTarget::sts) result = probe_sts(*address, *deadline, http, clock);
  call.set_results(messages::encode(result));
  return FEDCRED_OK;
}

}  // namespace fedcred::modules
