/* kbc-server-world.c: invitations (project, organization, maintainer) of the
 * current user, and accepting or declining them; organizations, maintainers
 * and projects as their members see them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-world.h"

#include "kbc-server-auth.h"
#include "kbc-server-mfa.h"

#include <string.h>

#define INVITATION_NOT_FOUND "Invitation not found"

/* The id of the path's first {} segment; 0 when it is not one. */
static gint64
param_id (KbcRequest *request)
{
  const char *param = kbc_request_param (request, 0);
  guint64 id = 0;

  if (param != NULL && strlen (param) <= 18 && g_ascii_isdigit (param[0]) &&
      g_ascii_string_to_unsigned (param, 10, 1, G_MAXINT64, &id, NULL))
    return (gint64) id;
  return 0;
}

static void
add_ref (JsonBuilder *builder, const char *member, gint64 id, const char *name)
{
  if (member != NULL)
    json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
}

static const char *const level_members[] = { "project", "organization", "maintainer" };

/* A project invitation: {id, created, expires, reason, role, project,
 * creator}; an organization's or a maintainer's: {id, created,
 * organization|maintainer, creator}. The creator is null when the operator
 * invited. */
static void
add_invitation (JsonBuilder *builder, const KbcStoreInvitation *invitation)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, invitation->id);
  kbc_json_add_time (builder, "created", invitation->created);
  if (invitation->level == KBC_WORLD_PROJECT)
    {
      kbc_json_add_time (builder, "expires", invitation->expires);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, invitation->reason);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, invitation->role);
    }
  add_ref (builder, level_members[invitation->level], invitation->target_id,
           invitation->target_name);
  json_builder_set_member_name (builder, "creator");
  if (invitation->creator_id == 0)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, invitation->creator_id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, invitation->creator_name);
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, invitation->creator_email);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

static void
list_invitations (KbcRequest *request, KbcWorldLevel level)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;

  list = kbc_store_invitations_for (request->server->store, request->user->email, level,
                                    request->now, &error);
  if (list == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    add_invitation (builder, list->pdata[i]);
  json_builder_end_array (builder);
  kbc_request_reply_builder (request, 200, builder);
}

/* The caller's own pending invitation of @level named by the path; NULL
 * after answering 404 when there is none (another user's, expired, of
 * another level). */
static KbcStoreInvitation *
find_own_invitation (KbcRequest *request, KbcWorldLevel level)
{
  g_autoptr (KbcStoreInvitation) invitation = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = param_id (request);

  if (id != 0)
    invitation = kbc_store_invitation_by_id (request->server->store, id, &error);
  if (error != NULL)
    {
      kbc_request_reply_internal (request, error);
      return NULL;
    }
  if (invitation == NULL || invitation->level != level ||
      g_ascii_strcasecmp (invitation->email, request->user->email) != 0 ||
      (invitation->expires != 0 && invitation->expires <= request->now))
    {
      kbc_request_reply_error (request, 404, "notFound", INVITATION_NOT_FOUND, NULL);
      return NULL;
    }
  return g_steal_pointer (&invitation);
}

static void
get_invitation (KbcRequest *request, KbcWorldLevel level)
{
  g_autoptr (KbcStoreInvitation) invitation = find_own_invitation (request, level);
  g_autoptr (JsonBuilder) builder = NULL;

  if (invitation == NULL)
    return;
  builder = json_builder_new ();
  add_invitation (builder, invitation);
  kbc_request_reply_builder (request, 200, builder);
}

/* Accepting: the membership and the invitation's end in one transaction, so
 * two accepts at once make one membership and one 202 (the other finds the
 * invitation gone: 404). */
