/* kbc-account.c: one signed-in (or signing-in) session with a stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-account.h"

#include "kbc-error.h"

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
  gboolean mfa_enabled;

  /* Between KBC_LOGIN_MFA_REQUIRED and the MFA step. */
  GStrv mfa_methods;
  char *login_ticket;
  JsonNode *u2f_options;

  /* Set while logging out: a 401 then means the token is already gone. */
  guint logging_out;

  /* Security keys: created on first use. */
  KbcFido *fido;
  /* A registration the server started whose key step failed (e.g. for a
   * PIN), reused by the next try with the same name. */
  struct PendingKey *pending_key;
};

static void pending_key_free (struct PendingKey *pending);

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
  PROP_MFA_ENABLED,
  PROP_MFA_METHODS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SESSION_EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
free_secret (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
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
  /* A started key registration belongs to the session that started it. */
  g_clear_pointer (&self->pending_key, pending_key_free);
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

static void
clear_mfa_step (KbcAccount *self)
{
  free_secret (g_steal_pointer (&self->login_ticket));
  g_clear_pointer (&self->u2f_options, json_node_unref);
  if (self->mfa_methods != NULL)
    {
      g_clear_pointer (&self->mfa_methods, g_strfreev);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MFA_METHODS]);
    }
}

/* The token is dead: forget it and tell whoever shows the session. */
static void
on_client_unauthorized (KbcClient *client, KbcAccount *self)
{
  if (!self->signed_in || self->logging_out > 0)
    return;

  g_debug ("The server rejected the session token");
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
kbc_account_dispose (GObject *object)
{
  KbcAccount *self = (KbcAccount *) object;

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
  g_strfreev (self->mfa_methods);
  free_secret (self->login_ticket);
  g_clear_pointer (&self->u2f_options, json_node_unref);
  g_clear_pointer (&self->pending_key, pending_key_free);

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
      case PROP_MFA_ENABLED:
        g_value_set_boolean (value, self->mfa_enabled);
        break;
      case PROP_MFA_METHODS:
        g_value_set_boxed (value, self->mfa_methods);
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
  properties[PROP_MFA_ENABLED] = g_param_spec_boolean ("mfa-enabled", NULL, NULL, FALSE, ro);
  properties[PROP_MFA_METHODS] = g_param_spec_boxed ("mfa-methods", NULL, NULL, G_TYPE_STRV, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbcAccount::session-expired:
   *
   * The server rejected the token of a signed-in account (401). The account
   * has already forgotten the token and is no longer signed in.
   */
  signals[SESSION_EXPIRED] = g_signal_new ("session-expired", G_TYPE_FROM_CLASS (klass),
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
kbc_account_get_mfa_enabled (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);

  return self->mfa_enabled;
}

const char *const *
kbc_account_get_mfa_methods (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  return (const char *const *) self->mfa_methods;
}

JsonNode *
kbc_account_get_u2f_options (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  return self->u2f_options;
}

/* JSON helpers that tolerate a member of the wrong type. */

static const char *
get_string (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonObject *
get_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonNode *
build_body (const char *first_name, ...)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  const char *name;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  for (name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Takes the user from a /manage/tokens/verify answer. */
static gboolean
apply_verify (KbcAccount *self, JsonNode *node, GError **error)
{
  JsonObject *user = get_object (node) != NULL
                         ? get_object (json_object_get_member (get_object (node), "user"))
                         : NULL;
  JsonNode *id;
  JsonNode *mfa;
  gint64 user_id;
  gboolean mfa_enabled;

  if (user == NULL || (id = json_object_get_member (user, "id")) == NULL ||
      json_node_get_value_type (id) != G_TYPE_INT64)
    {
      g_debug ("The token verification carries no user");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return FALSE;
    }

  user_id = json_node_get_int (id);
  mfa = json_object_get_member (user, "mfaEnabled");
  mfa_enabled = mfa != NULL && json_node_get_value_type (mfa) == G_TYPE_BOOLEAN &&
                json_node_get_boolean (mfa);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->user_id != user_id)
    {
      self->user_id = user_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
    }
  set_string (self, &self->user_name, get_string (user, "name"), PROP_USER_NAME);
  set_string (self, &self->user_email, get_string (user, "email"), PROP_USER_EMAIL);
  if (self->mfa_enabled != mfa_enabled)
    {
      self->mfa_enabled = mfa_enabled;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MFA_ENABLED]);
    }
  set_signed_in (self, TRUE);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/* Sign-in, its MFA step and restore all end the same way: adopt a token,
 * ask who it belongs to, and report @result (an int) on success. */

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

  clear_mfa_step (self);
  g_task_return_int (task, GPOINTER_TO_INT (g_task_get_task_data (task)));
}

static void
adopt_token (KbcAccount *self, GTask *task, const char *token, int result)
{
  g_task_set_task_data (task, GINT_TO_POINTER (result), NULL);
  g_object_freeze_notify (G_OBJECT (self));
  set_signed_in (self, FALSE);
  set_token (self, token);
  g_object_thaw_notify (G_OBJECT (self));

  kbc_client_request_async (self->client, "GET", "/manage/tokens/verify", NULL,
                            g_task_get_cancellable (task), on_verify_for_adopt, task);
}

/* Adopts the token of a 201 session token answer; takes over @task. */
static void
adopt_token_from_response (KbcAccount *self, GTask *task, JsonNode *node)
{
  const char *token = get_string (get_object (node), "token");

  if (token == NULL || *token == '\0')
    {
      g_debug ("The sign-in answer carries no token");
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      g_object_unref (task);
      return;
    }

  adopt_token (self, task, token, KBC_LOGIN_SIGNED_IN);
}

static void
on_login_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);
  JsonObject *object;
  const char *status;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      /* At sign-in a 401 is about the credentials, not a session. */
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
        {
          g_free (error->message);
          error->message = g_strdup (_ ("The email or password is incorrect."));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  object = get_object (node);
  status = get_string (object, "status");
  if (g_strcmp0 (status, "mfa-required") == 0)
    {
      const char *ticket = get_string (object, "loginTicket");
      JsonNode *methods = json_object_get_member (object, "methods");
      JsonNode *u2f = json_object_get_member (object, "u2f");
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

      if (ticket == NULL || methods == NULL || !JSON_NODE_HOLDS_ARRAY (methods))
        {
          g_debug ("The MFA answer lacks a ticket or methods");
          g_task_return_error (task, kbc_api_error_new_invalid_response ());
          return;
        }

      for (guint i = 0; i < json_array_get_length (json_node_get_array (methods)); i++)
        {
          JsonNode *method = json_array_get_element (json_node_get_array (methods), i);

          if (json_node_get_value_type (method) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (method));
        }

      clear_mfa_step (self);
      self->login_ticket = g_strdup (ticket);
      if (u2f != NULL && !JSON_NODE_HOLDS_NULL (u2f))
        self->u2f_options = json_node_copy (u2f);
      self->mfa_methods = g_strv_builder_end (builder);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MFA_METHODS]);

      g_task_return_int (task, KBC_LOGIN_MFA_REQUIRED);
      return;
    }

  adopt_token_from_response (self, g_steal_pointer (&task), node);
}

