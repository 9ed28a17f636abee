/* kbc-server-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_SIZE        32
#define BUSY_TIMEOUT_MS 10000

struct _KbcStore
{
  sqlite3 *db;
  char *path;
  GHashTable *stmts; /* const char *sql (interned by address) → sqlite3_stmt */
  guint8 key[KEY_SIZE];
  int version;
};

G_DEFINE_QUARK (kbc - store - error - quark, kbc_store_error)

/* The schema, one entry per version. Never edit an entry that has shipped:
 * append a new one. Entry i brings the database from version i to i + 1. */
static const char *const migrations[] = {
  /* 1: accounts, tokens and the sign-in rate limit */
  "CREATE TABLE users ("
  "  id              INTEGER PRIMARY KEY,"
  "  email           TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  name            TEXT NOT NULL,"
  "  password_hash   TEXT NOT NULL,"
  "  created         INTEGER NOT NULL,"
  "  is_super_admin  INTEGER NOT NULL DEFAULT 0,"
  "  can_access_logs INTEGER NOT NULL DEFAULT 0,"
  "  features        TEXT NOT NULL DEFAULT '[]'"
  ");"
  /* The token string is "<id>-<secret>"; only SHA-256 (secret) is kept. */
  "CREATE TABLE tokens ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  secret_hash BLOB NOT NULL,"
  "  type        TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  created     INTEGER NOT NULL,"
  "  last_used   INTEGER,"
  "  expires     INTEGER,"
  "  disabled    INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX tokens_user ON tokens (user_id, type);"
  "CREATE TABLE login_failures ("
  "  id    INTEGER PRIMARY KEY,"
  "  email TEXT NOT NULL COLLATE NOCASE,"
  "  at    INTEGER NOT NULL"
  ");"
  "CREATE INDEX login_failures_email ON login_failures (email, at);"
  "CREATE TABLE security_events ("
  "  id      INTEGER PRIMARY KEY,"
  "  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,"
  "  type    TEXT NOT NULL,"
  "  at      INTEGER NOT NULL"
  ");"
  "CREATE INDEX security_events_user ON security_events (user_id, type);",

  /* 2: multi-factor authentication. Security keys (issue 4) fill
   * mfa_devices; their registration challenges live in webauthn_challenges. */
  "CREATE TABLE mfa_totp ("
  "  user_id          INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  secret_sealed    BLOB NOT NULL," /* AES-256-GCM, see kbc-server-crypto.h */
  "  enabled          INTEGER NOT NULL DEFAULT 0,"
  "  pending_token_id INTEGER," /* the session that enrolled it */
  "  last_step        INTEGER NOT NULL DEFAULT -1,"
  "  created          INTEGER NOT NULL"
  ");"
  "CREATE TABLE recovery_codes ("
  "  id      INTEGER PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  salt    BLOB NOT NULL,"
  "  hash    BLOB NOT NULL,"
  "  used    INTEGER"
  ");"
  "CREATE INDEX recovery_codes_user ON recovery_codes (user_id);"
  "CREATE TABLE mfa_devices ("
  "  id            INTEGER PRIMARY KEY,"
  "  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  type          TEXT NOT NULL DEFAULT 'u2f',"
  "  name          TEXT NOT NULL,"
  "  credential_id BLOB NOT NULL UNIQUE,"
  "  public_key    BLOB NOT NULL,"
  "  cose_alg      INTEGER NOT NULL DEFAULT -7,"
  "  sign_count    INTEGER NOT NULL DEFAULT 0,"
  "  aaguid        TEXT,"
  "  created       INTEGER NOT NULL,"
  "  last_used     INTEGER"
  ");"
  "CREATE INDEX mfa_devices_user ON mfa_devices (user_id);"
  "CREATE TABLE login_tickets ("
  "  id          INTEGER PRIMARY KEY,"
  "  ticket_hash BLOB NOT NULL UNIQUE,"
  "  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created     INTEGER NOT NULL,"
  "  expires     INTEGER NOT NULL,"
  "  attempts    INTEGER NOT NULL DEFAULT 0,"
  "  challenge   BLOB" /* for security keys */
  ");"
  "CREATE TABLE webauthn_challenges ("
  "  id         INTEGER PRIMARY KEY,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  token_id   INTEGER,"
  "  challenge  BLOB NOT NULL,"
  "  name       TEXT,"
  "  expires    INTEGER NOT NULL"
  ");",

  /* 3: a security key's WebAuthn attestation format ("packed", "fido-u2f"),
   * known at registration; NULL for the keys registered before. */
  "ALTER TABLE mfa_devices ADD COLUMN format TEXT;",

  /* 4: where a session signed in from: the client's name (its User-Agent,
   * cleaned) and address, on its token; and every client (name and address)
   * each user has signed in from, so that a new one can be told apart. */
  "ALTER TABLE tokens ADD COLUMN client_name TEXT;"
  "ALTER TABLE tokens ADD COLUMN client_address TEXT;"
  "CREATE TABLE sign_in_clients ("
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  name       TEXT NOT NULL," /* '' when the client gave none */
  "  address    TEXT NOT NULL,"
  "  first_seen INTEGER NOT NULL,"
  "  last_seen  INTEGER NOT NULL,"
  "  PRIMARY KEY (user_id, name, address)"
  ");",

  /* 5: notifications (issue 9). One row per recipient, its id a UUID, newest
   * first by (created, id). The payload is kept as its parts: "event" names
   * what a security notification reports, "limit" the exceeded limit. A
   * project is kept by id, with the name when it was known at sending.
   * notification_versions counts every change of a user's list (triggers,
   * so no path can forget): the ETag of GET /manage/notifications, and a
   * match is a 304 without reading the list. */
  "CREATE TABLE notifications ("
  "  id           INTEGER PRIMARY KEY,"
  "  uuid         TEXT NOT NULL UNIQUE,"
  "  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  type         TEXT NOT NULL CHECK (type IN ('common', 'limit', 'global', 'security')),"
  "  created      INTEGER NOT NULL,"
  "  read_at      INTEGER,"
  "  title        TEXT NOT NULL,"
  "  message      TEXT NOT NULL,"
  "  event        TEXT,"
  "  limit_name   TEXT,"
  "  project_id   INTEGER,"
  "  project_name TEXT"
  ");"
  "CREATE INDEX notifications_user ON notifications (user_id, created DESC, id DESC);"
  "CREATE TABLE notification_versions ("
  "  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  version INTEGER NOT NULL"
  ");"
  "CREATE TRIGGER notifications_inserted AFTER INSERT ON notifications BEGIN"
  "  INSERT INTO notification_versions (user_id, version) VALUES (NEW.user_id, 1)"
  "    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;"
  "END;"
  "CREATE TRIGGER notifications_updated AFTER UPDATE ON notifications BEGIN"
  "  INSERT INTO notification_versions (user_id, version) VALUES (NEW.user_id, 1)"
  "    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;"
  "END;"
  /* An update, not an insert: a user being deleted takes their rows
   * with them, and the counter already exists for anyone with a row. */
  "CREATE TRIGGER notifications_deleted AFTER DELETE ON notifications BEGIN"
  "  UPDATE notification_versions SET version = version + 1 WHERE user_id = OLD.user_id;"
  "END;",

  /* 6: the world (issue 10). Maintainers own organizations, organizations
   * own projects; membership of each level is its own table (a project
   * member is not an organization member), and only a project membership
   * has a role. Limits and metrics are (project, name, value); a limit's
   * metric has the limit's name. An invitation names exactly one of a
   * project, an organization or a maintainer; accepted or declined ones are
   * deleted, expired ones stay and are not listed. A promo code is redeemed
   * once: used_by is set by one UPDATE … WHERE used_by IS NULL. Times are
   * Unix seconds like everywhere. */
  "CREATE TABLE maintainers ("
  "  id      INTEGER PRIMARY KEY,"
  "  name    TEXT NOT NULL,"
  "  created INTEGER NOT NULL"
  ");"
  "CREATE TABLE organizations ("
  "  id              INTEGER PRIMARY KEY,"
  "  maintainer_id   INTEGER NOT NULL REFERENCES maintainers (id) ON DELETE CASCADE,"
  "  name            TEXT NOT NULL,"
  "  allow_auto_join INTEGER NOT NULL DEFAULT 0,"
  "  mfa_required    INTEGER NOT NULL DEFAULT 0,"
  "  crm_id          TEXT,"
  "  created         INTEGER NOT NULL"
  ");"
  "CREATE INDEX organizations_maintainer ON organizations (maintainer_id);"
  "CREATE TABLE projects ("
  "  id              INTEGER PRIMARY KEY,"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,"
  "  name            TEXT NOT NULL,"
  "  type            TEXT NOT NULL DEFAULT 'production',"
  "  region          TEXT NOT NULL DEFAULT 'us-east-1',"
  "  default_backend TEXT NOT NULL DEFAULT 'snowflake',"
  "  created         INTEGER NOT NULL,"
  "  expires         INTEGER,"
  "  is_disabled     INTEGER NOT NULL DEFAULT 0,"
  "  data_size_bytes INTEGER NOT NULL DEFAULT 0,"
  "  rows_count      INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX projects_organization ON projects (organization_id);"
  "CREATE TABLE maintainer_members ("
  "  maintainer_id INTEGER NOT NULL REFERENCES maintainers (id) ON DELETE CASCADE,"
  "  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created       INTEGER NOT NULL,"
  "  PRIMARY KEY (maintainer_id, user_id)"
  ");"
  "CREATE INDEX maintainer_members_user ON maintainer_members (user_id);"
  "CREATE TABLE organization_members ("
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,"
  "  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created         INTEGER NOT NULL,"
  "  PRIMARY KEY (organization_id, user_id)"
  ");"
  "CREATE INDEX organization_members_user ON organization_members (user_id);"
  "CREATE TABLE project_members ("
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  role       TEXT NOT NULL DEFAULT 'admin',"
  "  created    INTEGER NOT NULL,"
  "  PRIMARY KEY (project_id, user_id)"
  ");"
  "CREATE INDEX project_members_user ON project_members (user_id);"
  "CREATE TABLE project_limits ("
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  name       TEXT NOT NULL,"
  "  value      INTEGER NOT NULL,"
  "  PRIMARY KEY (project_id, name)"
  ");"
  "CREATE TABLE project_metrics ("
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  name       TEXT NOT NULL,"
  "  value      INTEGER NOT NULL,"
  "  PRIMARY KEY (project_id, name)"
  ");"
  "CREATE TABLE invitations ("
  "  id              INTEGER PRIMARY KEY,"
  "  project_id      INTEGER REFERENCES projects (id) ON DELETE CASCADE,"
  "  organization_id INTEGER REFERENCES organizations (id) ON DELETE CASCADE,"
  "  maintainer_id   INTEGER REFERENCES maintainers (id) ON DELETE CASCADE,"
  "  email           TEXT NOT NULL,"
  "  creator_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  role            TEXT,"
  "  reason          TEXT NOT NULL DEFAULT '',"
  "  created         INTEGER NOT NULL,"
  "  expires         INTEGER,"
  "  CHECK ((project_id IS NOT NULL) + (organization_id IS NOT NULL)"
  "         + (maintainer_id IS NOT NULL) = 1)"
  ");"
  "CREATE INDEX invitations_email ON invitations (email, created DESC);"
  "CREATE TABLE join_requests ("
  "  id         INTEGER PRIMARY KEY,"
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  reason     TEXT NOT NULL DEFAULT '',"
  "  created    INTEGER NOT NULL,"
  "  expires    INTEGER"
  ");"
  "CREATE INDEX join_requests_user ON join_requests (user_id, created DESC);"
  "CREATE TABLE promo_codes ("
  "  code            TEXT PRIMARY KEY,"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,"
  "  template        TEXT NOT NULL DEFAULT 'default',"
  "  expiration_days INTEGER,"
  "  created         INTEGER NOT NULL,"
  "  used_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  used_at         INTEGER,"
  "  project_id      INTEGER REFERENCES projects (id) ON DELETE SET NULL"
  ");"
  "CREATE INDEX promo_codes_user ON promo_codes (used_by, used_at DESC);",

  /* 7: server hardening (issue 11). A failed credential check is counted
   * per account and client address, so that the owner on another address is
   * not locked out; rows from before have no address and count for the
   * account only. */
  "ALTER TABLE login_failures ADD COLUMN address TEXT;"
  "CREATE INDEX login_failures_address ON login_failures (email, address, at);",
};