static void
accept_invitation (KbcRequest *request, KbcWorldLevel level)
{
  g_autoptr (KbcStoreInvitation) invitation = find_own_invitation (request, level);
  g_autoptr (GError) error = NULL;
  KbcStore *store;

  /* Answered and freed: nothing of the request is left to read. */
  if (invitation == NULL)
    return;
  store = request->server->store;

  if (level == KBC_WORLD_PROJECT && kbc_store_project_mfa_required (store, invitation->target_id) &&
      !kbc_mfa_is_enabled (store, request->user->id))
    {
      kbc_request_reply_error (request, 400, "mfaRequired", KBC_MFA_REQUIRED_MESSAGE, NULL);
      return;
    }

  if (!kbc_store_begin (store, &error) ||
      !kbc_store_invitation_delete (store, invitation->id, &error) ||
      !kbc_store_member_add (store, level, invitation->target_id, request->user->id,
                             invitation->role, request->now, &error) ||
      !kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      if (g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND))
        kbc_request_reply_error (request, 404, "notFound", INVITATION_NOT_FOUND, NULL);
      else
        kbc_request_reply_internal (request, error);
      return;
    }

  kbc_request_reply_empty (request, 202);
}

static void
decline_invitation (KbcRequest *request, KbcWorldLevel level)
{
  g_autoptr (KbcStoreInvitation) invitation = find_own_invitation (request, level);
  g_autoptr (GError) error = NULL;

  if (invitation == NULL)
    return;

  if (!kbc_store_invitation_delete (request->server->store, invitation->id, &error) &&
      !g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND))
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  kbc_request_reply_empty (request, 204);
}

#define LEVEL_HANDLERS(prefix, level)                \
  static void prefix##_list (KbcRequest *request)    \
  {                                                  \
    list_invitations (request, level);               \
  }                                                  \
  static void prefix##_get (KbcRequest *request)     \
  {                                                  \
    get_invitation (request, level);                 \
  }                                                  \
  static void prefix##_accept (KbcRequest *request)  \
  {                                                  \
    accept_invitation (request, level);              \
  }                                                  \
  static void prefix##_decline (KbcRequest *request) \
  {                                                  \
    decline_invitation (request, level);             \
  }

LEVEL_HANDLERS (project_invitations, KBC_WORLD_PROJECT)
LEVEL_HANDLERS (organization_invitations, KBC_WORLD_ORGANIZATION)
LEVEL_HANDLERS (maintainer_invitations, KBC_WORLD_MAINTAINER)

/* ---- organizations, maintainers, projects ---- */

/* Answers 404 when @found is FALSE (nothing has that id), 403 when the
 * caller may not see it; TRUE when neither. @what: "organization", … */
static gboolean
check_access (KbcRequest *request, gboolean found, gboolean allowed, const char *what)
{
  if (!found)
    {
      g_autofree char *message =
          g_strdup_printf ("%c%s not found", g_ascii_toupper (what[0]), what + 1);
      kbc_request_reply_error (request, 404, "notFound", message, NULL);
      return FALSE;
    }
  if (!allowed)
    {
      g_autofree char *message = g_strdup_printf ("You don't have access to the %s", what);
      kbc_request_reply_error (request, 403, "accessDenied", message, NULL);
      return FALSE;
    }
  return TRUE;
}

/* The organization object: {id, name, created, allowAutoJoin, mfaRequired,
 * crmId, activityCenterProjectId} and, with @projects, its projects
 * [{id, name, created}]. */
static void
add_organization (JsonBuilder *builder,
                  const KbcStoreOrganization *organization,
                  GPtrArray *projects)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, organization->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, organization->name);
  kbc_json_add_time (builder, "created", organization->created);
  json_builder_set_member_name (builder, "allowAutoJoin");
  json_builder_add_boolean_value (builder, organization->allow_auto_join);
  json_builder_set_member_name (builder, "mfaRequired");
  json_builder_add_boolean_value (builder, organization->mfa_required);
  json_builder_set_member_name (builder, "crmId");
  json_builder_add_string_value (builder, organization->crm_id != NULL ? organization->crm_id : "");
  json_builder_set_member_name (builder, "activityCenterProjectId");
  json_builder_add_null_value (builder);
  if (projects != NULL)
    {
      json_builder_set_member_name (builder, "projects");
      json_builder_begin_array (builder);
      for (guint i = 0; i < projects->len; i++)
        {
          const KbcStoreProject *project = projects->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, project->id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, project->name);
          kbc_json_add_time (builder, "created", project->created);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

static void
add_maintainer (JsonBuilder *builder, const KbcStoreMaintainer *maintainer)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, maintainer->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, maintainer->name);
  kbc_json_add_time (builder, "created", maintainer->created);
  json_builder_end_object (builder);
}

