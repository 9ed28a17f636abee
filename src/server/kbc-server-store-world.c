/* kbc-server-store-world.c: maintainers, organizations, projects, their
 * members, limits and metrics, invitations, join requests and promo codes
 * (migration 6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-store.h"

/* Steps an INSERT (or an upsert); a broken reference (a missing parent) is
 * KBC_STORE_ERROR_NOT_FOUND with @missing, a taken unique value
 * KBC_STORE_ERROR_EXISTS with @taken. */
static gboolean
step_insert (KbcStore *self, KbcStmt *stmt, const char *missing, const char *taken, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    return TRUE;

  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY && missing != NULL)
    g_set_error_literal (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND, missing);
  else if ((rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) && taken != NULL)
    g_set_error_literal (error, KBC_STORE_ERROR, KBC_STORE_ERROR_EXISTS, taken);
  else
    kbc_store_fail (self, rc, error);
  return FALSE;
}

/* The same for one new row: its rowid, or 0. */
static gint64
insert_row (KbcStore *self, KbcStmt *stmt, const char *missing, const char *taken, GError **error)
{
  if (!step_insert (self, stmt, missing, taken, error))
    return 0;
  return sqlite3_last_insert_rowid (kbc_store_get_db (self));
}

gint64
kbc_store_maintainer_insert (KbcStore *self, const char *name, gint64 now, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "INSERT INTO maintainers (name, created) VALUES (?1, ?2)");

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  return insert_row (self, stmt, NULL, NULL, error);
}

gint64
kbc_store_organization_insert (KbcStore *self,
                               gint64 maintainer_id,
                               const char *name,
                               gboolean mfa_required,
                               gboolean allow_auto_join,
                               gint64 now,
                               GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "INSERT INTO organizations (maintainer_id, name, mfa_required,"
                            " allow_auto_join, created) VALUES (?1, ?2, ?3, ?4, ?5)");

  sqlite3_bind_int64 (stmt, 1, maintainer_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, mfa_required ? 1 : 0);
  sqlite3_bind_int (stmt, 4, allow_auto_join ? 1 : 0);
  sqlite3_bind_int64 (stmt, 5, now);
  return insert_row (self, stmt, "maintainer: there is no maintainer with this id", NULL, error);
}

gint64
kbc_store_project_insert (KbcStore *self,
                          gint64 organization_id,
                          const char *name,
                          gint64 now,
                          gint64 expires,
                          GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "INSERT INTO projects (organization_id, name, created, expires)"
                            " VALUES (?1, ?2, ?3, ?4)");

  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  if (expires > 0)
    sqlite3_bind_int64 (stmt, 4, expires);
  return insert_row (self, stmt, "organization: there is no organization with this id", NULL,
                     error);
}

gboolean
kbc_store_member_add (KbcStore *self,
                      KbcWorldLevel level,
                      gint64 id,
                      gint64 user_id,
                      const char *role,
                      gint64 now,
                      GError **error)
{
  g_autoptr (KbcStmt) stmt = NULL;
  const char *missing = NULL;

  switch (level)
    {
      case KBC_WORLD_PROJECT:
        /* A member again keeps the membership and takes the new role. */
        stmt =
            kbc_store_stmt (self, "INSERT INTO project_members (project_id, user_id, role, created)"
                                  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (project_id, user_id)"
                                  " DO UPDATE SET role = excluded.role");
        sqlite3_bind_text (stmt, 3, role != NULL ? role : KBC_PROJECT_ROLE_DEFAULT, -1,
                           SQLITE_TRANSIENT);
        missing = "project: there is no project with this id";
        break;
      case KBC_WORLD_ORGANIZATION:
        stmt = kbc_store_stmt (self, "INSERT INTO organization_members (organization_id, user_id,"
                                     " created) VALUES (?1, ?2, ?4) ON CONFLICT DO NOTHING");
        missing = "organization: there is no organization with this id";
        break;
      case KBC_WORLD_MAINTAINER:
        stmt = kbc_store_stmt (self, "INSERT INTO maintainer_members (maintainer_id, user_id,"
                                     " created) VALUES (?1, ?2, ?4) ON CONFLICT DO NOTHING");
        missing = "maintainer: there is no maintainer with this id";
        break;
      default:
        g_assert_not_reached ();
    }

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 4, now);
  return step_insert (self, stmt, missing, NULL, error);
}

gint64
kbc_store_invitation_insert (KbcStore *self, const KbcInvitationRow *row, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "INSERT INTO invitations (project_id, organization_id, maintainer_id, email,"
            " creator_id, role, reason, created, expires)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  const char *missing = NULL;
  int column = 0;

  switch (row->level)
    {
      case KBC_WORLD_PROJECT:
        column = 1;
        missing = "project: there is no project with this id";
        sqlite3_bind_text (stmt, 6, row->role != NULL ? row->role : KBC_PROJECT_ROLE_DEFAULT, -1,
                           SQLITE_TRANSIENT);
        break;
      case KBC_WORLD_ORGANIZATION:
        column = 2;
        missing = "organization: there is no organization with this id";
        break;
      case KBC_WORLD_MAINTAINER:
        column = 3;
        missing = "maintainer: there is no maintainer with this id";
        break;
      default:
        g_assert_not_reached ();
    }

  sqlite3_bind_int64 (stmt, column, row->target_id);
  sqlite3_bind_text (stmt, 4, row->email, -1, SQLITE_TRANSIENT);
  if (row->creator_id > 0)
    sqlite3_bind_int64 (stmt, 5, row->creator_id);
  sqlite3_bind_text (stmt, 7, row->reason != NULL ? row->reason : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, row->created);
  if (row->expires > 0)
    sqlite3_bind_int64 (stmt, 9, row->expires);
  return insert_row (self, stmt, missing, NULL, error);
}

gboolean
kbc_store_promo_insert (KbcStore *self,
                        const char *code,
                        gint64 organization_id,
                        const char *template_name,
                        gint64 expiration_days,
                        gint64 now,
                        GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "INSERT INTO promo_codes (code, organization_id, template,"
                            " expiration_days, created) VALUES (?1, ?2, ?3, ?4, ?5)");

  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, organization_id);
  sqlite3_bind_text (stmt, 3, template_name != NULL ? template_name : "default", -1,
                     SQLITE_TRANSIENT);
  if (expiration_days > 0)
    sqlite3_bind_int64 (stmt, 4, expiration_days);
  sqlite3_bind_int64 (stmt, 5, now);
  return step_insert (self, stmt, "organization: there is no organization with this id",
                      "code: a promo code with this code already exists", error);
}

gboolean
kbc_store_project_set_value (KbcStore *self,
                             gboolean metric,
                             gint64 project_id,
                             const char *name,
                             gint64 value,
                             GError **error)
{
  g_autoptr (KbcStmt) stmt =
      metric ? kbc_store_stmt (self, "INSERT INTO project_metrics (project_id, name, value)"
                                     " VALUES (?1, ?2, ?3) ON CONFLICT (project_id, name)"
                                     " DO UPDATE SET value = excluded.value")
             : kbc_store_stmt (self, "INSERT INTO project_limits (project_id, name, value)"
                                     " VALUES (?1, ?2, ?3) ON CONFLICT (project_id, name)"
                                     " DO UPDATE SET value = excluded.value");

  sqlite3_bind_int64 (stmt, 1, project_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, value);
  return step_insert (self, stmt, "project: there is no project with this id", NULL, error);
}