void
kbc_account_login_async (KbcAccount *self,
                         const char *email,
                         const char *password,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_login_async);

  /* A new sign-in replaces whatever session there was. */
  g_object_freeze_notify (G_OBJECT (self));
  clear_mfa_step (self);
  set_signed_in (self, FALSE);
  set_token (self, NULL);
  g_object_thaw_notify (G_OBJECT (self));

  body = build_body ("email", email, "password", password, NULL);
  kbc_client_request_async (self->client, "POST", "/manage/auth/login", body, cancellable,
                            on_login_response, g_steal_pointer (&task));
}

KbcLoginResult
kbc_account_login_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_login_async, -1);

  return (KbcLoginResult) g_task_propagate_int (G_TASK (result), error);
}

/* Security key answers refused at sign-in: new options to retry with, and
 * the server's reason in words a user can act on. */
static void
apply_u2f_refusal (KbcAccount *self, GError *error)
{
  JsonObject *body = kbc_api_error_get_body (error);
  JsonNode *fresh = body != NULL ? json_object_get_member (body, "u2f") : NULL;
  const char *code = kbc_api_error_get_code (error);
  const char *message;

  if (fresh != NULL && JSON_NODE_HOLDS_OBJECT (fresh))
    {
      g_clear_pointer (&self->u2f_options, json_node_unref);
      self->u2f_options = json_node_copy (fresh);
    }

  if (code == NULL || !g_str_has_prefix (code, "u2f") ||
      !g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
    return;

  if (g_str_equal (code, "u2fKeyNotRegistered"))
    message = _ ("This security key is not registered for your account.");
  else if (g_str_equal (code, "u2fCounterNotIncreased"))
    message = _ ("This security key was refused because it may have been copied. Sign in another "
                 "way and remove the key from your account.");
  else
    message = _ ("The security key could not be verified. Try again.");

  g_free (error->message);
  error->message = g_strdup (message);
}

static void
on_login_mfa_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      /* A refused security key used up the challenge; the server sent
       * fresh options with the refusal. */
      apply_u2f_refusal (self, error);

      /* A 401 with errors[] is a wrong code (already worded by
       * KbcApiError); "loginTicketInvalid", or a bare 401, means the ticket
       * is no longer valid. */
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED) &&
          (g_strcmp0 (kbc_api_error_get_code (error), "loginTicketInvalid") == 0 ||
           kbc_api_error_get_fields (error)[0] == NULL))
        {
          g_free (error->message);
          error->message =
              g_strdup (_ ("The sign-in has expired. Enter your email and password again."));
          clear_mfa_step (self);
        }
      else if (kbc_api_error_get_remaining_attempts (error) == 0)
        {
          /* The server dropped the ticket after the last attempt. */
          clear_mfa_step (self);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  adopt_token_from_response (self, g_steal_pointer (&task), node);
}