static gboolean
set_sqlite_error (GError **error, sqlite3 *db, int rc, const char *what)
{
  int code = KBC_STORE_ERROR_FAILED;

  if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
    code = KBC_STORE_ERROR_EXISTS;

  g_set_error (error, KBC_STORE_ERROR, code, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
exec_sql (KbcStore *self, const char *sql, GError **error)
{
  int rc;

  /* Only for constant SQL (schema, transactions): never user data. */
  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, self->db, rc, "SQLite");
  return TRUE;
}

static int
read_user_version (KbcStore *self)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "PRAGMA user_version");

  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int (stmt, 0);
  return -1;
}

static gboolean ensure_key_file (KbcStore *self, const char *key_path, GError **error);
static gboolean read_key_file (KbcStore *self, const char *key_path, GError **error);

static gboolean
migrate (KbcStore *self, GError **error)
{
  g_autofree char *key_path = g_strconcat (self->path, ".key", NULL);
  g_autofree char *probe = NULL;
  int version;
  int latest = G_N_ELEMENTS (migrations);

  /* IMMEDIATE: two processes opening a fresh database do not both migrate. */
  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  version = read_user_version (self);
  if (version < 0 || version > latest)
    {
      kbc_store_rollback (self);
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_FAILED,
                   "database schema version %d is not one this server knows (1–%d)", version,
                   latest);
      return FALSE;
    }

  /* A fresh database gets a fresh key, made while the write lock keeps any
   * other process from seeing the schema without it. A database with a
   * schema already has secrets sealed with its key: a missing key file is
   * an error, never a silent new key. */
  if (!(version == 0 ? ensure_key_file (self, key_path, error)
                     : read_key_file (self, key_path, error)))
    {
      kbc_store_rollback (self);
      return FALSE;
    }

  for (int i = version; i < latest; i++)
    {
      g_autofree char *pragma = NULL;

      if (!exec_sql (self, migrations[i], error))
        {
          g_prefix_error (error, "migration %d: ", i + 1);
          kbc_store_rollback (self);
          return FALSE;
        }
      /* PRAGMA takes no parameters; the value is our own integer. */
      pragma = g_strdup_printf ("PRAGMA user_version = %d", i + 1);
      if (!exec_sql (self, pragma, error))
        {
          kbc_store_rollback (self);
          return FALSE;
        }
    }

  /* Written even when nothing changed: a database this process cannot
   * write (a read-only file, a full disk) fails here, at start, rather
   * than at the first failed sign-in it should have counted. */
  probe = g_strdup_printf ("PRAGMA user_version = %d", latest);
  if (!exec_sql (self, probe, error) || !exec_sql (self, "COMMIT", error))
    {
      g_prefix_error (error, "the database cannot be written: ");
      kbc_store_rollback (self);
      return FALSE;
    }

  self->version = latest;
  return TRUE;
}

