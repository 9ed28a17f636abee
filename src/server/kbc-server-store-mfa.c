/* kbc-server-store-mfa.c: the multi-factor tables of the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-store.h"

/* ---- TOTP ---- */

void
kbc_totp_row_free (KbcTotpRow *row)
{
  if (row == NULL)
    return;
  g_clear_pointer (&row->secret_sealed, g_bytes_unref);
  g_free (row);
}

KbcTotpRow *
kbc_store_totp_get (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT secret_sealed, enabled, pending_token_id, last_step"
                            " FROM mfa_totp WHERE user_id = ?1");
  KbcTotpRow *row;
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }

  row = g_new0 (KbcTotpRow, 1);
  row->user_id = user_id;
  row->secret_sealed = kbc_stmt_dup_blob (stmt, 0);
  row->enabled = sqlite3_column_int (stmt, 1) != 0;
  row->pending_token_id = sqlite3_column_int64 (stmt, 2);
  row->last_step = sqlite3_column_int64 (stmt, 3);
  return row;
}

gboolean
kbc_store_totp_put_pending (KbcStore *self,
                            gint64 user_id,
                            GBytes *secret_sealed,
                            gint64 token_id,
                            gint64 now,
                            GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "INSERT OR REPLACE INTO mfa_totp (user_id, secret_sealed, enabled, pending_token_id,"
            " last_step, created) VALUES (?1, ?2, 0, ?3, -1, ?4)");
  gsize len;
  gconstpointer data = g_bytes_get_data (secret_sealed, &len);

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_blob (stmt, 2, data, len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, token_id);
  sqlite3_bind_int64 (stmt, 4, now);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_totp_activate (KbcStore *self, gint64 user_id, gint64 step, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE mfa_totp SET enabled = 1, pending_token_id = NULL, last_step = ?2"
            " WHERE user_id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, step);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_totp_advance (KbcStore *self, gint64 user_id, gint64 step, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE mfa_totp SET last_step = ?2 WHERE user_id = ?1 AND last_step < ?2");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, step);
  if (!kbc_store_run (self, stmt, error))
    return FALSE;
  return sqlite3_changes (kbc_store_get_db (self)) == 1;
}

gboolean
kbc_store_totp_delete (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM mfa_totp WHERE user_id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return kbc_store_run (self, stmt, error);
}

/* ---- recovery codes ---- */

void
kbc_recovery_code_free (KbcRecoveryCode *code)
{
  if (code == NULL)
    return;
  g_clear_pointer (&code->salt, g_bytes_unref);
  g_clear_pointer (&code->hash, g_bytes_unref);
  g_free (code);
}

gboolean
kbc_store_recovery_clear (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM recovery_codes WHERE user_id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_recovery_replace (KbcStore *self, gint64 user_id, GPtrArray *codes, GError **error)
{
  if (!kbc_store_recovery_clear (self, user_id, error))
    return FALSE;

  for (guint i = 0; i < codes->len; i++)
    {
      KbcRecoveryCode *code = codes->pdata[i];
      g_autoptr (KbcStmt) stmt = kbc_store_stmt (
          self, "INSERT INTO recovery_codes (user_id, salt, hash) VALUES (?1, ?2, ?3)");
      gsize salt_len;
      gsize hash_len;
      gconstpointer salt = g_bytes_get_data (code->salt, &salt_len);
      gconstpointer hash = g_bytes_get_data (code->hash, &hash_len);

      sqlite3_bind_int64 (stmt, 1, user_id);
      sqlite3_bind_blob (stmt, 2, salt, salt_len, SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 3, hash, hash_len, SQLITE_TRANSIENT);
      if (!kbc_store_run (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
kbc_store_recovery_unused (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT id, salt, hash FROM recovery_codes WHERE user_id = ?1 AND used IS NULL");
  g_autoptr (GPtrArray) codes =
      g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_recovery_code_free);
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KbcRecoveryCode *code = g_new0 (KbcRecoveryCode, 1);

      code->id = sqlite3_column_int64 (stmt, 0);
      code->salt = kbc_stmt_dup_blob (stmt, 1);
      code->hash = kbc_stmt_dup_blob (stmt, 2);
      g_ptr_array_add (codes, code);
    }
  if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&codes);
}

gboolean
kbc_store_recovery_use (KbcStore *self, gint64 code_id, gint64 now, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "UPDATE recovery_codes SET used = ?2 WHERE id = ?1 AND used IS NULL");

  sqlite3_bind_int64 (stmt, 1, code_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!kbc_store_run (self, stmt, error))
    return FALSE;
  return sqlite3_changes (kbc_store_get_db (self)) == 1;
}

guint
kbc_store_recovery_remaining (KbcStore *self, gint64 user_id)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT count(*) FROM recovery_codes WHERE user_id = ?1 AND used IS NULL");

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int (stmt, 0);
  return 0;
}

