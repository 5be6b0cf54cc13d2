// SPDX-License-Identifier: Apache-2.0
// Which service account the Google metadata server speaks for, asked before
// every cache lookup of the gce source (issue 21.12), as instance_role.h asks
// IMDS for the instance role: the cache keys of `fedcred aws`/`token` with
// source gce name the account, so after `gcloud compute instances
// set-service-account`, or a GKE Kubernetes service account bound to another
// Google service account, the old account's AWS session or token is never
// served.
//
// One GET of /computeMetadata/v1/instance/service-accounts/default/email with
// Metadata-Flavor: Google, over the core's plain-http client (net/plain_http.h):
// it runs on the cache-hit path, which maps neither libcurl nor OpenSSL. The
// default host metadata.google.internal is asked at its fixed address
// 169.254.169.254 (as Google's libraries ping it), with its name in the Host
// header: a name would need NSS, which the static front hands off to the
// fetcher (docs/ARCHITECTURE.md "The static front").
#pragma once

#include <cstdint>
#include <string>

#include "clock.h"
#include "net/endpoint.h"
#include "result.h"

namespace fedcred {

inline constexpr char kMetadataEmailPath[] = "/computeMetadata/v1/instance/service-accounts/default/email";

// The seam: production asks the metadata server (GceMetadataAccountLookup),
// unit tests fake it (tests/fakes/metadata_account.h).
class MetadataAccountLookup {
 public:
  virtual ~MetadataAccountLookup() = default;
  // The default service account's email, asked of the metadata server at
  // `metadata_host` (host[:port], as GCE_METADATA_HOST) within `deadline_ms`
  // (CLOCK_MONOTONIC). Status::source when it cannot be learnt.
  virtual Result<std::string> account_email(std::string const& metadata_host, std::int64_t deadline_ms) = 0;
};

class GceMetadataAccountLookup final : public MetadataAccountLookup {
 public:
  GceMetadataAccountLookup(Clock& clock, net::HostResolver& resolver) : clock_(clock), resolver_(resolver) {}
  Result<std::string> account_email(std::string const& metadata_host, std::int64_t deadline_ms) override;

 private:
  Clock& clock_;
  net::HostResolver& resolver_;
};

// The email in the server's answer: trimmed, one line of an address's
// characters with an '@'; Status::source otherwise.
Result<std::string> account_from_answer(int status, std::string const& body, std::string const& host);

// For source gce: the account `lookup` names ("" for any other source). An
// error when the lookup fails: an identity that cannot be confirmed is never
// served from the cache.
Result<std::string> name_metadata_account(std::string const& source, std::string const& metadata_host,
                                          MetadataAccountLookup* lookup, std::int64_t deadline_ms);

}  // namespace fedcred
