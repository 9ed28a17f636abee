/* kbc-test-utils.h: shared test helpers: a real kbc-account-server for one test,
 * plain HTTP to it, and waiting for async results and conditions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

typedef struct _KbcTestServer KbcTestServer;

/* Creates a temporary directory with a fresh database (`init`), starts
 * `serve --listen 127.0.0.1:0 --port-file …` from $KBC_ACCOUNT_SERVER and
 * waits until it listens. Aborts the test on failure. */
KbcTestServer *kbc_test_server_new        (void);
/* The same, then `seed-demo`. */
KbcTestServer *kbc_test_server_new_demo   (void);
/* The same as _new() with more `serve` arguments (e.g. "--ticket-lifetime",
 * "2"), kept for restart. */
KbcTestServer *kbc_test_server_new_with_args (const char *first_arg,
                                           ...) G_GNUC_NULL_TERMINATED;
/* Stops the server (SIGTERM, waits) and removes the directory. */
void           kbc_test_server_free       (KbcTestServer *self);

const char    *kbc_test_server_get_url    (KbcTestServer *self); /* http://127.0.0.1:PORT */
const char    *kbc_test_server_get_db     (KbcTestServer *self);
guint16        kbc_test_server_get_port   (KbcTestServer *self);

/* Runs `kbc-account-server ARGS… --db DB` with @stdin_text on standard input
 * (may be NULL); returns its standard output without the trailing newline,
 * and fails the test unless it exits 0. */
char          *kbc_test_server_admin      (KbcTestServer *self,
                                           const char    *stdin_text,
                                           ...) G_GNUC_NULL_TERMINATED;
/* The same but returns the exit status and lets @out/@err receive the output. */
int            kbc_test_server_admin_full (KbcTestServer *self,
                                           const char    *stdin_text,
                                           char         **out,
                                           char         **err,
                                           ...) G_GNUC_NULL_TERMINATED;

/* Adds a user with `user add`, password on stdin; returns the user id. */
gint64         kbc_test_server_add_user   (KbcTestServer *self,
                                           const char    *email,
                                           const char    *name,
                                           const char    *password);

/* All the server has written on standard error so far, across restarts:
 * its request log, one "METHOD PATH STATUS N ms" line per request (with
 * GLib's message prefix), written before the answer leaves, so a request
 * whose answer came is in it. The lines also go to the test's stderr. */
char          *kbc_test_server_get_log    (KbcTestServer *self);

/* The server process's id (e.g. for prlimit()); 0 when none runs. */
GPid           kbc_test_server_get_pid    (KbcTestServer *self);

/* Sends @request (@len bytes, raw HTTP) to 127.0.0.1:@port over a new
 * connection from @from (a loopback address such as "127.0.0.2"; NULL: any)
 * and returns every byte the server sent until it closed the connection
 * or sent nothing for @quiet_ms; @closed says which. For what a client
 * library would not send: malformed framing, huge headers. */
GBytes        *kbc_test_raw_exchange      (guint16        port,
                                           const char    *from,
                                           const char    *request,
                                           gsize          len,
                                           guint          quiet_ms,
                                           gboolean      *closed);

/* Kills the server so tests can see a dead server; restart reuses the database
 * and the port when it is still free. */
void           kbc_test_server_stop       (KbcTestServer *self);
void           kbc_test_server_restart    (KbcTestServer *self);

/* Plain HTTP for server tests (libsoup, synchronous). */
typedef struct
{
  guint     status;
  char     *body;         /* NUL-terminated, "" when empty */
  gsize     body_len;
  JsonNode *json;         /* the parsed body, or NULL */
  char     *retry_after;  /* the Retry-After header, or NULL */
  char     *allow;        /* the Allow header, or NULL */
  char     *content_type;
  char     *etag;         /* the ETag header, or NULL */
} KbcTestResponse;

void             kbc_test_response_free     (KbcTestResponse *response);
/* Members of a JSON object body; the test fails when the body is not one. */
JsonObject      *kbc_test_response_object   (KbcTestResponse *response);
const char      *kbc_test_response_string   (KbcTestResponse *response,
                                             const char      *member);

/* Sends @method @path with X-KBC-ManageApiToken: @token (unless NULL) and
 * @body (raw text, sent as application/json, unless NULL). */
KbcTestResponse *kbc_test_server_request    (KbcTestServer   *self,
                                             const char      *method,
                                             const char      *path,
                                             const char      *token,
                                             const char      *body);
/* The same with more request headers: NULL-terminated name, value pairs
 * (e.g. "If-None-Match", etag, NULL). */
KbcTestResponse *kbc_test_server_request_with_headers (KbcTestServer *self,
                                             const char      *method,
                                             const char      *path,
                                             const char      *token,
                                             const char      *body,
                                             const char      *first_header,
                                             ...) G_GNUC_NULL_TERMINATED;
/* POST /manage/auth/login; asserts 201 and returns the token. */
char            *kbc_test_server_login      (KbcTestServer   *self,
                                             const char      *email,
                                             const char      *password);

/* ---- waiting ---- */

