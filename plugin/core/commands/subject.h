// SPDX-License-Identifier: Apache-2.0
// The commands that hand out the subject token itself: `gcp` (for Google's
// executable-sourced credentials) and `token` (a raw JWT for token files).
// Both resolve a profile the same way and share cached subject tokens.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cache/key.h"
#include "commands/context.h"
#include "config/config.h"
#include "config/profile.h"
#include "flows/subject_token.h"

namespace fedcred {

// commands/credential_deps.h: only cached_subject_token takes it, and setup
// and doctor resolve subject requests without the credential seams.
struct CredentialDeps;

enum class SubjectCommand { gcp, token };

struct SubjectCommandRequest : RunSettings {
  // Google's libraries refresh 5 minutes before expiry (docs/PROTOCOLS.md 8.1).
  SubjectCommandRequest() { refresh_margin_seconds = 300; }
  std::string profile;
  SubjectTokenRequest token;  // deadline_ms left 0: set when the request runs
};

// Defaults: `gcp` uses source aws and needs a workload identity provider as
// audience (flag > GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE > profile); `token` uses
// source gce with audience sts.amazonaws.com.
Result<SubjectCommandRequest> resolve_subject_request(SubjectCommand command, ConfigSet const& config,
                                                      CommandInputs const& in, Env const& env,
                                                      std::int64_t default_timeout_seconds);

// The provider audience as the subject token must carry it:
// "//iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/providers/X"
// or its "https:" form, returned in the https form (the default allowed
// audience of a GCP OIDC provider). Status::usage otherwise.
Result<std::string> gcp_provider_audience(std::string_view audience);

// Cache-first subject token (no cache for the file source: reading the file
// is as cheap as reading the cache, and the file's owner may rotate it).
// Fills deps.audit (when set) with what it hands out.
Result<SubjectToken> cached_subject_token(SubjectCommandRequest const& req, CredentialDeps const& deps);

CacheKey subject_cache_key(std::string const& profile, SubjectTokenRequest const& req);

}  // namespace fedcred
