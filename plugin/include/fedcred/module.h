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
 * Operations and their parameters (all values are strings):
 *
 *  "subject_token" (sources, e.g. gce):
 *     in:  audience, deadline_ms, plus source-specific ones
 *          (gce: metadata_host)
 *     out: subject_token (required)
 *
 *  "assume_role_with_web_identity" (exchange sts):
 *     in:  endpoint (URL), region, role_arn, session_name, duration (seconds),
 *          web_identity_token, deadline_ms
 *     out: access_key_id, secret_access_key, session_token,
 *          expiration (RFC 3339, as STS sent it), assumed_role_arn,
 *          request_id
 *
 *  "probe" (gce, aws, sts; for fedcred doctor, optional for third-party
 *     modules): one request, no retry, reporting status, latency_ms and the
 *     server's date (see modules/common/probe.h); transport failures are
 *     results (error, timed_out), not errors. Never returns a token.
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
