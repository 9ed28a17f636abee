/* kbc-notifications-button.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-notifications-button.h"

#include <glib/gi18n.h>

#include "kbc-tooltip.h"

/* More than this shows as "99+". */
#define MAX_SHOWN_COUNT 99

struct _KbcNotificationsButton
{
  GtkWidget parent_instance;

  /* Template children */
  GtkWidget *overlay;
  GtkButton *button;
  GtkLabel *badge;

  /* Owned references */
  KbcNotifications *notifications;
  GSignalGroup *signals; /* on the notifications */
  char *label;
};

G_DEFINE_FINAL_TYPE (KbcNotificationsButton, kbc_notifications_button, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_NOTIFICATIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (KbcNotificationsButton *self)
{
  guint unread = 0;
  gboolean shown = FALSE;

  /* Once the server has said it has notifications: a Keboola stack's 404
   * never shows a bell for a moment. */
  if (self->notifications != NULL)
    {
      KbcResource *resource = KBC_RESOURCE (self->notifications);

      unread = kbc_notifications_get_unread_count (self->notifications);
      shown = kbc_resource_get_offered (resource) && kbc_resource_get_loaded (resource);
    }

  gtk_widget_set_visible (GTK_WIDGET (self), shown);

  g_free (self->label);
  if (unread == 0)
    self->label = g_strdup (_ ("No unread notifications"));
  else
    /* Translators: the bell button's name for screen readers and its tooltip. */
    self->label = g_strdup_printf (
        ngettext ("%u unread notification", "%u unread notifications", unread), unread);
  kbc_tooltip_set_text (GTK_WIDGET (self->button), self->label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->label, -1);

  if (unread > MAX_SHOWN_COUNT)
    /* Translators: the unread count on the bell when it is over 99. */
    gtk_label_set_label (self->badge, _ ("99+"));
  else if (unread > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", unread);

      gtk_label_set_label (self->badge, count);
    }
  else
    gtk_label_set_label (self->badge, "");
  gtk_widget_set_visible (GTK_WIDGET (self->badge), unread > 0);
}

static void
kbc_notifications_button_dispose (GObject *object)
{
  KbcNotificationsButton *self = KBC_NOTIFICATIONS_BUTTON (object);
  GtkWidget *child;

  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_NOTIFICATIONS_BUTTON);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->signals);
  g_clear_object (&self->notifications);

  G_OBJECT_CLASS (kbc_notifications_button_parent_class)->dispose (object);
}

static void
kbc_notifications_button_finalize (GObject *object)
{
  KbcNotificationsButton *self = KBC_NOTIFICATIONS_BUTTON (object);

  g_free (self->label);

  G_OBJECT_CLASS (kbc_notifications_button_parent_class)->finalize (object);
}

static void
kbc_notifications_button_get_property (GObject *object,
                                       guint prop_id,
                                       GValue *value,
                                       GParamSpec *pspec)
{
  KbcNotificationsButton *self = KBC_NOTIFICATIONS_BUTTON (object);

  switch (prop_id)
    {
      case PROP_NOTIFICATIONS:
        g_value_set_object (value, self->notifications);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_notifications_button_set_property (GObject *object,
                                       guint prop_id,
                                       const GValue *value,
                                       GParamSpec *pspec)
{
  KbcNotificationsButton *self = KBC_NOTIFICATIONS_BUTTON (object);

  switch (prop_id)
    {
      case PROP_NOTIFICATIONS:
        kbc_notifications_button_set_notifications (self, g_value_get_object (value));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_notifications_button_class_init (KbcNotificationsButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbc_notifications_button_dispose;
  object_class->finalize = kbc_notifications_button_finalize;
  object_class->get_property = kbc_notifications_button_get_property;
  object_class->set_property = kbc_notifications_button_set_property;

  properties[PROP_NOTIFICATIONS] =
      g_param_spec_object ("notifications", NULL, NULL, KBC_TYPE_NOTIFICATIONS,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-notifications-button.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsButton, overlay);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsButton, button);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsButton, badge);
}

static void
kbc_notifications_button_init (KbcNotificationsButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->signals = g_signal_group_new (KBC_TYPE_NOTIFICATIONS);
  g_signal_group_connect_object (self->signals, "notify::unread-count", G_CALLBACK (update), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->signals, "notify::offered", G_CALLBACK (update), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->signals, "notify::loaded", G_CALLBACK (update), self,
                                 G_CONNECT_SWAPPED);
  update (self);
}

GtkWidget *
kbc_notifications_button_new (void)
{
  return g_object_new (KBC_TYPE_NOTIFICATIONS_BUTTON, NULL);
}

void
kbc_notifications_button_set_notifications (KbcNotificationsButton *self,
                                            KbcNotifications *notifications)
{
  g_return_if_fail (KBC_IS_NOTIFICATIONS_BUTTON (self));
  g_return_if_fail (notifications == NULL || KBC_IS_NOTIFICATIONS (notifications));

  if (!g_set_object (&self->notifications, notifications))
    return;

  g_signal_group_set_target (self->signals, notifications);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTIFICATIONS]);
}

KbcNotifications *
kbc_notifications_button_get_notifications (KbcNotificationsButton *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATIONS_BUTTON (self), NULL);

  return self->notifications;
}

const char *
kbc_notifications_button_get_badge_text (KbcNotificationsButton *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATIONS_BUTTON (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->badge)) ? gtk_label_get_label (self->badge) : "";
}

const char *
kbc_notifications_button_get_label (KbcNotificationsButton *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATIONS_BUTTON (self), NULL);

  return self->label;
}
