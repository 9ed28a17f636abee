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
  sqlite3_bind_text (stmt, 3, template_name != NULL ? template_name : KBC_PROMO_TEMPLATE_DEFAULT,
                     -1, SQLITE_TRANSIENT);
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

/* ---- invitations ---- */

void
kbc_store_invitation_free (KbcStoreInvitation *invitation)
{
  if (invitation == NULL)
    return;
  g_free (invitation->target_name);
  g_free (invitation->email);
  g_free (invitation->creator_name);
  g_free (invitation->creator_email);
  g_free (invitation->role);
  g_free (invitation->reason);
  g_free (invitation);
}

#define INVITATION_SELECT                                                                 \
  "SELECT i.id, i.project_id, i.organization_id, i.maintainer_id,"                        \
  " coalesce (p.name, o.name, m.name), i.email, u.id, u.name, u.email, i.role, i.reason," \
  " i.created, i.expires FROM invitations i"                                              \
  " LEFT JOIN projects p ON p.id = i.project_id"                                          \
  " LEFT JOIN organizations o ON o.id = i.organization_id"                                \
  " LEFT JOIN maintainers m ON m.id = i.maintainer_id"                                    \
  " LEFT JOIN users u ON u.id = i.creator_id "

static KbcStoreInvitation *
read_invitation (KbcStmt *stmt)
{
  KbcStoreInvitation *invitation = g_new0 (KbcStoreInvitation, 1);

  invitation->id = sqlite3_column_int64 (stmt, 0);
  if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    {
      invitation->level = KBC_WORLD_PROJECT;
      invitation->target_id = sqlite3_column_int64 (stmt, 1);
    }
  else if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    {
      invitation->level = KBC_WORLD_ORGANIZATION;
      invitation->target_id = sqlite3_column_int64 (stmt, 2);
    }
  else
    {
      invitation->level = KBC_WORLD_MAINTAINER;
      invitation->target_id = sqlite3_column_int64 (stmt, 3);
    }
  invitation->target_name = kbc_stmt_dup_text (stmt, 4);
  invitation->email = kbc_stmt_dup_text (stmt, 5);
  invitation->creator_id = sqlite3_column_int64 (stmt, 6);
  invitation->creator_name = kbc_stmt_dup_text (stmt, 7);
  invitation->creator_email = kbc_stmt_dup_text (stmt, 8);
  invitation->role = kbc_stmt_dup_text (stmt, 9);
  invitation->reason = kbc_stmt_dup_text (stmt, 10);
  invitation->created = sqlite3_column_int64 (stmt, 11);
  invitation->expires = sqlite3_column_int64 (stmt, 12);
  return invitation;
}

GPtrArray *
kbc_store_invitations_for (KbcStore *self,
                           const char *email,
                           KbcWorldLevel level,
                           gint64 now,
                           GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, INVITATION_SELECT "WHERE i.email = ?1 COLLATE NOCASE"
                              " AND (i.expires IS NULL OR i.expires > ?2)"
                              " AND (CASE ?3 WHEN 0 THEN i.project_id WHEN 1 THEN i.organization_id"
                              " ELSE i.maintainer_id END) IS NOT NULL"
                              " ORDER BY i.created DESC, i.id DESC");
  g_autoptr (GPtrArray) list =
      g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_store_invitation_free);
  int rc;

  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int (stmt, 3, level);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_invitation (stmt));
  if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

KbcStoreInvitation *
kbc_store_invitation_by_id (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, INVITATION_SELECT "WHERE i.id = ?1");
  int rc;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return read_invitation (stmt);
  if (rc != SQLITE_DONE)
    kbc_store_fail (self, rc, error);
  return NULL;
}

gboolean
kbc_store_invitation_delete (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM invitations WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  if (!kbc_store_run (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (kbc_store_get_db (self)) == 0)
    {
      g_set_error_literal (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND,
                           "the invitation is gone");
      return FALSE;
    }
  return TRUE;
}

gboolean
kbc_store_project_mfa_required (KbcStore *self, gint64 project_id)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT o.mfa_required FROM projects p JOIN organizations o"
                            " ON o.id = p.organization_id WHERE p.id = ?1");

  sqlite3_bind_int64 (stmt, 1, project_id);
  return sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
}

/* ---- reading the world ---- */

void
kbc_store_organization_free (KbcStoreOrganization *organization)
{
  if (organization == NULL)
    return;
  g_free (organization->name);
  g_free (organization->crm_id);
  g_free (organization);
}

void
kbc_store_maintainer_free (KbcStoreMaintainer *maintainer)
{
  if (maintainer == NULL)
    return;
  g_free (maintainer->name);
  g_free (maintainer);
}

void
kbc_store_project_free (KbcStoreProject *project)
{
  if (project == NULL)
    return;
  g_free (project->name);
  g_free (project->type);
  g_free (project->region);
  g_free (project->default_backend);
  g_free (project);
}

