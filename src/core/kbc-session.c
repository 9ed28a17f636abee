/* kbc-session.c: signing in, staying signed in, signing out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-session.h"

#include "kbc-auth-methods.h"
#include "kbc-demo.h"
#include "kbc-error.h"
#include "kbc-json.h"
#include "kbc-keyring.h"
#include "kbc-mfa.h"
#include "kbc-stack.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _KbcSession
{
  GObject parent_instance;

  GSettings *settings;          /* NULL: remember nothing */
  KbcLocalServer *local_server; /* NULL: no "local" stack */
  KbcFido *fido;
  /* Restore, sign-out and keyring work; cancelled on dispose. */
  GCancellable *cancellable;

  KbcSessionState state;
  KbcAccount *account;
  char *stack_id;
  char *message;
  /* How the account signed in: a pasted access token is only forgotten at
   * sign-out, a session token is revoked. */
  KbcKeyringKind kind;

  /* A sign-in waiting for its second step. */
  KbcAccount *pending;
  char *pending_stack_id;
  char *login_ticket;
  GStrv mfa_methods;
  JsonNode *u2f_options; /* PublicKeyCredentialRequestOptionsJSON */

  /* The profile of the session being restored, as the settings remember
   * it, shown until the server answers: never a secret. */
  char *cached_name;
  char *cached_email;
  char *cached_url;
};

G_DEFINE_FINAL_TYPE (KbcSession, kbc_session, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (KbcSessionState,
                    kbc_session_state,
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_STATE_SIGNED_OUT, "signed-out"),
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_STATE_RESTORING, "restoring"),
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_STATE_SIGNED_IN, "signed-in"),
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_STATE_EXPIRED, "expired"),
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_STATE_SIGNING_OUT, "signing-out"))

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_LOCAL_SERVER,
  PROP_STATE,
  PROP_ACCOUNT,
  PROP_STACK_ID,
  PROP_MESSAGE,
  PROP_MFA_METHODS,
  PROP_USES_ACCESS_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  WARNING,
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

static const char *
expired_message (void)
{
  return _ ("Your session has expired. Please sign in again.");
}

static const char *
ticket_expired_message (void)
{
  return _ ("The sign-in has expired. Enter your email and password again.");
}

/* ---- state ---- */

static void
set_state (KbcSession *self, KbcSessionState state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_message (KbcSession *self, const char *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;

  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
set_stack_id (KbcSession *self, const char *stack_id)
{
  if (g_strcmp0 (self->stack_id, stack_id) == 0)
    return;

  g_free (self->stack_id);
  self->stack_id = g_strdup (stack_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACK_ID]);
}

static void
clear_cached (KbcSession *self)
{
  g_clear_pointer (&self->cached_name, g_free);
  g_clear_pointer (&self->cached_email, g_free);
  g_clear_pointer (&self->cached_url, g_free);
}

static void on_session_expired (KbcSession *self, KbcAccount *account);
static void on_user_name_changed (KbcSession *self, GParamSpec *pspec, KbcAccount *account);

/* ---- the demo account's seeded password ---- */

static gboolean
is_demo (const char *stack_id, const char *email)
{
  return g_strcmp0 (stack_id, KBC_STACK_LOCAL) == 0 && email != NULL &&
         g_ascii_strcasecmp (email, KBC_DEMO_EMAIL) == 0;
}

static void
set_demo_password_works (KbcSession *self, gboolean works)
{
  if (self->settings != NULL &&
      g_settings_get_boolean (self->settings, "demo-password-works") != works)
    g_settings_set_boolean (self->settings, "demo-password-works", works);
}

/* The demo account's password changed from here: the seeded one is gone. */
static void
on_password_changed (KbcSession *self, KbcAccount *account)
{
  if (account == self->account && is_demo (self->stack_id, kbc_account_get_user_email (account)))
    set_demo_password_works (self, FALSE);
}

static void
set_account (KbcSession *self, KbcAccount *account)
{
  if (self->account == account)
    return;

  if (self->account != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->account, on_session_expired, self);
      g_signal_handlers_disconnect_by_func (self->account, on_password_changed, self);
      g_signal_handlers_disconnect_by_func (self->account, on_user_name_changed, self);
    }
  g_set_object (&self->account, account);
  if (self->account != NULL)
    {
      g_signal_connect_object (self->account, "session-expired", G_CALLBACK (on_session_expired),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->account, "password-changed", G_CALLBACK (on_password_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->account, "notify::user-name",
                               G_CALLBACK (on_user_name_changed), self, G_CONNECT_SWAPPED);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

static void
clear_pending (KbcSession *self)
{
  g_clear_object (&self->pending);
  g_clear_pointer (&self->pending_stack_id, g_free);
  free_secret (g_steal_pointer (&self->login_ticket));
  g_clear_pointer (&self->u2f_options, json_node_unref);
  if (self->mfa_methods != NULL)
    {
      g_clear_pointer (&self->mfa_methods, g_strfreev);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MFA_METHODS]);
    }
}

/* Ends up signed out (or expired) with @message; the account goes. */
static void
end_session (KbcSession *self, KbcSessionState state, const char *message)
{
  clear_cached (self);
  g_object_freeze_notify (G_OBJECT (self));
  if (self->kind != KBC_KEYRING_KIND_SESSION)
    {
      self->kind = KBC_KEYRING_KIND_SESSION;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USES_ACCESS_TOKEN]);
    }
  set_account (self, NULL);
  set_message (self, message);
  set_state (self, state);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