/* ---- devices ---- */

#define DEVICE_COLUMNS "id, name, type, aaguid, format, created, last_used"

void
kbc_device_free (KbcDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->type);
  g_free (device->aaguid);
  g_free (device->format);
  g_free (device);
}

/* A row of the DEVICE_COLUMNS. */
static KbcDevice *
read_device (KbcStmt *stmt)
{
  KbcDevice *device = g_new0 (KbcDevice, 1);

  device->id = sqlite3_column_int64 (stmt, 0);
  device->name = kbc_stmt_dup_text (stmt, 1);
  device->type = kbc_stmt_dup_text (stmt, 2);
  device->aaguid = kbc_stmt_dup_text (stmt, 3);
  device->format = kbc_stmt_dup_text (stmt, 4);
  device->created = sqlite3_column_int64 (stmt, 5);
  device->last_used = sqlite3_column_int64 (stmt, 6);
  return device;
}

guint
kbc_store_device_count (KbcStore *self, gint64 user_id)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT count(*) FROM mfa_devices WHERE user_id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int (stmt, 0);
  return 0;
}

gboolean
kbc_store_mfa_enabled (KbcStore *self, gint64 user_id)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = ?1 AND enabled)"
                            " OR EXISTS (SELECT 1 FROM mfa_devices WHERE user_id = ?1)");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
}

GPtrArray *
kbc_store_device_list (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " DEVICE_COLUMNS " FROM mfa_devices"
                            " WHERE user_id = ?1 ORDER BY created DESC, id DESC");
  g_autoptr (GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_device_free);
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (devices, read_device (stmt));
  if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&devices);
}

static gboolean
one_row_changed (KbcStore *self, gint64 device_id, GError **error)
{
  if (sqlite3_changes (kbc_store_get_db (self)) == 1)
    return TRUE;
  g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND, "no device %" G_GINT64_FORMAT,
               device_id);
  return FALSE;
}

gboolean
kbc_store_device_rename (KbcStore *self,
                         gint64 user_id,
                         gint64 device_id,
                         const char *name,
                         GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "UPDATE mfa_devices SET name = ?3 WHERE id = ?2 AND user_id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, device_id);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  return kbc_store_run (self, stmt, error) && one_row_changed (self, device_id, error);
}

gboolean
kbc_store_device_delete (KbcStore *self, gint64 user_id, gint64 device_id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "DELETE FROM mfa_devices WHERE id = ?2 AND user_id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, device_id);
  return kbc_store_run (self, stmt, error) && one_row_changed (self, device_id, error);
}

gboolean
kbc_store_device_delete_all (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM mfa_devices WHERE user_id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return kbc_store_run (self, stmt, error);
}

/* ---- security key credentials ---- */

void
kbc_credential_free (KbcCredential *credential)
{
  if (credential == NULL)
    return;
  g_clear_pointer (&credential->credential_id, g_bytes_unref);
  g_clear_pointer (&credential->public_key, g_bytes_unref);
  g_free (credential);
}

static KbcCredential *
read_credential (KbcStmt *stmt)
{
  KbcCredential *credential = g_new0 (KbcCredential, 1);

  credential->id = sqlite3_column_int64 (stmt, 0);
  credential->user_id = sqlite3_column_int64 (stmt, 1);
  credential->credential_id = kbc_stmt_dup_blob (stmt, 2);
  credential->public_key = kbc_stmt_dup_blob (stmt, 3);
  credential->sign_count = (guint32) sqlite3_column_int64 (stmt, 4);
  return credential;
}

GPtrArray *
kbc_store_credential_list (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT id, user_id, credential_id, public_key, sign_count FROM mfa_devices"
            " WHERE user_id = ?1 ORDER BY id");
  g_autoptr (GPtrArray) credentials =
      g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_credential_free);
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (credentials, read_credential (stmt));
  if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&credentials);
}

