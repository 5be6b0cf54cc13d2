// SPDX-License-Identifier: Apache-2.0
// Typed messages over the module ABI (fedcred/module.h): one struct per
// operation's parameters and results, and the codec that turns each into the
// key/value wire and back. The host (plugin/core) and the modules
// (plugin/modules) both use these, so the keys, the time format (RFC 3339
// UTC) and the integer parsing (std::from_chars, whole value) live in one
// place. Decoding parameters fails with Status::usage (the caller sent a bad
// request); decoding results fails with Status::response (the module, or the
// service behind it, sent something unusable).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "result.h"
#include "secret.h"

namespace fedcred::messages {

// One message: name -> value. Secret because tokens travel in them.
using Values = std::map<std::string, Secret>;

// Reads one value of a message by name; nullopt when absent. An empty value
// counts as absent, as it does for the environment variables most come from.
using Reader = std::function<std::optional<std::string_view>(char const* key)>;

// A Reader over a Values map (valid while `values` lives).
Reader reader_of(Values const& values);

// Caller-supplied AWS keys (the AWS_* variables): the secret never leaves a Secret.
struct AwsKeys {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token;  // empty for long-term keys
};

// aws: the inputs of the AWS credential link that signs, besides the keys of
// the environment link (caller_keys) and imds_endpoint (module.h).
struct AwsLinkInputs {
  std::string name;                      // environment | web_identity | container | imds; empty: inferred
  Secret web_identity_token;             // web_identity: the token file's content
  std::string role_arn;                  // web_identity
  std::string role_session_name;         // web_identity, optional
  std::string container_url;             // container: the full URL
  Secret container_authorization_token;  // container, optional
  std::string instance_role;             // imds, optional: the role the cache key names (issue 12.1)
  Secret imds_session_token;             // imds, optional: the session instance_role was listed with (20.3)
};

// azure: which managed identity the Azure IMDS source asks for; all empty:
// the VM's system-assigned identity (or its only user-assigned one).
struct ManagedIdentity {
  std::string client_id;  // mi_client_id
  std::string object_id;  // mi_object_id
  std::string res_id;     // mi_res_id: the identity's ARM resource id
};

// FEDCRED_OP_SUBJECT_TOKEN
struct SubjectTokenParams {
  std::string audience;
  std::string metadata_host;  // gce
  std::string imds_endpoint;  // aws
  std::string region;         // aws: empty = from IMDS
  std::string sts_endpoint;   // aws: empty = the regional endpoint
  std::optional<std::int64_t> duration_seconds;  // aws
  std::optional<AwsKeys> caller_keys;            // aws: the environment link's keys
  AwsLinkInputs aws_link;                        // aws: the other links' inputs
  std::string azure_imds_endpoint;               // azure: empty = http://169.254.169.254
  ManagedIdentity managed_identity;              // azure
  std::int64_t deadline_ms = 0;                  // absolute CLOCK_MONOTONIC ms; 0 = unset
};
Values encode(SubjectTokenParams const& params);
Result<SubjectTokenParams> decode_subject_token_params(Reader const& read);

struct SubjectTokenResult {
  Secret subject_token;
  std::optional<std::int64_t> expiration;  // unix seconds; nullopt: the token's exp claim says
  std::string region;                      // aws: the region used
  std::string identity;                    // aws: who signed ("instance role R"), never a secret
  std::string credential_link;             // aws: the link that answered
};
Values encode(SubjectTokenResult const& result);
Result<SubjectTokenResult> decode_subject_token_result(Reader const& read);

// FEDCRED_OP_ASSUME_ROLE
struct AssumeRoleParams {
  std::string endpoint;  // STS URL
  std::string region;
  std::string role_arn;
  std::string session_name;
  std::int64_t duration_seconds = 3600;
  Secret web_identity_token;
  std::int64_t deadline_ms = 0;
};
Values encode(AssumeRoleParams const& params);
Result<AssumeRoleParams> decode_assume_role_params(Reader const& read);

struct AssumeRoleResult {
  Secret access_key_id;
  Secret secret_access_key;
  Secret session_token;
  std::int64_t expiration = 0;  // unix seconds
  std::string assumed_role_arn;
  std::string request_id;
};
Values encode(AssumeRoleResult const& result);
// Messages name STS's own fields (AccessKeyId, Expiration, ...): the values
// are STS's answer, passed through.
Result<AssumeRoleResult> decode_assume_role_result(Reader const& read);

// FEDCRED_OP_AWS4_REQUEST
struct Aws4RequestParams {
  std::string audience;
  std::string verification_url;  // may hold "{region}"; empty: the libraries' default
  std::string region;            // empty: from IMDS
  std::string imds_endpoint;
  std::string sts_endpoint;      // web_identity's AssumeRoleWithWebIdentity
  std::optional<AwsKeys> caller_keys;
  AwsLinkInputs aws_link;
  std::int64_t deadline_ms = 0;
};
Values encode(Aws4RequestParams const& params);
Result<Aws4RequestParams> decode_aws4_request_params(Reader const& read);
// The result is a SubjectTokenResult (expiration: the signing credentials').

// FEDCRED_OP_ACCESS_TOKEN
struct AccessTokenParams {
  std::string token_url;
  std::string audience;
  Secret subject_token;
  std::string subject_token_type;
  std::string scope;                              // space-separated
  std::string impersonation_url;                  // empty: the STS token is the result
  std::optional<std::int64_t> lifetime_seconds;   // impersonation only
  std::int64_t deadline_ms = 0;
};
Values encode(AccessTokenParams const& params);
Result<AccessTokenParams> decode_access_token_params(Reader const& read);

struct AccessTokenResult {
  Secret access_token;
  std::int64_t expiration = 0;  // unix seconds
  bool impersonated = false;
};
Values encode(AccessTokenResult const& result);
Result<AccessTokenResult> decode_access_token_result(Reader const& read);

// FEDCRED_OP_ENTRA_TOKEN: the result is an AccessTokenResult (impersonated
// false).
struct EntraTokenParams {
  std::string authority;  // https://host[:port]; empty: the module's default (Azure public cloud)
  std::string tenant_id;
  std::string client_id;
  std::string scope;      // RESOURCE/.default
  Secret client_assertion;
  std::int64_t deadline_ms = 0;
};
Values encode(EntraTokenParams const& params);
Result<EntraTokenParams> decode_entra_token_params(Reader const& read);

// FEDCRED_OP_PROBE's parameters: the address the called module probes (gce:
// metadata_host, aws: imds_endpoint, sts: endpoint; the module checks that its
// own is there and well-formed).
struct ProbeParams {
  std::string metadata_host;  // gce: host[:port] of the metadata server
  std::string imds_endpoint;  // aws: IMDS base URL
  std::string endpoint;       // sts: the STS endpoint URL
  std::int64_t deadline_ms = 0;
};
Values encode(ProbeParams const& params);
Result<ProbeParams> decode_probe_params(Reader const& read);

// FEDCRED_OP_PROBE's results: one request's outcome. The aws module reports two, with
// the key prefixes "put_" and "get_"; the others one, unprefixed.
struct ProbeReading {
  int status = 0;  // HTTP status; 0: no HTTP answer
  std::int64_t latency_ms = 0;
  std::string error;  // transport failure, when status is 0
  bool timed_out = false;
  std::string flavor;  // gce: the Metadata-Flavor response header
};
struct ProbeResult {
  ProbeReading reading;  // unprefixed
  ProbeReading put, get;  // aws
  std::string date;   // the server's Date header, from whichever answered
  std::string email;  // gce: the service account's email
};
// A reading left at its defaults (no answer, no error, 0 ms) is not sent, so
// the aws module's result has only put_ and get_ keys.
Values encode(ProbeResult const& result);
Result<ProbeResult> decode_probe_result(Reader const& read);

// Whole-value decimal integer (std::from_chars): nullopt for "", "12x", " 1",
// overflow.
std::optional<std::int64_t> parse_integer(std::string_view text);

}  // namespace fedcred::messages