warn (KbcSession *self, const char *message)
{
  g_signal_emit (self, signals[WARNING], 0, message);
}

/* ---- the keyring ---- */

static const char *
keyring_key (const char *stack_id, KbcAccount *account)
{
  return kbc_stack_get_keyring_key (stack_id, kbc_account_get_stack_url (account));
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcSession *self = user_data;
  g_autoptr (GError) error = NULL;

  if (kbc_keyring_store_finish (result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The keyring's messages say what it means for the session, such as
   * "The keyring is locked. Unlock it to stay signed in on this computer." */
  g_debug ("Could not store the session: %s", error->message);
  warn (self, error->message);
}

static void
on_forgotten (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!kbc_keyring_clear_finish (result, &error))
    g_debug ("Could not remove a dead session from the keyring: %s", error->message);
}

/* A token the server refused leaves the keyring, even when the app quits
 * right away: not cancelled with the session. */
static void
forget_token (const char *keyring_key, const char *email)
{
  kbc_keyring_clear_async (keyring_key, email, NULL, on_forgotten, NULL);
}

/* ---- signed in ---- */

/* The name of the account signed in, kept for the next start (only the
 * name: the email is kept at sign-in, the token in the keyring). */
static void
remember_name (KbcSession *self, KbcAccount *account)
{
  const char *name = kbc_account_get_user_name (account);
  g_autofree char *kept = NULL;

  if (self->settings == NULL || account != self->account ||
      self->state != KBC_SESSION_STATE_SIGNED_IN)
    return;

  kept = g_settings_get_string (self->settings, "last-name");
  if (g_strcmp0 (kept, name != NULL ? name : "") != 0)
    g_settings_set_string (self->settings, "last-name", name != NULL ? name : "");
}

/* Renamed in the app: the next start shows the new name. */
static void
on_user_name_changed (KbcSession *self, GParamSpec *pspec, KbcAccount *account)
{
  remember_name (self, account);
}

static void
become_signed_in (KbcSession *self,
                  KbcAccount *account,
                  const char *stack_id,
                  KbcKeyringKind kind,
                  gboolean remember)
{
  clear_pending (self);
  clear_cached (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->kind != kind)
    {
      self->kind = kind;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USES_ACCESS_TOKEN]);
    }
  set_account (self, account);
  set_stack_id (self, stack_id);
  set_message (self, NULL);
  set_state (self, KBC_SESSION_STATE_SIGNED_IN);
  g_object_thaw_notify (G_OBJECT (self));

  if (self->settings == NULL)
    return;

  /* Shown at the next start while the session is verified; a restore
   * brings the name the server has now. */
  remember_name (self, account);
  if (!remember)
    return;

  g_settings_set_string (self->settings, "last-stack", stack_id);
  g_settings_set_string (self->settings, "last-email", kbc_account_get_user_email (account));
  if (g_strcmp0 (stack_id, KBC_STACK_CUSTOM) == 0)
    g_settings_set_string (self->settings, "last-custom-url", kbc_account_get_stack_url (account));

  kbc_keyring_store_async (keyring_key (stack_id, account), kbc_account_get_user_email (account),
                           kbc_account_get_token (account), kind, self->cancellable, on_stored,
                           self);
}

static void
on_session_expired (KbcSession *self, KbcAccount *account)
{
  if (self->state != KBC_SESSION_STATE_SIGNED_IN || account != self->account)
    return;

  g_debug ("The session expired");
  if (self->settings != NULL)
    forget_token (keyring_key (self->stack_id, account), kbc_account_get_user_email (account));
  end_session (self, KBC_SESSION_STATE_EXPIRED, expired_message ());
}

/* ---- GObject ---- */

static void
kbc_session_dispose (GObject *object)
{
  KbcSession *self = KBC_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_func (self->account, on_session_expired, self);
  g_clear_object (&self->account);
  clear_pending (self);
  g_clear_object (&self->fido);
  g_clear_object (&self->local_server);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kbc_session_parent_class)->dispose (object);
}

static void
kbc_session_finalize (GObject *object)
{
  KbcSession *self = KBC_SESSION (object);

  g_clear_object (&self->cancellable);
  g_free (self->stack_id);
  g_free (self->message);
  clear_cached (self);

  G_OBJECT_CLASS (kbc_session_parent_class)->finalize (object);
}

