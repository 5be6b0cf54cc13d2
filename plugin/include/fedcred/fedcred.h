/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libfedcred: workload identity federation between clouds, as a stable C ABI.
 *
 * One request turns the identity a machine already has (a subject token from a
 * "source") into another cloud's short-lived credentials and renders them as
 * the document the consumer expects (AWS credential_process JSON, or a Google
 * executable-source response).
 *
 *   fedcred_request *req = NULL;
 *   int rc = fedcred_request_new("aws", &req);
 *   if (rc == FEDCRED_OK) rc = fedcred_request_set(req, "role_arn", "arn:aws:iam::...");
 *   char *doc = NULL;
 *   if (rc == FEDCRED_OK) rc = fedcred_request_run(req, &doc);
 *   if (rc == FEDCRED_OK) { puts(doc); fedcred_string_free(doc); }
 *   else fprintf(stderr, "%s\n", fedcred_request_error(req));
 *   fedcred_request_free(req);
 *
 * Ownership: every string the library returns through an out-parameter is
 * owned by the caller and released with fedcred_string_free(), which wipes it
 * first (documents hold secrets). Strings returned directly (error text,
 * strerror, version) are owned by the library.
 *
 * Thread safety: a fedcred_request is not thread-safe; distinct requests may be
 * used from distinct threads concurrently.
 *
 * Status codes are stable, never reused, and are also the exit codes of the
 * fedcred(1) helper.
 */
#ifndef FEDCRED_FEDCRED_H
#define FEDCRED_FEDCRED_H

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI generation of this header; fedcred_abi_version() returns the
 * library's. They match for every libfedcred.so.1. */
#define FEDCRED_ABI_VERSION 1

#define FEDCRED_OK 0
/* An unexpected internal failure (out of memory, a bug). */
#define FEDCRED_E_INTERNAL 1
/* Bad command line, bad argument, or bad configuration; nothing was sent. */
#define FEDCRED_E_USAGE 2
/* The subject-token source (metadata server, token file, ...) is unavailable
 * or answered with something that is not a usable token. */
#define FEDCRED_E_SOURCE 3
/* The token exchange was refused (STS AccessDenied, InvalidIdentityToken, ...);
 * retrying with the same inputs will not help. */
#define FEDCRED_E_DENIED 4
/* A transient failure persisted through every retry within the deadline
 * (throttling, 5xx, timeouts, unreachable endpoint). */
#define FEDCRED_E_TRANSIENT 5
/* The exchange service answered with a document fedcred cannot use
 * (malformed, incomplete, or already expired credentials). */
#define FEDCRED_E_RESPONSE 6
/* A local file fedcred was asked to write could not be written (the token
 * command's --output, Google's output file). An unusable cache is not an
 * error: fedcred warns and runs uncached. */
#define FEDCRED_E_IO 7

typedef struct fedcred_request fedcred_request;

/* Creates a request for a command:
 *   "aws"          AWS credential_process JSON
 *   "gcp"          Google executable-sourced credential response JSON; honours
 *                  GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE, _TOKEN_TYPE, _OUTPUT_FILE,
 *                  _INTERACTIVE
 *   "token"        the raw subject token (a JWT); with the "output" key set to
 *                  a path, written there atomically (mode 0600) and the
 *                  document is empty
 *   "cache-list"   {"directory":..,"entries":[{"profile","role","expiration","file"}]}
 *                  (never a secret)
 *   "cache-clear"  {"directory":..,"removed":N}; only the entries of the
 *                  "profile" key when it is set
 *   "doctor"       checks the whole chain of the profile (config, cache, metadata
 *                  service, subject token and its claims, clock, STS, the
 *                  exchange) and reports one line per step, or with key
 *                  "json"="true" {"ok":bool,"exit_code":N,"steps":[{"name",
 *                  "status":"ok|warn|fail","detail","fix"}]}. The report is the
 *                  document even when a check fails; the status is then the
 *                  first failed check's. Key "gcp"="true" checks AWS -> GCP
 *                  (also chosen when the audience is a workload identity
 *                  provider). Never writes the cache; never prints a secret.
 *   "setup-aws-trust-policy"  the IAM trust policy (JSON) matching the live
 *                  claims of one subject token (not cached)
 *   "setup-aws-config"  the ~/.aws/config section for "profile" (required)
 *                  whose credential_process runs "exe" (the fedcred binary's
 *                  absolute path, default /usr/bin/fedcred); with "role_arn",
 *                  also the fedcred.conf section
 *   "setup-gcp-cred-config"  the external_account credential config for
 *                  "audience" (a workload identity provider, required), with
 *                  the optional keys "service_account", "output_file",
 *                  "token_url", "impersonation_url", "exe" and "profile"
 * Returns FEDCRED_E_USAGE for an unknown command. */
int fedcred_request_new(const char *command, fedcred_request **out);

/* Sets one input. Keys are the fedcred.conf(5) profile keys ("role_arn",
 * "audience", "region", "session_name", "duration", "source",
 * "use_fips_endpoint", "timeout", "cache", "refresh_margin", "token_duration",
 * "token_file") plus "output" for "token", "profile" (a profile name
 * from the configuration) and "config" (a configuration file replacing the
 * default search list), and the doctor/setup keys listed above ("json",
 * "gcp", "exe", "service_account", "output_file", "token_url",
 * "impersonation_url") for those commands only. Values set here override
 * the environment and the configuration. Unknown keys and invalid values return FEDCRED_E_USAGE. */
int fedcred_request_set(fedcred_request *req, const char *key, const char *value);

/* Receives diagnostic lines (level: 0 error, 1 warning, 2 info, 3 debug).
 * Lines never contain a token, secret key or session token. Without a
 * callback, diagnostics are dropped. */
typedef void (*fedcred_log_fn)(void *user, int level, const char *message);
void fedcred_request_set_log(fedcred_request *req, fedcred_log_fn fn, void *user);

/* Runs the request. On FEDCRED_OK, *document receives the output document
 * (release it with fedcred_string_free). On failure fedcred_request_error()
 * describes what failed and what to check, and *document is NULL, except for
 * "gcp", where it is the executable's error response
 * {"version":1,"success":false,"code":...,"message":...}. */
int fedcred_request_run(fedcred_request *req, char **document);

/* The document `command` prints on failure with this status and message, for
 * failures found before a request runs (a bad command line): for "gcp" the
 * executable error response, for other commands NULL. Release it with
 * fedcred_string_free. */
int fedcred_failure_document(const char *command, int status, const char *message, char **document);

/* The message of the last failure on this request, or "" if none. Owned by
 * the request; valid until the next call on it. Never contains a secret. */
const char *fedcred_request_error(const fedcred_request *req);

void fedcred_request_free(fedcred_request *req);

/* Wipes and frees a string returned by this library. NULL is allowed. */
void fedcred_string_free(char *s);

/* A short, static description of a status code. */
const char *fedcred_strerror(int status);

/* The library version ("0.1.0") and its ABI generation. */
const char *fedcred_version(void);
int fedcred_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* FEDCRED_FEDCRED_H */