static gboolean
add_values (JsonBuilder *builder,
            KbcStore *store,
            gboolean metric,
            gint64 project_id,
            GError **error)
{
  g_autoptr (GPtrArray) values = kbc_store_project_values (store, metric, project_id, error);

  if (values == NULL)
    return FALSE;
  json_builder_set_member_name (builder, metric ? "metrics" : "limits");
  json_builder_begin_object (builder);
  for (guint i = 0; i < values->len; i++)
    {
      const KbcNamedValue *value = values->pdata[i];

      json_builder_set_member_name (builder, value->name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, value->name);
      json_builder_set_member_name (builder, "value");
      json_builder_add_int_value (builder, value->value);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  return TRUE;
}

/* The reference's project shape, with its organization, limits and
 * metrics. */
gboolean
kbc_server_add_project (JsonBuilder *builder,
                        KbcStore *store,
                        const KbcStoreProject *project,
                        GError **error)
{
  g_autoptr (KbcStoreOrganization) organization = NULL;
  const char *backend = project->default_backend;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, project->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, project->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, project->type);
  json_builder_set_member_name (builder, "region");
  json_builder_add_string_value (builder, project->region);
  kbc_json_add_time (builder, "created", project->created);
  kbc_json_add_time (builder, "expires", project->expires);
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "dataSizeBytes");
  json_builder_add_int_value (builder, project->data_size_bytes);
  json_builder_set_member_name (builder, "rowsCount");
  json_builder_add_int_value (builder, project->rows_count);
  json_builder_set_member_name (builder, "hasMysql");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "hasRedshift");
  json_builder_add_boolean_value (builder, g_str_equal (backend, "redshift"));
  json_builder_set_member_name (builder, "hasSnowflake");
  json_builder_add_boolean_value (builder, g_str_equal (backend, "snowflake"));
  json_builder_set_member_name (builder, "hasSynapse");
  json_builder_add_boolean_value (builder, g_str_equal (backend, "synapse"));
  json_builder_set_member_name (builder, "hasExasol");
  json_builder_add_boolean_value (builder, g_str_equal (backend, "exasol"));
  json_builder_set_member_name (builder, "hasTeradata");
  json_builder_add_boolean_value (builder, g_str_equal (backend, "teradata"));
  json_builder_set_member_name (builder, "defaultBackend");
  json_builder_add_string_value (builder, backend);
  if (!add_values (builder, store, FALSE, project->id, error) ||
      !add_values (builder, store, TRUE, project->id, error))
    return FALSE;
  json_builder_set_member_name (builder, "isDisabled");
  json_builder_add_boolean_value (builder, project->is_disabled);

  organization = kbc_store_organization_by_id (store, project->organization_id, error);
  if (organization == NULL && error != NULL && *error != NULL)
    return FALSE;
  json_builder_set_member_name (builder, "organization");
  if (organization == NULL)
    json_builder_add_null_value (builder);
  else
    add_organization (builder, organization, NULL);
  json_builder_end_object (builder);
  return TRUE;
}

/* The organization of the path if the caller may see it: a member of it
 * or of its maintainer. NULL after answering otherwise. */
static KbcStoreOrganization *
find_organization (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcStoreOrganization) organization = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = param_id (request);
  gint64 user_id = request->user->id;

  if (id != 0)
    organization = kbc_store_organization_by_id (store, id, &error);
  if (error != NULL)
    {
      kbc_request_reply_internal (request, error);
      return NULL;
    }
  if (!check_access (request, organization != NULL,
                     organization != NULL &&
                         (kbc_store_is_member (store, KBC_WORLD_ORGANIZATION, id, user_id) ||
                          kbc_store_is_member (store, KBC_WORLD_MAINTAINER,
                                               organization->maintainer_id, user_id)),
                     "organization"))
    return NULL;
  return g_steal_pointer (&organization);
}

