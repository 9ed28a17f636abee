/* kbc-server-store-notifications.c: the notifications table of the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-store.h"

void
kbc_notification_row_free (KbcNotificationRow *row)
{
  if (row == NULL)
    return;

  g_free (row->id);
  g_free (row->type);
  g_free (row->title);
  g_free (row->message);
  g_free (row->event);
  g_free (row->limit_name);
  g_free (row->project_name);
  g_free (row);
}

char *
kbc_store_notification_insert (KbcStore *self,
                               const KbcNotificationRow *row,
                               gint64 now,
                               GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "INSERT INTO notifications (uuid, user_id, type, created, title, message, event,"
            " limit_name, project_id, project_name)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  g_autofree char *id = g_uuid_string_random ();

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, row->user_id);
  sqlite3_bind_text (stmt, 3, row->type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_text (stmt, 5, row->title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, row->message, -1, SQLITE_TRANSIENT);
  /* NULL binds as SQL NULL. */
  sqlite3_bind_text (stmt, 7, row->event, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, row->limit_name, -1, SQLITE_TRANSIENT);
  if (row->project_id > 0)
    sqlite3_bind_int64 (stmt, 9, row->project_id);
  else
    sqlite3_bind_null (stmt, 9);
  sqlite3_bind_text (stmt, 10, row->project_name, -1, SQLITE_TRANSIENT);

  if (!kbc_store_run (self, stmt, error))
    return NULL;
  return g_steal_pointer (&id);
}

GPtrArray *
kbc_store_notification_list (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT uuid, type, created, read_at IS NOT NULL, title, message, event, limit_name,"
            " project_id, project_name FROM notifications"
            " WHERE user_id = ?1 ORDER BY created DESC, id DESC");
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_notification_row_free);
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KbcNotificationRow *row = g_new0 (KbcNotificationRow, 1);

      row->id = kbc_stmt_dup_text (stmt, 0);
      row->user_id = user_id;
      row->type = kbc_stmt_dup_text (stmt, 1);
      row->created = sqlite3_column_int64 (stmt, 2);
      row->is_read = sqlite3_column_int (stmt, 3) != 0;
      row->title = kbc_stmt_dup_text (stmt, 4);
      row->message = kbc_stmt_dup_text (stmt, 5);
      row->event = kbc_stmt_dup_text (stmt, 6);
      row->limit_name = kbc_stmt_dup_text (stmt, 7);
      row->project_id = sqlite3_column_int64 (stmt, 8);
      row->project_name = kbc_stmt_dup_text (stmt, 9);
      g_ptr_array_add (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

gint64
kbc_store_notification_version (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT version FROM notification_versions WHERE user_id = ?1");
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return -1;
    }
  return 0;
}

gboolean
kbc_store_notification_mark_read (KbcStore *self,
                                  gint64 user_id,
                                  const char *id,
                                  gint64 now,
                                  GError **error)
{
  g_autoptr (KbcStmt) update =
      kbc_store_stmt (self, "UPDATE notifications SET read_at = ?3"
                            " WHERE uuid = ?1 AND user_id = ?2 AND read_at IS NULL");
  g_autoptr (KbcStmt) exists =
      kbc_store_stmt (self, "SELECT 1 FROM notifications WHERE uuid = ?1 AND user_id = ?2");
  int rc;

  /* Only a change writes (and so moves the version). */
  sqlite3_bind_text (update, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 2, user_id);
  sqlite3_bind_int64 (update, 3, now);
  if (!kbc_store_run (self, update, error))
    return FALSE;
  if (sqlite3_changes (kbc_store_get_db (self)) > 0)
    return TRUE;

  sqlite3_bind_text (exists, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (exists, 2, user_id);
  rc = sqlite3_step (exists);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return kbc_store_fail (self, rc, error);

  g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND, "no notification %s", id);
  return FALSE;
}

gboolean
kbc_store_notification_mark_all_read (KbcStore *self, gint64 user_id, gint64 now, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, now);
  return kbc_store_run (self, stmt, error);
}

GArray *
kbc_store_user_ids (KbcStore *self, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "SELECT id FROM users ORDER BY id");
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}
