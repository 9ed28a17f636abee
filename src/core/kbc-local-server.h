/* kbc-local-server.h: the "This computer" stack, kbc-account-server as a child process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_LOCAL_SERVER_ERROR (kbc_local_server_error_quark ())

typedef enum
{
  KBC_LOCAL_SERVER_ERROR_NOT_FOUND, /* the kbc-account-server program is missing */
  KBC_LOCAL_SERVER_ERROR_FAILED,    /* creating the database or starting failed */
  KBC_LOCAL_SERVER_ERROR_EXITED,    /* the server exited before it listened */
  KBC_LOCAL_SERVER_ERROR_TIMED_OUT, /* the server did not listen in time */
} KbcLocalServerError;

GQuark kbc_local_server_error_quark (void);

#define KBC_TYPE_LOCAL_SERVER (kbc_local_server_get_type ())
G_DECLARE_FINAL_TYPE (KbcLocalServer, kbc_local_server, KBC, LOCAL_SERVER, GObject)

/* Properties: data-dir (construct-only; NULL for the user data directory),
 * url (NULL unless running), running.
 *
 * The program is $KBC_ACCOUNT_SERVER, else BINDIR/kbc-account-server. The
 * database is DATA_DIR/local.db; it is created and seeded with the demo
 * account (`init`, `seed-demo`) when it does not exist. */
KbcLocalServer *kbc_local_server_new          (const char          *data_dir);
const char     *kbc_local_server_get_data_dir (KbcLocalServer      *self);
const char     *kbc_local_server_get_url      (KbcLocalServer      *self);
gboolean        kbc_local_server_get_running  (KbcLocalServer      *self);

/* Starts the server unless it runs or is starting, and yields its URL
 * (http://127.0.0.1:PORT). Several calls may wait for the same start. */
void            kbc_local_server_start_async  (KbcLocalServer      *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char           *kbc_local_server_start_finish (KbcLocalServer      *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Sends the child SIGTERM and forgets it; pending starts fail. */
void            kbc_local_server_stop         (KbcLocalServer      *self);

/* clang-format on */

G_END_DECLS
