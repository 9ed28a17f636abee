/* kbc-account.c: one account on a stack: its token, its user, its resources
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-account.h"

#include "kbc-auth-methods.h"
#include "kbc-error.h"
#include "kbc-json.h"
#include "kbc-invitations.h"
#include "kbc-mfa.h"
#include "kbc-notifications.h"
#include "kbc-organizations.h"
#include "kbc-promo-codes.h"
#include "kbc-stack.h"
#include "kbc-tokens.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _KbcAccount
{
  GObject parent_instance;

  char *stack_url;
  KbcClient *client;
  char *token;
  gboolean signed_in;

  gint64 user_id;
  char *user_name;
  char *user_email;
  gboolean verified_mfa_enabled;
  gboolean is_session_token;

  /* Set while logging out: a 401 then means the token is already gone. */
  guint logging_out;

  /* Created on first use. */
  KbcFido *fido;
  KbcMfa *mfa;
  KbcNotifications *notifications;
  KbcAuthMethods *auth_methods;
  KbcTokens *tokens;
  KbcInvitations *invitations[3]; /* by KbcInvitationKind */
  KbcJoinRequests *join_requests;
  KbcPromoCodes *promo_codes;
  KbcOrganizations *organizations;
  KbcMaintainers *maintainers;
};

static void kbc_account_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KbcAccount,
                               kbc_account,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      kbc_account_initable_iface_init))