static void
get_organization (KbcRequest *request)
{
  g_autoptr (KbcStoreOrganization) organization = find_organization (request);
  g_autoptr (GPtrArray) projects = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;

  if (organization == NULL)
    return;
  projects = kbc_store_projects_of_organization (request->server->store, organization->id, &error);
  if (projects == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  builder = json_builder_new ();
  add_organization (builder, organization, projects);
  kbc_request_reply_builder (request, 200, builder);
}

static void
reply_projects (KbcRequest *request, GPtrArray *projects)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < projects->len; i++)
    if (!kbc_server_add_project (builder, request->server->store, projects->pdata[i], &error))
      {
        kbc_request_reply_internal (request, error);
        return;
      }
  json_builder_end_array (builder);
  kbc_request_reply_builder (request, 200, builder);
}

static void
get_organization_projects (KbcRequest *request)
{
  g_autoptr (KbcStoreOrganization) organization = find_organization (request);
  g_autoptr (GPtrArray) projects = NULL;
  g_autoptr (GError) error = NULL;

  if (organization == NULL)
    return;
  projects = kbc_store_projects_of_organization (request->server->store, organization->id, &error);
  if (projects == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  reply_projects (request, projects);
}

static void
list_organizations (KbcRequest *request)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;

  list = kbc_store_organizations_of_user (request->server->store, request->user->id, &error);
  if (list == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    add_organization (builder, list->pdata[i], NULL);
  json_builder_end_array (builder);
  kbc_request_reply_builder (request, 200, builder);
}

static void
list_maintainers (KbcRequest *request)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;

  list = kbc_store_maintainers_of_user (request->server->store, request->user->id, &error);
  if (list == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    add_maintainer (builder, list->pdata[i]);
  json_builder_end_array (builder);
  kbc_request_reply_builder (request, 200, builder);
}

/* The maintainer of the path if the caller is its member. */
static KbcStoreMaintainer *
find_maintainer (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcStoreMaintainer) maintainer = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = param_id (request);

  if (id != 0)
    maintainer = kbc_store_maintainer_by_id (store, id, &error);
  if (error != NULL)
    {
      kbc_request_reply_internal (request, error);
      return NULL;
    }
  if (!check_access (request, maintainer != NULL,
                     kbc_store_is_member (store, KBC_WORLD_MAINTAINER, id, request->user->id),
                     "maintainer"))
    return NULL;
  return g_steal_pointer (&maintainer);
}

static void
get_maintainer (KbcRequest *request)
{
  g_autoptr (KbcStoreMaintainer) maintainer = find_maintainer (request);
  g_autoptr (JsonBuilder) builder = NULL;

  if (maintainer == NULL)
    return;
  builder = json_builder_new ();
  add_maintainer (builder, maintainer);
  kbc_request_reply_builder (request, 200, builder);
}