static void
kbc_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcSession *self = KBC_SESSION (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        g_value_set_object (value, self->settings);
        break;
      case PROP_LOCAL_SERVER:
        g_value_set_object (value, self->local_server);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      case PROP_STACK_ID:
        g_value_set_string (value, self->stack_id);
        break;
      case PROP_MESSAGE:
        g_value_set_string (value, self->message);
        break;
      case PROP_MFA_METHODS:
        g_value_set_boxed (value, self->mfa_methods);
        break;
      case PROP_USES_ACCESS_TOKEN:
        g_value_set_boolean (value, kbc_session_get_uses_access_token (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_session_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcSession *self = KBC_SESSION (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        self->settings = g_value_dup_object (value);
        break;
      case PROP_LOCAL_SERVER:
        self->local_server = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_session_class_init (KbcSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = kbc_session_dispose;
  object_class->finalize = kbc_session_finalize;
  object_class->get_property = kbc_session_get_property;
  object_class->set_property = kbc_session_set_property;

  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS, construct);
  properties[PROP_LOCAL_SERVER] =
      g_param_spec_object ("local-server", NULL, NULL, KBC_TYPE_LOCAL_SERVER, construct);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, KBC_TYPE_SESSION_STATE,
                                              KBC_SESSION_STATE_SIGNED_OUT, ro);
  properties[PROP_ACCOUNT] = g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT, ro);
  properties[PROP_STACK_ID] = g_param_spec_string ("stack-id", NULL, NULL, NULL, ro);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, ro);
  properties[PROP_MFA_METHODS] = g_param_spec_boxed ("mfa-methods", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_USES_ACCESS_TOKEN] =
      g_param_spec_boolean ("uses-access-token", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbcSession::warning:
   * @message: what happened, translated
   *
   * Something the user should know that did not stop the session, such as
   * a keyring that could not store or remove it.
   */
  signals[WARNING] = g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kbc_session_init (KbcSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->state = KBC_SESSION_STATE_SIGNED_OUT;
}

KbcSession *
kbc_session_new (GSettings *settings, KbcLocalServer *local_server)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (local_server == NULL || KBC_IS_LOCAL_SERVER (local_server), NULL);

  return g_object_new (KBC_TYPE_SESSION, "settings", settings, "local-server", local_server, NULL);
}

KbcSessionState
kbc_session_get_state (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), KBC_SESSION_STATE_SIGNED_OUT);

  return self->state;
}

KbcAccount *
kbc_session_get_account (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), NULL);

  return self->account;
}

const char *
kbc_session_get_stack_id (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), NULL);

  return self->stack_id;
}

const char *
kbc_session_get_message (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), NULL);

  return self->message;
}

const char *const *
kbc_session_get_mfa_methods (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), NULL);

  return (const char *const *) self->mfa_methods;
}

GSettings *
kbc_session_get_settings (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), NULL);

  return self->settings;
}

KbcLocalServer *
kbc_session_get_local_server (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), NULL);

  return self->local_server;
}

gboolean
kbc_session_get_uses_access_token (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), FALSE);

  return self->account != NULL && self->kind == KBC_KEYRING_KIND_ACCESS_TOKEN;
}

KbcFido *
kbc_session_get_fido (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), NULL);

  if (self->fido == NULL)
    self->fido = kbc_fido_new ();
  return self->fido;
}

/* ---- finding a stack's address ---- */

/* Gets the address, or NULL and why not; takes over @task. */
typedef void (*UrlReady) (KbcSession *self, GTask *task, const char *url, GError *error);

static void
on_local_server_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  UrlReady ready = g_object_get_data (G_OBJECT (task), "kbc-url-ready");
  KbcSession *self = g_task_get_source_object (task);

  url = kbc_local_server_start_finish (KBC_LOCAL_SERVER (source), result, &error);
  ready (self, g_steal_pointer (&task), url, g_steal_pointer (&error));
}

/* Calls @ready with the address of @stack_id (@custom_url for the custom
 * stack; the local server started for "local"). */
static void
resolve_stack (KbcSession *self,
               GTask *task,
               const char *stack_id,
               const char *custom_url,
               UrlReady ready)
{
  const KbcStackInfo *stack = kbc_stack_lookup (stack_id);

  if (stack == NULL || (g_strcmp0 (stack_id, KBC_STACK_LOCAL) == 0 && self->local_server == NULL))
    {
      ready (self, task, NULL,
             g_error_new_literal (KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL,
                                  _ ("No server address was given.")));
      return;
    }

  if (g_strcmp0 (stack_id, KBC_STACK_LOCAL) == 0)
    {
      g_object_set_data (G_OBJECT (task), "kbc-url-ready", ready);
      kbc_local_server_start_async (self->local_server, g_task_get_cancellable (task),
                                    on_local_server_started, task);
      return;
    }

  if (g_strcmp0 (stack_id, KBC_STACK_CUSTOM) == 0)
    {
      g_autofree char *url = g_strstrip (g_strdup (custom_url != NULL ? custom_url : ""));

      if (*url == '\0')
        {
          ready (self, task, NULL,
                 g_error_new_literal (KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL,
                                      _ ("No server address was given.")));
          return;
        }
      /* A bare host name ("connection.example.com") means its https:// address. */
      if (strstr (url, "://") == NULL)
        {
          g_autofree char *bare = g_steal_pointer (&url);

          url = g_strconcat ("https://", bare, NULL);
        }
      ready (self, task, url, NULL);
      return;
    }

  ready (self, task, stack->url, NULL);
}

/* ---- signing in with a password ---- */

typedef struct
{
  char *stack_id;
  char *email;
  char *password;
  KbcAccount *account;
  gboolean demo_password; /* the demo account with its seeded password */
} SignIn;

