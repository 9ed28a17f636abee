/* kbc-server-http.h: the HTTP server on libevent's evhttp
 *
 * Requests are routed by a table that each feature module adds to
 * (kbc_server_add_routes). A handler gets a KbcRequest with the parsed JSON
 * body and, for authenticated routes, the calling token and its user, and
 * must eventually answer it exactly once with one of the kbc_request_reply_*
 * calls, which log, send and free the request. The request log is one
 * g_message() per request, "METHOD PATH STATUS N ms", on standard error
 * (kbc_server_main() sends every message there), written before the answer
 * leaves: never a body, a header or the query string, and the path only up
 * to its first unusual character with long letter-and-digit runs hidden. Handlers that do blocking work (argon2) push
 * it to the server's worker pool and reply from the pool's completion, which
 * runs back on the event loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <event2/event.h>
#include <event2/http.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "kbc-server-password.h"
#include "kbc-server-store.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_SERVER_MAX_BODY          (64 * 1024)
#define KBC_SERVER_SESSION_LIFETIME  (14 * 24 * 3600)
#define KBC_SERVER_TICKET_LIFETIME   (5 * 60)
#define KBC_SERVER_HASH_THREADS      2
/* Jobs waiting for a hash thread before new ones get 503 (≈ 3 s of work). */
#define KBC_SERVER_MAX_QUEUED_HASHES 32
/* Of those, the last ones are kept for clients with no check in flight, so
 * that clients who flood (within their own bounds) cannot fill the queue. */
#define KBC_SERVER_RESERVED_HASHES   8
/* Credential checks in flight (hashing or queued) per client address and
 * per account; more get 429 with Retry-After before any work is queued. */
#define KBC_SERVER_MAX_CHECKS_PER_CLIENT  4
#define KBC_SERVER_MAX_CHECKS_PER_ACCOUNT 4

typedef struct
{
  gint64 session_lifetime;  /* seconds; at most KBC_SERVER_SESSION_LIFETIME */
  gint64 ticket_lifetime;   /* seconds; at most KBC_SERVER_TICKET_LIFETIME */
  guint  hash_threads;
  gboolean quiet;           /* no request log */
  gboolean published_only;  /* only the routes of kbc-server-published.h */
  const char *rp_id;        /* the WebAuthn relying party id; NULL: "localhost" */
} KbcServerConfig;

typedef struct _KbcServer  KbcServer;
typedef struct _KbcRequest KbcRequest;

/* The "u2f" method of the MFA sign-in step, which the security keys module
 * (kbc-server-keys.c) sets on the server when it registers its routes.
 * Options builds the PublicKeyCredentialRequestOptionsJSON for a sign-in
 * and keeps its challenge with the ticket; verify checks an
 * AuthenticationResponseJSON against it (once: the challenge is taken either
 * way) and, when it passes, records the key's use. A failed verify sets a
 * KBC_SERVER_WEBAUTHN_ERROR for a wrong answer (a failed attempt) or any
 * other error for a fault of the server. */
typedef JsonNode *(*KbcKeyOptionsFunc) (KbcRequest *request,
                                        KbcUser    *user,
                                        gint64      ticket_id,
                                        GError    **error);
typedef gboolean  (*KbcKeyVerifyFunc)  (KbcRequest *request,
                                        KbcUser    *user,
                                        gint64      ticket_id,
                                        JsonNode   *credential,
                                        GError    **error);

struct _KbcServer
{
  KbcServerConfig             config;
  struct event_base          *base;
  struct evhttp              *http;
  struct evhttp_bound_socket *socket;
  KbcStore                   *store;    /* owned */
  KbcWorkerPool              *pool;
  GArray                     *routes;   /* KbcRoute */
  GHashTable                 *checks_in_flight; /* lower-case email → count */
  GHashTable                 *clients_in_flight; /* client address → count */
  /* The notification lists last sent, by user (kbc-server-notifications.c);
   * NULL until the first. */
  GHashTable                 *notification_lists;
  char                       *rp_id;
  /* NULL until the keys module registers: "u2f" is not offered then. */
  KbcKeyOptionsFunc           key_options;
  KbcKeyVerifyFunc            key_verify;
  struct event               *signals[2];
  gboolean                    stopping;
  char                       *url;
};