enum
{
  PROP_0,
  PROP_STACK_URL,
  PROP_CLIENT,
  PROP_TOKEN,
  PROP_SIGNED_IN,
  PROP_USER_ID,
  PROP_USER_NAME,
  PROP_USER_EMAIL,
  PROP_IS_SESSION_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SESSION_EXPIRED,
  PASSWORD_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
free_secret (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void
set_token (KbcAccount *self, const char *token)
{
  if (g_strcmp0 (self->token, token) == 0)
    return;

  free_secret (self->token);
  self->token = g_strdup (token);
  kbc_client_set_token (self->client, token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

static void
set_signed_in (KbcAccount *self, gboolean signed_in)
{
  signed_in = !!signed_in;
  if (self->signed_in == signed_in)
    return;

  self->signed_in = signed_in;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

static void
set_string (KbcAccount *self, char **field, const char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* The token is dead: forget it and tell whoever shows the session. */
static void
on_client_unauthorized (KbcClient *client, KbcAccount *self)
{
  if (!self->signed_in || self->logging_out > 0)
    return;

  g_debug ("The server rejected the token");
  g_object_freeze_notify (G_OBJECT (self));
  set_token (self, NULL);
  set_signed_in (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[SESSION_EXPIRED], 0);
}

static gboolean
kbc_account_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  KbcAccount *self = KBC_ACCOUNT (initable);

  if (self->client != NULL)
    return TRUE;

  if (self->stack_url == NULL)
    {
      g_set_error_literal (error, KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL,
                           _ ("No server address was given."));
      return FALSE;
    }

  self->client = kbc_client_new (self->stack_url, error);
  if (self->client == NULL)
    return FALSE;

  /* Keep the normalised form, so the keyring sees one spelling per stack. */
  g_free (self->stack_url);
  self->stack_url = g_strdup (kbc_client_get_base_url (self->client));

  g_signal_connect_object (self->client, "unauthorized", G_CALLBACK (on_client_unauthorized), self,
                           G_CONNECT_DEFAULT);

  return TRUE;
}

static void
kbc_account_initable_iface_init (GInitableIface *iface)
{
  iface->init = kbc_account_initable_init;
}

static void
clear_resource (KbcResource **resource)
{
  if (*resource != NULL)
    kbc_resource_cancel (*resource);
  g_clear_object (resource);
}

static void
kbc_account_dispose (GObject *object)
{
  KbcAccount *self = (KbcAccount *) object;

  /* Nothing of an account that is gone is worth finishing. */
  if (self->mfa != NULL)
    kbc_resource_cancel (KBC_RESOURCE (self->mfa));
  g_clear_object (&self->mfa);
  if (self->notifications != NULL)
    kbc_resource_cancel (KBC_RESOURCE (self->notifications));
  g_clear_object (&self->notifications);
  if (self->auth_methods != NULL)
    kbc_resource_cancel (KBC_RESOURCE (self->auth_methods));
  g_clear_object (&self->auth_methods);
  if (self->tokens != NULL)
    kbc_resource_cancel (KBC_RESOURCE (self->tokens));
  g_clear_object (&self->tokens);
  for (guint i = 0; i < G_N_ELEMENTS (self->invitations); i++)
    clear_resource ((KbcResource **) &self->invitations[i]);
  clear_resource ((KbcResource **) &self->join_requests);
  clear_resource ((KbcResource **) &self->promo_codes);
  clear_resource ((KbcResource **) &self->organizations);
  clear_resource ((KbcResource **) &self->maintainers);
  g_clear_object (&self->client);
  g_clear_object (&self->fido);

  G_OBJECT_CLASS (kbc_account_parent_class)->dispose (object);
}

static void
kbc_account_finalize (GObject *object)
{
  KbcAccount *self = (KbcAccount *) object;

  g_free (self->stack_url);
  free_secret (self->token);
  g_free (self->user_name);
  g_free (self->user_email);

  G_OBJECT_CLASS (kbc_account_parent_class)->finalize (object);
}

static void
kbc_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcAccount *self = KBC_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_STACK_URL:
        g_value_set_string (value, self->stack_url);
        break;
      case PROP_CLIENT:
        g_value_set_object (value, self->client);
        break;
      case PROP_TOKEN:
        g_value_set_string (value, self->token);
        break;
      case PROP_SIGNED_IN:
        g_value_set_boolean (value, self->signed_in);
        break;
      case PROP_USER_ID:
        g_value_set_int64 (value, self->user_id);
        break;
      case PROP_USER_NAME:
        g_value_set_string (value, self->user_name);
        break;
      case PROP_USER_EMAIL:
        g_value_set_string (value, self->user_email);
        break;
      case PROP_IS_SESSION_TOKEN:
        g_value_set_boolean (value, self->is_session_token);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_account_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcAccount *self = KBC_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_STACK_URL:
        g_free (self->stack_url);
        self->stack_url = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_account_class_init (KbcAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = kbc_account_dispose;
  object_class->finalize = kbc_account_finalize;
  object_class->get_property = kbc_account_get_property;
  object_class->set_property = kbc_account_set_property;

  properties[PROP_STACK_URL] =
      g_param_spec_string ("stack-url", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                               G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CLIENT] =
      g_param_spec_object ("client", NULL, NULL, KBC_TYPE_CLIENT,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL, ro);
  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, ro);
  properties[PROP_USER_ID] = g_param_spec_int64 ("user-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_USER_NAME] = g_param_spec_string ("user-name", NULL, NULL, NULL, ro);
  properties[PROP_USER_EMAIL] = g_param_spec_string ("user-email", NULL, NULL, NULL, ro);
  properties[PROP_IS_SESSION_TOKEN] =
      g_param_spec_boolean ("is-session-token", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbcAccount::session-expired:
   *
   * The server rejected the token of a signed-in account (401). The account
   * has already forgotten the token and is no longer signed in.
   */
  signals[SESSION_EXPIRED] = g_signal_new ("session-expired", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * KbcAccount::password-changed:
   *
   * The server accepted a new password for the account.
   */
  signals[PASSWORD_CHANGED] = g_signal_new ("password-changed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kbc_account_init (KbcAccount *self)
{
}

KbcAccount *
kbc_account_new (const char *stack_url, GError **error)
{
  g_return_val_if_fail (stack_url != NULL, NULL);

  return g_initable_new (KBC_TYPE_ACCOUNT, NULL, error, "stack-url", stack_url, NULL);
}

const char *
kbc_account_get_stack_url (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  return self->stack_url;
}

KbcClient *
kbc_account_get_client (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  return self->client;
}

const char *
kbc_account_get_token (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  return self->token;
}

gboolean
kbc_account_get_signed_in (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);

  return self->signed_in;
}

gint64
kbc_account_get_user_id (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), 0);

  return self->user_id;
}

const char *
kbc_account_get_user_name (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  return self->user_name;
}

const char *
kbc_account_get_user_email (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  return self->user_email;
}

gboolean
kbc_account_get_verified_mfa_enabled (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);

  return self->verified_mfa_enabled;
}

KbcMfa *
kbc_account_get_mfa (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->mfa == NULL)
    self->mfa = kbc_mfa_new (self);
  return self->mfa;
}

KbcNotifications *
kbc_account_get_notifications (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->notifications == NULL)
    self->notifications = kbc_notifications_new (self->client);
  return self->notifications;
}

KbcTokens *
kbc_account_get_tokens (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->tokens == NULL)
    self->tokens = kbc_tokens_new (self);
  return self->tokens;
}

KbcInvitations *
kbc_account_get_invitations (KbcAccount *self, KbcInvitationKind kind)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (kind < G_N_ELEMENTS (self->invitations), NULL);

  if (self->invitations[kind] == NULL)
    self->invitations[kind] = kbc_invitations_new (self->client, kind);
  return self->invitations[kind];
}

KbcJoinRequests *
kbc_account_get_join_requests (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->join_requests == NULL)
    self->join_requests = kbc_join_requests_new (self->client);
  return self->join_requests;
}

