/* kbc-invitations.c: the user's pending invitations of one kind, and requests to join projects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-invitations.h"

#include "kbc-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static const char *const kind_paths[] = {
  "/manage/current-user/projects-invitations",
  "/manage/current-user/organizations-invitations",
  "/manage/current-user/maintainers-invitations",
};

#define JOIN_REQUESTS_PATH "/manage/current-user/projects-join-requests"

/* Keboola's refusal, and our server's code for it. */
#define MFA_REQUIRED_CODE "mfaRequired"
#define MFA_REQUIRED_TEXT "requires users to have multi-factor authentication"

/* A PUT or DELETE of one item: removes @key from the list once the server
 * agreed (after a 404 too when @remove_when_gone: it is gone either way). */
typedef struct
{
  char *key;
  gboolean remove_when_gone;
} ItemCall;

static void
item_call_free (ItemCall *call)
{
  g_free (call->key);
  g_free (call);
}

static void
on_item_call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcListResource *list = g_task_get_source_object (task);
  ItemCall *call = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (error != NULL &&
      !(call->remove_when_gone && g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  kbc_list_resource_remove (list, call->key);
  g_task_return_boolean (task, TRUE);
}

static void
item_call_async (KbcListResource *list,
                 gpointer source_tag,
                 const char *method,
                 const char *path,
                 const char *key,
                 gboolean remove_when_gone,
                 GAsyncReadyCallback wrapped,
                 GCancellable *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer user_data)
{
  GTask *task = g_task_new (list, cancellable, callback, user_data);
  ItemCall *call = g_new0 (ItemCall, 1);

  g_task_set_source_tag (task, source_tag);
  call->key = g_strdup (key);
  call->remove_when_gone = remove_when_gone;
  g_task_set_task_data (task, call, (GDestroyNotify) item_call_free);
  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (list)), method, path, NULL,
                            cancellable, wrapped != NULL ? wrapped : on_item_call_done, task);
}

/* ---- KbcInvitations ---- */

struct _KbcInvitations
{
  KbcListResource parent_instance;

  KbcInvitationKind kind;
  gboolean decline_refused; /* a DELETE was KBC_API_ERROR_NOT_OFFERED */
};

G_DEFINE_FINAL_TYPE (KbcInvitations, kbc_invitations, KBC_TYPE_LIST_RESOURCE)

enum
{
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gpointer
kbc_invitations_parse_item (KbcListResource *list, JsonNode *element, GError **error)
{
  /* The kind is construct-only, so reading it from the worker is safe. */
  return kbc_invitation_new_from_json (KBC_INVITATIONS (list)->kind, element, error);
}

static const char *
kbc_invitations_get_key (gpointer item)
{
  return kbc_invitation_get_key (item);
}

static const char *
kbc_invitations_get_path (KbcResource *resource)
{
  return kind_paths[KBC_INVITATIONS (resource)->kind];
}

static void
kbc_invitations_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcInvitations *self = KBC_INVITATIONS (object);