typedef enum
{
  KBC_ROUTE_PUBLIC    = 0,
  KBC_ROUTE_AUTH      = 1 << 0,  /* needs X-KBC-ManageApiToken */
  KBC_ROUTE_JSON_BODY = 1 << 1,  /* a JSON object body is required */
  KBC_ROUTE_HASHES    = 1 << 2,  /* may queue argon2 work: 503 when the queue is full */
  KBC_ROUTE_MFA_STATE = 1 << 3,  /* with AUTH: the answer says whether MFA is on, read with
                                  * the token in one read transaction (mfa_enabled) */
} KbcRouteFlags;

typedef void (*KbcRouteHandler) (KbcRequest *request);

typedef struct
{
  const char      *method;   /* "GET", "POST", … */
  const char      *pattern;  /* "/manage/current-user/mfa/devices/{}": {} is one segment */
  KbcRouteFlags    flags;
  KbcRouteHandler  handler;
} KbcRoute;

struct _KbcRequest
{
  KbcServer             *server;
  struct evhttp_request *req;
  const char            *method;
  char                  *path;
  GPtrArray             *params;  /* the {} segments, decoded */
  JsonNode              *body;    /* the object for KBC_ROUTE_JSON_BODY routes */
  KbcToken              *token;   /* for KBC_ROUTE_AUTH routes */
  KbcUser               *user;
  gboolean               mfa_enabled; /* for KBC_ROUTE_MFA_STATE routes */
  gint64                 now;     /* seconds since the epoch, at arrival */
  gint64                 start_us;
  gpointer               data;    /* for the handler */
  GDestroyNotify         data_free;
  char                  *client;  /* kbc_request_get_client(), once asked */
  /* The credential check in flight (kbc-server-auth.h), if any. */
  char                  *check_key;
  gint64                 check_failure_id;
};

KbcServer  *kbc_server_new             (KbcStore              *store,
                                        const KbcServerConfig *config);
void        kbc_server_free            (KbcServer             *self);
/* With config.published_only, only the routes Keboola publishes are added
 * (kbc_server_route_is_published()); the rest answer 404. */
void        kbc_server_add_routes      (KbcServer             *self,
                                        const KbcRoute        *routes,
                                        gsize                  n_routes);
/* Binds @host:@port (0: any free port) and returns the port bound. */
guint16     kbc_server_listen          (KbcServer             *self,
                                        const char            *host,
                                        guint16                port,
                                        GError               **error);
/* Runs until SIGTERM or SIGINT, then finishes the work in flight. */
void        kbc_server_run             (KbcServer             *self);

gint64      kbc_server_now             (void);

/* Runs @work on a pool thread, then @done on the loop with @data. */
void        kbc_server_push_work       (KbcServer             *self,
                                        KbcWorkFunc            work,
                                        KbcWorkFunc            done,
                                        gpointer               data);

const char *kbc_request_param          (KbcRequest            *self,
                                        guint                  index);
/* The peer's address as text ("127.0.0.2", "::1"); NULL when unknown. */
char       *kbc_request_dup_peer_address (KbcRequest          *self);
/* Who the client is for the limits: its IPv4 address, or the /64 of its
 * IPv6 address (one host has the whole /64); "unknown" when there is none. */
const char *kbc_request_get_client     (KbcRequest            *self);
/* Counts a credential check of the account @key in flight for the
 * request's client, until kbc_request_release_check() (or the request's
 * end): the bounds on hashing work per client and per account, before any
 * is queued. Refused when the client or the account has
 * KBC_SERVER_MAX_CHECKS_PER_* in flight, or when only the reserve of the
 * queue is left and the client already has a check in flight. */
typedef enum
{
  KBC_CHECK_HELD,
  KBC_CHECK_REFUSED_CLIENT,
  KBC_CHECK_REFUSED_ACCOUNT,
} KbcCheckRefusal;

KbcCheckRefusal kbc_request_hold_check (KbcRequest            *self,
                                        const char            *key);
void        kbc_request_release_check  (KbcRequest            *self);
/* @text with every control character (C0, DEL, C1), and every character
 * that is not valid UTF-8, shown as \xHH: safe for one log line. */
char       *kbc_server_log_escape      (const char            *text);
const char *kbc_request_get_header     (KbcRequest            *self,
                                        const char            *name);
void        kbc_request_set_header     (KbcRequest            *self,
                                        const char            *name,
                                        const char            *value);

