/* kbc-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-application.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "kbc-stack.h"
#include "kbc-toast.h"
#include "kbc-window.h"

struct _KbcApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  KbcLocalServer *local_server;
  KbcSession *session;
  /* Restore and sign-out; cancelled on shutdown. */
  GCancellable *cancellable;

  gboolean use_local;
  /* --stack: the stack to preselect, and its address for a custom one */
  char *stack_id;
  char *stack_url;
  gboolean restore_started;
};

G_DEFINE_FINAL_TYPE (KbcApplication, kbc_application, ADW_TYPE_APPLICATION)

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

/* The session changed: what the application offers follows. */
static void
state_changed_cb (KbcApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out");

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), kbc_session_get_state (self->session) ==
                                                               KBC_SESSION_STATE_SIGNED_IN);
}

static void
warning_cb (KbcApplication *self, const char *message)
{
  add_toast (self, message);
}

static void
restored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The session's state and message say how it went. */
  if (!kbc_session_restore_finish (KBC_SESSION (source), result, &error) && error != NULL)
    g_debug ("No session restored: %s", error->message);
}

static void
signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!kbc_session_sign_out_finish (KBC_SESSION (source), result, &error))
    g_debug ("Signing out: %s", error->message);
}

static void
sign_out_response_cb (KbcApplication *self, const char *response)
{
  if (g_strcmp0 (response, "sign-out") != 0 ||
      kbc_session_get_state (self->session) != KBC_SESSION_STATE_SIGNED_IN)
    return;

  kbc_session_sign_out_async (self->session, self->cancellable, signed_out_cb, NULL);
}

static void
sign_out_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  KbcApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwMessageDialog *dialog;

  if (kbc_session_get_state (self->session) != KBC_SESSION_STATE_SIGNED_IN)
    return;

  /* A session token is revoked at once; a token the user brought stays
   * theirs, and the confirmation says so. */
  if (!kbc_session_get_uses_access_token (self->session))
    {
      kbc_session_sign_out_async (self->session, self->cancellable, signed_out_cb, NULL);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      window, _ ("Sign Out?"),
      _ ("The access token will be removed from this computer. It stays valid until it expires "
         "or you delete it in Keboola’s Account Settings → Access Tokens.")));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    "sign-out", _ ("_Sign Out"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_out_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
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

  const char *url = NULL;

  if (g_variant_dict_contains (options, "local"))
    self->use_local = TRUE;

  if (g_variant_dict_lookup (options, "stack", "&s", &url))
    {
      g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL ||
          (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
           g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
        {
          /* Translators: %s is what the user gave after --stack. */
          g_printerr (_ ("Not a stack address: %s. Give one such as "
                         "https://connection.keboola.com.\n"),
                      url);
          return EXIT_FAILURE;
        }

      g_free (self->stack_url);
      self->stack_id = g_strdup (kbc_stack_find_by_url (url));
      self->stack_url = g_strdup (url);
    }

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
  state_changed_cb (self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
kbc_application_activate (GApplication *application)
{
  KbcApplication *self = KBC_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* Before the window: it then starts on the view that is true, restoring
   * only when there is a saved session to restore. */
  if (!self->restore_started)
    {
      const char *stack_id = self->use_local ? KBC_STACK_LOCAL : self->stack_id;
      const char *url = self->use_local ? NULL : self->stack_url;

      self->restore_started = TRUE;
      kbc_session_restore_async (self->session, stack_id, url, self->cancellable, restored_cb,
                                 NULL);
    }

  if (window == NULL)
    window = GTK_WINDOW (kbc_window_new (self));

  gtk_window_present (window);
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

  g_clear_object (&self->session);
  g_clear_object (&self->local_server);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->stack_id, g_free);
  g_clear_pointer (&self->stack_url, g_free);

  G_OBJECT_CLASS (kbc_application_parent_class)->dispose (object);
}

static void
kbc_application_class_init (KbcApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kbc_application_dispose;

  application_class->handle_local_options = kbc_application_handle_local_options;
  application_class->startup = kbc_application_startup;
  application_class->activate = kbc_application_activate;
  application_class->shutdown = kbc_application_shutdown;
}

static void
kbc_application_init (KbcApplication *self)
{
  const GOptionEntry options[] = {
    { "local", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Sign in to the server on this computer, with the demo account the first time"), NULL },
    { "stack", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Sign in to the stack at URL, such as https://connection.keboola.com"), N_ ("URL") },
    { NULL }
  };

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->local_server = kbc_local_server_new (NULL);
  self->session = kbc_session_new (self->settings, self->local_server);
  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "warning", G_CALLBACK (warning_cb), self,
                           G_CONNECT_SWAPPED);

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

KbcSession *
kbc_application_get_session (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), NULL);

  return self->session;
}

/* The stack given with --stack (NULL without), and its address. */
const char *
kbc_application_get_stack (KbcApplication *self, const char **url)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), NULL);

  if (url != NULL)
    *url = self->stack_url;
  return self->stack_id;
}

gboolean
kbc_application_get_use_local (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), FALSE);

  return self->use_local;
}
