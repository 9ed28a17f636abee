/* kbc-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-application.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kbc-error.h"
#include "kbc-keyring.h"
#include "kbc-stack.h"
#include "kbc-toast.h"
#include "kbc-window.h"

struct _KbcApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  KbcLocalServer *local_server;
  /* Restore, keyring and sign-out work; cancelled on shutdown. */
  GCancellable *cancellable;

  KbcSessionState state;
  KbcAccount *account;
  char *stack_id;
  char *sign_in_message;

  gboolean use_local;
  gboolean restore_started;
};

G_DEFINE_FINAL_TYPE (KbcApplication, kbc_application, ADW_TYPE_APPLICATION)
G_DEFINE_ENUM_TYPE (KbcSessionState,
                    kbc_session_state,
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_RESTORING, "restoring"),
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_SIGNED_OUT, "signed-out"),
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_SIGNED_IN, "signed-in"),
                    G_DEFINE_ENUM_VALUE (KBC_SESSION_SIGNING_OUT, "signing-out"))

enum
{
  PROP_0,
  PROP_STATE,
  PROP_ACCOUNT,
  PROP_STACK_ID,
  PROP_SIGN_IN_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_toast (KbcApplication *self, const char *title)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwToast *toast;

  if (!KBC_IS_WINDOW (window))
    return;

  toast = kbc_toast_new (title);
  adw_toast_set_timeout (toast, 10);
  kbc_window_add_toast (KBC_WINDOW (window), toast);
}

static void
update_actions (KbcApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out");

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->state == KBC_SESSION_SIGNED_IN);
}

static void
set_state (KbcApplication *self, KbcSessionState state)
{
  if (self->state == state)
    return;

  self->state = state;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void session_expired_cb (KbcApplication *self);

static void
set_account (KbcApplication *self, KbcAccount *account, const char *stack_id)
{
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_func (self->account, session_expired_cb, self);

  g_set_object (&self->account, account);
  g_free (self->stack_id);
  self->stack_id = g_strdup (stack_id);

  if (self->account != NULL)
    g_signal_connect_swapped (self->account, "session-expired", G_CALLBACK (session_expired_cb),
                              self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACK_ID]);
}

static void
set_sign_in_message (KbcApplication *self, const char *message)
{
  if (g_strcmp0 (self->sign_in_message, message) == 0)
    return;

  g_free (self->sign_in_message);
  self->sign_in_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_MESSAGE]);
}

static void
sign_out_locally (KbcApplication *self, const char *message)
{
  set_account (self, NULL, NULL);
  set_sign_in_message (self, message);
  set_state (self, KBC_SESSION_SIGNED_OUT);
}

/* The keyring entry of the current session. */
static void
get_keyring_key (KbcApplication *self, const char **stack_url, const char **email)
{
  *stack_url =
      kbc_stack_get_keyring_key (self->stack_id, kbc_account_get_stack_url (self->account));
  *email = kbc_account_get_user_email (self->account);
}

static void
forget_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!kbc_keyring_clear_finish (result, &error))
    g_debug ("Could not remove the expired session from the keyring: %s", error->message);
}

static void
session_expired_cb (KbcApplication *self)
{
  const char *stack_url, *email;

  if (self->state != KBC_SESSION_SIGNED_IN)
    return;

  g_debug ("The session expired");
  get_keyring_key (self, &stack_url, &email);
  /* Not cancelled with the app: a dead token should leave the keyring even
   * when the app quits right away. */
  kbc_keyring_clear_async (stack_url, email, NULL, forget_cb, NULL);
  sign_out_locally (self, _ ("Your session has expired. Please sign in again."));
}

/* Restoring a saved session: keyring lookup, then (for "This computer") the
 * local server, then the token verified by the server. */

typedef struct
{
  KbcApplication *self; /* not a reference: every step checks for cancellation */
  char *stack_id;
  char *url;
  char *email;
  char *token;
  KbcAccount *account;
} Restore;

static void
restore_free (Restore *restore)
{
  if (restore->token != NULL)
    memset (restore->token, 0, strlen (restore->token));
  g_free (restore->token);
  g_free (restore->stack_id);
  g_free (restore->url);
  g_free (restore->email);
  g_clear_object (&restore->account);
  g_free (restore);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Restore, restore_free)

static void
restore_verified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Restore) restore = user_data;
  g_autoptr (GError) error = NULL;
  KbcApplication *self;

  if (!kbc_account_restore_finish (KBC_ACCOUNT (source), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self = restore->self;
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
        {
          kbc_keyring_clear_async (kbc_stack_get_keyring_key (restore->stack_id, restore->url),
                                   restore->email, NULL, forget_cb, NULL);
          sign_out_locally (self, _ ("Your session has expired. Please sign in again."));
          return;
        }

      /* Translators: %s is the reason, such as a network error. */
      message = g_strdup_printf (_ ("Your saved session could not be checked: %s"), error->message);
      sign_out_locally (self, message);
      return;
    }

  self = restore->self;
  set_sign_in_message (self, NULL);
  set_account (self, restore->account, restore->stack_id);
  set_state (self, KBC_SESSION_SIGNED_IN);
}

