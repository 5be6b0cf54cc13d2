/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ABI between libfedcred and fedcred-serve.so, the HTTP side of
 * `fedcred serve` (issue 14).
 *
 * The server is a module, not part of the library, so that the one-shot
 * commands' cache-hit path never maps libmicrohttpd or libsystemd. It is a
 * private ABI (the library and the module ship together, a version mismatch
 * is refused), and the division of work is:
 *   - the library resolves profiles, fetches and refreshes credentials
 *     through the cache, writes the audit trail, and publishes each new set;
 *   - the module listens, checks every request (Host, Authorization,
 *     Metadata-Flavor, X-Forwarded-For), answers from the last published set
 *     while it is valid (503 after), and counts.
 * Published values are secrets: the module keeps them only in memory it
 * wipes, and never logs them.
 */
#ifndef FEDCRED_SERVE_ABI_H
#define FEDCRED_SERVE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FEDCRED_SERVE_ABI_VERSION 1
#define FEDCRED_SERVE_ENTRY_SYMBOL "fedcred_serve_entry_v1"

/* What publish() updates. */
#define FEDCRED_SERVE_AWS 0    /* the container-credentials JSON document */
#define FEDCRED_SERVE_GOOGLE 1 /* the raw Google access token */

typedef struct fedcred_server fedcred_server;

typedef struct fedcred_serve_listen {
  const char *address; /* numeric, "127.0.0.1" or "::1" */
  uint16_t port;
  int optional; /* skip it when the address family is not available (default [::1]) */
} fedcred_serve_listen;

typedef struct fedcred_serve_options {
  /* Where to listen; ignored when systemd passed sockets (LISTEN_FDS). */
  const fedcred_serve_listen *listen;
  size_t listen_count;
  /* The AWS route's Authorization value; NULL turns the route off. */
  const char *aws_authorization;
  /* The Google route (GCE metadata emulation); NULL email turns it off.
   * scopes: newline-separated. */
  const char *google_email;
  const char *google_scopes;
  const char *google_project_id;
  const char *google_numeric_project_id;
  void (*log)(void *user, int level, const char *message); /* FEDCRED_LOG_* levels */
  void *log_user;
} fedcred_serve_options;

typedef struct fedcred_serve_stats {
  uint64_t requests;
  uint64_t status_2xx;
  uint64_t status_4xx;
  uint64_t status_5xx;
  uint64_t published;        /* credential sets published (issuances) */
  uint64_t refreshes;        /* refresh attempts reported by the library */
  uint64_t refresh_failures;
} fedcred_serve_stats;

typedef struct fedcred_serve_api {
  uint32_t abi_version; /* FEDCRED_SERVE_ABI_VERSION */
  /* Binds (or takes systemd's sockets) and starts answering; until the first
   * publish() the credential routes answer 503. Returns a FEDCRED_E_* status
   * and writes a message to `error` on failure. */
  int (*start)(const fedcred_serve_options *options, fedcred_server **out, char *error, size_t error_size);
  /* Replaces what `what` serves; `expiration` is unix seconds, after which
   * the route answers 503. The value is copied. */
  void (*publish)(fedcred_server *server, int what, const char *value, size_t len, int64_t expiration);
  /* The library reports each refresh attempt, for the counters. */
  void (*note_refresh)(fedcred_server *server, int succeeded);
  void (*stats)(fedcred_server *server, fedcred_serve_stats *out);
  /* Tells the service manager (NOTIFY_SOCKET) something, e.g. "READY=1";
   * nothing when not run by systemd. */
  void (*notify)(fedcred_server *server, const char *state);
  void (*stop)(fedcred_server *server);
} fedcred_serve_api;

typedef const fedcred_serve_api *(*fedcred_serve_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* FEDCRED_SERVE_ABI_H */