static void
login_mfa (KbcAccount *self,
           JsonNode *body,
           gpointer source_tag,
           GCancellable *cancellable,
           GAsyncReadyCallback callback,
           gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  if (self->login_ticket == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED,
                               _ ("The sign-in has expired. Enter your email and password again."));
      return;
    }

  kbc_client_request_async (self->client, "POST", "/manage/auth/login/mfa", body, cancellable,
                            on_login_mfa_response, g_steal_pointer (&task));
}

void
kbc_account_login_mfa_async (KbcAccount *self,
                             const char *method,
                             const char *code,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (code != NULL);

  if (self->login_ticket != NULL)
    body = build_body ("loginTicket", self->login_ticket, "method", method, "code", code, NULL);
  login_mfa (self, body, kbc_account_login_mfa_async, cancellable, callback, user_data);
}

gboolean
kbc_account_login_mfa_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_login_mfa_async,
                        FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

void
kbc_account_login_u2f_async (KbcAccount *self,
                             JsonNode *credential,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (credential != NULL);

  if (self->login_ticket != NULL)
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "loginTicket");
      json_builder_add_string_value (builder, self->login_ticket);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, "u2f");
      json_builder_set_member_name (builder, "credential");
      json_builder_add_value (builder, json_node_copy (credential));
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
    }
  login_mfa (self, body, kbc_account_login_u2f_async, cancellable, callback, user_data);
}

gboolean
kbc_account_login_u2f_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_login_u2f_async,
                        FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

void
kbc_account_restore_async (KbcAccount *self,
                           const char *token,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_restore_async);

  clear_mfa_step (self);
  adopt_token (self, task, token, 0);
}

gboolean
kbc_account_restore_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_restore_async,
                        FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
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

  clear_mfa_step (self);
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
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST))
        {
          const char *message = NULL;

          if (kbc_api_error_get_field_message (error, "currentPassword") != NULL)
            message = _ ("The current password is not correct.");
          else if (kbc_api_error_get_field_message (error, "newPassword") != NULL)
            message = _ ("The new password does not meet the requirements.");

          if (message != NULL)
            {
              g_free (error->message);
              error->message = g_strdup (message);
            }
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
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

  body = build_body ("currentPassword", current_password, "newPassword", new_password, NULL);
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

/* -- security keys -- */

/* The server keeps a registration's challenge for five minutes; stop
 * reusing it a little earlier. */
#define PENDING_KEY_LIFETIME_US (280 * G_USEC_PER_SEC)
#define DEVICES_PATH            "/manage/current-user/mfa/devices"
#define REGISTRATIONS_PATH      "/manage/current-user/mfa/u2f/registrations"

struct PendingKey
{
  char *name;
  char *registration_id;
  JsonNode *options; /* PublicKeyCredentialCreationOptionsJSON */
  gint64 deadline;   /* monotonic */
};

static void
pending_key_free (struct PendingKey *pending)
{
  if (pending == NULL)
    return;
  g_free (pending->name);
  g_free (pending->registration_id);
  g_clear_pointer (&pending->options, json_node_unref);
  g_free (pending);
}

KbcFido *
kbc_account_get_fido (KbcAccount *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);

  if (self->fido == NULL)
    self->fido = kbc_fido_new ();
  return self->fido;
}