KbcCredential *
kbc_store_credential_find (KbcStore *self, GBytes *credential_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT id, user_id, credential_id, public_key, sign_count FROM mfa_devices"
            " WHERE credential_id = ?1");
  gsize len;
  gconstpointer data = g_bytes_get_data (credential_id, &len);
  int rc;

  sqlite3_bind_blob (stmt, 1, data, len, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return read_credential (stmt);
}

gint64
kbc_store_device_insert (KbcStore *self,
                         gint64 user_id,
                         const char *name,
                         GBytes *credential_id,
                         GBytes *public_key,
                         guint32 sign_count,
                         const char *aaguid,
                         const char *format,
                         gint64 now,
                         GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "INSERT INTO mfa_devices (user_id, type, name, credential_id, public_key, sign_count,"
            " aaguid, created, format) VALUES (?1, 'u2f', ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  gsize id_len;
  gsize key_len;
  gconstpointer id_data = g_bytes_get_data (credential_id, &id_len);
  gconstpointer key_data = g_bytes_get_data (public_key, &key_len);

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 3, id_data, id_len, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 4, key_data, key_len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, sign_count);
  if (aaguid != NULL)
    sqlite3_bind_text (stmt, 6, aaguid, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 6);
  sqlite3_bind_int64 (stmt, 7, now);
  if (format != NULL)
    sqlite3_bind_text (stmt, 8, format, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 8);

  /* The UNIQUE index on credential_id decides races: KBC_STORE_ERROR_EXISTS. */
  if (!kbc_store_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (kbc_store_get_db (self));
}

KbcDevice *
kbc_store_device_get (KbcStore *self, gint64 user_id, gint64 device_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "SELECT " DEVICE_COLUMNS " FROM mfa_devices"
                                                   " WHERE user_id = ?1 AND id = ?2");
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, device_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return read_device (stmt);
}

gboolean
kbc_store_credential_use (KbcStore *self,
                          gint64 device_id,
                          guint32 old_count,
                          guint32 new_count,
                          gint64 now,
                          GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "UPDATE mfa_devices SET sign_count = ?3, last_used = ?4"
                            " WHERE id = ?1 AND sign_count = ?2");

  sqlite3_bind_int64 (stmt, 1, device_id);
  sqlite3_bind_int64 (stmt, 2, old_count);
  sqlite3_bind_int64 (stmt, 3, new_count);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!kbc_store_run (self, stmt, error))
    return FALSE;
  return sqlite3_changes (kbc_store_get_db (self)) == 1;
}

/* ---- security key registrations ---- */

gint64
kbc_store_registration_insert (KbcStore *self,
                               gint64 user_id,
                               gint64 token_id,
                               GBytes *challenge,
                               const char *name,
                               gint64 now,
                               gint64 expires,
                               GError **error)
{
  g_autoptr (KbcStmt) prune =
      kbc_store_stmt (self, "DELETE FROM webauthn_challenges WHERE expires < ?1");
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "INSERT INTO webauthn_challenges (user_id, token_id, challenge, name, expires)"
            " VALUES (?1, ?2, ?3, ?4, ?5)");
  gsize len;
  gconstpointer data = g_bytes_get_data (challenge, &len);

  /* Nobody answers a challenge an hour after it expired. */
  sqlite3_bind_int64 (prune, 1, now - 3600);
  if (!kbc_store_run (self, prune, error))
    return 0;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, token_id);
  sqlite3_bind_blob (stmt, 3, data, len, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, expires);
  if (!kbc_store_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (kbc_store_get_db (self));
}

gboolean
kbc_store_registration_take (KbcStore *self,
                             gint64 id,
                             gint64 user_id,
                             gint64 token_id,
                             GBytes **challenge,
                             char **name,
                             gint64 *expires,
                             GError **error)
{
  /* One statement: of two answers racing, only one gets the row. */
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "DELETE FROM webauthn_challenges WHERE id = ?1 AND user_id = ?2 AND token_id = ?3"
            " RETURNING challenge, name, expires");
  int rc;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, token_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return FALSE;
  if (rc != SQLITE_ROW)
    return kbc_store_fail (self, rc, error);

  *challenge = kbc_stmt_dup_blob (stmt, 0);
  *name = kbc_stmt_dup_text (stmt, 1);
  *expires = sqlite3_column_int64 (stmt, 2);
  return TRUE;
}