static gboolean
read_key_file (KbcStore *self, const char *key_path, GError **error)
{
  struct stat st;
  ssize_t n;
  int fd;

  fd = open (key_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT)
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY,
                   "the key file %s is missing; TOTP secrets cannot be read. Restore it from "
                   "the backup of the database it belongs to",
                   key_path);
      return FALSE;
    }
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY, "cannot open key file %s: %s",
                   key_path, g_strerror (saved));
      return FALSE;
    }

  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 077) != 0)
    {
      close (fd);
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY,
                   "the key file %s can be read by others (mode %04o); run: chmod 600 %s", key_path,
                   (unsigned) (st.st_mode & 07777), key_path);
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size != KEY_SIZE)
    {
      close (fd);
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY,
                   "key file %s must be a regular file of %d bytes with mode 0600", key_path,
                   KEY_SIZE);
      return FALSE;
    }

  n = read (fd, self->key, KEY_SIZE);
  close (fd);
  if (n != KEY_SIZE)
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY, "cannot read key file %s",
                   key_path);
      return FALSE;
    }
  return TRUE;
}

/* Creates the key file atomically: written under a temporary name and
 * hard-linked into place, so a concurrent process either wins or reads the
 * complete file of the winner. */
static gboolean
ensure_key_file (KbcStore *self, const char *key_path, GError **error)
{
  g_autofree char *tmp_path = NULL;
  guint8 key[KEY_SIZE];
  int fd;

  if (g_file_test (key_path, G_FILE_TEST_EXISTS))
    return read_key_file (self, key_path, error);

  if (getrandom (key, sizeof key, 0) != sizeof key)
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY, "no random bytes for the key");
      return FALSE;
    }

  tmp_path = g_strdup_printf ("%s.XXXXXX", key_path);
  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY, "cannot create key file %s: %s",
                   key_path, g_strerror (saved));
      return FALSE;
    }

  if (write (fd, key, sizeof key) != sizeof key || fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      g_unlink (tmp_path);
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY, "cannot write key file %s: %s",
                   key_path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  explicit_bzero (key, sizeof key);

  if (link (tmp_path, key_path) != 0 && errno != EEXIST)
    {
      int saved = errno;
      g_unlink (tmp_path);
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY, "cannot create key file %s: %s",
                   key_path, g_strerror (saved));
      return FALSE;
    }
  g_unlink (tmp_path);

  return read_key_file (self, key_path, error);
}