static void
get_maintainer_organizations (KbcRequest *request)
{
  g_autoptr (KbcStoreMaintainer) maintainer = find_maintainer (request);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;

  if (maintainer == NULL)
    return;
  list = kbc_store_organizations_of_maintainer (request->server->store, maintainer->id, &error);
  if (list == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    add_organization (builder, list->pdata[i], NULL);
  json_builder_end_array (builder);
  kbc_request_reply_builder (request, 200, builder);
}

/* A project: to its members only. */
static void
get_project (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcStoreProject) project = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = param_id (request);

  if (id != 0)
    project = kbc_store_project_by_id (store, id, &error);
  if (error != NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  if (!check_access (request, project != NULL,
                     kbc_store_is_member (store, KBC_WORLD_PROJECT, id, request->user->id),
                     "project"))
    return;

  builder = json_builder_new ();
  if (!kbc_server_add_project (builder, store, project, &error))
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  kbc_request_reply_builder (request, 200, builder);
}

/* ---- promo codes ---- */

#define MAX_PROMO_CODE_BYTES 64

static void
list_promo_codes (KbcRequest *request)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;

  list = kbc_store_promos_used_by (request->server->store, request->user->id, &error);
  if (list == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    {
      const KbcPromo *promo = list->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, promo->code);
      kbc_json_add_time (builder, "usedAt", promo->used_at);
      json_builder_set_member_name (builder, "project");
      if (promo->project_id == 0)
        json_builder_add_null_value (builder);
      else
        add_ref (builder, NULL, promo->project_id, promo->project_name);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  kbc_request_reply_builder (request, 200, builder);
}

/* POST {"code"}: a new project in the code's organization, named
 * "<user name> (<code>)", the user its admin. Only a member of that
 * organization may redeem it; each code once. */
static void
redeem_promo_code (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcFieldErrors) fields = kbc_field_errors_new ();
  g_autoptr (KbcPromo) promo = NULL;
  g_autoptr (KbcStoreProject) project = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;
  g_autofree char *failure_key = NULL;
  const char *code;
  gint64 project_id;

  code = kbc_request_require_string (request, fields, "code", MAX_PROMO_CODE_BYTES);
  if (fields->len > 0)
    {
      kbc_request_reply_invalid (request, fields);
      return;
    }

  /* Guessing codes is limited as guessing passwords is: the wrong codes a
   * user sent are counted with the sign-in failures, under a key that is no
   * email. */
  failure_key = g_strdup_printf ("promo-code:%" G_GINT64_FORMAT, request->user->id);
  if (!kbc_auth_check_begin (request, failure_key))
    return;

  promo = kbc_store_promo_by_code (store, code, &error);
  if (error != NULL)
    {
      kbc_auth_check_cancel (request);
      kbc_request_reply_internal (request, error);
      return;
    }
  if (promo == NULL)
    {
      kbc_auth_check_failed (request);
      /* Keboola's words, its spelling included. */
      message = g_strdup_printf ("Promo Code %s doen't exists", code);
      kbc_request_reply_error (request, 400, "promoCodeNotFound", message, NULL);
      return;
    }
  if (promo->used_by != 0)
    {
      kbc_auth_check_cancel (request);
      message = g_strdup_printf ("Promo code %s is already used.", code);
      kbc_request_reply_error (request, 400, "promoCodeUsed", message, NULL);
      return;
    }
  if (!kbc_store_is_member (store, KBC_WORLD_ORGANIZATION, promo->organization_id,
                            request->user->id))
    {
      kbc_auth_check_cancel (request);
      kbc_request_reply_error (request, 400, "organizationMemberRequired",
                               "Only organization members can create new projects", NULL);
      return;
    }
  /* A code that exists: the guesses before it are forgiven. */
  if (!kbc_auth_check_passed (request))
    return;

  name = g_strdup_printf ("%s (%s)", request->user->name, promo->code);
  project_id = kbc_store_promo_redeem (store, promo, request->user->id, name, request->now, &error);
  if (project_id == 0)
    {
      if (g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_EXISTS))
        {
          message = g_strdup_printf ("Promo code %s is already used.", code);
          kbc_request_reply_error (request, 400, "promoCodeUsed", message, NULL);
        }
      else
        kbc_request_reply_internal (request, error);
      return;
    }

  project = kbc_store_project_by_id (store, project_id, &error);
  builder = json_builder_new ();
  if (project == NULL || !kbc_server_add_project (builder, store, project, &error))
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  kbc_request_reply_builder (request, 201, builder);
}

/* ---- join requests ---- */

#define JOIN_REQUEST_NOT_FOUND "Join request not found"

static void
add_join_request (JsonBuilder *builder, const KbcStoreJoinRequest *join_request)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, join_request->id);
  kbc_json_add_time (builder, "created", join_request->created);
  kbc_json_add_time (builder, "expires", join_request->expires);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, join_request->reason);
  add_ref (builder, "project", join_request->project_id, join_request->project_name);
  json_builder_end_object (builder);
}

static void
list_join_requests (KbcRequest *request)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;

  list = kbc_store_join_requests_of_user (request->server->store, request->user->id, request->now,
                                          &error);
  if (list == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    add_join_request (builder, list->pdata[i]);
  json_builder_end_array (builder);
  kbc_request_reply_builder (request, 200, builder);
}

/* The caller's own request named by the path; NULL after a 404 otherwise
 * (another user's, expired, none). */
static KbcStoreJoinRequest *
find_own_join_request (KbcRequest *request)
{
  g_autoptr (KbcStoreJoinRequest) join_request = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = param_id (request);

  if (id != 0)
    join_request = kbc_store_join_request_by_id (request->server->store, id, &error);
  if (error != NULL)
    {
      kbc_request_reply_internal (request, error);
      return NULL;
    }
  if (join_request == NULL || join_request->user_id != request->user->id ||
      (join_request->expires != 0 && join_request->expires <= request->now))
    {
      kbc_request_reply_error (request, 404, "notFound", JOIN_REQUEST_NOT_FOUND, NULL);
      return NULL;
    }
  return g_steal_pointer (&join_request);
}