static void
sign_in_free (gpointer data)
{
  SignIn *sign_in = data;

  g_free (sign_in->stack_id);
  g_free (sign_in->email);
  free_secret (sign_in->password);
  g_clear_object (&sign_in->account);
  g_free (sign_in);
}

/* A sign-in's task, taking over @email and @secret (the password or the
 * token). A new sign-in replaces one that waited for its second step. */
static GTask *
new_sign_in (KbcSession *self,
             const char *stack_id,
             char *email,
             char *secret,
             gpointer source_tag,
             GCancellable *cancellable,
             GAsyncReadyCallback callback,
             gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SignIn *sign_in = g_new0 (SignIn, 1);

  g_task_set_source_tag (task, source_tag);
  sign_in->stack_id = g_strdup (stack_id);
  sign_in->email = email;
  sign_in->password = secret;
  g_task_set_task_data (task, sign_in, sign_in_free);

  clear_pending (self);
  return task;
}

static void
on_token_adopted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  KbcSession *self = g_task_get_source_object (task);
  KbcAccount *account = KBC_ACCOUNT (source);
  const char *stack_id = g_object_get_data (G_OBJECT (task), "kbc-stack-id");

  if (!kbc_account_adopt_token_finish (account, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  become_signed_in (self, account, stack_id, KBC_KEYRING_KIND_SESSION, TRUE);
  g_task_return_int (task, KBC_LOGIN_SIGNED_IN);
}

/* The 201 of a sign-in: the session token, which @account adopts. */
static void
adopt_session_token (KbcSession *self,
                     GTask *task,
                     KbcAccount *account,
                     const char *stack_id,
                     JsonNode *node)
{
  const char *token = kbc_json_get_string (kbc_json_object (node), "token");

  if (token == NULL || *token == '\0')
    {
      g_debug ("The sign-in answer carries no token");
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      g_object_unref (task);
      return;
    }

  g_object_set_data_full (G_OBJECT (task), "kbc-stack-id", g_strdup (stack_id), g_free);
  kbc_account_adopt_token_async (account, token, g_task_get_cancellable (task), on_token_adopted,
                                 task);
}

static void
on_login_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcSession *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  JsonObject *object;
  g_autoptr (GStrvBuilder) methods = NULL;
  GStrv offered;
  JsonObject *u2f;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      /* At sign-in a 401 is about the credentials, not a session. */
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
        {
          g_free (error->message);
          error->message = g_strdup (_ ("The email or password is incorrect."));
          if (sign_in->demo_password)
            set_demo_password_works (self, FALSE);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The seeded password works (again: a new database). */
  if (sign_in->demo_password)
    set_demo_password_works (self, TRUE);

  object = kbc_json_object (node);
  if (g_strcmp0 (kbc_json_get_string (object, "status"), "mfa-required") != 0)
    {
      adopt_session_token (self, g_steal_pointer (&task), sign_in->account, sign_in->stack_id,
                           node);
      return;
    }

  offered = kbc_json_get_strv (object, "methods");
  if (kbc_json_get_string (object, "loginTicket") == NULL || offered == NULL)
    {
      g_strfreev (offered);
      g_debug ("The MFA answer lacks a ticket or methods");
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      return;
    }

  /* A key needs the server's options to sign. */
  u2f = kbc_json_get_object (object, "u2f");
  methods = g_strv_builder_new ();
  for (guint i = 0; offered[i] != NULL; i++)
    if (!g_str_equal (offered[i], "u2f") || u2f != NULL)
      g_strv_builder_add (methods, offered[i]);
  g_strfreev (offered);

  clear_pending (self);
  self->pending = g_object_ref (sign_in->account);
  self->pending_stack_id = g_strdup (sign_in->stack_id);
  self->login_ticket = g_strdup (kbc_json_get_string (object, "loginTicket"));
  if (u2f != NULL)
    self->u2f_options = json_node_copy (json_object_get_member (object, "u2f"));
  self->mfa_methods = g_strv_builder_end (methods);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MFA_METHODS]);

  g_task_return_int (task, KBC_LOGIN_MFA_REQUIRED);
}

static gboolean
is_keboola_stack (const char *stack_id)
{
  const KbcStackInfo *stack = kbc_stack_lookup (stack_id);

  return stack != NULL && stack->url != NULL;
}

static GError *
new_password_not_offered_error (void)
{
  return g_error_new_literal (
      KBC_API_ERROR, KBC_API_ERROR_FAILED,
      _ ("This server does not offer sign-in with a password. Sign in with an access token."));
}

/* Whether the methods request failing with @error still answers the
 * question: a refusal (4xx, such as the 404 of a Keboola stack) means a
 * token only. No answer, a 5xx, a redirect or a web page leave it open. */
static gboolean
methods_answered (const GError *error)
{
  guint status = kbc_api_error_get_status (error);

  return error == NULL || (status >= 400 && status < 500);
}