gboolean
kbc_store_registration_expire_user (KbcStore *self, gint64 user_id, gint64 now, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE webauthn_challenges SET expires = ?2 WHERE user_id = ?1 AND expires > ?2");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, now);
  return kbc_store_run (self, stmt, error);
}

/* ---- login tickets ---- */

gint64
kbc_store_ticket_insert (KbcStore *self,
                         const guint8 *ticket_hash,
                         gint64 user_id,
                         gint64 now,
                         gint64 expires,
                         GError **error)
{
  g_autoptr (KbcStmt) prune = kbc_store_stmt (self, "DELETE FROM login_tickets WHERE expires < ?1");
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self,
      "INSERT INTO login_tickets (ticket_hash, user_id, created, expires) VALUES (?1, ?2, ?3, ?4)");

  sqlite3_bind_int64 (prune, 1, now - 3600);
  if (!kbc_store_run (self, prune, error))
    return 0;

  sqlite3_bind_blob (stmt, 1, ticket_hash, 32, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, expires);
  if (!kbc_store_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (kbc_store_get_db (self));
}

gboolean
kbc_store_ticket_get (KbcStore *self,
                      const guint8 *ticket_hash,
                      KbcLoginTicket *ticket,
                      GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT id, user_id, expires, attempts FROM login_tickets WHERE ticket_hash = ?1");
  int rc;

  sqlite3_bind_blob (stmt, 1, ticket_hash, 32, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return FALSE;
  if (rc != SQLITE_ROW)
    return kbc_store_fail (self, rc, error);

  ticket->id = sqlite3_column_int64 (stmt, 0);
  ticket->user_id = sqlite3_column_int64 (stmt, 1);
  ticket->expires = sqlite3_column_int64 (stmt, 2);
  ticket->attempts = sqlite3_column_int (stmt, 3);
  return TRUE;
}

guint
kbc_store_ticket_fail (KbcStore *self, gint64 ticket_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE login_tickets SET attempts = attempts + 1 WHERE id = ?1 RETURNING attempts");
  int rc;

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int (stmt, 0);
  if (rc != SQLITE_DONE)
    kbc_store_fail (self, rc, error);
  return G_MAXUINT;
}

gboolean
kbc_store_ticket_delete_user (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM login_tickets WHERE user_id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_ticket_delete (KbcStore *self, gint64 ticket_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM login_tickets WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_ticket_expire_user (KbcStore *self, gint64 user_id, gint64 now, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE login_tickets SET expires = ?2 WHERE user_id = ?1 AND expires > ?2");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, now);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_ticket_set_challenge (KbcStore *self, gint64 ticket_id, GBytes *challenge, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "UPDATE login_tickets SET challenge = ?2 WHERE id = ?1");
  gsize len;
  gconstpointer data = g_bytes_get_data (challenge, &len);

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  sqlite3_bind_blob (stmt, 2, data, len, SQLITE_TRANSIENT);
  return kbc_store_run (self, stmt, error);
}

GBytes *
kbc_store_ticket_take_challenge (KbcStore *self, gint64 ticket_id, GError **error)
{
  g_autoptr (KbcStmt) select =
      kbc_store_stmt (self, "SELECT challenge FROM login_tickets WHERE id = ?1");
  g_autoptr (KbcStmt) clear = kbc_store_stmt (
      self, "UPDATE login_tickets SET challenge = NULL WHERE id = ?1 AND challenge = ?2");
  g_autoptr (GBytes) challenge = NULL;
  gsize len;
  gconstpointer data;
  int rc;

  sqlite3_bind_int64 (select, 1, ticket_id);
  rc = sqlite3_step (select);
  if (rc == SQLITE_ROW)
    challenge = kbc_stmt_dup_blob (select, 0);
  else if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  kbc_stmt_release (select);
  if (challenge == NULL)
    return NULL;

  /* Clears only what was read: of two answers racing, one takes it. */
  data = g_bytes_get_data (challenge, &len);
  sqlite3_bind_int64 (clear, 1, ticket_id);
  sqlite3_bind_blob (clear, 2, data, len, SQLITE_TRANSIENT);
  if (!kbc_store_run (self, clear, error))
    return NULL;
  if (sqlite3_changes (kbc_store_get_db (self)) != 1)
    return NULL;
  return g_steal_pointer (&challenge);
}