/* The database and its -wal and -shm files hold credentials: an existing
 * one that others can read is refused, with the command that fixes it. */
static gboolean
check_private (const char *path, GError **error)
{
  struct stat st;

  if (g_lstat (path, &st) != 0)
    return TRUE; /* missing: created 0600 */
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_FAILED, "%s is not a regular file",
                   path);
      return FALSE;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_FAILED,
                   "the database file %s can be read by others (mode %04o); run: chmod 600 %s",
                   path, (unsigned) (st.st_mode & 07777), path);
      return FALSE;
    }
  return TRUE;
}

KbcStore *
kbc_store_open (const char *path, GError **error)
{
  g_autoptr (KbcStore) self = NULL;
  g_autoptr (GError) local_error = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  {
    static const char *const suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

        if (!check_private (file, error))
          return NULL;
      }
  }

  self = g_new0 (KbcStore, 1);
  self->path = g_strdup (path);
  self->stmts =
      g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sqlite3_finalize);

  /* The database is a credential store: not readable by others. */
  {
    mode_t old = umask (077);
    rc = sqlite3_open_v2 (path, &self->db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                              SQLITE_OPEN_EXRESCODE,
                          NULL);
    umask (old);
  }
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, path);
      return NULL;
    }

  /* SQLite opens a file it may not write read-only, without a word. */
  if (sqlite3_db_readonly (self->db, "main") != 0)
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_FAILED,
                   "the database %s cannot be written (a read-only file or file system)", path);
      return NULL;
    }

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (self->db, 1);

  if (!exec_sql (self, "PRAGMA journal_mode = WAL", &local_error) ||
      !exec_sql (self, "PRAGMA foreign_keys = ON", &local_error) ||
      !exec_sql (self, "PRAGMA synchronous = NORMAL", &local_error) ||
      !exec_sql (self, "PRAGMA secure_delete = ON", &local_error) || !migrate (self, &local_error))
    {
      int code = sqlite3_extended_errcode (self->db) & 0xff;

      /* The key file's messages name their file. */
      if (!g_error_matches (local_error, KBC_STORE_ERROR, KBC_STORE_ERROR_KEY))
        {
          if (code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_READONLY ||
              code == SQLITE_CANTOPEN)
            g_prefix_error (&local_error, "the database %s cannot be written: ", path);
          else
            g_prefix_error (&local_error, "%s: ", path);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
kbc_store_free (KbcStore *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  explicit_bzero (self->key, sizeof self->key);
  g_free (self->path);
  g_free (self);
}

sqlite3 *
kbc_store_get_db (KbcStore *self)
{
  return self->db;
}

int
kbc_store_get_version (KbcStore *self)
{
  return self->version;
}

const guint8 *
kbc_store_get_key (KbcStore *self)
{
  return self->key;
}

KbcStmt *
kbc_store_stmt (KbcStore *self, const char *sql)
{
  sqlite3_stmt *stmt;

  stmt = g_hash_table_lookup (self->stmts, sql);
  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        g_error ("cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
      g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
    }

  return stmt;
}

void
kbc_stmt_release (KbcStmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
kbc_store_run (KbcStore *self, KbcStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc, "SQLite");
      sqlite3_reset (stmt);
      return FALSE;
    }
  return TRUE;
}

gboolean
kbc_store_begin (KbcStore *self, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "BEGIN IMMEDIATE");
  return kbc_store_run (self, stmt, error);
}