  switch (prop_id)
    {
      case PROP_KIND:
        g_value_set_enum (value, self->kind);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_invitations_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  KbcInvitations *self = KBC_INVITATIONS (object);

  switch (prop_id)
    {
      case PROP_KIND:
        self->kind = g_value_get_enum (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* An invitation does not change once sent: a refresh keeps the object, and
 * the row bound to it (focus and all). */
static void
kbc_invitations_keep_item (gpointer existing, gpointer fresh)
{
}

static void
kbc_invitations_class_init (KbcInvitationsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  KbcListResourceClass *list_class = KBC_LIST_RESOURCE_CLASS (klass);

  object_class->get_property = kbc_invitations_get_property;
  object_class->set_property = kbc_invitations_set_property;

  resource_class->get_path = kbc_invitations_get_path;

  list_class->item_type = KBC_TYPE_INVITATION;
  list_class->parse_item = kbc_invitations_parse_item;
  list_class->get_key = kbc_invitations_get_key;
  list_class->update_item = kbc_invitations_keep_item;

  properties[PROP_KIND] =
      g_param_spec_enum ("kind", NULL, NULL, KBC_TYPE_INVITATION_KIND, KBC_INVITATION_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_invitations_init (KbcInvitations *self)
{
}

KbcInvitations *
kbc_invitations_new (KbcClient *client, KbcInvitationKind kind)
{
  g_return_val_if_fail (KBC_IS_CLIENT (client), NULL);

  return g_object_new (KBC_TYPE_INVITATIONS, "client", client, "kind", kind, NULL);
}

KbcInvitationKind
kbc_invitations_get_kind (KbcInvitations *self)
{
  g_return_val_if_fail (KBC_IS_INVITATIONS (self), KBC_INVITATION_PROJECT);

  return self->kind;
}

static char *
invitation_path (KbcInvitations *self, KbcInvitation *invitation)
{
  return g_strdup_printf ("%s/%" G_GINT64_FORMAT, kind_paths[self->kind],
                          kbc_invitation_get_id (invitation));
}

gboolean
kbc_invitations_error_is_mfa_required (const GError *error)
{
  const char *message;

  if (!g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST))
    return FALSE;
  message = kbc_api_error_get_server_message (error);
  return g_strcmp0 (kbc_api_error_get_code (error), MFA_REQUIRED_CODE) == 0 ||
         (message != NULL && strstr (message, MFA_REQUIRED_TEXT) != NULL);
}

static void
on_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcListResource *list = g_task_get_source_object (task);
  ItemCall *call = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (error != NULL)
    {
      if (kbc_invitations_error_is_mfa_required (error))
        {
          g_free (error->message);
          error->message = g_strdup (
              _ ("The project’s organization requires multi-factor authentication. Turn it on "
                 "in Account & Security, then accept the invitation again."));
        }
      else if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND))
        {
          /* Withdrawn, expired or accepted elsewhere: it is not pending. */
          kbc_list_resource_remove (list, call->key);
          g_free (error->message);
          error->message = g_strdup (_ ("The invitation is no longer valid."));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  kbc_list_resource_remove (list, call->key);
  g_task_return_boolean (task, TRUE);
}

void
kbc_invitations_accept_async (KbcInvitations *self,
                              KbcInvitation *invitation,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (KBC_IS_INVITATIONS (self));
  g_return_if_fail (KBC_IS_INVITATION (invitation));

  path = invitation_path (self, invitation);
  item_call_async (KBC_LIST_RESOURCE (self), kbc_invitations_accept_async, "PUT", path,
                   kbc_invitation_get_key (invitation), FALSE, on_accepted, cancellable, callback,
                   user_data);
}

gboolean
kbc_invitations_accept_finish (KbcInvitations *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_INVITATIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_declined (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  KbcInvitations *self = g_task_get_source_object (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  /* Peek at the answer for a refusal of the method itself, then let the
   * shared handler finish. */
  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED))
    {
      self->decline_refused = TRUE;
      g_free (error->message);
      error->message = g_strdup (_ ("This server does not let you decline here. Decline the "
                                    "invitation in Keboola’s web page, or let it expire."));
    }

  if (error != NULL && !g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    {
      ItemCall *call = g_task_get_task_data (task);

      kbc_list_resource_remove (KBC_LIST_RESOURCE (self), call->key);
      g_task_return_boolean (task, TRUE);
    }
  g_object_unref (task);
}

void
kbc_invitations_decline_async (KbcInvitations *self,
                               KbcInvitation *invitation,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (KBC_IS_INVITATIONS (self));
  g_return_if_fail (KBC_IS_INVITATION (invitation));

  path = invitation_path (self, invitation);
  item_call_async (KBC_LIST_RESOURCE (self), kbc_invitations_decline_async, "DELETE", path,
                   kbc_invitation_get_key (invitation), TRUE, on_declined, cancellable, callback,
                   user_data);
}

gboolean
kbc_invitations_decline_finish (KbcInvitations *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_INVITATIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
kbc_invitations_can_decline (KbcInvitations *self, gboolean extended)
{
  g_return_val_if_fail (KBC_IS_INVITATIONS (self), FALSE);

  if (self->decline_refused)
    return FALSE;
  return self->kind == KBC_INVITATION_PROJECT || extended;
}

/* ---- KbcJoinRequests ---- */

struct _KbcJoinRequests
{
  KbcListResource parent_instance;
};

G_DEFINE_FINAL_TYPE (KbcJoinRequests, kbc_join_requests, KBC_TYPE_LIST_RESOURCE)

static gpointer
kbc_join_requests_parse_item (KbcListResource *list, JsonNode *element, GError **error)
{
  return kbc_join_request_new_from_json (element, error);
}

static const char *
kbc_join_requests_get_key (gpointer item)
{
  return kbc_join_request_get_key (item);
}

/* A request does not change once sent; a refresh keeps the object. */
static void
kbc_join_requests_keep_item (gpointer existing, gpointer fresh)
{
}

static void
kbc_join_requests_class_init (KbcJoinRequestsClass *klass)
{
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  KbcListResourceClass *list_class = KBC_LIST_RESOURCE_CLASS (klass);

  resource_class->path = JOIN_REQUESTS_PATH;

  list_class->item_type = KBC_TYPE_JOIN_REQUEST;
  list_class->parse_item = kbc_join_requests_parse_item;
  list_class->get_key = kbc_join_requests_get_key;
  list_class->update_item = kbc_join_requests_keep_item;
}

static void
kbc_join_requests_init (KbcJoinRequests *self)
{
}

KbcJoinRequests *
kbc_join_requests_new (KbcClient *client)
{
  g_return_val_if_fail (KBC_IS_CLIENT (client), NULL);

  return g_object_new (KBC_TYPE_JOIN_REQUESTS, "client", client, NULL);
}

void
kbc_join_requests_cancel_async (KbcJoinRequests *self,
                                KbcJoinRequest *request,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (KBC_IS_JOIN_REQUESTS (self));
  g_return_if_fail (KBC_IS_JOIN_REQUEST (request));

  path =
      g_strdup_printf (JOIN_REQUESTS_PATH "/%" G_GINT64_FORMAT, kbc_join_request_get_id (request));
  item_call_async (KBC_LIST_RESOURCE (self), kbc_join_requests_cancel_async, "DELETE", path,
                   kbc_join_request_get_key (request), TRUE, NULL, cancellable, callback,
                   user_data);
}

gboolean
kbc_join_requests_cancel_finish (KbcJoinRequests *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_JOIN_REQUESTS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