KbcPromoCodes *
kbc_account_get_promo_codes (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->promo_codes == NULL)
    self->promo_codes = kbc_promo_codes_new (self->client);
  return self->promo_codes;
}

KbcOrganizations *
kbc_account_get_organizations (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->organizations == NULL)
    self->organizations = kbc_organizations_new (self->client);
  return self->organizations;
}

KbcMaintainers *
kbc_account_get_maintainers (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->maintainers == NULL)
    self->maintainers = kbc_maintainers_new (self->client);
  return self->maintainers;
}

static void
on_project_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcProject *project = NULL;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node != NULL)
    project = kbc_project_new_from_json (node, &error);
  if (project == NULL)
    {
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_FORBIDDEN))
        {
          g_free (error->message);
          error->message = g_strdup (_ ("You are not a member of this project."));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, project, g_object_unref);
}

void
kbc_account_load_project_async (KbcAccount *self,
                                gint64 project_id,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (project_id > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_load_project_async);
  path = g_strdup_printf ("/manage/projects/%" G_GINT64_FORMAT, project_id);
  kbc_client_request_async (self->client, "GET", path, NULL, cancellable, on_project_loaded, task);
}

KbcProject *
kbc_account_load_project_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

KbcAuthMethods *
kbc_account_get_auth_methods (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->auth_methods == NULL)
    {
      self->auth_methods = kbc_auth_methods_new (self->client);
      /* Keboola's stacks are known: they are never asked. */
      if (g_strcmp0 (kbc_stack_find_by_url (self->stack_url), KBC_STACK_CUSTOM) != 0)
        kbc_auth_methods_set_token_only (self->auth_methods);
    }
  return self->auth_methods;
}

gboolean
kbc_account_get_is_session_token (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);

  return self->is_session_token;
}

KbcFido *
kbc_account_get_fido (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->fido == NULL)
    self->fido = kbc_fido_new ();
  return self->fido;
}

/* Takes the user from a /manage/tokens/verify answer. */
static gboolean
apply_verify (KbcAccount *self, JsonNode *node, GError **error)
{
  JsonObject *user = kbc_json_get_object (kbc_json_object (node), "user");
  gint64 user_id = kbc_json_get_int (user, "id", 0);

  if (user_id <= 0)
    {
      g_debug ("The token verification carries no user");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->user_id != user_id)
    {
      self->user_id = user_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
    }
  set_string (self, &self->user_name, kbc_json_get_string (user, "name"), PROP_USER_NAME);
  set_string (self, &self->user_email, kbc_json_get_string (user, "email"), PROP_USER_EMAIL);
  self->verified_mfa_enabled = kbc_json_get_boolean (user, "mfaEnabled", FALSE);
  if (self->is_session_token !=
      kbc_json_get_boolean (kbc_json_object (node), "isSessionToken", FALSE))
    {
      self->is_session_token = !self->is_session_token;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SESSION_TOKEN]);
    }
  if (self->mfa != NULL)
    kbc_mfa_update_from_verify (self->mfa, self->verified_mfa_enabled);
  set_signed_in (self, TRUE);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

