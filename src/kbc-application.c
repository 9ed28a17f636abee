/* kbc-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-application.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "kbc-a11y.h"
#include "kbc-notification.h"
#include "kbc-stack.h"
#include "kbc-toast.h"
#include "kbc-window.h"

/* Desktop notifications: one each up to this many at once, then one for all. */
#define MAX_SINGLE_NOTIFICATIONS 3
/* A desktop notification shows the start of the message. */
#define MAX_BODY_CHARS          300
#define SUMMARY_NOTIFICATION_ID "notifications"

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
  gboolean restoring; /* the first restore has not answered yet */
  GHashTable *sent;   /* desktop notification id → TRUE, until withdrawn */
};

G_DEFINE_FINAL_TYPE (KbcApplication, kbc_application, ADW_TYPE_APPLICATION)

enum
{
  PROP_0,
  PROP_STARTING,
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
  g_autoptr (KbcApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  /* The session's state and message say how it went. */
  if (!kbc_session_restore_finish (KBC_SESSION (source), result, &error) && error != NULL)
    g_debug ("No session restored: %s", error->message);

  self->restoring = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTING]);
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

/* The default action of a desktop notification: the app at that item. */
static void
show_notification_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  KbcApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!KBC_IS_WINDOW (window))
    return;

  kbc_window_show_notification (KBC_WINDOW (window), g_variant_get_string (parameter, NULL));
  gtk_window_present (window);
}

static void
withdraw (KbcApplication *self, const char *id)
{
  if (g_hash_table_remove (self->sent, id))
    g_application_withdraw_notification (G_APPLICATION (self), id);
}

/* Read here or elsewhere: its desktop notification has said its piece. */
static void
item_read_cb (KbcNotification *item, GParamSpec *pspec, KbcApplication *self)
{
  g_autofree char *id = NULL;
  const char *summary = g_object_get_data (G_OBJECT (item), "kbc-summary");

  if (!kbc_notification_get_is_read (item))
    return;

  g_signal_handlers_disconnect_by_func (item, item_read_cb, self);
  id = g_strconcat ("notification-", kbc_notification_get_id (item), NULL);
  withdraw (self, summary != NULL ? summary : id);
}

static char *
shorten (const char *text)
{
  if (g_utf8_strlen (text, -1) <= MAX_BODY_CHARS)
    return g_strdup (text);
  {
    g_autofree char *start = g_utf8_substring (text, 0, MAX_BODY_CHARS);

    return g_strconcat (start, "…", NULL);
  }
}

void
kbc_application_notify_arrived (KbcApplication *self, GPtrArray *items)
{
  g_autoptr (GNotification) summary = NULL;
  g_autoptr (GString) titles = NULL;
  g_autofree char *title = NULL;
  KbcNotification *newest;

  g_return_if_fail (KBC_IS_APPLICATION (self));
  g_return_if_fail (items != NULL);

  if (items->len == 0 || !g_settings_get_boolean (self->settings, "desktop-notifications"))
    return;

  if (items->len <= MAX_SINGLE_NOTIFICATIONS)
    {
      /* Oldest first, so that the newest is on top. */
      for (guint i = items->len; i > 0; i--)
        {
          KbcNotification *item = items->pdata[i - 1];
          g_autoptr (GNotification) notification =
              g_notification_new (kbc_notification_get_title (item));
          g_autofree char *body = shorten (kbc_notification_get_plain_text (item));
          g_autofree char *id = g_strconcat ("notification-", kbc_notification_get_id (item), NULL);

          if (*body != '\0')
            g_notification_set_body (notification, body);
          if (kbc_notification_get_kind (item) == KBC_NOTIFICATION_SECURITY)
            g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
          g_notification_set_default_action_and_target (notification, "app.show-notification", "s",
                                                        kbc_notification_get_id (item));
          g_application_send_notification (G_APPLICATION (self), id, notification);
          g_hash_table_add (self->sent, g_steal_pointer (&id));
          g_object_set_data (G_OBJECT (item), "kbc-summary", NULL);
          g_signal_connect_object (item, "notify::is-read", G_CALLBACK (item_read_cb), self, 0);
        }
      return;
    }

  /* Many at once: one notification that counts them, naming a few. */
  newest = items->pdata[0];
  title = g_strdup_printf (ngettext ("%u new notification", "%u new notifications", items->len),
                           items->len);
  titles = g_string_new (NULL);
  for (guint i = 0; i < MAX_SINGLE_NOTIFICATIONS; i++)
    g_string_append_printf (titles, "%s%s", i > 0 ? "\n" : "",
                            kbc_notification_get_title (items->pdata[i]));
  summary = g_notification_new (title);
  g_notification_set_body (summary, titles->str);
  g_notification_set_default_action_and_target (summary, "app.show-notification", "s",
                                                kbc_notification_get_id (newest));
  g_application_send_notification (G_APPLICATION (self), SUMMARY_NOTIFICATION_ID, summary);
  g_hash_table_add (self->sent, g_strdup (SUMMARY_NOTIFICATION_ID));
  g_object_set_data (G_OBJECT (newest), "kbc-summary", (gpointer) SUMMARY_NOTIFICATION_ID);
  g_signal_connect_object (newest, "notify::is-read", G_CALLBACK (item_read_cb), self, 0);
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
  { "show-notification", show_notification_activated, "s" },
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
  kbc_a11y_install ();

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
      self->restoring = TRUE;
      kbc_session_restore_async (self->session, stack_id, url, self->cancellable, restored_cb,
                                 g_object_ref (self));
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
  g_clear_pointer (&self->sent, g_hash_table_unref);

  G_OBJECT_CLASS (kbc_application_parent_class)->dispose (object);
}

static void
kbc_application_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcApplication *self = KBC_APPLICATION (object);

  switch (prop_id)
    {
      case PROP_STARTING:
        g_value_set_boolean (value, self->restoring);
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
  object_class->get_property = kbc_application_get_property;

  application_class->handle_local_options = kbc_application_handle_local_options;
  application_class->startup = kbc_application_startup;
  application_class->activate = kbc_application_activate;
  application_class->shutdown = kbc_application_shutdown;

  /* TRUE until the first restore has answered: until then nobody knows yet
   * whether the window shows the sign-in form or a session. */
  properties[PROP_STARTING] =
      g_param_spec_boolean ("starting", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_application_init (KbcApplication *self)
{
  const GOptionEntry options[] = {
    { "local", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Choose the server on this computer, with the demo account filled in the first time"),
      NULL },
    { "stack", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Sign in to the stack at URL, such as https://connection.keboola.com"), N_ ("URL") },
    { NULL }
  };

  self->cancellable = g_cancellable_new ();
  self->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
kbc_application_get_starting (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), FALSE);

  return self->restoring;
}

gboolean
kbc_application_get_use_local (KbcApplication *self)
{
  g_return_val_if_fail (KBC_IS_APPLICATION (self), FALSE);

  return self->use_local;
}
