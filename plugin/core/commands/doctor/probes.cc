// SPDX-License-Identifier: Apache-2.0
#include "commands/doctor/probes.h"

#include <utility>

#include "fedcred/module.h"
#include "flows/subject_token.h"

namespace fedcred {
namespace {

std::string status_text(int status) { return std::to_string(status); }

// One probe through `module`; its results decoded (module_messages.h).
// `address` names the ProbeParams field of the module's target.
Result<messages::ProbeResult> run_probe(ProbeRun const& run, char const* module,
                                        std::string messages::ProbeParams::*address, std::string const& value) {
  messages::ProbeParams params;
  params.*address = value;
  params.deadline_ms = run.deadline_ms;
  auto results = run.modules.run(module, FEDCRED_OP_PROBE, messages::encode(params), run.log);
  if (!results) return std::move(results).error();
  return messages::decode_probe_result(messages::reader_of(*results));
}

}  // namespace

bool check_gce_metadata(ProbeRun const& run, std::string const& metadata_host, StepRecorder& steps) {
  std::string const where = "the GCE metadata server at " + metadata_host;
  auto probe = run_probe(run, "gce", &messages::ProbeParams::metadata_host, metadata_host);
  if (!probe) {
    steps.fail("metadata", probe.error().status, probe.error().message, "check the module directory (FEDCRED_MODULE_DIR)");
    return false;
  }
  auto const& reading = probe->reading;
  std::int64_t const latency = reading.latency_ms;
  if (reading.status == 0) {
    steps.fail("metadata", Status::source,
         "cannot reach " + where + " (" + (reading.error.empty() ? "no answer" : reading.error) + ", " +
             std::to_string(latency) + " ms)",
         "run this on a GCE VM or GKE node (metadata.google.internal must resolve and answer); set "
         "GCE_METADATA_HOST to reach the metadata server at another address; metadata requests never use a proxy");
    return false;
  }
  std::string const status = status_text(reading.status);
  if (reading.flavor != "Google") {
    steps.fail("metadata", Status::source,
         where + " answered HTTP " + status + " without \"Metadata-Flavor: Google\": not a GCE metadata server",
         "check GCE_METADATA_HOST and that no proxy or captive portal answers in its place");
    return false;
  }
  if (reading.status == 404) {
    steps.fail("metadata", Status::source, where + " answered HTTP 404 for the default service account",
         "attach a service account to the VM (gcloud compute instances set-service-account)");
    return false;
  }
  if (reading.status != 200) {
    steps.fail("metadata", Status::source, where + " answered HTTP " + status + " for the default service account",
         "check the VM's service account and access scopes");
    return false;
  }
  steps.note_server_date("metadata server", probe->date, run.clock.unix_seconds());
  steps.ok("metadata", where + " answered in " + std::to_string(latency) + " ms (service account " +
                     (probe->email.empty() ? "default" : probe->email) + ")");
  return true;
}

bool check_imds(ProbeRun const& run, std::string const& imds_endpoint, StepRecorder& steps) {
  std::string const where = "IMDS at " + url_authority(imds_endpoint);
  auto probe = run_probe(run, "aws", &messages::ProbeParams::imds_endpoint, imds_endpoint);
  if (!probe) {
    steps.fail("imds", probe.error().status, probe.error().message, "check the module directory (FEDCRED_MODULE_DIR)");
    return false;
  }
  auto const& put = probe->put;
  auto const& get = probe->get;
  std::int64_t const put_ms = put.latency_ms;
  auto put_failure = put.error.empty() ? std::string("no answer") : put.error;
  if (put.status == 200) {
    steps.note_server_date("IMDS", probe->date, run.clock.unix_seconds());
    steps.ok("imds", where + ": IMDSv2 token PUT answered in " + std::to_string(put_ms) + " ms");
    return true;
  }
  if (put.status == 0 && get.status != 0) {
    steps.fail("imds", Status::source,
         where + " answers GETs (HTTP " + status_text(get.status) + " in " + std::to_string(get.latency_ms) +
             " ms) but the IMDSv2 token PUT got no answer (" +
             (put.timed_out ? "timed out after " + std::to_string(put_ms) + " ms" : put_failure) +
             "): the PUT answer's hop limit is 1 and dies at the container bridge",
         "raise the hop limit to 2 for containers: aws ec2 modify-instance-metadata-options --instance-id ID "
         "--http-put-response-hop-limit 2 --http-tokens required");
    return false;
  }
  if (put.status == 0) {
    steps.fail("imds", Status::source, "cannot reach " + where + " (" + put_failure + ")",
         "run this on an EC2 instance, set AWS_EC2_METADATA_SERVICE_ENDPOINT to reach IMDS elsewhere, or set "
         "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION");
    return false;
  }
  if (put.status == 403) {
    steps.fail("imds", Status::source, where + " refused the IMDSv2 token PUT (HTTP 403)",
         "enable IMDS for the instance (aws ec2 modify-instance-metadata-options --http-endpoint enabled) and make "
         "sure no proxy adds X-Forwarded-For");
    return false;
  }
  steps.fail("imds", Status::source, where + " answered the IMDSv2 token PUT with HTTP " + status_text(put.status),
       "check AWS_EC2_METADATA_SERVICE_ENDPOINT; fedcred uses IMDSv2 only");
  return false;
}

bool check_sts_endpoint(ProbeRun const& run, Endpoint const& sts, StepRecorder& steps) {
  std::string const where = "STS at " + url_authority(sts.url) + " (" + sts.origin + ")";
  auto probe = run_probe(run, "sts", &messages::ProbeParams::endpoint, sts.url);
  if (!probe) {
    steps.fail("sts-endpoint", probe.error().status, probe.error().message,
         "check the module directory (FEDCRED_MODULE_DIR) and the endpoint URL");
    return false;
  }
  auto const& reading = probe->reading;
  std::int64_t const latency = reading.latency_ms;
  if (reading.status == 0) {
    steps.fail("sts-endpoint", Status::transient,
         "cannot reach " + where + " (" + (reading.error.empty() ? "no answer" : reading.error) + ", " +
             std::to_string(latency) + " ms)",
         "check DNS, firewall rules and HTTPS_PROXY/NO_PROXY for the STS endpoint; the region (AWS_REGION, "
         "region) or AWS_ENDPOINT_URL_STS picks it");
    return false;
  }
  steps.note_server_date("STS", probe->date, run.clock.unix_seconds());
  steps.ok("sts-endpoint", where + " answered in " + std::to_string(latency) + " ms");
  return true;
}

}  // namespace fedcred
