/* kbc-session-row.c: one desktop session in the Access Tokens page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-session-row.h"

#include <glib/gi18n.h>

#include "kbc-closures.h"

struct _KbcSessionRow
{
  GtkListBoxRow parent_instance;

  /* Template children */
  GtkWidget *this_device_label;
  GtkWidget *revoke_button;

  /* Owned */
  KbcToken *token;
};

enum
{
  PROP_0,
  PROP_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcSessionRow, kbc_session_row, GTK_TYPE_LIST_BOX_ROW)

static char *
client_title (gpointer self, const char *client_name)
{
  if (client_name == NULL || *client_name == '\0')
    return g_strdup (_ ("Unknown app"));
  return g_strdup (client_name);
}

static char *
describe_sign_in (gpointer self, GDateTime *created, const char *address)
{
  g_autofree char *when = kbc_format_date_time (created);

  if (when == NULL)
    when = g_strdup ("—");
  if (address == NULL || *address == '\0')
    /* Translators: under the name of the app of a session; %s is a date and time. */
    return g_strdup_printf (_ ("Signed in %s"), when);

  /* Translators: under the name of the app of a session; the first %s is a
   * date and time, the second a network address ("192.0.2.7"). */
  return g_strdup_printf (_ ("Signed in %s from %s"), when, address);
}

static void
update_revoke_label (KbcSessionRow *self)
{
  g_autofree char *title = client_title (self, kbc_token_get_client_name (self->token));
  g_autofree char *label = NULL;

  /* Translators: the accessible name of a button; %s is the name of the app
   * of a session ("KBC Account/1.0 (laptop)"). */
  label = g_strdup_printf (_ ("Revoke the session of “%s”"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->revoke_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
kbc_session_row_constructed (GObject *object)
{
  KbcSessionRow *self = KBC_SESSION_ROW (object);

  G_OBJECT_CLASS (kbc_session_row_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_TOKEN (self->token));

  /* The template's bindings watch the token property. */
  g_object_notify_by_pspec (object, properties[PROP_TOKEN]);

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->revoke_button),
                                          g_variant_new_int64 (kbc_token_get_id (self->token)));
  g_signal_connect_object (self->token, "notify::client-name", G_CALLBACK (update_revoke_label),
                           self, G_CONNECT_SWAPPED);
  update_revoke_label (self);
}

static void
kbc_session_row_dispose (GObject *object)
{
  KbcSessionRow *self = KBC_SESSION_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_SESSION_ROW);
  g_clear_object (&self->token);

  G_OBJECT_CLASS (kbc_session_row_parent_class)->dispose (object);
}

static void
kbc_session_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcSessionRow *self = KBC_SESSION_ROW (object);

  switch (prop_id)
    {
      case PROP_TOKEN:
        g_value_set_object (value, self->token);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_session_row_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  KbcSessionRow *self = KBC_SESSION_ROW (object);

  switch (prop_id)
    {
      case PROP_TOKEN:
        self->token = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_session_row_class_init (KbcSessionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_session_row_constructed;
  object_class->dispose = kbc_session_row_dispose;
  object_class->get_property = kbc_session_row_get_property;
  object_class->set_property = kbc_session_row_set_property;

  properties[PROP_TOKEN] =
      g_param_spec_object ("token", NULL, NULL, KBC_TYPE_TOKEN,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-session-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcSessionRow, this_device_label);
  gtk_widget_class_bind_template_child (widget_class, KbcSessionRow, revoke_button);
  gtk_widget_class_bind_template_callback (widget_class, client_title);
  gtk_widget_class_bind_template_callback (widget_class, describe_sign_in);
  kbc_closures_bind_template (widget_class);

  g_type_ensure (KBC_TYPE_TOKEN);
}

static void
kbc_session_row_init (KbcSessionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_session_row_new (KbcToken *token)
{
  g_return_val_if_fail (KBC_IS_TOKEN (token), NULL);

  return g_object_new (KBC_TYPE_SESSION_ROW, "token", token, NULL);
}

KbcToken *
kbc_session_row_get_token (KbcSessionRow *self)
{
  g_return_val_if_fail (KBC_IS_SESSION_ROW (self), NULL);

  return self->token;
}
