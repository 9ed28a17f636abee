/* kbc-token-row.c: one personal token in the Access Tokens page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-token-row.h"

#include <glib/gi18n.h>

#include "kbc-closures.h"
#include "kbc-tooltip.h"

struct _KbcTokenRow
{
  GtkWidget parent_instance;

  /* Template children */
  GtkLabel *expiry_label;
  GtkWidget *delete_button;

  /* Owned */
  KbcToken *token;
  GSignalGroup *token_signals;
};

enum
{
  PROP_0,
  PROP_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcTokenRow, kbc_token_row, GTK_TYPE_WIDGET)

static char *
describe_use (gpointer self, GDateTime *created, GDateTime *last_used)
{
  g_autofree char *made = kbc_format_date (created);
  g_autofree char *used = kbc_format_date (last_used);

  if (used == NULL)
    /* Translators: under a token's name; %s is the date it was created. */
    return g_strdup_printf (_ ("Created %s · Not used yet"), made != NULL ? made : "—");

  /* Translators: under a token's name; the first %s is the date it was
   * created, the second the date it was last used. */
  return g_strdup_printf (_ ("Created %s · Last used %s"), made != NULL ? made : "—", used);
}

char *
kbc_token_row_describe_expiry (KbcToken *token, GDateTime *now, gboolean *soon, gboolean *expired)
{
  GDateTime *expires = kbc_token_get_expires (token);
  g_autofree char *when = kbc_format_date_time (expires);
  GTimeSpan left;
  int n;

  *soon = FALSE;
  *expired = FALSE;

  if (expires == NULL)
    return g_strdup (_ ("Does not expire"));

  left = g_date_time_difference (expires, now);
  if (kbc_token_get_is_expired (token) || left <= 0)
    {
      *expired = TRUE;
      /* Translators: %s is a date and time. */
      return g_strdup_printf (_ ("Expired on %s"), when);
    }

  *soon = left < KBC_TOKEN_ROW_SOON;

  /* Rounded to the nearest unit: a token made for 30 days reads "30 days". */
  n = (int) ((left + G_TIME_SPAN_MINUTE / 2) / G_TIME_SPAN_MINUTE);
  if (n < 60)
    {
      n = MAX (n, 1);
      return g_strdup_printf (
          /* Translators: %d is a number of minutes, %s the date and time it expires. */
          ngettext ("Expires in %d minute (%s)", "Expires in %d minutes (%s)", n), n, when);
    }
  n = (int) ((left + G_TIME_SPAN_HOUR / 2) / G_TIME_SPAN_HOUR);
  if (n < 48)
    /* Translators: %d is a number of hours, %s the date and time it expires. */
    return g_strdup_printf (ngettext ("Expires in %d hour (%s)", "Expires in %d hours (%s)", n), n,
                            when);

  n = (int) ((left + G_TIME_SPAN_DAY / 2) / G_TIME_SPAN_DAY);
  /* Translators: %d is a number of days, %s the date and time it expires. */
  return g_strdup_printf (ngettext ("Expires in %d day (%s)", "Expires in %d days (%s)", n), n,
                          when);
}

/* The expiry reads relative to now: written again whenever the row shows. */
static void
update_expiry (KbcTokenRow *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;
  gboolean soon, expired;

  if (self->token == NULL)
    return;

  text = kbc_token_row_describe_expiry (self->token, now, &soon, &expired);
  gtk_label_set_text (self->expiry_label, text);

  if (soon)
    gtk_widget_add_css_class (GTK_WIDGET (self->expiry_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->expiry_label), "warning");
  if (expired)
    gtk_widget_add_css_class (GTK_WIDGET (self->expiry_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->expiry_label), "error");
  if (soon || expired)
    gtk_widget_remove_css_class (GTK_WIDGET (self->expiry_label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->expiry_label), "dim-label");
}

static void
update_delete_label (KbcTokenRow *self)
{
  g_autofree char *label = NULL;

  if (self->token == NULL)
    return;

  /* Translators: the accessible name of a button; %s is a token's name. */
  label = g_strdup_printf (_ ("Delete “%s”"), kbc_token_get_description (self->token));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->delete_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
kbc_token_row_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kbc_token_row_parent_class)->map (widget);

  update_expiry (KBC_TOKEN_ROW (widget));
}

static void
kbc_token_row_dispose (GObject *object)
{
  KbcTokenRow *self = KBC_TOKEN_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_TOKEN_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->token_signals);
  g_clear_object (&self->token);

  G_OBJECT_CLASS (kbc_token_row_parent_class)->dispose (object);
}

static void
kbc_token_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcTokenRow *self = KBC_TOKEN_ROW (object);

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
kbc_token_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcTokenRow *self = KBC_TOKEN_ROW (object);

  switch (prop_id)
    {
      case PROP_TOKEN:
        kbc_token_row_set_token (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_token_row_class_init (KbcTokenRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbc_token_row_dispose;
  object_class->get_property = kbc_token_row_get_property;
  object_class->set_property = kbc_token_row_set_property;

  widget_class->map = kbc_token_row_map;

  properties[PROP_TOKEN] =
      g_param_spec_object ("token", NULL, NULL, KBC_TYPE_TOKEN,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tokenrow");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-token-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcTokenRow, expiry_label);
  gtk_widget_class_bind_template_child (widget_class, KbcTokenRow, delete_button);
  gtk_widget_class_bind_template_callback (widget_class, describe_use);
  kbc_closures_bind_template (widget_class);

  g_type_ensure (KBC_TYPE_TOKEN);
}

static void
kbc_token_row_init (KbcTokenRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not in the template: a row is made for every token in view
   * (kbc-tooltip.h). */
  kbc_tooltip_set_text (self->delete_button, _ ("Delete Token"));

  self->token_signals = g_signal_group_new (KBC_TYPE_TOKEN);
  g_signal_group_connect_object (self->token_signals, "notify::expires", G_CALLBACK (update_expiry),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->token_signals, "notify::is-expired",
                                 G_CALLBACK (update_expiry), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->token_signals, "notify::description",
                                 G_CALLBACK (update_delete_label), self, G_CONNECT_SWAPPED);
}

GtkWidget *
kbc_token_row_new (void)
{
  return g_object_new (KBC_TYPE_TOKEN_ROW, NULL);
}

void
kbc_token_row_set_token (KbcTokenRow *self, KbcToken *token)
{
  g_return_if_fail (KBC_IS_TOKEN_ROW (self));
  g_return_if_fail (token == NULL || KBC_IS_TOKEN (token));

  if (!g_set_object (&self->token, token))
    return;

  g_signal_group_set_target (self->token_signals, token);
  /* The template's bindings watch the token property. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
  /* The action with its token, never without one. */
  if (token == NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->delete_button), NULL);
      return;
    }

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->delete_button),
                                          g_variant_new_int64 (kbc_token_get_id (token)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->delete_button), "tokens.delete");
  update_expiry (self);
  update_delete_label (self);
}

KbcToken *
kbc_token_row_get_token (KbcTokenRow *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN_ROW (self), NULL);

  return self->token;
}