static void
on_verify_for_adopt (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL || !apply_verify (self, node, &error))
    {
      /* A token nobody could verify is of no use. */
      set_token (self, NULL);
      set_signed_in (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
kbc_account_adopt_token_async (KbcAccount *self,
                               const char *token,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_adopt_token_async);

  g_object_freeze_notify (G_OBJECT (self));
  set_signed_in (self, FALSE);
  set_token (self, token);
  g_object_thaw_notify (G_OBJECT (self));

  kbc_client_request_async (self->client, "GET", "/manage/tokens/verify", NULL, cancellable,
                            on_verify_for_adopt, g_steal_pointer (&task));
}

gboolean
kbc_account_adopt_token_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_adopt_token_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_refresh_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);

  /* A 401 has already expired the session through ::unauthorized. */
  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL || !apply_verify (self, node, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
kbc_account_refresh_async (KbcAccount *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_refresh_async);

  if (self->token == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED,
                               _ ("You are not signed in."));
      return;
    }

  kbc_client_request_async (self->client, "GET", "/manage/tokens/verify", NULL, cancellable,
                            on_refresh_response, g_steal_pointer (&task));
}

gboolean
kbc_account_refresh_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_refresh_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_logout_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);

  self->logging_out--;
  g_object_freeze_notify (G_OBJECT (self));
  set_token (self, NULL);
  set_signed_in (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));

  /* A token the server no longer knows is as signed out as it gets. */
  if (node == NULL && !g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
kbc_account_logout_async (KbcAccount *self,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_logout_async);

  if (self->token == NULL)
    {
      set_signed_in (self, FALSE);
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->logging_out++;
  kbc_client_request_async (self->client, "POST", "/manage/auth/logout", NULL, cancellable,
                            on_logout_response, g_steal_pointer (&task));
}

gboolean
kbc_account_logout_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_logout_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_change_password_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      /* Say which field is wrong; the server's own reasons stay in errors[]. */
      if (!kbc_api_error_reword_current_password (error) &&
          g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST) &&
          kbc_api_error_get_field_message (error, "newPassword") != NULL)
        {
          g_free (error->message);
          error->message = g_strdup (_ ("The new password does not meet the requirements."));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_signal_emit (g_task_get_source_object (task), signals[PASSWORD_CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

static void
on_user_name_set (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcAccount *self = g_task_get_source_object (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  const char *name;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      const char *field = kbc_api_error_get_field_message (error, "name");

      if (field != NULL)
        {
          g_free (error->message);
          error->message = g_strdup (field);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  name = kbc_json_get_string (kbc_json_object (node), "name");
  if (name == NULL)
    {
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      return;
    }
  set_string (self, &self->user_name, name, PROP_USER_NAME);
  g_task_return_boolean (task, TRUE);
}

void
kbc_account_set_user_name_async (KbcAccount *self,
                                 const char *name,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *trimmed = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_set_user_name_async);

  trimmed = g_strstrip (g_strdup (name));
  if (*trimmed == '\0')
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST, "%s",
                               _ ("Enter your name."));
      g_object_unref (task);
      return;
    }

  body = kbc_json_build_object ("name", trimmed, NULL);
  kbc_client_request_async (self->client, "PATCH", "/manage/current-user", body, cancellable,
                            on_user_name_set, task);
}

gboolean
kbc_account_set_user_name_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kbc_account_change_password_async (KbcAccount *self,
                                   const char *current_password,
                                   const char *new_password,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (current_password != NULL);
  g_return_if_fail (new_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_change_password_async);

  body = kbc_json_build_object ("currentPassword", current_password, "newPassword", new_password,
                                NULL);
  kbc_client_request_async (self->client, "PUT", "/manage/current-user/password", body, cancellable,
                            on_change_password_response, g_steal_pointer (&task));
}

gboolean
kbc_account_change_password_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == kbc_account_change_password_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
