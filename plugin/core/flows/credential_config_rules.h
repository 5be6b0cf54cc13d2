// SPDX-License-Identifier: Apache-2.0
// What a credential config (flows/credential_config.h) may point fedcred at
// (issue 21.1). The file is read under fedcred.conf's trust rules
// (files/trusted_file.h); its URLs then follow these:
//
//   token_url                          https on Google's STS hosts only:
//                                      sts.googleapis.com, sts.REGION.rep.googleapis.com
//                                      (regional), NAME-sts.p.googleapis.com (Private
//                                      Service Connect)
//   service_account_impersonation_url  the same shapes of iamcredentials
//   regional_cred_verification_url     https://sts.{region}.amazonaws.com (or one
//                                      region's STS host) with exactly
//                                      Action=GetCallerIdentity&Version=2011-06-15:
//                                      fedcred signs nothing else with the caller's key
//   credential_source url, region_url,
//   imdsv2_session_token_url           the metadata hosts only (loopback, link-local,
//                                      metadata.google.internal, fd00:ec2::254), as the
//                                      IMDS endpoint override; an Azure IMDS url
//                                      (gcloud --azure) plain http to loopback or
//                                      link-local only, as AZURE_POD_IDENTITY_AUTHORITY_HOST
//
// Another STS or IAM Credentials endpoint (a proxy, a test's stand-in) is
// accepted only when a root-owned fedcred.conf names it, with
// google_sts_endpoint / google_iamcredentials_endpoint (scheme://host[:port]):
// a config naming Google's host is then sent there (the path kept), and a
// config naming that endpoint itself is accepted as is. Set anywhere else (a
// user's file, a flag), those keys are an error.
#pragma once

#include <string>
#include <string_view>

#include "config/settings.h"
#include "flows/credential_config.h"
#include "result.h"

namespace fedcred {

struct NamedGoogleEndpoints {
  std::string sts;             // scheme://host[:port]; empty: Google's only
  std::string iamcredentials;  // the same for IAM Credentials
};

// google_sts_endpoint / google_iamcredentials_endpoint from the effective
// settings; Status::usage when one comes from anything but a root-owned file.
Result<NamedGoogleEndpoints> named_google_endpoints(Settings const& settings);

// The host rules, exposed for tests.
bool is_google_sts_host(std::string_view host);
bool is_google_iamcredentials_host(std::string_view host);

// Checks every URL of `config` against the rules above and moves token_url and
// impersonation_url onto the named endpoints. Status::usage naming the file,
// the key and the rule.
Result<void> apply_credential_config_rules(CredentialConfig& config, NamedGoogleEndpoints const& named);

// load_credential_config, then the rules with the endpoints of `settings`:
// what access-token, serve --gcp-profile and doctor read.
Result<CredentialConfig> load_checked_credential_config(std::string const& path, Settings const& settings);

}  // namespace fedcred