void
kbc_named_value_free (KbcNamedValue *value)
{
  if (value == NULL)
    return;
  g_free (value->name);
  g_free (value);
}

typedef gpointer (*ReadRow) (KbcStmt *stmt);

/* Every row of @stmt through @read; NULL on an error. */
static GPtrArray *
read_all (KbcStore *self, KbcStmt *stmt, ReadRow read, GDestroyNotify free_row, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (free_row);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read (stmt));
  if (rc != SQLITE_DONE)
    {
      kbc_store_fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* The one row of @stmt, or NULL (with @error set only on a failure). */
static gpointer
read_one (KbcStore *self, KbcStmt *stmt, ReadRow read, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return read (stmt);
  if (rc != SQLITE_DONE)
    kbc_store_fail (self, rc, error);
  return NULL;
}

#define ORGANIZATION_COLUMNS \
  "o.id, o.maintainer_id, o.name, o.allow_auto_join, o.mfa_required, o.crm_id, o.created"

static gpointer
read_organization (KbcStmt *stmt)
{
  KbcStoreOrganization *organization = g_new0 (KbcStoreOrganization, 1);

  organization->id = sqlite3_column_int64 (stmt, 0);
  organization->maintainer_id = sqlite3_column_int64 (stmt, 1);
  organization->name = kbc_stmt_dup_text (stmt, 2);
  organization->allow_auto_join = sqlite3_column_int (stmt, 3) != 0;
  organization->mfa_required = sqlite3_column_int (stmt, 4) != 0;
  organization->crm_id = kbc_stmt_dup_text (stmt, 5);
  organization->created = sqlite3_column_int64 (stmt, 6);
  return organization;
}

KbcStoreOrganization *
kbc_store_organization_by_id (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " ORGANIZATION_COLUMNS " FROM organizations o WHERE o.id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  return read_one (self, stmt, read_organization, error);
}

GPtrArray *
kbc_store_organizations_of_user (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT " ORGANIZATION_COLUMNS " FROM organizations o JOIN organization_members m"
            " ON m.organization_id = o.id WHERE m.user_id = ?1 ORDER BY o.name, o.id");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return read_all (self, stmt, read_organization, (GDestroyNotify) kbc_store_organization_free,
                   error);
}

GPtrArray *
kbc_store_organizations_of_maintainer (KbcStore *self, gint64 maintainer_id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " ORGANIZATION_COLUMNS " FROM organizations o"
                            " WHERE o.maintainer_id = ?1 ORDER BY o.name, o.id");

  sqlite3_bind_int64 (stmt, 1, maintainer_id);
  return read_all (self, stmt, read_organization, (GDestroyNotify) kbc_store_organization_free,
                   error);
}

static gpointer
read_maintainer (KbcStmt *stmt)
{
  KbcStoreMaintainer *maintainer = g_new0 (KbcStoreMaintainer, 1);

  maintainer->id = sqlite3_column_int64 (stmt, 0);
  maintainer->name = kbc_stmt_dup_text (stmt, 1);
  maintainer->created = sqlite3_column_int64 (stmt, 2);
  return maintainer;
}

KbcStoreMaintainer *
kbc_store_maintainer_by_id (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT id, name, created FROM maintainers WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  return read_one (self, stmt, read_maintainer, error);
}

GPtrArray *
kbc_store_maintainers_of_user (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT m.id, m.name, m.created FROM maintainers m"
                            " JOIN maintainer_members mm ON mm.maintainer_id = m.id"
                            " WHERE mm.user_id = ?1 ORDER BY m.name, m.id");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return read_all (self, stmt, read_maintainer, (GDestroyNotify) kbc_store_maintainer_free, error);
}

#define PROJECT_COLUMNS                                                              \
  "p.id, p.organization_id, p.name, p.type, p.region, p.default_backend, p.created," \
  " p.expires, p.is_disabled, p.data_size_bytes, p.rows_count"

static gpointer
read_project (KbcStmt *stmt)
{
  KbcStoreProject *project = g_new0 (KbcStoreProject, 1);

  project->id = sqlite3_column_int64 (stmt, 0);
  project->organization_id = sqlite3_column_int64 (stmt, 1);
  project->name = kbc_stmt_dup_text (stmt, 2);
  project->type = kbc_stmt_dup_text (stmt, 3);
  project->region = kbc_stmt_dup_text (stmt, 4);
  project->default_backend = kbc_stmt_dup_text (stmt, 5);
  project->created = sqlite3_column_int64 (stmt, 6);
  project->expires = sqlite3_column_int64 (stmt, 7);
  project->is_disabled = sqlite3_column_int (stmt, 8) != 0;
  project->data_size_bytes = sqlite3_column_int64 (stmt, 9);
  project->rows_count = sqlite3_column_int64 (stmt, 10);
  return project;
}