/* The password leaves the app only for a server that listed "password". */
static void
on_methods_for_login (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  SignIn *sign_in = g_task_get_task_data (task);
  KbcAuthMethods *methods = KBC_AUTH_METHODS (source);
  GCancellable *cancellable = g_task_get_cancellable (task);

  kbc_resource_refresh_finish (KBC_RESOURCE (methods), result, &error);
  if (!methods_answered (error))
    {
      free_secret (g_steal_pointer (&sign_in->password));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!kbc_auth_methods_get_password (methods))
    {
      g_debug ("The server does not list password sign-in");
      free_secret (g_steal_pointer (&sign_in->password));
      g_task_return_error (task, new_password_not_offered_error ());
      return;
    }

  body = kbc_json_build_object ("email", sign_in->email, "password", sign_in->password, NULL);
  sign_in->demo_password = is_demo (sign_in->stack_id, sign_in->email) &&
                           g_strcmp0 (sign_in->password, KBC_DEMO_PASSWORD) == 0;
  free_secret (g_steal_pointer (&sign_in->password));
  kbc_client_request_async (kbc_account_get_client (sign_in->account), "POST", "/manage/auth/login",
                            body, cancellable, on_login_response, g_steal_pointer (&task));
}

static void
begin_login (KbcSession *self, GTask *task, const char *url, GError *url_error)
{
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr (GError) error = url_error;
  g_autoptr (JsonNode) body = NULL;

  if (url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  sign_in->account = kbc_account_new (url, &error);
  if (sign_in->account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* A Keboola stack signs people in in its web page; it is never asked. */
  if (is_keboola_stack (sign_in->stack_id))
    {
      free_secret (g_steal_pointer (&sign_in->password));
      g_task_return_error (task, new_password_not_offered_error ());
      g_object_unref (task);
      return;
    }

  kbc_resource_refresh_async (KBC_RESOURCE (kbc_account_get_auth_methods (sign_in->account)),
                              g_task_get_cancellable (task), on_methods_for_login, task);
}

void
kbc_session_sign_in_async (KbcSession *self,
                           const char *stack_id,
                           const char *url,
                           const char *email,
                           const char *password,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task;

  g_return_if_fail (KBC_IS_SESSION (self));
  g_return_if_fail (stack_id != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);

  task = new_sign_in (self, stack_id, g_strstrip (g_strdup (email)), g_strdup (password),
                      kbc_session_sign_in_async, cancellable, callback, user_data);
  resolve_stack (self, task, stack_id, url, begin_login);
}

KbcLoginResult
kbc_session_sign_in_finish (KbcSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), KBC_LOGIN_FAILED);
  g_return_val_if_fail (g_task_is_valid (result, self), KBC_LOGIN_FAILED);

  return (KbcLoginResult) g_task_propagate_int (G_TASK (result), error);
}

/* ---- signing in with an access token ---- */

/* What a clipboard brings: the token with spaces, line breaks or quotes
 * around or inside it. NULL when what is left is not a token's characters
 * (letters, digits and dashes), so nothing else reaches a header. */
static char *
normalize_token (const char *text)
{
  g_autoptr (GString) token = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || *p == '"' || *p == '\'' || *p == '`')
        continue;
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        {
          explicit_bzero (token->str, token->len);
          return NULL;
        }
      g_string_append_c (token, *p);
    }

  return g_string_free (g_steal_pointer (&token), FALSE);
}

static void
on_access_token_verified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  KbcSession *self = g_task_get_source_object (task);
  KbcAccount *account = KBC_ACCOUNT (source);
  SignIn *sign_in = g_task_get_task_data (task);

  if (!kbc_account_adopt_token_finish (account, result, &error))
    {
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
        {
          g_free (error->message);
          error->message = g_strdup (_ ("The access token was not accepted. It may have expired "
                                        "or been deleted, or it belongs to another stack."));
        }
      else if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE) &&
               kbc_api_error_get_status (error) == 0)
        {
          /* A verification without a user: a token of a project, not of a
           * person. */
          g_free (error->message);
          error->message = g_strdup (_ ("This is not a personal access token. Make one in "
                                        "Account Settings → Access Tokens."));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  become_signed_in (self, account, sign_in->stack_id, KBC_KEYRING_KIND_ACCESS_TOKEN, TRUE);
  g_task_return_int (task, KBC_LOGIN_SIGNED_IN);
}

static void
begin_token_sign_in (KbcSession *self, GTask *task, const char *url, GError *url_error)
{
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr (GError) error = url_error;

  if (url != NULL)
    sign_in->account = kbc_account_new (url, &error);
  if (sign_in->account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  kbc_account_adopt_token_async (sign_in->account, sign_in->password, g_task_get_cancellable (task),
                                 on_access_token_verified, task);
  free_secret (g_steal_pointer (&sign_in->password));
}

void
kbc_session_sign_in_token_async (KbcSession *self,
                                 const char *stack_id,
                                 const char *url,
                                 const char *token,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task;
  SignIn *sign_in;

  g_return_if_fail (KBC_IS_SESSION (self));
  g_return_if_fail (stack_id != NULL);
  g_return_if_fail (token != NULL);

  task = new_sign_in (self, stack_id, NULL, normalize_token (token),
                      kbc_session_sign_in_token_async, cancellable, callback, user_data);
  sign_in = g_task_get_task_data (task);

  if (sign_in->password == NULL || sign_in->password[0] == '\0')
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST, "%s",
                               sign_in->password == NULL
                                   ? _ ("This does not look like an access token. Copy it again "
                                        "from Account Settings → Access Tokens.")
                                   : _ ("Paste an access token."));
      g_object_unref (task);
      return;
    }

  resolve_stack (self, task, stack_id, url, begin_token_sign_in);
}

