// SPDX-License-Identifier: Apache-2.0
#include "probe.h"

#include "ascii.h"
#include "retry.h"
#include "url.h"

namespace fedcred::modules {
namespace {

constexpr std::int64_t kProbeTimeoutMs = 2000;
constexpr std::int64_t kImdsProbeTimeoutMs = 1000;  // as Imds::kAttemptTimeoutMs
constexpr std::size_t kMaxText = 256;

void report(ModuleCall& call, std::string const& prefix, ProbeOutcome const& o) {
  messages::Values out;
  messages::encode_reading(out, prefix, {o.status, o.latency_ms, o.error, o.timed_out, o.flavor});
  if (!o.date.empty()) out[FEDCRED_KEY_DATE] = Secret(o.date);
  call.set_results(out);
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

int run_probe_operation(ModuleCall& call, std::string_view module, HttpClient& http, Clock& clock) {
  auto deadline = call.deadline_ms(clock);
  if (!deadline) return call.fail(deadline.error());
  if (module == "gce") {
    auto host = call.required_param(FEDCRED_KEY_METADATA_HOST);
    if (!host) return call.fail(host.error());
    if (!is_valid_authority(*host)) {
      return call.fail(make_error(Status::usage, "invalid GCE metadata host \"" + *host + "\""));
    }
    HttpRequest request;
    request.url = "http://" + *host + "/computeMetadata/v1/instance/service-accounts/default/email";
    request.headers = {{"Metadata-Flavor", "Google"}};
    request.timeout_ms = attempt_timeout_ms(clock, *deadline, kProbeTimeoutMs);
    request.direct = true;
    auto outcome = probe_http(http, clock, request, true);
    report(call, "", outcome);
    if (!outcome.text.empty()) call.set_result(FEDCRED_KEY_EMAIL, outcome.text);
    return FEDCRED_OK;
  }
  if (module == "aws") {
    auto base = call.required_param(FEDCRED_KEY_IMDS_ENDPOINT);
    if (!base) return call.fail(base.error());
    while (!base->empty() && base->back() == '/') base->pop_back();
    if (!parse_url(*base)) return call.fail(make_error(Status::usage, "invalid IMDS endpoint: not an http(s) URL"));
    HttpRequest put;
    put.method = "PUT";
    put.url = *base + "/latest/api/token";
    put.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}};
    put.timeout_ms = attempt_timeout_ms(clock, *deadline, kImdsProbeTimeoutMs);
    put.direct = true;
    report(call, "put_", probe_http(http, clock, put, false));  // the token in the body is dropped (wiped)
    HttpRequest get;
    get.url = *base + "/latest/meta-data/";
    get.timeout_ms = attempt_timeout_ms(clock, *deadline, kImdsProbeTimeoutMs);
    get.direct = true;
    report(call, "get_", probe_http(http, clock, get, false));
    return FEDCRED_OK;
  }
  if (module == "sts") {
    auto endpoint = call.required_param(FEDCRED_KEY_ENDPOINT);
    if (!endpoint) return call.fail(endpoint.error());
    if (!parse_url(*endpoint)) return call.fail(make_error(Status::usage, "invalid STS endpoint URL"));
    HttpRequest request;
    request.url = *endpoint;
    request.timeout_ms = attempt_timeout_ms(clock, *deadline, kProbeTimeoutMs);
    report(call, "", probe_http(http, clock, request, false));
    return FEDCRED_OK;
  }
  return call.fail(unsupported_operation(module, "probe"));
}

}  // namespace fedcred::modules