/* A read transaction: its reads see one state of the database, and take
 * SQLite's locks once (end it with kbc_store_commit()). */
gboolean
kbc_store_begin_read (KbcStore *self, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "BEGIN DEFERRED");
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_commit (KbcStore *self, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "COMMIT");
  return kbc_store_run (self, stmt, error);
}

void
kbc_store_rollback (KbcStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
kbc_stmt_dup_text (KbcStmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

GBytes *
kbc_stmt_dup_blob (KbcStmt *stmt, int column)
{
  const void *data = sqlite3_column_blob (stmt, column);
  int len = sqlite3_column_bytes (stmt, column);

  if (data == NULL)
    return NULL;
  return g_bytes_new (data, len);
}

gboolean
kbc_store_fail (KbcStore *self, int rc, GError **error)
{
  return set_sqlite_error (error, self->db, rc, "SQLite");
}

/* ---- users ---- */

void
kbc_user_free (KbcUser *user)
{
  if (user == NULL)
    return;

  g_free (user->email);
  g_free (user->name);
  if (user->password_hash != NULL)
    explicit_bzero (user->password_hash, strlen (user->password_hash));
  g_free (user->password_hash);
  g_free (user->features);
  g_free (user);
}

#define USER_COLUMNS \
  "id, email, name, password_hash, created, is_super_admin, can_access_logs, features"

static KbcUser *
read_user (KbcStore *self, KbcStmt *stmt, GError **error)
{
  KbcUser *user;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc, "SQLite");
      return NULL;
    }

  user = g_new0 (KbcUser, 1);
  user->id = sqlite3_column_int64 (stmt, 0);
  user->email = kbc_stmt_dup_text (stmt, 1);
  user->name = kbc_stmt_dup_text (stmt, 2);
  user->password_hash = kbc_stmt_dup_text (stmt, 3);
  user->created = sqlite3_column_int64 (stmt, 4);
  user->is_super_admin = sqlite3_column_int (stmt, 5) != 0;
  user->can_access_logs = sqlite3_column_int (stmt, 6) != 0;
  user->features = kbc_stmt_dup_text (stmt, 7);
  return user;
}