static void
restore_verify (Restore *restore)
{
  g_autoptr (Restore) owned = restore;
  g_autoptr (GError) error = NULL;
  KbcApplication *self = restore->self;

  restore->account = kbc_account_new (restore->url, &error);
  if (restore->account == NULL)
    {
      sign_out_locally (self, error->message);
      return;
    }

  kbc_account_restore_async (restore->account, restore->token, self->cancellable,
                             restore_verified_cb, g_steal_pointer (&owned));
}

static void
restore_local_server_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Restore) restore = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  url = kbc_local_server_start_finish (KBC_LOCAL_SERVER (source), result, &error);
  if (url == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sign_out_locally (restore->self, error->message);
      return;
    }

  restore->url = g_steal_pointer (&url);
  restore_verify (g_steal_pointer (&restore));
}

static void
restore_lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Restore) restore = user_data;
  g_autoptr (GError) error = NULL;
  KbcApplication *self;

  restore->token = kbc_keyring_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = restore->self;

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      g_debug ("Keyring lookup failed: %s", error->message);
      if (g_error_matches (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_LOCKED))
        message =
            g_strdup (_ ("The keyring is locked, so your saved session could not be restored."));
      else if (g_error_matches (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_UNAVAILABLE))
        message =
            g_strdup (_ ("No keyring is available, so your saved session could not be restored."));
      else
        /* Translators: %s is the reason, from the keyring. */
        message = g_strdup_printf (_ ("Your saved session could not be read from the keyring: %s"),
                                   error->message);
      sign_out_locally (self, message);
      return;
    }

  if (restore->token == NULL)
    {
      sign_out_locally (self, NULL);
      return;
    }

  if (g_strcmp0 (restore->stack_id, KBC_STACK_LOCAL) == 0)
    kbc_local_server_start_async (self->local_server, self->cancellable, restore_local_server_cb,
                                  g_steal_pointer (&restore));
  else
    restore_verify (g_steal_pointer (&restore));
}

static void
begin_restore (KbcApplication *self)
{
  g_autoptr (Restore) restore = g_new0 (Restore, 1);
  const KbcStackInfo *stack;
  const char *key, *email;

  restore->self = self;
  restore->email = g_settings_get_string (self->settings, "last-email");
  restore->stack_id = self->use_local ? g_strdup (KBC_STACK_LOCAL)
                                      : g_settings_get_string (self->settings, "last-stack");

  stack = kbc_stack_lookup (restore->stack_id);
  if (stack == NULL || restore->email[0] == '\0')
    {
      sign_out_locally (self, NULL);
      return;
    }

  if (g_strcmp0 (stack->id, KBC_STACK_CUSTOM) == 0)
    restore->url = g_settings_get_string (self->settings, "last-custom-url");
  else
    restore->url = g_strdup (stack->url);

  if (g_strcmp0 (stack->id, KBC_STACK_CUSTOM) == 0 && restore->url[0] == '\0')
    {
      sign_out_locally (self, NULL);
      return;
    }

  key = kbc_stack_get_keyring_key (restore->stack_id, restore->url);
  email = restore->email;
  set_state (self, KBC_SESSION_RESTORING);
  kbc_keyring_lookup_async (key, email, self->cancellable, restore_lookup_cb,
                            g_steal_pointer (&restore));
}

static void
store_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcApplication *self = user_data;
  g_autoptr (GError) error = NULL;

  if (kbc_keyring_store_finish (result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The keyring's messages say what it means for the session, such as
   * "The keyring is locked. Unlock it to stay signed in on this computer." */
  g_debug ("Could not store the session: %s", error->message);
  add_toast (self, error->message);
}

void
kbc_application_adopt_session (KbcApplication *self, KbcAccount *account, const char *stack_id)
{
  const char *stack_url, *email;

  g_return_if_fail (KBC_IS_APPLICATION (self));
  g_return_if_fail (KBC_IS_ACCOUNT (account));
  g_return_if_fail (kbc_stack_lookup (stack_id) != NULL);

  set_sign_in_message (self, NULL);
  set_account (self, account, stack_id);

  get_keyring_key (self, &stack_url, &email);
  g_settings_set_string (self->settings, "last-stack", stack_id);
  g_settings_set_string (self->settings, "last-email", email);
  if (g_strcmp0 (stack_id, KBC_STACK_CUSTOM) == 0)
    g_settings_set_string (self->settings, "last-custom-url", kbc_account_get_stack_url (account));

  kbc_keyring_store_async (stack_url, email, kbc_account_get_token (account), self->cancellable,
                           store_cb, self);

  set_state (self, KBC_SESSION_SIGNED_IN);
}

/* Signing out: revoke the token, then remove it from the keyring. */

static void
sign_out_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcApplication *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!kbc_keyring_clear_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Translators: %s is the reason, from the keyring. */
      message = g_strdup_printf (_ ("The saved session could not be removed from the keyring: %s"),
                                 error->message);
      add_toast (self, message);
    }

  sign_out_locally (self, NULL);
}

