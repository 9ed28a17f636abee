/* kbc-notification-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-notification-row.h"

#include "kbc-a11y.h"

#include <glib/gi18n.h>

#include "kbc-time.h"
#include "kbc-tooltip.h"

struct _KbcNotificationRow
{
  GtkWidget parent_instance;

  /* Template children */
  GtkImage *icon;
  GtkLabel *title_label;
  GtkLabel *message_label;
  GtkLabel *meta_label;
  GtkButton *read_button;
  GtkButton *project_button;

  /* Owned references */
  KbcNotification *notification;
  GSignalGroup *signals; /* on the notification */
};

G_DEFINE_FINAL_TYPE (KbcNotificationRow, kbc_notification_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_NOTIFICATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
kbc_notification_kind_icon_name (KbcNotificationKind kind)
{
  switch (kind)
    {
      case KBC_NOTIFICATION_LIMIT:
        return "dialog-warning-symbolic";
      case KBC_NOTIFICATION_GLOBAL:
        return "network-server-symbolic";
      case KBC_NOTIFICATION_SECURITY:
        return "security-high-symbolic";
      case KBC_NOTIFICATION_COMMON:
      default:
        return "dialog-information-symbolic";
    }
}

/* What the icon says to a screen reader. */
static const char *
kind_label (KbcNotificationKind kind)
{
  switch (kind)
    {
      case KBC_NOTIFICATION_LIMIT:
        return _ ("Project limit");
      case KBC_NOTIFICATION_GLOBAL:
        return _ ("Platform announcement");
      case KBC_NOTIFICATION_SECURITY:
        return _ ("Account security");
      case KBC_NOTIFICATION_COMMON:
      default:
        return _ ("Notice");
    }
}

/* "Demo Analytics · 2 days ago". */
static char *
meta_text (KbcNotification *notification)
{
  const char *project_name = kbc_notification_get_project_name (notification);
  gint64 project_id = kbc_notification_get_project_id (notification);
  GDateTime *created = kbc_notification_get_created (notification);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *project = NULL;
  g_autofree char *when = NULL;

  if (project_name != NULL)
    project = g_strdup (project_name);
  else if (project_id > 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, project_id);

      /* Translators: a project whose name the server did not send; %s is
       * its id. */
      project = g_strdup_printf (_ ("Project %s"), id);
    }
  if (created != NULL)
    when = kbc_time_format_relative (created, now);

  if (project != NULL && when != NULL)
    /* Translators: the project a notification is about, and when it came. */
    return g_strdup_printf (_ ("%s · %s"), project, when);
  return g_strdup (project != NULL ? project : when != NULL ? when : "");
}

static void
update (KbcNotificationRow *self)
{
  KbcNotification *notification = self->notification;
  g_autofree char *meta = NULL;
  gboolean unread;

  if (notification == NULL)
    return;

  unread = !kbc_notification_get_is_read (notification);
  gtk_image_set_from_icon_name (
      self->icon, kbc_notification_kind_icon_name (kbc_notification_get_kind (notification)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  kind_label (kbc_notification_get_kind (notification)), -1);
  gtk_label_set_label (self->title_label, kbc_notification_get_title (notification));
  gtk_label_set_markup (self->message_label, kbc_notification_get_markup (notification));
  gtk_widget_set_visible (GTK_WIDGET (self->message_label),
                          *kbc_notification_get_markup (notification) != '\0');
  meta = meta_text (notification);
  gtk_label_set_label (self->meta_label, meta);

  if (unread)
    gtk_widget_add_css_class (GTK_WIDGET (self), "unread");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "unread");
  gtk_widget_set_visible (GTK_WIDGET (self->read_button), unread);
  /* The target first: the action takes one. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->read_button), "s",
                                    kbc_notification_get_id (notification));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->read_button), "notifications.mark-read");

  gtk_widget_set_visible (GTK_WIDGET (self->project_button),
                          kbc_notification_get_project_id (notification) > 0);
  if (kbc_notification_get_project_id (notification) > 0)
    {
      g_autofree char *meta_project = NULL;
      const char *name = kbc_notification_get_project_name (notification);

      /* Translators: the accessible name of Open Project on a notification; %s is the project. */
      meta_project = g_strdup_printf (_ ("Open the project %s"), name != NULL ? name : "");
      kbc_a11y_set_button_label (GTK_WIDGET (self->project_button), meta_project);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->project_button), "(xs)",
                                        kbc_notification_get_project_id (notification), "");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->project_button), "window.show-project");
    }
}