KbcUser *
kbc_store_user_by_email (KbcStore *self, const char *email, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " USER_COLUMNS " FROM users WHERE email = ?1");

  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  return read_user (self, stmt, error);
}

KbcUser *
kbc_store_user_by_id (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " USER_COLUMNS " FROM users WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  return read_user (self, stmt, error);
}

gint64
kbc_store_user_insert (KbcStore *self,
                       const char *email,
                       const char *name,
                       const char *password_hash,
                       gint64 now,
                       GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "INSERT INTO users (email, name, password_hash, created) VALUES (?1, ?2, ?3, ?4)");
  int rc;

  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_EXISTS,
                     "a user with email %s already exists", email);
      else
        set_sqlite_error (error, self->db, rc, "SQLite");
      return 0;
    }

  return sqlite3_last_insert_rowid (self->db);
}

gboolean
kbc_store_user_set_password (KbcStore *self,
                             gint64 user_id,
                             const char *password_hash,
                             GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "UPDATE users SET password_hash = ?2 WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, password_hash, -1, SQLITE_TRANSIENT);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_user_set_name (KbcStore *self, gint64 user_id, const char *name, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "UPDATE users SET name = ?2 WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  return kbc_store_run (self, stmt, error);
}

/* ---- tokens ---- */

gboolean
kbc_token_is_expired (const KbcToken *token, gint64 now)
{
  gint64 used = token->last_used > 0 ? token->last_used : token->created;

  if (token->expires > 0 && token->expires <= now)
    return TRUE;
  return g_strcmp0 (token->type, KBC_TOKEN_TYPE_SESSION) == 0 &&
         used + KBC_TOKEN_SESSION_IDLE <= now;
}

void
kbc_token_free (KbcToken *token)
{
  if (token == NULL)
    return;

  g_clear_pointer (&token->secret_hash, g_bytes_unref);
  g_free (token->type);
  g_free (token->description);
  g_free (token->client_name);
  g_free (token->client_address);
  g_free (token);
}