static char *
device_path (gint64 id)
{
  return g_strdup_printf (DEVICES_PATH "/%" G_GINT64_FORMAT, id);
}

/* A wrong current password gets the same words as in the password dialog. */
static void
reword_current_password (GError *error)
{
  if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST) &&
      kbc_api_error_get_field_message (error, "currentPassword") != NULL)
    {
      g_free (error->message);
      error->message = g_strdup (_ ("The current password is not correct."));
    }
}

/* Adding or removing a factor (a key, the app) changes mfa-enabled: ask the server again,
 * then report @task's result (the node in its task data, or TRUE). A failed
 * refresh does not undo what was done, so it is only logged. */
static void
on_verify_after_mfa_change (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);
  JsonNode *device = g_task_get_task_data (task);

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL || !apply_verify (self, node, &error))
    g_debug ("Cannot refresh the account after an MFA change: %s", error->message);

  if (device != NULL)
    g_task_return_pointer (task, json_node_ref (device), (GDestroyNotify) json_node_unref);
  else
    g_task_return_boolean (task, TRUE);
}

static void
refresh_after_mfa_change (KbcAccount *self, GTask *task)
{
  kbc_client_request_async (self->client, "GET", "/manage/tokens/verify", NULL, NULL,
                            on_verify_after_mfa_change, task);
}

/* Multi-factor authentication. */

#define MFA_PATH "/manage/current-user/mfa"

static void
on_mfa_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);
  gboolean changes_factors = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "changes"));

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!changes_factors)
    {
      g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
      return;
    }

  g_task_set_task_data (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
  refresh_after_mfa_change (self, g_steal_pointer (&task));
}

/* Sends @method MFA_PATH@suffix with @member: @value as the body (none when
 * @member is NULL). */
static void
mfa_request (KbcAccount *self,
             gpointer source_tag,
             gboolean changes_factors,
             const char *method,
             const char *suffix,
             const char *member,
             const char *value,
             GCancellable *cancellable,
             GAsyncReadyCallback callback,
             gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (JsonNode) body = member != NULL ? build_body (member, value, NULL) : NULL;
  g_autofree char *path = g_strconcat (MFA_PATH, suffix, NULL);

  g_task_set_source_tag (task, source_tag);
  g_object_set_data (G_OBJECT (task), "changes", GINT_TO_POINTER (changes_factors));
  kbc_client_request_async (self->client, method, path, body, cancellable, on_mfa_response,
                            g_steal_pointer (&task));
}

void
kbc_account_get_mfa_async (KbcAccount *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (KBC_IS_ACCOUNT (self));

  mfa_request (self, kbc_account_get_mfa_async, FALSE, "GET", "", NULL, NULL, cancellable, callback,
               user_data);
}

void
kbc_account_enrol_totp_async (KbcAccount *self,
                              const char *current_password,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (current_password != NULL);

  mfa_request (self, kbc_account_enrol_totp_async, FALSE, "POST", "/totp", "currentPassword",
               current_password, cancellable, callback, user_data);
}

void
kbc_account_activate_totp_async (KbcAccount *self,
                                 const char *code,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (code != NULL);

  mfa_request (self, kbc_account_activate_totp_async, TRUE, "POST", "/totp/activate", "code", code,
               cancellable, callback, user_data);
}

void
kbc_account_delete_totp_async (KbcAccount *self,
                               const char *current_password,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (current_password != NULL);

  mfa_request (self, kbc_account_delete_totp_async, TRUE, "DELETE", "/totp", "currentPassword",
               current_password, cancellable, callback, user_data);
}

void
kbc_account_disable_mfa_async (KbcAccount *self,
                               const char *current_password,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (current_password != NULL);

  mfa_request (self, kbc_account_disable_mfa_async, TRUE, "DELETE", "", "currentPassword",
               current_password, cancellable, callback, user_data);
}