static void
get_join_request (KbcRequest *request)
{
  g_autoptr (KbcStoreJoinRequest) join_request = find_own_join_request (request);
  g_autoptr (JsonBuilder) builder = NULL;

  if (join_request == NULL)
    return;
  builder = json_builder_new ();
  add_join_request (builder, join_request);
  kbc_request_reply_builder (request, 200, builder);
}

static void
cancel_join_request (KbcRequest *request)
{
  g_autoptr (KbcStoreJoinRequest) join_request = find_own_join_request (request);
  g_autoptr (GError) error = NULL;

  if (join_request == NULL)
    return;
  if (!kbc_store_join_request_delete (request->server->store, join_request->id, &error))
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  kbc_request_reply_empty (request, 204);
}

static const KbcRoute routes[] = {
  { "GET", "/manage/current-user/projects-invitations", KBC_ROUTE_AUTH, project_invitations_list },
  { "GET", "/manage/current-user/projects-invitations/{}", KBC_ROUTE_AUTH,
    project_invitations_get },
  { "PUT", "/manage/current-user/projects-invitations/{}", KBC_ROUTE_AUTH,
    project_invitations_accept },
  { "DELETE", "/manage/current-user/projects-invitations/{}", KBC_ROUTE_AUTH,
    project_invitations_decline },
  { "GET", "/manage/current-user/organizations-invitations", KBC_ROUTE_AUTH,
    organization_invitations_list },
  { "GET", "/manage/current-user/organizations-invitations/{}", KBC_ROUTE_AUTH,
    organization_invitations_get },
  { "PUT", "/manage/current-user/organizations-invitations/{}", KBC_ROUTE_AUTH,
    organization_invitations_accept },
  { "DELETE", "/manage/current-user/organizations-invitations/{}", KBC_ROUTE_AUTH,
    organization_invitations_decline },
  { "GET", "/manage/current-user/maintainers-invitations", KBC_ROUTE_AUTH,
    maintainer_invitations_list },
  { "GET", "/manage/current-user/maintainers-invitations/{}", KBC_ROUTE_AUTH,
    maintainer_invitations_get },
  { "PUT", "/manage/current-user/maintainers-invitations/{}", KBC_ROUTE_AUTH,
    maintainer_invitations_accept },
  { "DELETE", "/manage/current-user/maintainers-invitations/{}", KBC_ROUTE_AUTH,
    maintainer_invitations_decline },

  { "GET", "/manage/current-user/projects-join-requests", KBC_ROUTE_AUTH, list_join_requests },
  { "GET", "/manage/current-user/projects-join-requests/{}", KBC_ROUTE_AUTH, get_join_request },
  { "DELETE", "/manage/current-user/projects-join-requests/{}", KBC_ROUTE_AUTH,
    cancel_join_request },

  { "GET", "/manage/current-user/promo-codes", KBC_ROUTE_AUTH, list_promo_codes },
  { "POST", "/manage/current-user/promo-codes", KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY,
    redeem_promo_code },

  { "GET", "/manage/organizations", KBC_ROUTE_AUTH, list_organizations },
  { "GET", "/manage/organizations/{}", KBC_ROUTE_AUTH, get_organization },
  { "GET", "/manage/organizations/{}/projects", KBC_ROUTE_AUTH, get_organization_projects },
  { "GET", "/manage/maintainers", KBC_ROUTE_AUTH, list_maintainers },
  { "GET", "/manage/maintainers/{}", KBC_ROUTE_AUTH, get_maintainer },
  { "GET", "/manage/maintainers/{}/organizations", KBC_ROUTE_AUTH, get_maintainer_organizations },
  { "GET", "/manage/projects/{}", KBC_ROUTE_AUTH, get_project },
};

void
kbc_server_world_register (KbcServer *server)
{
  kbc_server_add_routes (server, routes, G_N_ELEMENTS (routes));
}