gint64
kbc_store_token_insert (KbcStore *self,
                        gint64 user_id,
                        const char *type,
                        const char *description,
                        const guint8 *secret_hash,
                        gint64 now,
                        gint64 expires,
                        GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "INSERT INTO tokens (user_id, secret_hash, type, description, created,"
                            " expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  g_autoptr (KbcStmt) prune = kbc_store_stmt (
      self, "DELETE FROM tokens WHERE type = '" KBC_TOKEN_TYPE_SESSION "' AND expires < ?1");

  /* Sessions dead for a month are of no use to anyone. */
  sqlite3_bind_int64 (prune, 1, now - 30 * 24 * 3600);
  if (!kbc_store_run (self, prune, error))
    return 0;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_blob (stmt, 2, secret_hash, 32, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  if (expires > 0)
    sqlite3_bind_int64 (stmt, 6, expires);
  else
    sqlite3_bind_null (stmt, 6);

  if (!kbc_store_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

#define TOKEN_COLUMNS                                                                   \
  "id, user_id, secret_hash, type, description, created, last_used, expires, disabled," \
  " client_name, client_address"

static KbcToken *
read_token (KbcStmt *stmt)
{
  KbcToken *token = g_new0 (KbcToken, 1);

  token->id = sqlite3_column_int64 (stmt, 0);
  token->user_id = sqlite3_column_int64 (stmt, 1);
  token->secret_hash = kbc_stmt_dup_blob (stmt, 2);
  token->type = kbc_stmt_dup_text (stmt, 3);
  token->description = kbc_stmt_dup_text (stmt, 4);
  token->created = sqlite3_column_int64 (stmt, 5);
  token->last_used = sqlite3_column_int64 (stmt, 6);
  token->expires = sqlite3_column_int64 (stmt, 7);
  token->disabled = sqlite3_column_int (stmt, 8) != 0;
  token->client_name = kbc_stmt_dup_text (stmt, 9);
  token->client_address = kbc_stmt_dup_text (stmt, 10);
  return token;
}

KbcToken *
kbc_store_token_by_id (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " TOKEN_COLUMNS " FROM tokens WHERE id = ?1");
  int rc;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc, "SQLite");
      return NULL;
    }

  return read_token (stmt);
}

GPtrArray *
kbc_store_token_list (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " TOKEN_COLUMNS
                            " FROM tokens WHERE user_id = ?1 ORDER BY created DESC, id DESC");
  g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_token_free);
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tokens, read_token (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, "SQLite");
      return NULL;
    }

  return g_steal_pointer (&tokens);
}

gboolean
kbc_store_token_touch (KbcStore *self, gint64 id, gint64 now, GError **error)
{
  /* The condition again, for a use that raced this one. */
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE tokens SET last_used = ?2 WHERE id = ?1"
            " AND coalesce(last_used, 0) <= ?2 - " G_STRINGIFY (KBC_TOKEN_TOUCH_INTERVAL));

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_token_needs_touch (const KbcToken *token, gint64 now)
{
  return token->last_used <= now - KBC_TOKEN_TOUCH_INTERVAL;
}

gboolean
kbc_store_token_delete (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM tokens WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  if (!kbc_store_run (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND, "no token %" G_GINT64_FORMAT,
                   id);
      return FALSE;
    }
  return TRUE;
}