/* A rule a field of the request broke: errors[{"key", "code", "message"}]
 * in the error JSON. @code is a stable name of the rule for the app to match
 * on ("tooShort", "currentPasswordWrong"), or NULL (no "code" member). */
typedef struct
{
  char *key;
  char *code;
  char *message;
} KbcFieldError;

/* A GArray of KbcFieldError that frees what its elements hold; test ->len
 * for "any errors". */
typedef GArray KbcFieldErrors;

KbcFieldErrors *kbc_field_errors_new   (void);
void        kbc_field_errors_free      (KbcFieldErrors        *errors);
void        kbc_field_errors_add       (KbcFieldErrors        *errors,
                                        const char            *key,
                                        const char            *code,
                                        const char            *message);

/* Body fields. Each adds a field error (without a code) to @errors when the
 * field is missing, of the wrong type, empty, or longer than @max_len bytes
 * (0: no limit), and then returns NULL. */
const char *kbc_request_require_string (KbcRequest            *self,
                                        KbcFieldErrors        *errors,
                                        const char            *key,
                                        gsize                  max_len);
const char *kbc_request_optional_string (KbcRequest           *self,
                                        KbcFieldErrors        *errors,
                                        const char            *key,
                                        gsize                  max_len);

/* Each of these answers the request and frees it. */
void        kbc_request_reply_bytes    (KbcRequest            *self,
                                        guint                  status,
                                        GBytes                *json);
void        kbc_request_reply_json     (KbcRequest            *self,
                                        guint                  status,
                                        JsonNode              *node);
/* @text (JSON) as it is; this frees it. */
void        kbc_request_reply_text     (KbcRequest            *self,
                                        guint                  status,
                                        GString               *text);
/* The same for a text with a secret in it: wiped once it is sent. */
void        kbc_request_reply_secret   (KbcRequest            *self,
                                        guint                  status,
                                        GString               *text);
/* The same with the root of @builder (json_builder_get_root() returns a
 * new reference: this frees it). */
void        kbc_request_reply_builder  (KbcRequest            *self,
                                        guint                  status,
                                        JsonBuilder           *builder);
void        kbc_request_reply_empty    (KbcRequest            *self,
                                        guint                  status);
/* {"error": @message, "code": @code, "exceptionId": …, "errors": [@fields…]} */
void        kbc_request_reply_error    (KbcRequest            *self,
                                        guint                  status,
                                        const char            *code,
                                        const char            *message,
                                        KbcFieldErrors        *fields);
/* The same with more members (e.g. "remainingAttempts") from @extra. */
void        kbc_request_reply_error_extra (KbcRequest         *self,
                                        guint                  status,
                                        const char            *code,
                                        const char            *message,
                                        KbcFieldErrors        *fields,
                                        JsonObject            *extra);
/* 400 "Invalid request data." with @fields. */
void        kbc_request_reply_invalid  (KbcRequest            *self,
                                        KbcFieldErrors        *fields);
/* 429 with Retry-After. */
void        kbc_request_reply_too_many (KbcRequest            *self,
                                        guint                  retry_after);
void        kbc_request_reply_internal (KbcRequest            *self,
                                        const GError          *error);

/* "2026-12-01T13:14:15+0100" and its NUL. */
#define KBC_TIME_TEXT_SIZE 32

/* Formats a Unix time as Keboola does; NULL for 0. */
char       *kbc_server_format_time     (gint64                 unix_time);
void        kbc_json_add_time          (JsonBuilder           *builder,
                                        const char            *member,
                                        gint64                 unix_time);

/* JSON written straight into text, for the answers sent most often: a
 * builder and a generator cost a verification more than its queries. Each
 * value after the first in an object or array gets its comma from the
 * text's last character. */
void        kbc_json_text_member       (GString               *text,
                                        const char            *name);
/* @value escaped and quoted (NULL: null), as @member (NULL: a value
 * alone, in an array or after kbc_json_text_member()). */
void        kbc_json_text_string       (GString               *text,
                                        const char            *member,
                                        const char            *value);
void        kbc_json_text_int          (GString               *text,
                                        const char            *member,
                                        gint64                 value);
void        kbc_json_text_boolean      (GString               *text,
                                        const char            *member,
                                        gboolean               value);
/* kbc_server_format_time(), or null. */
void        kbc_json_text_time         (GString               *text,
                                        const char            *member,
                                        gint64                 unix_time);

/* clang-format on */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcFieldErrors, kbc_field_errors_free)

G_END_DECLS
