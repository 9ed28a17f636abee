/* kbc-test-server.h: a real kbc-account-server for one test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

typedef struct _KbcTestServer KbcTestServer;

/* Creates a temporary directory with a fresh database (`init`), starts
 * `serve --listen 127.0.0.1:0 --port-file …` from $KBC_ACCOUNT_SERVER and
 * waits until it listens. Aborts the test on failure. */
KbcTestServer *kbc_test_server_new        (void);
/* The same, then `seed-demo`. */
KbcTestServer *kbc_test_server_new_demo   (void);
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

/* Kills the server so tests can see a dead server; restart reuses the database
 * and the port when it is still free. */
void           kbc_test_server_stop       (KbcTestServer *self);
void           kbc_test_server_restart    (KbcTestServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcTestServer, kbc_test_server_free)

/* clang-format on */

G_END_DECLS