gboolean
kbc_store_token_expire (KbcStore *self, gint64 id, gint64 now, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE tokens SET expires = ?2 WHERE id = ?1 AND (expires IS NULL OR expires > ?2)");
  g_autoptr (KbcToken) token = NULL;

  token = kbc_store_token_by_id (self, id, error);
  if (token == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND,
                     "no token %" G_GINT64_FORMAT, id);
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_token_delete_for_user (KbcStore *self, gint64 user_id, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "DELETE FROM tokens WHERE id = ?1 AND user_id = ?2");

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  if (!kbc_store_run (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND,
                   "no token %" G_GINT64_FORMAT " of user %" G_GINT64_FORMAT, id, user_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
kbc_store_token_age (KbcStore *self, gint64 id, gint64 seconds, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "UPDATE tokens SET created = created - ?2,"
                            " last_used = last_used - ?2, expires = expires - ?2 WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, seconds);
  if (!kbc_store_run (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND, "no token %" G_GINT64_FORMAT,
                   id);
      return FALSE;
    }
  return TRUE;
}

gboolean
kbc_store_token_set_client (KbcStore *self,
                            gint64 id,
                            const char *name,
                            const char *address,
                            GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "UPDATE tokens SET client_name = ?2, client_address = ?3 WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, address, -1, SQLITE_TRANSIENT);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_client_known (KbcStore *self,
                        gint64 user_id,
                        const char *name,
                        const char *address,
                        gboolean *known,
                        GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT 1 FROM sign_in_clients WHERE user_id = ?1 AND name = ?2 AND address = ?3");
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, name != NULL ? name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, address != NULL ? address : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, "SQLite");

  *known = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
kbc_store_client_any (KbcStore *self, gint64 user_id, gboolean *any, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT EXISTS (SELECT 1 FROM sign_in_clients WHERE user_id = ?1)");
  int rc;

  sqlite3_bind_int64 (stmt, 1, user_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return set_sqlite_error (error, self->db, rc, "SQLite");

  *any = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

gboolean
kbc_store_client_record (KbcStore *self,
                         gint64 user_id,
                         const char *name,
                         const char *address,
                         gint64 now,
                         gboolean *first_time,
                         GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "INSERT INTO sign_in_clients (user_id, name, address, first_seen, last_seen)"
            " VALUES (?1, ?2, ?3, ?4, ?4)"
            " ON CONFLICT (user_id, name, address) DO UPDATE SET last_seen = excluded.last_seen");
  gboolean known = FALSE;

  if (!kbc_store_client_known (self, user_id, name, address, &known, error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, name != NULL ? name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, address != NULL ? address : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!kbc_store_run (self, stmt, error))
    return FALSE;

  if (first_time != NULL)
    *first_time = !known;
  return TRUE;
}

gboolean
kbc_store_sessions_revoke_others (KbcStore *self, gint64 user_id, gint64 keep_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self,
      "DELETE FROM tokens WHERE user_id = ?1 AND type = '" KBC_TOKEN_TYPE_SESSION "' AND id <> ?2");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, keep_id);
  return kbc_store_run (self, stmt, error);
}

/* ---- failures ---- */

gint64
kbc_store_failure_add (KbcStore *self,
                       const char *key,
                       const char *address,
                       gint64 now,
                       GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "INSERT INTO login_failures (email, address, at) VALUES (lower(?1), ?2, ?3)");
  g_autoptr (KbcStmt) prune = kbc_store_stmt (self, "DELETE FROM login_failures WHERE at < ?1");

  /* Old entries matter to nobody; two days keep the table small. */
  sqlite3_bind_int64 (prune, 1, now - 2 * 24 * 3600);
  if (!kbc_store_run (self, prune, error))
    return 0;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!kbc_store_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
kbc_store_failure_count (KbcStore *self,
                         const char *key,
                         const char *address,
                         gint64 since,
                         guint *count,
                         gint64 *oldest,
                         gint64 *newest,
                         GError **error)
{
  g_autoptr (KbcStmt) any =
      kbc_store_stmt (self, "SELECT count(*), min(at), max(at) FROM login_failures"
                            " WHERE email = lower(?1) AND at >= ?2");
  g_autoptr (KbcStmt) one =
      kbc_store_stmt (self, "SELECT count(*), min(at), max(at) FROM login_failures"
                            " WHERE email = lower(?1) AND address = ?3 AND at >= ?2");
  KbcStmt *stmt = address != NULL ? one : any;
  int rc;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, since);
  if (address != NULL)
    sqlite3_bind_text (stmt, 3, address, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return set_sqlite_error (error, self->db, rc, "SQLite");

  *count = sqlite3_column_int (stmt, 0);
  if (oldest != NULL)
    *oldest = sqlite3_column_int64 (stmt, 1);
  if (newest != NULL)
    *newest = sqlite3_column_int64 (stmt, 2);
  return TRUE;
}

gboolean
kbc_store_failure_remove (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM login_failures WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_failure_clear (KbcStore *self, const char *key, const char *address, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "DELETE FROM login_failures WHERE email = lower(?1) AND address IS ?2");

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
  return kbc_store_run (self, stmt, error);
}

/* ---- security events ---- */

gboolean
kbc_store_event_add (KbcStore *self, gint64 user_id, const char *type, gint64 now, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "INSERT INTO security_events (user_id, type, at) VALUES (?1, ?2, ?3)");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  return kbc_store_run (self, stmt, error);
}

guint
kbc_store_event_count (KbcStore *self, gint64 user_id, const char *type)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT count(*) FROM security_events WHERE user_id = ?1 AND type = ?2");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, type, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int (stmt, 0);
  return 0;
}
