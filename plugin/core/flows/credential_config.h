// SPDX-License-Identifier: Apache-2.0
// The gcloud `external_account` credential config (docs/PROTOCOLS.md 7.1, 8.2), as
// `gcloud iam workload-identity-pools create-cred-config` writes it, read for
// `fedcred access-token`. Four credential sources are understood:
//   - environment_id "aws1": fedcred signs GetCallerIdentity itself (the AWS
//     provider of a workload identity pool), with the AWS credential chain;
//   - file: a token file (text format), re-read on every fetch;
//   - executable: only when it runs fedcred itself ("fedcred gcp ..."), which
//     is then done in-process: no child process;
//   - url on Azure IMDS's token path with `Metadata: True` and the json field
//     access_token (gcloud ... --azure): an Azure VM's managed identity, asked
//     as source azure asks it (docs/PROTOCOLS.md 13).
// Every problem is Status::usage and names the file and the key to fix.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "module_messages.h"
#include "result.h"

namespace fedcred {

inline constexpr char kAws4RequestType[] = "urn:ietf:params:aws:token-type:aws4_request";

struct CredentialConfig {
  std::string path;  // for messages
  std::string audience;
  std::string subject_token_type;
  std::string token_url = "https://sts.googleapis.com/v1/token";
  std::string impersonation_url;       // empty: no impersonation
  std::int64_t token_lifetime_seconds = 3600;

  enum class Source { aws1, file, fedcred_executable, azure_imds } source = Source::aws1;
  // aws1
  std::string regional_cred_verification_url;
  std::string region_url;
  std::string credentials_url;  // credential_source.url
  std::string imdsv2_session_token_url;
  // file
  std::string file;
  // executable running fedcred: its --profile (may be empty), and every word
  // after "gcp" (the flags, which access-token applies as `fedcred gcp` would)
  std::string executable_profile;
  std::vector<std::string> executable_args;
  // azure_imds (gcloud ... create-cred-config --azure): credentials_url is the
  // IMDS token URL; its resource and user-assigned identity, from its query
  std::string azure_resource;
  messages::ManagedIdentity azure_identity;
};

// Parses the document `text` read from `path`.
Result<CredentialConfig> parse_credential_config(std::string const& text, std::string const& path);

// Reads and parses the file (Status::io when it cannot be read).
Result<CredentialConfig> load_credential_config(std::string const& path);

}  // namespace fedcred