static void
sign_out_logged_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcApplication *self = user_data;
  g_autoptr (GError) error = NULL;
  const char *stack_url, *email;

  if (!kbc_account_logout_finish (KBC_ACCOUNT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* The account forgot the token anyway; the server will let it expire. */
      g_debug ("Could not revoke the session token: %s", error->message);
    }

  get_keyring_key (self, &stack_url, &email);
  kbc_keyring_clear_async (stack_url, email, self->cancellable, sign_out_cleared_cb, self);
}

static void
sign_out_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  KbcApplication *self = user_data;

  if (self->state != KBC_SESSION_SIGNED_IN)
    return;

  set_state (self, KBC_SESSION_SIGNING_OUT);
  kbc_account_logout_async (self->account, self->cancellable, sign_out_logged_out_cb, self);
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  KbcApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { "KBC Account contributors", NULL };
  GtkWidget *about;

  about =
      g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for", window, "modal", TRUE,
                    "application-name", _ ("KBC Account"), "application-icon", APP_ID,
                    "developer-name", _ ("KBC Account contributors"), "version", PACKAGE_VERSION,
                    "comments", _ ("Manage your Keboola Connection account and its security."),
                    "website", "https://github.com/kbcaccount/kbc-account", "issue-url",
                    "https://github.com/kbcaccount/kbc-account/issues", "license-type",
                    GTK_LICENSE_GPL_3_0, "developers", developers,
                    /* Translators: Replace "translator-credits" with your name, one per line. */
                    "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_activated },
  { "quit", quit_activated },
  { "sign-out", sign_out_activated },
};

static int
kbc_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  KbcApplication *self = KBC_APPLICATION (application);

  if (g_variant_dict_contains (options, "local"))
    self->use_local = TRUE;

  return -1;
}

static void
kbc_application_startup (GApplication *application)
{
  KbcApplication *self = KBC_APPLICATION (application);
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (kbc_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  update_actions (self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
kbc_application_activate (GApplication *application)
{
  KbcApplication *self = KBC_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (kbc_window_new (self));

  gtk_window_present (window);

  if (!self->restore_started)
    {
      self->restore_started = TRUE;
      begin_restore (self);
    }
}

static void
kbc_application_shutdown (GApplication *application)
{
  KbcApplication *self = KBC_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  kbc_local_server_stop (self->local_server);

  G_APPLICATION_CLASS (kbc_application_parent_class)->shutdown (application);
}

static void
kbc_application_dispose (GObject *object)
{
  KbcApplication *self = KBC_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->local_server != NULL)
    kbc_local_server_stop (self->local_server);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_func (self->account, session_expired_cb, self);

  g_clear_object (&self->account);
  g_clear_object (&self->local_server);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kbc_application_parent_class)->dispose (object);
}

static void
kbc_application_finalize (GObject *object)
{
  KbcApplication *self = KBC_APPLICATION (object);

  g_free (self->stack_id);
  g_free (self->sign_in_message);

  G_OBJECT_CLASS (kbc_application_parent_class)->finalize (object);
}

static void
kbc_application_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcApplication *self = KBC_APPLICATION (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;

      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;

      case PROP_STACK_ID:
        g_value_set_string (value, self->stack_id);
        break;

      case PROP_SIGN_IN_MESSAGE:
        g_value_set_string (value, self->sign_in_message);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_application_class_init (KbcApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kbc_application_dispose;
  object_class->finalize = kbc_application_finalize;
  object_class->get_property = kbc_application_get_property;

  application_class->handle_local_options = kbc_application_handle_local_options;
  application_class->startup = kbc_application_startup;
  application_class->activate = kbc_application_activate;
  application_class->shutdown = kbc_application_shutdown;

  properties[PROP_STATE] =
      g_param_spec_enum ("state", NULL, NULL, KBC_TYPE_SESSION_STATE, KBC_SESSION_RESTORING,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STACK_ID] =
      g_param_spec_string ("stack-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGN_IN_MESSAGE] =
      g_param_spec_string ("sign-in-message", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_application_init (KbcApplication *self)
{
  const GOptionEntry options[] = {
    { "local", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Sign in to the server on this computer, with the demo account the first time"), NULL },
    { NULL }
  };

  self->state = KBC_SESSION_RESTORING;
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->local_server = kbc_local_server_new (NULL);

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

KbcApplication *
kbc_application_new (void)
{
  return g_object_new (KBC_TYPE_APPLICATION, "application-id", APP_ID, "resource-base-path",
                       RESOURCE_PREFIX, "flags", G_APPLICATION_DEFAULT_FLAGS, NULL);
}

GSettings *
kbc_application_get_settings (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), NULL);

  return self->settings;
}

KbcLocalServer *
kbc_application_get_local_server (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), NULL);

  return self->local_server;
}

KbcSessionState
kbc_application_get_state (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), KBC_SESSION_SIGNED_OUT);

  return self->state;
}

KbcAccount *
kbc_application_get_account (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), NULL);

  return self->account;
}

const char *
kbc_application_get_stack_id (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), NULL);

  return self->stack_id;
}

const char *
kbc_application_get_sign_in_message (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), NULL);

  return self->sign_in_message;
}

gboolean
kbc_application_get_use_local (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), FALSE);

  return self->use_local;
}