void
kbc_account_regenerate_recovery_codes_async (KbcAccount *self,
                                             const char *current_password,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (current_password != NULL);

  mfa_request (self, kbc_account_regenerate_recovery_codes_async, FALSE, "POST", "/recovery-codes",
               "currentPassword", current_password, cancellable, callback, user_data);
}

JsonNode *
kbc_account_mfa_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Registration. */

typedef struct
{
  char *name;
  char *pin;
  struct PendingKey *pending;
} RegisterKey;

static void
register_key_free (gpointer data)
{
  RegisterKey *register_key = data;

  g_free (register_key->name);
  free_secret (register_key->pin);
  pending_key_free (register_key->pending);
  g_free (register_key);
}

static void
on_register_key_finished (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);
  const char *code;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      code = kbc_api_error_get_code (error);
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_CONFLICT))
        {
          g_free (error->message);
          error->message = g_strdup (_ ("This security key is already registered."));
        }
      else if (g_strcmp0 (code, "u2fChallengeExpired") == 0 ||
               g_strcmp0 (code, "u2fRegistrationNotFound") == 0)
        {
          g_free (error->message);
          error->message = g_strdup (_ ("Adding the security key took too long. Try again."));
        }
      else if (code != NULL && g_str_has_prefix (code, "u2f"))
        {
          g_free (error->message);
          error->message = g_strdup (_ ("The server could not verify the security key."));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (get_object (node) == NULL)
    {
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      return;
    }

  g_task_set_task_data (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
  refresh_after_mfa_change (self, g_steal_pointer (&task));
}

static void
on_key_registered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  KbcAccount *self = g_task_get_source_object (task);
  RegisterKey *register_key = g_task_get_task_data (task);
  GCancellable *cancellable;

  credential = kbc_fido_register_finish (KBC_FIDO (source), result, &error);
  if (credential == NULL)
    {
      /* The server's challenge is still unused: keep it for the next try. */
      g_clear_pointer (&self->pending_key, pending_key_free);
      self->pending_key = g_steal_pointer (&register_key->pending);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "credential");
  json_builder_add_value (builder, g_steal_pointer (&credential));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = g_strdup_printf (REGISTRATIONS_PATH "/%s", register_key->pending->registration_id);
  cancellable = g_task_get_cancellable (task);
  kbc_client_request_async (self->client, "POST", path, body, cancellable, on_register_key_finished,
                            g_steal_pointer (&task));
}

static void
register_with_key (KbcAccount *self, GTask *task)
{
  RegisterKey *register_key = g_task_get_task_data (task);
  g_autofree char *rp_id = kbc_client_dup_rp_id (self->client);

  kbc_fido_register_async (kbc_account_get_fido (self), register_key->pending->options, rp_id,
                           register_key->pin, g_task_get_cancellable (task), on_key_registered,
                           task);
}

static void
on_register_key_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);
  RegisterKey *register_key = g_task_get_task_data (task);
  JsonObject *object;
  JsonNode *id;
  JsonNode *options;
  struct PendingKey *pending;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      reword_current_password (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  object = get_object (node);
  id = object != NULL ? json_object_get_member (object, "registrationId") : NULL;
  options = object != NULL ? json_object_get_member (object, "publicKey") : NULL;
  if (id == NULL || options == NULL || !JSON_NODE_HOLDS_OBJECT (options) ||
      (json_node_get_value_type (id) != G_TYPE_STRING &&
       json_node_get_value_type (id) != G_TYPE_INT64))
    {
      g_debug ("The registration answer lacks an id or options");
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      return;
    }

  pending = g_new0 (struct PendingKey, 1);
  pending->name = g_strdup (register_key->name);
  if (json_node_get_value_type (id) == G_TYPE_STRING)
    pending->registration_id = g_uri_escape_string (json_node_get_string (id), NULL, FALSE);
  else
    pending->registration_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
  pending->options = json_node_copy (options);
  pending->deadline = g_get_monotonic_time () + PENDING_KEY_LIFETIME_US;
  register_key->pending = pending;

  register_with_key (self, g_steal_pointer (&task));
}

