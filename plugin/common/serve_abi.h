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
 *   - the module listens, finds the caller of every connection (the uid that
 *     owns its other end, through sock_diag) and checks it against the
 *     caller policy, checks every request (Host, Authorization,
 *     Metadata-Flavor, X-Forwarded-For), answers from the last published set
 *     while it is valid (503 after), reports what it served to whom for the
 *     audit trail, and counts.
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

#define FEDCRED_SERVE_ABI_VERSION 3
#define FEDCRED_SERVE_ENTRY_SYMBOL "fedcred_serve_entry_v1"

/* What publish() updates. */
#define FEDCRED_SERVE_AWS 0    /* the container-credentials JSON document */
#define FEDCRED_SERVE_GOOGLE 1 /* the raw Google access token */
#define FEDCRED_SERVE_AWS_AUTHORIZATION 2 /* the token file's content (the AWS route's Authorization, the
                                             Azure App Service form's X-IDENTITY-HEADER); empty: none matches */
/* What the Azure managed-identity routes hand out (audit reports only: they
 * fetch per request through fedcred_serve_options.azure_token). */
#define FEDCRED_SERVE_AZURE 3

/* What the module reports for the audit trail: a caller was served a token,
 * or refused; at most one report per caller and route a minute (`count`
 * says how many requests it stands for). */
typedef struct fedcred_serve_audit {
  uint32_t uid; /* the caller: owner of the connection's other end */
  int route;    /* FEDCRED_SERVE_AWS, FEDCRED_SERVE_GOOGLE or FEDCRED_SERVE_AZURE */
  int served;   /* 1: credentials handed out; 0: the caller was refused */
  uint64_t count;
} fedcred_serve_audit;

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
  /* The token file's content: the AWS route's Authorization value and the
   * Azure App Service form's X-IDENTITY-HEADER; NULL: neither route. */
  const char *client_token;
  int serve_aws; /* the AWS route (needs client_token) */
  /* Who may call (issue 21.3): a caller whose uid is listed, or who is a
   * member of a listed group, is served; everyone else gets 403. */
  const uint32_t *allowed_uids;
  size_t allowed_uid_count;
  const uint32_t *allowed_gids;
  size_t allowed_gid_count;
  /* How long a request for credentials not yet fetched waits for them
   * before 503 (the first fetch's deadline, issue 21.8). */
  unsigned first_fetch_seconds;
  /* Called before each request the token file authorizes (AWS route, Azure
   * App Service form) is checked: the library
   * re-reads the token file when it changed and publishes
   * FEDCRED_SERVE_AWS_AUTHORIZATION (issue 21.4). May be NULL. Called from
   * the server's threads, concurrently. */
  void (*check_authorization)(void *user, fedcred_server *server);
  /* The audit trail (issue 21.3); from the server's threads. May be NULL. */
  void (*audit)(void *user, const fedcred_serve_audit *event);
  void *callback_user;
  /* The Google route (GCE metadata emulation); NULL email turns it off.
   * scopes: newline-separated. */
  const char *google_email;
  const char *google_scopes;
  const char *google_project_id;
  const char *google_numeric_project_id;
  /* The Azure managed-identity routes (issue 22.3); NULL azure_client_id
   * turns them off. azure_token is asked, from the server's threads and
   * concurrently, for a token of `resource` (it asks Entra for the scope
   * RESOURCE/.default): it calls
   * deliver(sink, token, len, expiration) and returns FEDCRED_OK, or returns
   * a FEDCRED_E_* status with a message (no secret) in `error`. The module
   * copies the token into memory it wipes. */
  const char *azure_client_id;
  int (*azure_token)(void *user, const char *resource, void *sink,
                     void (*deliver)(void *sink, const char *token, size_t len, int64_t expiration), char *error,
                     size_t error_size);
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
