/* kbc-test-db.c: a test's look into the database of its kbc-account-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-db.h"

sqlite3 *
kbc_test_db_open (KbcTestServer *server, gboolean writable)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (kbc_test_server_get_db (server), &db,
                                    writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);

  return db;
}

gint64
kbc_test_db_int (KbcTestServer *server, const char *sql, const char *text)
{
  sqlite3 *db = kbc_test_db_open (server, FALSE);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

void
kbc_test_db_assert_integrity (KbcTestServer *server)
{
  sqlite3 *db = kbc_test_db_open (server, FALSE);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

GPtrArray *
kbc_test_db_insert_notifications (KbcTestServer *server, const char *email, guint count)
{
  GPtrArray *uuids = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = kbc_test_db_open (server, TRUE);
  sqlite3_stmt *stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO notifications (uuid, user_id, type, created,"
                                       " title, message) SELECT ?1, id, 'common', ?2, 'Hello',"
                                       " 'World' FROM users WHERE email = ?3",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < count; i++)
    {
      char *uuid = g_uuid_string_random ();

      g_ptr_array_add (uuids, uuid);
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now);
      sqlite3_bind_text (stmt, 3, email, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      g_assert_cmpint (sqlite3_changes (db), ==, 1);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  return uuids;
}