/* The one deadline of every wait in the tests: a failure guard, far above
 * what any single step needs even on a loaded 2-core machine. A wait that
 * passes it fails the test with "Gave up waiting for …" naming what it
 * waited for; tests/meson.build gives every test a timeout well above its
 * runtime plus this, so that message is what a stuck test reports.
 * kbc_test_wait_seconds() is the deadline in use: this, times
 * KBC_TEST_WAIT_SCALE in the builds that are slow on purpose (the
 * sanitized one sets 3, as its meson timeouts are tripled). */
#define KBC_TEST_WAIT_SECONDS 20
guint            kbc_test_wait_seconds      (void);

typedef gboolean (*KbcTestCondition) (gpointer data);

/* Iterates the default main context (woken every 20 ms, so that conditions
 * no source reports are noticed) until @condition holds; fails the test
 * after KBC_TEST_WAIT_SECONDS naming @what. */
void             kbc_test_wait_until        (KbcTestCondition condition,
                                             gpointer         data,
                                             const char      *what);

/* The same for an expression, named by its text. */
#define KBC_TEST_WAIT_FOR(cond)                  \
  G_STMT_START                                   \
  {                                              \
    KbcTestWait wait_;                           \
    kbc_test_wait_begin (&wait_);                \
    while (!(cond))                              \
      kbc_test_wait_iterate (&wait_, #cond);     \
    kbc_test_wait_end (&wait_);                  \
  }                                              \
  G_STMT_END

/* Waiting for an async call in a test: pass kbc_test_on_done and &slot (a
 * GAsyncResult * set to NULL) as callback and data, then hand
 * kbc_test_wait_for (&slot) to the _finish function. Gives up like
 * kbc_test_wait_until(), naming the slot and the line. */
void             kbc_test_on_done           (GObject         *source,
                                             GAsyncResult    *result,
                                             gpointer         user_data);
#define kbc_test_wait_for(slot) \
  kbc_test_wait_for_result ((slot), "the async result in " #slot " (" G_STRLOC ")")
GAsyncResult    *kbc_test_wait_for_result   (GAsyncResult   **slot,
                                             const char      *what);

/* What KBC_TEST_WAIT_FOR() is made of. */
typedef struct
{
  gint64 deadline;
  guint  ticker;
} KbcTestWait;

void             kbc_test_wait_begin        (KbcTestWait     *wait);
void             kbc_test_wait_iterate      (KbcTestWait     *wait,
                                             const char      *what);
void             kbc_test_wait_end          (KbcTestWait     *wait);

/* ---- the app's core, signed in ---- */

/* Signs @email in to the server through a KbcSession that remembers
 * nothing (no settings, no keyring); returns the signed-in account. Fails
 * the test unless the sign-in succeeds without a second step. */
KbcAccount      *kbc_test_sign_in           (KbcTestServer   *self,
                                             const char      *email,
                                             const char      *password);
/* The same for an account with MFA, with one of its recovery codes. */
KbcAccount      *kbc_test_sign_in_with_code (KbcTestServer   *self,
                                             const char      *email,
                                             const char      *password,
                                             const char      *recovery_code);
/* Sets up and activates an authenticator app through the account's KbcMfa;
 * returns the recovery codes and, in @secret (may be NULL), the base32
 * secret for making codes. */
GStrv            kbc_test_enable_totp       (KbcAccount      *account,
                                             const char      *password,
                                             char           **secret);
/* Refreshes @resource (any KbcResource) and waits: its refresh_finish(). */
gboolean         kbc_test_refresh           (gpointer         resource,
                                             GError         **error);
/* Runs an operator command that prints one id (kbc_test_server_admin())
 * and returns it. */
gint64           kbc_test_server_admin_id   (KbcTestServer   *self,
                                             ...) G_GNUC_NULL_TERMINATED;

/* A small world around the user @email (who must exist), made with the
 * operator commands: the maintainer "Partners" (the user a member) with
 * "Acme" (auto-join; the user a member) and "Northwind" (MFA required;
 * the user a member); "Acme Sales" (the user its admin; limits and
 * metrics: storage 42 GB of 100 GB, users 7 of 5, exceeded),
 * "Acme Ops" (not a member), "Northwind Core" (not a member), "Contoso"
 * (not a member); invitations from the user "Martin Colleague"
 * (COLLEAGUE_EMAIL) into Acme Ops (guest, with a reason), Northwind Core
 * (admin), the organization Contoso and the maintainer; and the promo
 * code "HACK-2026" of Acme. */
#define KBC_TEST_COLLEAGUE_EMAIL "martin@example.com"
#define KBC_TEST_PROMO_CODE      "HACK-2026"
typedef struct
{
  gint64 maintainer;
  gint64 acme, northwind, contoso;
  gint64 acme_sales, acme_ops, northwind_core;
  gint64 invite_ops, invite_northwind, invite_contoso, invite_maintainer;
} KbcTestWorld;
void             kbc_test_world_build       (KbcTestServer   *self,
                                             const char      *email,
                                             KbcTestWorld    *world);

/* A callback that counts: pass a guint * as its data (swapped). */
void             kbc_test_count             (guint           *counter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcTestServer, kbc_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcTestResponse, kbc_test_response_free)

/* clang-format on */

G_END_DECLS