/* The tooltip of the line under the title: when the notification came, in
 * full. Made when asked for, not for every notification the list binds. */
static char *
full_date (GtkWidget *meta_label, gpointer user_data)
{
  KbcNotificationRow *self = user_data;
  GDateTime *created;
  g_autoptr (GDateTime) local = NULL;

  if (self->notification == NULL)
    return NULL;
  created = kbc_notification_get_created (self->notification);
  if (created == NULL)
    return NULL;

  local = g_date_time_to_local (created);
  /* Translators: when a notification came, in full, as
   * g_date_time_format() takes it.
   * xgettext:no-c-format */
  return g_date_time_format (local, _ ("%b %-d, %Y %H:%M"));
}

/* Only web links leave the app, whatever the markup says. */
static gboolean
activate_link_cb (KbcNotificationRow *self, const char *uri)
{
  g_autoptr (GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  const char *scheme = parsed != NULL ? g_uri_get_scheme (parsed) : NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (scheme != NULL &&
      (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0))
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  else
    g_debug ("Not opening a link that is not http or https");

  return TRUE;
}

static void
kbc_notification_row_dispose (GObject *object)
{
  KbcNotificationRow *self = KBC_NOTIFICATION_ROW (object);
  GtkWidget *child;

  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_NOTIFICATION_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->signals);
  g_clear_object (&self->notification);

  G_OBJECT_CLASS (kbc_notification_row_parent_class)->dispose (object);
}

static void
kbc_notification_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcNotificationRow *self = KBC_NOTIFICATION_ROW (object);

  switch (prop_id)
    {
      case PROP_NOTIFICATION:
        g_value_set_object (value, self->notification);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_notification_row_set_property (GObject *object,
                                   guint prop_id,
                                   const GValue *value,
                                   GParamSpec *pspec)
{
  KbcNotificationRow *self = KBC_NOTIFICATION_ROW (object);

  switch (prop_id)
    {
      case PROP_NOTIFICATION:
        kbc_notification_row_set_notification (self, g_value_get_object (value));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_notification_row_class_init (KbcNotificationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbc_notification_row_dispose;
  object_class->get_property = kbc_notification_row_get_property;
  object_class->set_property = kbc_notification_row_set_property;

  properties[PROP_NOTIFICATION] =
      g_param_spec_object ("notification", NULL, NULL, KBC_TYPE_NOTIFICATION,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-notification-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationRow, icon);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationRow, read_button);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationRow, project_button);
  gtk_widget_class_bind_template_callback (widget_class, activate_link_cb);
}

static void
kbc_notification_row_init (KbcNotificationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not in the template: a row is made for every notification in view
   * (kbc-tooltip.h). */
  kbc_tooltip_set_text (GTK_WIDGET (self->read_button), _ ("Mark as Read"));
  kbc_tooltip_set_func (GTK_WIDGET (self->meta_label), full_date, self);

  /* A row follows its notification: read elsewhere, renamed by a refresh. */
  self->signals = g_signal_group_new (KBC_TYPE_NOTIFICATION);
  g_signal_group_connect_object (self->signals, "notify", G_CALLBACK (update), self,
                                 G_CONNECT_SWAPPED);
}

GtkWidget *
kbc_notification_row_new (void)
{
  return g_object_new (KBC_TYPE_NOTIFICATION_ROW, NULL);
}

void
kbc_notification_row_set_notification (KbcNotificationRow *self, KbcNotification *notification)
{
  g_return_if_fail (KBC_IS_NOTIFICATION_ROW (self));
  g_return_if_fail (notification == NULL || KBC_IS_NOTIFICATION (notification));

  if (!g_set_object (&self->notification, notification))
    return;

  g_signal_group_set_target (self->signals, notification);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTIFICATION]);
}

KbcNotification *
kbc_notification_row_get_notification (KbcNotificationRow *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION_ROW (self), NULL);

  return self->notification;
}