void
kbc_account_register_key_async (KbcAccount *self,
                                const char *name,
                                const char *current_password,
                                const char *pin,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;
  RegisterKey *register_key;
  struct PendingKey *pending;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_register_key_async);

  register_key = g_new0 (RegisterKey, 1);
  register_key->name = g_strdup (name);
  register_key->pin = g_strdup (pin);
  g_task_set_task_data (task, register_key, register_key_free);

  /* A registration kept from a failed key step goes to the key again. */
  pending = g_steal_pointer (&self->pending_key);
  if (pending != NULL && g_str_equal (pending->name, name) &&
      pending->deadline > g_get_monotonic_time ())
    {
      register_key->pending = pending;
      register_with_key (self, g_steal_pointer (&task));
      return;
    }
  pending_key_free (pending);

  if (current_password == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED,
                               _ ("Adding the security key took too long. Try again."));
      return;
    }

  body = build_body ("name", name, "currentPassword", current_password, NULL);
  kbc_client_request_async (self->client, "POST", REGISTRATIONS_PATH, body, cancellable,
                            on_register_key_started, g_steal_pointer (&task));
}

JsonNode *
kbc_account_register_key_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_register_key_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sign-in. */

static void
on_login_key_signed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);
  GCancellable *cancellable;

  credential = kbc_fido_authenticate_finish (KBC_FIDO (source), result, &error);
  if (credential == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Signed out or signed in anew while the key was waiting. */
  if (self->login_ticket == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED,
                               _ ("The sign-in has expired. Enter your email and password again."));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "loginTicket");
  json_builder_add_string_value (builder, self->login_ticket);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "u2f");
  json_builder_set_member_name (builder, "credential");
  json_builder_add_value (builder, g_steal_pointer (&credential));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  cancellable = g_task_get_cancellable (task);
  kbc_client_request_async (self->client, "POST", "/manage/auth/login/mfa", body, cancellable,
                            on_login_mfa_response, g_steal_pointer (&task));
}

void
kbc_account_login_key_async (KbcAccount *self,
                             const char *pin,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *rp_id = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_login_key_async);

  if (self->login_ticket == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED,
                               _ ("The sign-in has expired. Enter your email and password again."));
      return;
    }
  if (self->u2f_options == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED,
                               _ ("This account has no security key. Use another way to sign in."));
      return;
    }

  rp_id = kbc_client_dup_rp_id (self->client);
  kbc_fido_authenticate_async (kbc_account_get_fido (self), self->u2f_options, rp_id, pin,
                               cancellable, on_login_key_signed, g_steal_pointer (&task));
}

gboolean
kbc_account_login_key_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_login_key_async,
                        FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

/* The list, rename and remove. */

static void
on_key_node_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  gboolean want_array = g_task_get_source_tag (task) == kbc_account_list_keys_async;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (want_array ? !JSON_NODE_HOLDS_ARRAY (node) : !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
}

void
kbc_account_list_keys_async (KbcAccount *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_list_keys_async);
  kbc_client_request_async (self->client, "GET", DEVICES_PATH, NULL, cancellable,
                            on_key_node_response, g_steal_pointer (&task));
}

JsonNode *
kbc_account_list_keys_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_list_keys_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kbc_account_rename_key_async (KbcAccount *self,
                              gint64 id,
                              const char *name,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_rename_key_async);

  path = device_path (id);
  body = build_body ("name", name, NULL);
  kbc_client_request_async (self->client, "PATCH", path, body, cancellable, on_key_node_response,
                            g_steal_pointer (&task));
}

JsonNode *
kbc_account_rename_key_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_rename_key_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_remove_key_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcAccount *self = g_task_get_source_object (task);

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      reword_current_password (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  refresh_after_mfa_change (self, g_steal_pointer (&task));
}

void
kbc_account_remove_key_async (KbcAccount *self,
                              gint64 id,
                              const char *current_password,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (KBC_IS_ACCOUNT (self));
  g_return_if_fail (current_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_account_remove_key_async);

  path = device_path (id);
  body = build_body ("currentPassword", current_password, NULL);
  kbc_client_request_async (self->client, "DELETE", path, body, cancellable, on_remove_key_response,
                            g_steal_pointer (&task));
}

gboolean
kbc_account_remove_key_finish (KbcAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_account_remove_key_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
