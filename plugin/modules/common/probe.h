// SPDX-License-Identifier: Apache-2.0
// The "probe" operation of the network modules, for `fedcred doctor`: one
// request, no retry, no token kept, reporting how the endpoint answered
// (HTTP status, latency, its Date header) or why it did not.
//
// Module operation "probe" (parameters messages::ProbeParams, results
// messages::ProbeResult, both encoded by module_messages.h; on the wire):
//   gce: in metadata_host, deadline_ms. GET /computeMetadata/v1/instance/
//        service-accounts/default/email with Metadata-Flavor: Google.
//        out: status, latency_ms, date, flavor, email, error, timed_out
//   aws: in imds_endpoint, deadline_ms. PUT /latest/api/token (TTL 60), then a
//        GET /latest/meta-data/ without a token (an instance with IMDSv2
//        required answers 401: it answers).
//        out: put_status, put_latency_ms, put_error, put_timed_out, and the
//        same with get_; date (from whichever answered)
//   sts: in endpoint, deadline_ms. GET on the endpoint (any HTTP answer means
//        reachable). out: status, latency_ms, date, error, timed_out
// Transport failures are results, not errors: the caller judges them. The
// IMDS session token in the PUT answer is wiped, never returned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clock.h"
#include "http_client.h"
#include "module_call.h"

namespace fedcred::modules {

struct ProbeOutcome {
  int status = 0;  // 0: no HTTP answer
  std::int64_t latency_ms = 0;
  std::string date;    // the Date header, as sent
  std::string flavor;  // the Metadata-Flavor header
  std::string error;   // transport failure, when status is 0
  bool timed_out = false;
  std::string text;  // the body, only when asked for and short printable text
};

// One attempt of `request`; keep_text keeps a short printable body.
ProbeOutcome probe_http(HttpClient& http, Clock& clock, HttpRequest const& request, bool keep_text);

// What a module's "probe" reaches: each network module names its own (the gce
// module the metadata server, aws IMDS, sts the STS endpoint; the others none).
enum class ProbeTarget { none, gce_metadata, imds, sts };

// Runs "probe" for `target`: decodes messages::ProbeParams, encodes a
// messages::ProbeResult. `module` only names the module in the error for none.
int run_probe_operation(ModuleCall& call, std::string_view module, ProbeTarget target, HttpClient& http,
                        Clock& clock);

}  // namespace fedcred::modules