KbcLoginResult
kbc_session_sign_in_token_finish (KbcSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), KBC_LOGIN_FAILED);
  g_return_val_if_fail (g_task_is_valid (result, self), KBC_LOGIN_FAILED);

  return (KbcLoginResult) g_task_propagate_int (G_TASK (result), error);
}

/* ---- which ways a stack offers ---- */

static void
on_probe_methods (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  KbcAuthMethods *methods = KBC_AUTH_METHODS (source);
  KbcSignInMethods found = KBC_SIGN_IN_METHOD_TOKEN;

  kbc_resource_refresh_finish (KBC_RESOURCE (methods), result, &error);
  if (!methods_answered (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (kbc_auth_methods_get_password (methods))
    found |= KBC_SIGN_IN_METHOD_PASSWORD;
  g_task_return_int (task, found);
}

static void
begin_probe (KbcSession *self, GTask *task, const char *url, GError *url_error)
{
  g_autoptr (GError) error = url_error;
  g_autoptr (KbcClient) client = NULL;
  g_autoptr (KbcAuthMethods) methods = NULL;

  if (url != NULL)
    client = kbc_client_new (url, &error);
  if (client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  methods = kbc_auth_methods_new (client);
  kbc_resource_refresh_async (KBC_RESOURCE (methods), g_task_get_cancellable (task),
                              on_probe_methods, task);
}

void
kbc_session_probe_async (KbcSession *self,
                         const char *stack_id,
                         const char *url,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task;

  g_return_if_fail (KBC_IS_SESSION (self));
  g_return_if_fail (stack_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_session_probe_async);

  if (is_keboola_stack (stack_id))
    {
      g_task_return_int (task, KBC_SIGN_IN_METHOD_TOKEN);
      g_object_unref (task);
      return;
    }

  resolve_stack (self, task, stack_id, url, begin_probe);
}

KbcSignInMethods
kbc_session_probe_finish (KbcSession *self, GAsyncResult *result, GError **error)
{
  gssize found;

  g_return_val_if_fail (KBC_IS_SESSION (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  found = g_task_propagate_int (G_TASK (result), error);
  return found < 0 ? 0 : (KbcSignInMethods) found;
}

/* ---- the second step ---- */

/* Security key answers refused at sign-in: new options to retry with, and
 * the server's reason in words a user can act on. */
static void
apply_u2f_refusal (KbcSession *self, GError *error)
{
  JsonObject *body = kbc_api_error_get_body (error);
  JsonObject *fresh = kbc_json_get_object (body, "u2f");
  const char *code = kbc_api_error_get_code (error);
  const char *message;

  if (fresh != NULL)
    {
      g_clear_pointer (&self->u2f_options, json_node_unref);
      self->u2f_options = json_node_copy (json_object_get_member (body, "u2f"));
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
  KbcSession *self = g_task_get_source_object (task);
  g_autoptr (KbcAccount) account = NULL;
  g_autofree char *stack_id = NULL;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

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
          error->message = g_strdup (ticket_expired_message ());
          clear_pending (self);
        }
      else if (kbc_api_error_get_remaining_attempts (error) == 0)
        {
          /* The server dropped the ticket after the last attempt. */
          clear_pending (self);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->pending == NULL)
    {
      /* The sign-in was abandoned while the answer was on its way. */
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED, "%s",
                               ticket_expired_message ());
      return;
    }

  account = g_object_ref (self->pending);
  stack_id = g_strdup (self->pending_stack_id);
  adopt_session_token (self, g_steal_pointer (&task), account, stack_id, node);
}

/* Sends the second step with @method and, as "code" or "credential",
 * @value; takes over @task. */
static void
post_second_step (KbcSession *self, GTask *task, const char *method, JsonNode *value)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;

  if (self->login_ticket == NULL || self->pending == NULL)
    {
      json_node_unref (value);
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED, "%s",
                               ticket_expired_message ());
      g_object_unref (task);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "loginTicket");
  json_builder_add_string_value (builder, self->login_ticket);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, method);
  json_builder_set_member_name (builder, g_str_equal (method, "u2f") ? "credential" : "code");
  json_builder_add_value (builder, value);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  kbc_client_request_async (kbc_account_get_client (self->pending), "POST",
                            "/manage/auth/login/mfa", body, g_task_get_cancellable (task),
                            on_login_mfa_response, task);
}

void
kbc_session_sign_in_code_async (KbcSession *self,
                                const char *method,
                                const char *code,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;

  g_return_if_fail (KBC_IS_SESSION (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_session_sign_in_code_async);
  post_second_step (self, task, method, json_node_init_string (json_node_alloc (), code));
}

gboolean
kbc_session_sign_in_code_finish (KbcSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

static void
on_key_signed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  KbcSession *self = g_task_get_source_object (task);
  JsonNode *credential;

  credential = kbc_fido_authenticate_finish (KBC_FIDO (source), result, &error);
  if (credential == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Abandoned or replaced while the key was waiting: post_second_step()
   * says so. */
  post_second_step (self, g_steal_pointer (&task), "u2f", credential);
}

void
kbc_session_sign_in_key_async (KbcSession *self,
                               const char *pin,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *rp_id = NULL;

  g_return_if_fail (KBC_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_session_sign_in_key_async);

  if (self->login_ticket == NULL || self->pending == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED, "%s",
                               ticket_expired_message ());
      return;
    }
  if (self->u2f_options == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED,
                               _ ("This account has no security key. Use another way to sign in."));
      return;
    }

  rp_id = kbc_client_dup_rp_id (kbc_account_get_client (self->pending));
  kbc_fido_authenticate_async (kbc_session_get_fido (self), self->u2f_options, rp_id, pin,
                               cancellable, on_key_signed, g_steal_pointer (&task));
}

gboolean
kbc_session_sign_in_key_finish (KbcSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

void
kbc_session_cancel_sign_in (KbcSession *self)
{
  g_return_if_fail (KBC_IS_SESSION (self));

  clear_pending (self);
}

/* ---- restoring ---- */

typedef struct
{
  char *stack_id;
  char *keyring_key;
  char *email;
  char *url; /* NULL for "local" until its server runs */
  char *token;
  KbcKeyringKind kind;
  KbcAccount *account;
} Restore;

static void
restore_free (gpointer data)
{
  Restore *restore = data;

  g_free (restore->stack_id);
  g_free (restore->keyring_key);
  g_free (restore->email);
  g_free (restore->url);
  free_secret (restore->token);
  g_clear_object (&restore->account);
  g_free (restore);
}

/* The restore failed for @error: signed out with the reason (or expired). */
static void
restore_failed (KbcSession *self, GTask *task, GError *error)
{
  Restore *restore = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
    {
      forget_token (restore->keyring_key, restore->email);
      end_session (self, KBC_SESSION_STATE_EXPIRED, expired_message ());
    }
  else
    {
      /* Translators: %s is the reason, such as a network error. */
      message = g_strdup_printf (_ ("Your saved session could not be checked: %s"), error->message);
      end_session (self, KBC_SESSION_STATE_SIGNED_OUT, message);
    }

  g_task_return_error (task, error);
}

static void
on_restore_verified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  KbcSession *self = g_task_get_source_object (task);
  Restore *restore = g_task_get_task_data (task);

  if (!kbc_account_adopt_token_finish (KBC_ACCOUNT (source), result, &error))
    {
      restore_failed (self, task, error);
      return;
    }

  become_signed_in (self, restore->account, restore->stack_id, restore->kind, FALSE);
  g_task_return_boolean (task, TRUE);
}

static void
restore_verify (KbcSession *self, GTask *task, const char *url, GError *url_error)
{
  Restore *restore = g_task_get_task_data (task);
  GError *error = url_error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (url != NULL)
    restore->account = kbc_account_new (url, &error);
  if (restore->account == NULL)
    {
      end_session (self, KBC_SESSION_STATE_SIGNED_OUT, error->message);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  kbc_account_adopt_token_async (restore->account, restore->token, g_task_get_cancellable (task),
                                 on_restore_verified, task);
  /* The first page shows the MFA state: asked together with the
   * verification, not after it. A token the server refuses drops the
   * account and this answer with it. */
  kbc_resource_ensure_loaded (KBC_RESOURCE (kbc_account_get_mfa (restore->account)));
}

static void
on_restore_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  KbcSession *self = g_task_get_source_object (task);
  Restore *restore = g_task_get_task_data (task);
  const char *message;

  restore->token = kbc_keyring_lookup_finish (result, &restore->kind, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    {
      g_autofree char *text = NULL;

      g_debug ("Keyring lookup failed: %s", error->message);
      if (g_error_matches (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_LOCKED))
        message = _ ("The keyring is locked, so your saved session could not be restored.");
      else if (g_error_matches (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_UNAVAILABLE))
        message = _ ("No keyring is available, so your saved session could not be restored.");
      else
        /* Translators: %s is the reason, from the keyring. */
        message = text = g_strdup_printf (
            _ ("Your saved session could not be read from the keyring: %s"), error->message);
      end_session (self, KBC_SESSION_STATE_SIGNED_OUT, message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (restore->token == NULL)
    {
      end_session (self, KBC_SESSION_STATE_SIGNED_OUT, NULL);
      g_task_return_boolean (task, FALSE);
      return;
    }

  /* Only now is there a session to restore. */
  set_state (self, KBC_SESSION_STATE_RESTORING);
  resolve_stack (self, g_steal_pointer (&task), restore->stack_id, restore->url, restore_verify);
}

static void
on_local_server_prestarted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *url = kbc_local_server_start_finish (KBC_LOCAL_SERVER (source), result, NULL);
}

void
kbc_session_restore_async (KbcSession *self,
                           const char *stack_id,
                           const char *url,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  const KbcStackInfo *stack;
  Restore *restore;

  g_return_if_fail (KBC_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_session_restore_async);

  if (self->settings == NULL || self->state != KBC_SESSION_STATE_SIGNED_OUT)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  restore = g_new0 (Restore, 1);
  g_task_set_task_data (task, restore, restore_free);
  restore->email = g_settings_get_string (self->settings, "last-email");
  restore->stack_id =
      stack_id != NULL ? g_strdup (stack_id) : g_settings_get_string (self->settings, "last-stack");
  stack = kbc_stack_lookup (restore->stack_id);
  if (stack == NULL || restore->email[0] == '\0')
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (g_strcmp0 (stack->id, KBC_STACK_CUSTOM) == 0)
    {
      restore->url =
          url != NULL ? g_strdup (url) : g_settings_get_string (self->settings, "last-custom-url");
      if (restore->url[0] == '\0')
        {
          g_task_return_boolean (task, FALSE);
          return;
        }
    }
  else if (stack->url != NULL)
    {
      restore->url = g_strdup (stack->url);
    }

  restore->keyring_key = g_strdup (kbc_stack_get_keyring_key (stack->id, restore->url));
  set_stack_id (self, stack->id);
  clear_cached (self);
  self->cached_name = g_settings_get_string (self->settings, "last-name");
  self->cached_email = g_strdup (restore->email);
  self->cached_url = g_strdup (restore->url);

  /* The local server takes longer to start than the keyring to answer:
   * both at once. The restore joins the start in resolve_stack(); a
   * failed start is reported there. */
  if (g_strcmp0 (stack->id, KBC_STACK_LOCAL) == 0 && self->local_server != NULL)
    kbc_local_server_start_async (self->local_server, cancellable, on_local_server_prestarted,
                                  NULL);

  kbc_keyring_lookup_async (restore->keyring_key, restore->email, cancellable, on_restore_looked_up,
                            g_steal_pointer (&task));
}

gboolean
kbc_session_restore_finish (KbcSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_session_restore_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- signing out ---- */

static void
on_sign_out_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  KbcSession *self = g_task_get_source_object (task);

  if (!kbc_keyring_clear_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* Translators: %s is the reason, from the keyring. */
      message = g_strdup_printf (_ ("The saved session could not be removed from the keyring: %s"),
                                 error->message);
      warn (self, message);
    }

  end_session (self, KBC_SESSION_STATE_SIGNED_OUT, NULL);
  g_task_return_boolean (task, TRUE);
}

/* Removes the keyring entry and ends the session; takes over @task. */
static void
forget_here (KbcSession *self, GTask *task)
{
  KbcAccount *account = self->account;

  if (self->settings == NULL)
    {
      end_session (self, KBC_SESSION_STATE_SIGNED_OUT, NULL);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* Signed out on purpose: no profile to show at the next start. The
   * email stays, to fill in the sign-in form. */
  g_settings_reset (self->settings, "last-name");
  kbc_keyring_clear_async (keyring_key (self->stack_id, account),
                           kbc_account_get_user_email (account), g_task_get_cancellable (task),
                           on_sign_out_cleared, task);
}

static void
on_logged_out (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  KbcSession *self = g_task_get_source_object (task);
  KbcAccount *account = KBC_ACCOUNT (source);

  if (!kbc_account_logout_finish (account, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* The account forgot the token anyway; the server will let it expire. */
      g_debug ("Could not revoke the token: %s", error->message);
    }

  forget_here (self, g_steal_pointer (&task));
}

void
kbc_session_sign_out_async (KbcSession *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KBC_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_session_sign_out_async);

  clear_pending (self);
  if (self->state != KBC_SESSION_STATE_SIGNED_IN)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  set_state (self, KBC_SESSION_STATE_SIGNING_OUT);

  /* A token the user brought is theirs: it stays valid, only this computer
   * forgets it. */
  if (self->kind == KBC_KEYRING_KIND_ACCESS_TOKEN)
    {
      forget_here (self, g_steal_pointer (&task));
      return;
    }

  kbc_account_logout_async (self->account, cancellable, on_logged_out, g_steal_pointer (&task));
}

gboolean
kbc_session_sign_out_finish (KbcSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_session_sign_out_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
kbc_session_get_demo_password_works (KbcSession *self)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), TRUE);

  return self->settings == NULL || g_settings_get_boolean (self->settings, "demo-password-works");
}

/**
 * kbc_session_get_cached_profile:
 * @name: (out) (optional): the name shown at the last sign-in, "" when not known
 * @email: (out) (optional): the email of the saved session
 * @url: (out) (optional): its stack's address, NULL for "This computer"
 *
 * While a saved session is being restored (%KBC_SESSION_STATE_RESTORING),
 * the profile the settings remember for it, to show until the server
 * answers. Nothing in it is a secret.
 *
 * Returns: %TRUE while restoring, with the profile set
 */
gboolean
kbc_session_get_cached_profile (KbcSession *self,
                                const char **name,
                                const char **email,
                                const char **url)
{
  g_return_val_if_fail (KBC_IS_SESSION (self), FALSE);

  if (self->state != KBC_SESSION_STATE_RESTORING || self->cached_email == NULL)
    return FALSE;

  if (name != NULL)
    *name = self->cached_name;
  if (email != NULL)
    *email = self->cached_email;
  if (url != NULL)
    *url = self->cached_url;
  return TRUE;
}
