/* kbc-web-notice.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-web-notice.h"

struct _KbcWebNotice
{
  AdwPreferencesGroup parent_instance;

  /* Template children */
  AdwStatusPage *status_page;

  char *uri;
};

G_DEFINE_FINAL_TYPE (KbcWebNotice, kbc_web_notice, ADW_TYPE_PREFERENCES_GROUP)

enum
{
  PROP_0,
  PROP_DESCRIPTION,
  PROP_URI,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
open_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcWebNotice *self = KBC_WEB_NOTICE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->uri == NULL)
    return;

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->uri, GDK_CURRENT_TIME);
}

static void
kbc_web_notice_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KBC_TYPE_WEB_NOTICE);

  G_OBJECT_CLASS (kbc_web_notice_parent_class)->dispose (object);
}

static void
kbc_web_notice_finalize (GObject *object)
{
  KbcWebNotice *self = KBC_WEB_NOTICE (object);

  g_free (self->uri);

  G_OBJECT_CLASS (kbc_web_notice_parent_class)->finalize (object);
}

static void
kbc_web_notice_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcWebNotice *self = KBC_WEB_NOTICE (object);

  switch (prop_id)
    {
      case PROP_DESCRIPTION:
        g_value_set_string (value, kbc_web_notice_get_description (self));
        break;

      case PROP_URI:
        g_value_set_string (value, self->uri);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_web_notice_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcWebNotice *self = KBC_WEB_NOTICE (object);

  switch (prop_id)
    {
      case PROP_DESCRIPTION:
        kbc_web_notice_set_description (self, g_value_get_string (value));
        break;

      case PROP_URI:
        kbc_web_notice_set_uri (self, g_value_get_string (value));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_web_notice_class_init (KbcWebNoticeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = kbc_web_notice_dispose;
  object_class->finalize = kbc_web_notice_finalize;
  object_class->get_property = kbc_web_notice_get_property;
  object_class->set_property = kbc_web_notice_set_property;

  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, rw);
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-web-notice.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcWebNotice, status_page);

  gtk_widget_class_install_action (widget_class, "web-notice.open", NULL, open_activated);
}

static void
kbc_web_notice_init (KbcWebNotice *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "web-notice.open", FALSE);
}

GtkWidget *
kbc_web_notice_new (const char *description, const char *uri)
{
  return g_object_new (KBC_TYPE_WEB_NOTICE, "description", description, "uri", uri, NULL);
}

void
kbc_web_notice_set_description (KbcWebNotice *self, const char *description)
{
  g_return_if_fail (KBC_IS_WEB_NOTICE (self));

  if (g_strcmp0 (adw_status_page_get_description (self->status_page), description) == 0)
    return;

  adw_status_page_set_description (self->status_page, description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

const char *
kbc_web_notice_get_description (KbcWebNotice *self)
{
  g_return_val_if_fail (KBC_IS_WEB_NOTICE (self), NULL);

  return adw_status_page_get_description (self->status_page);
}

void
kbc_web_notice_set_uri (KbcWebNotice *self, const char *uri)
{
  g_return_if_fail (KBC_IS_WEB_NOTICE (self));

  if (g_strcmp0 (self->uri, uri) == 0)
    return;

  g_free (self->uri);
  self->uri = g_strdup (uri);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "web-notice.open", uri != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URI]);
}

const char *
kbc_web_notice_get_uri (KbcWebNotice *self)
{
  g_return_val_if_fail (KBC_IS_WEB_NOTICE (self), NULL);

  return self->uri;
}
