/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The versioned ABI between libfedcred and its modules.
 *
 * Network providers live in modules (fedcred-<name>.so in the module
 * directory) so that the path that serves credentials from the cache never
 * maps libcurl or OpenSSL. A module exports exactly one symbol,
 * FEDCRED_MODULE_ENTRY_SYMBOL, returning a static description of itself.
 *
 * Inputs and outputs are named string values, so that new parameters never
 * change the ABI. A module reads what it needs with host->param() and
 * reports what it produced with host->set_result(); on failure it calls
 * host->set_error() with a FEDCRED_E_* status from fedcred.h and a message
 * naming what failed and where (never a token or secret) and returns that
 * status.
 *
 * Operations and their parameters (all values are strings; the names are
 * the FEDCRED_OP_* and FEDCRED_KEY_* constants below, the single contract;
 * times on the wire are RFC 3339 UTC, durations and deadlines decimal
 * integers):
 *
 *  FEDCRED_OP_SUBJECT_TOKEN "subject_token" (sources: gce, aws):
 *     in:  audience, deadline_ms, plus source-specific ones
 *          (gce: metadata_host; aws: imds_endpoint, region, sts_endpoint,
 *          duration, and the AWS credential link: see below)
 *     out: subject_token (required), expiration (optional; else the
 *          token's exp claim), region (aws: the region used), identity and
 *          credential_link (aws: who signed, never a secret, and which link)
 *
 *  FEDCRED_OP_AWS4_REQUEST "aws4_request" (aws): the subject token of a
 *     Google workload identity pool's AWS provider, a signed GetCallerIdentity
 *     request serialized as Google expects (never sent to AWS):
 *     in:  audience, regional_cred_verification_url, region (empty: from
 *          IMDS), imds_endpoint, sts_endpoint, deadline_ms, the AWS link
 *     out: subject_token, expiration (of the signing credentials; absent for
 *          long-term keys), region, identity, credential_link
 *
 *  The AWS credential link (aws), chosen by the host in botocore's order:
 *     credential_link = environment (access_key_id, secret_access_key
 *     [, session_token]) | web_identity (web_identity_token = the token
 *     file's content, role_arn [, role_session_name]) | container
 *     (container_url [, container_authorization_token]) | imds
 *     (imds_endpoint [, instance_role: the role the host's cache key names;
 *     a different role at IMDS is an error [, imds_session_token: the IMDSv2
 *     session the host listed instance_role with, which the module goes on
 *     with: it then reads that role's credentials without a token PUT or a
 *     second listing; IMDS answering 404 for them is the same error]]).
 *     Without credential_link:
 *     environment when keys are given, else imds.
 *
 *  FEDCRED_OP_ACCESS_TOKEN "access_token" (google): Google STS token
 *     exchange, then IAM Credentials generateAccessToken when impersonating:
 *     in:  token_url, audience, subject_token, subject_token_type, scope
 *          (space-separated), impersonation_url, lifetime (seconds),
 *          deadline_ms
 *     out: access_token, expiration, impersonated ("1" when it is the
 *          service account's token)
 *
 *  FEDCRED_OP_ENTRA_TOKEN "entra_token" (azure): Microsoft Entra ID client
 *     credentials with a federated client assertion (the workload's own
 *     identity token, audience api://AzureADTokenExchange):
 *     in:  authority (https URL; empty: https://login.microsoftonline.com),
 *          tenant_id, client_id, scope (one RESOURCE/.default),
 *          client_assertion, deadline_ms
 *     out: access_token, expiration
 *
 *  The Azure IMDS source (azure, FEDCRED_OP_SUBJECT_TOKEN): a managed
 *     identity's access token from the Azure Instance Metadata Service:
 *     in:  audience (the resource), azure_imds_endpoint (empty:
 *          http://169.254.169.254), at most one of mi_client_id,
 *          mi_object_id, mi_res_id (a user-assigned identity), deadline_ms
 *     out: subject_token, expiration
 *
 *  FEDCRED_OP_ASSUME_ROLE "assume_role_with_web_identity" (exchange: sts):
 *     in:  endpoint (URL), region, role_arn, session_name, duration (seconds),
 *          web_identity_token, deadline_ms
 *     out: access_key_id, secret_access_key, session_token, expiration,
 *          assumed_role_arn, request_id
 *
 *  FEDCRED_OP_PROBE "probe" (gce, aws, sts; for fedcred doctor, optional for
 *     third-party modules): one request, no retry, reporting status,
 *     latency_ms, error, timed_out, flavor, email and the server's date (aws:
 *     each of them prefixed put_ and get_, for its two requests);
 *     transport failures are results, not errors. Never returns a token.
 *
 * C++ code on both sides reads and writes these messages through the codecs
 * of plugin/common/module_messages.h, never by hand.
 *
 * deadline_ms is an absolute CLOCK_MONOTONIC time in milliseconds: the module
 * must return (success or failure) before it.
 */
#ifndef FEDCRED_MODULE_H
#define FEDCRED_MODULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FEDCRED_MODULE_ABI_VERSION 1
#define FEDCRED_MODULE_ENTRY_SYMBOL "fedcred_module_entry_v1"

/* Operations. */
#define FEDCRED_OP_SUBJECT_TOKEN "subject_token"
#define FEDCRED_OP_ASSUME_ROLE "assume_role_with_web_identity"
#define FEDCRED_OP_PROBE "probe"
#define FEDCRED_OP_AWS4_REQUEST "aws4_request"
#define FEDCRED_OP_ACCESS_TOKEN "access_token"
#define FEDCRED_OP_ENTRA_TOKEN "entra_token"

/* Parameter and result names. */
#define FEDCRED_KEY_DEADLINE_MS "deadline_ms"
#define FEDCRED_KEY_AUDIENCE "audience"
#define FEDCRED_KEY_METADATA_HOST "metadata_host"
#define FEDCRED_KEY_IMDS_ENDPOINT "imds_endpoint"
#define FEDCRED_KEY_REGION "region"
#define FEDCRED_KEY_STS_ENDPOINT "sts_endpoint"
#define FEDCRED_KEY_ENDPOINT "endpoint"
#define FEDCRED_KEY_DURATION "duration"
#define FEDCRED_KEY_ACCESS_KEY_ID "access_key_id"
#define FEDCRED_KEY_SECRET_ACCESS_KEY "secret_access_key"
#define FEDCRED_KEY_SESSION_TOKEN "session_token"
#define FEDCRED_KEY_SUBJECT_TOKEN "subject_token"
#define FEDCRED_KEY_EXPIRATION "expiration"
#define FEDCRED_KEY_ROLE_ARN "role_arn"
#define FEDCRED_KEY_SESSION_NAME "session_name"
#define FEDCRED_KEY_WEB_IDENTITY_TOKEN "web_identity_token"
#define FEDCRED_KEY_ASSUMED_ROLE_ARN "assumed_role_arn"
#define FEDCRED_KEY_REQUEST_ID "request_id"
#define FEDCRED_KEY_STATUS "status"
#define FEDCRED_KEY_LATENCY_MS "latency_ms"
#define FEDCRED_KEY_ERROR "error"
#define FEDCRED_KEY_TIMED_OUT "timed_out"
#define FEDCRED_KEY_FLAVOR "flavor"
#define FEDCRED_KEY_EMAIL "email"
#define FEDCRED_KEY_DATE "date"
#define FEDCRED_KEY_CREDENTIAL_LINK "credential_link"
#define FEDCRED_KEY_ROLE_SESSION_NAME "role_session_name"
#define FEDCRED_KEY_CONTAINER_URL "container_url"
#define FEDCRED_KEY_CONTAINER_AUTHORIZATION_TOKEN "container_authorization_token"
#define FEDCRED_KEY_INSTANCE_ROLE "instance_role"
#define FEDCRED_KEY_IMDS_SESSION_TOKEN "imds_session_token"
#define FEDCRED_KEY_IDENTITY "identity"
#define FEDCRED_KEY_VERIFICATION_URL "regional_cred_verification_url"
#define FEDCRED_KEY_TOKEN_URL "token_url"
#define FEDCRED_KEY_SUBJECT_TOKEN_TYPE "subject_token_type"
#define FEDCRED_KEY_SCOPE "scope"
#define FEDCRED_KEY_IMPERSONATION_URL "impersonation_url"
#define FEDCRED_KEY_LIFETIME "lifetime"
#define FEDCRED_KEY_ACCESS_TOKEN "access_token"
#define FEDCRED_KEY_IMPERSONATED "impersonated"
#define FEDCRED_KEY_AUTHORITY "authority"
#define FEDCRED_KEY_TENANT_ID "tenant_id"
#define FEDCRED_KEY_CLIENT_ID "client_id"
#define FEDCRED_KEY_CLIENT_ASSERTION "client_assertion"
#define FEDCRED_KEY_AZURE_IMDS_ENDPOINT "azure_imds_endpoint"
#define FEDCRED_KEY_MI_CLIENT_ID "mi_client_id"
#define FEDCRED_KEY_MI_OBJECT_ID "mi_object_id"
#define FEDCRED_KEY_MI_RES_ID "mi_res_id"

#define FEDCRED_LOG_ERROR 0
#define FEDCRED_LOG_WARNING 1
#define FEDCRED_LOG_INFO 2
#define FEDCRED_LOG_DEBUG 3

/* One invocation; owned by libfedcred, opaque to modules. */
typedef struct fedcred_module_call fedcred_module_call;

typedef struct fedcred_module_host {
  uint32_t abi_version; /* FEDCRED_MODULE_ABI_VERSION */
  /* An input by name, or NULL when not given. Valid during the call. */
  const char *(*param)(const fedcred_module_call *call, const char *key);
  /* Stores an output value (copied; may contain secrets, is wiped later). */
  void (*set_result)(fedcred_module_call *call, const char *key, const char *value, size_t len);
  /* Records why the call failed. */
  void (*set_error)(fedcred_module_call *call, int status, const char *message);
  /* A diagnostic line; the host decides where it goes. */
  void (*log)(fedcred_module_call *call, int level, const char *message);
} fedcred_module_host;

typedef struct fedcred_module {
  uint32_t abi_version; /* FEDCRED_MODULE_ABI_VERSION */
  const char *name;     /* equals the <name> in fedcred-<name>.so */
  const char *description;
  /* Runs one operation. Returns FEDCRED_OK or the status given to set_error.
   * Unknown operations: set_error(FEDCRED_E_USAGE, ...). Must not throw. */
  int (*run)(const fedcred_module_host *host, fedcred_module_call *call, const char *operation);
} fedcred_module;

typedef const fedcred_module *(*fedcred_module_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* FEDCRED_MODULE_H */
