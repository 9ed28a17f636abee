/* kbc-test-db.h: a test's look into the database of its kbc-account-server,
 * as SQLite sees it, while `serve` holds it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "kbc-test-utils.h"

G_BEGIN_DECLS

/* clang-format off */

/* Opens the server's database, read-only unless @writable, with a busy
 * timeout of 5 s (the server may be writing). Fails the test otherwise. */
sqlite3   *kbc_test_db_open                 (KbcTestServer *server,
                                             gboolean       writable);
/* The first column of the first row of @sql, with @text (may be NULL) bound
 * to ?1: a count, an id, a flag. */
gint64     kbc_test_db_int                  (KbcTestServer *server,
                                             const char    *sql,
                                             const char    *text);
/* PRAGMA integrity_check says "ok" and nothing else. */
void       kbc_test_db_assert_integrity     (KbcTestServer *server);
/* Inserts @count unread notifications ("Hello", "World") for @email in one
 * transaction, as `notify` leaves them; returns their uuids. */
GPtrArray *kbc_test_db_insert_notifications (KbcTestServer *server,
                                             const char    *email,
                                             guint          count);

/* clang-format on */

G_END_DECLS