KbcStoreProject *
kbc_store_project_by_id (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " PROJECT_COLUMNS " FROM projects p WHERE p.id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  return read_one (self, stmt, read_project, error);
}

GPtrArray *
kbc_store_projects_of_organization (KbcStore *self, gint64 organization_id, GError **error)
{
  g_autoptr (KbcStmt) stmt =
      kbc_store_stmt (self, "SELECT " PROJECT_COLUMNS " FROM projects p"
                            " WHERE p.organization_id = ?1 ORDER BY p.name, p.id");

  sqlite3_bind_int64 (stmt, 1, organization_id);
  return read_all (self, stmt, read_project, (GDestroyNotify) kbc_store_project_free, error);
}

static gpointer
read_named_value (KbcStmt *stmt)
{
  KbcNamedValue *value = g_new0 (KbcNamedValue, 1);

  value->name = kbc_stmt_dup_text (stmt, 0);
  value->value = sqlite3_column_int64 (stmt, 1);
  return value;
}

GPtrArray *
kbc_store_project_values (KbcStore *self, gboolean metric, gint64 project_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = metric
                                 ? kbc_store_stmt (self, "SELECT name, value FROM project_metrics"
                                                         " WHERE project_id = ?1 ORDER BY name")
                                 : kbc_store_stmt (self, "SELECT name, value FROM project_limits"
                                                         " WHERE project_id = ?1 ORDER BY name");

  sqlite3_bind_int64 (stmt, 1, project_id);
  return read_all (self, stmt, read_named_value, (GDestroyNotify) kbc_named_value_free, error);
}

gboolean
kbc_store_is_member (KbcStore *self, KbcWorldLevel level, gint64 id, gint64 user_id)
{
  g_autoptr (KbcStmt) stmt = NULL;

  switch (level)
    {
      case KBC_WORLD_PROJECT:
        stmt = kbc_store_stmt (self, "SELECT 1 FROM project_members"
                                     " WHERE project_id = ?1 AND user_id = ?2");
        break;
      case KBC_WORLD_ORGANIZATION:
        stmt = kbc_store_stmt (self, "SELECT 1 FROM organization_members"
                                     " WHERE organization_id = ?1 AND user_id = ?2");
        break;
      case KBC_WORLD_MAINTAINER:
        stmt = kbc_store_stmt (self, "SELECT 1 FROM maintainer_members"
                                     " WHERE maintainer_id = ?1 AND user_id = ?2");
        break;
      default:
        g_assert_not_reached ();
    }

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* ---- promo codes ---- */

void
kbc_promo_free (KbcPromo *promo)
{
  if (promo == NULL)
    return;
  g_free (promo->code);
  g_free (promo->template_name);
  g_free (promo->project_name);
  g_free (promo);
}

static gpointer
read_promo (KbcStmt *stmt)
{
  KbcPromo *promo = g_new0 (KbcPromo, 1);

  promo->code = kbc_stmt_dup_text (stmt, 0);
  promo->organization_id = sqlite3_column_int64 (stmt, 1);
  promo->template_name = kbc_stmt_dup_text (stmt, 2);
  promo->expiration_days = sqlite3_column_int64 (stmt, 3);
  promo->used_by = sqlite3_column_int64 (stmt, 4);
  promo->used_at = sqlite3_column_int64 (stmt, 5);
  promo->project_id = sqlite3_column_int64 (stmt, 6);
  promo->project_name = kbc_stmt_dup_text (stmt, 7);
  return promo;
}

#define PROMO_SELECT                                                                       \
  "SELECT c.code, c.organization_id, c.template, c.expiration_days, c.used_by, c.used_at," \
  " c.project_id, p.name FROM promo_codes c LEFT JOIN projects p ON p.id = c.project_id "

KbcPromo *
kbc_store_promo_by_code (KbcStore *self, const char *code, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, PROMO_SELECT "WHERE c.code = ?1");

  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  return read_one (self, stmt, read_promo, error);
}

GPtrArray *
kbc_store_promos_used_by (KbcStore *self, gint64 user_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, PROMO_SELECT "WHERE c.used_by = ?1 ORDER BY c.used_at DESC, c.rowid DESC");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return read_all (self, stmt, read_promo, (GDestroyNotify) kbc_promo_free, error);
}

