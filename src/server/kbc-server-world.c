/* kbc-server-world.c: invitations (project, organization, maintainer) of the
 * current user, and accepting or declining them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-world.h"

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
add_invitation (JsonBuilder *builder, const KbcInvitation *invitation)
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
  kbc_request_reply_json (request, 200, json_builder_get_root (builder));
}

/* The caller's own pending invitation of @level named by the path; NULL
 * after answering 404 when there is none (another user's, expired, of
 * another level). */
static KbcInvitation *
find_own_invitation (KbcRequest *request, KbcWorldLevel level)
{
  g_autoptr (KbcInvitation) invitation = NULL;
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
  g_autoptr (KbcInvitation) invitation = find_own_invitation (request, level);
  g_autoptr (JsonBuilder) builder = NULL;

  if (invitation == NULL)
    return;
  builder = json_builder_new ();
  add_invitation (builder, invitation);
  kbc_request_reply_json (request, 200, json_builder_get_root (builder));
}

/* Accepting: the membership and the invitation's end in one transaction, so
 * two accepts at once make one membership and one 202 (the other finds the
 * invitation gone: 404). */
static void
accept_invitation (KbcRequest *request, KbcWorldLevel level)
{
  g_autoptr (KbcInvitation) invitation = find_own_invitation (request, level);
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
  g_autoptr (KbcInvitation) invitation = find_own_invitation (request, level);
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
};

void
kbc_server_world_register (KbcServer *server)
{
  kbc_server_add_routes (server, routes, G_N_ELEMENTS (routes));
}