gint64
kbc_store_promo_redeem (KbcStore *self,
                        const KbcPromo *promo,
                        gint64 user_id,
                        const char *project_name,
                        gint64 now,
                        GError **error)
{
  g_autoptr (KbcStmt) claim = NULL;
  g_autoptr (KbcStmt) type = NULL;
  g_autoptr (KbcStmt) link = NULL;
  gint64 project_id;

  if (!kbc_store_begin (self, error))
    return 0;

  /* The claim first: of two redemptions at once, the second changes no row. */
  claim = kbc_store_stmt (self, "UPDATE promo_codes SET used_by = ?2, used_at = ?3"
                                " WHERE code = ?1 AND used_by IS NULL");
  sqlite3_bind_text (claim, 1, promo->code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (claim, 2, user_id);
  sqlite3_bind_int64 (claim, 3, now);
  if (!kbc_store_run (self, claim, error))
    goto fail;
  if (sqlite3_changes (kbc_store_get_db (self)) == 0)
    {
      g_set_error_literal (error, KBC_STORE_ERROR, KBC_STORE_ERROR_EXISTS,
                           "the promo code is already used");
      goto fail;
    }

  project_id = kbc_store_project_insert (
      self, promo->organization_id, project_name, now,
      promo->expiration_days > 0 ? now + promo->expiration_days * 24 * 3600 : 0, error);
  if (project_id == 0)
    goto fail;
  type = kbc_store_stmt (self, "UPDATE projects SET type = ?2 WHERE id = ?1");
  sqlite3_bind_int64 (type, 1, project_id);
  sqlite3_bind_text (type, 2, promo->template_name, -1, SQLITE_TRANSIENT);
  if (!kbc_store_run (self, type, error))
    goto fail;
  if (!kbc_store_member_add (self, KBC_WORLD_PROJECT, project_id, user_id, "admin", now, error))
    goto fail;
  link = kbc_store_stmt (self, "UPDATE promo_codes SET project_id = ?2 WHERE code = ?1");
  sqlite3_bind_text (link, 1, promo->code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (link, 2, project_id);
  if (!kbc_store_run (self, link, error) || !kbc_store_commit (self, error))
    goto fail;
  return project_id;

fail:
  kbc_store_rollback (self);
  return 0;
}

/* ---- join requests ---- */

void
kbc_store_join_request_free (KbcStoreJoinRequest *join_request)
{
  if (join_request == NULL)
    return;
  g_free (join_request->project_name);
  g_free (join_request->reason);
  g_free (join_request);
}

static gpointer
read_join_request (KbcStmt *stmt)
{
  KbcStoreJoinRequest *join_request = g_new0 (KbcStoreJoinRequest, 1);

  join_request->id = sqlite3_column_int64 (stmt, 0);
  join_request->user_id = sqlite3_column_int64 (stmt, 1);
  join_request->project_id = sqlite3_column_int64 (stmt, 2);
  join_request->project_name = kbc_stmt_dup_text (stmt, 3);
  join_request->reason = kbc_stmt_dup_text (stmt, 4);
  join_request->created = sqlite3_column_int64 (stmt, 5);
  join_request->expires = sqlite3_column_int64 (stmt, 6);
  return join_request;
}

#define JOIN_REQUEST_SELECT                                                      \
  "SELECT j.id, j.user_id, j.project_id, p.name, j.reason, j.created, j.expires" \
  " FROM join_requests j JOIN projects p ON p.id = j.project_id "

GPtrArray *
kbc_store_join_requests_of_user (KbcStore *self, gint64 user_id, gint64 now, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, JOIN_REQUEST_SELECT "WHERE j.user_id = ?1 AND (j.expires IS NULL OR j.expires > ?2)"
                                " ORDER BY j.created DESC, j.id DESC");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, now);
  return read_all (self, stmt, read_join_request, (GDestroyNotify) kbc_store_join_request_free,
                   error);
}

KbcStoreJoinRequest *
kbc_store_join_request_by_id (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, JOIN_REQUEST_SELECT "WHERE j.id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  return read_one (self, stmt, read_join_request, error);
}

gboolean
kbc_store_join_request_delete (KbcStore *self, gint64 id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (self, "DELETE FROM join_requests WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, id);
  return kbc_store_run (self, stmt, error);
}

gboolean
kbc_store_project_value (KbcStore *self,
                         gboolean metric,
                         gint64 project_id,
                         const char *name,
                         gint64 *value)
{
  g_autoptr (KbcStmt) stmt = metric ? kbc_store_stmt (self, "SELECT value FROM project_metrics"
                                                            " WHERE project_id = ?1 AND name = ?2")
                                    : kbc_store_stmt (self, "SELECT value FROM project_limits"
                                                            " WHERE project_id = ?1 AND name = ?2");

  sqlite3_bind_int64 (stmt, 1, project_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

GArray *
kbc_store_project_member_ids (KbcStore *self, gint64 project_id, GError **error)
{
  g_autoptr (KbcStmt) stmt = kbc_store_stmt (
      self, "SELECT user_id FROM project_members WHERE project_id = ?1 ORDER BY user_id");
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  sqlite3_bind_int64 (stmt, 1, project_id);
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
