/* kbc-new-token-dialog.c: create a personal token and show it once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-new-token-dialog.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kbc-clipboard.h"
#include "kbc-closures.h"
#include "kbc-dialog.h"
#include "kbc-toast.h"

#define HOUR 3600
#define DAY  (24 * HOUR)

/* The choices of validity_row, in its order; the last is a number of hours. */
static const gint64 validities[] = { HOUR, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY };
#define CUSTOM_CHOICE G_N_ELEMENTS (validities)

struct _KbcNewTokenDialog
{
  AdwWindow parent_instance;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  AdwEntryRow *name_row;
  AdwComboRow *validity_row;
  GtkWidget *hours_row;
  GtkSpinButton *hours_spin;
  GtkLabel *error_label;
  GtkWidget *create_button;
  GtkSpinner *spinner;
  GtkLabel *summary_label;
  GtkLabel *token_label;
  GtkWidget *copy_button;
  GtkWidget *done_button;

  /* Owned */
  KbcTokens *tokens;
  GCancellable *cancellable;
  KbcNewToken *created;
  char *error_message;

  KbcNewTokenDialogState state;
  guint clipboard_seconds;
};

enum
{
  PROP_0,
  PROP_TOKENS,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_CLIPBOARD_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (KbcNewTokenDialogState,
                    kbc_new_token_dialog_state,
                    G_DEFINE_ENUM_VALUE (KBC_NEW_TOKEN_DIALOG_STATE_FORM, "form"),
                    G_DEFINE_ENUM_VALUE (KBC_NEW_TOKEN_DIALOG_STATE_CREATING, "creating"),
                    G_DEFINE_ENUM_VALUE (KBC_NEW_TOKEN_DIALOG_STATE_CREATED, "created"))

G_DEFINE_FINAL_TYPE (KbcNewTokenDialog, kbc_new_token_dialog, ADW_TYPE_WINDOW)

static char *
dup_name (KbcNewTokenDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

gint64
kbc_new_token_dialog_get_expires_in (KbcNewTokenDialog *self)
{
  guint choice;

  g_return_val_if_fail (KBC_IS_NEW_TOKEN_DIALOG (self), 0);

  choice = adw_combo_row_get_selected (self->validity_row);
  if (choice < G_N_ELEMENTS (validities))
    return validities[choice];
  return (gint64) gtk_spin_button_get_value_as_int (self->hours_spin) * HOUR;
}

/* "Until Dec 30, 2026, 14:05", under the choice. */
static void
update_validity (KbcNewTokenDialog *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) until =
      g_date_time_add_seconds (now, (gdouble) kbc_new_token_dialog_get_expires_in (self));
  g_autofree char *when = kbc_format_date_time (until);
  g_autofree char *subtitle = NULL;
  gboolean custom = adw_combo_row_get_selected (self->validity_row) == CUSTOM_CHOICE;

  if (gtk_widget_get_visible (self->hours_row) != custom)
    {
      gtk_widget_set_visible (self->hours_row, custom);
      kbc_dialog_fit_content (GTK_WINDOW (self));
    }
  /* Translators: under the validity of a new token; %s is a date and time. */
  subtitle = g_strdup_printf (_ ("Until %s"), when);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->validity_row), subtitle);
}

static void
update_actions (KbcNewTokenDialog *self)
{
  g_autofree char *name = dup_name (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-token.create",
                                 self->state == KBC_NEW_TOKEN_DIALOG_STATE_FORM && *name != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-token.copy",
                                 self->state == KBC_NEW_TOKEN_DIALOG_STATE_CREATED);
}

static void
set_state (KbcNewTokenDialog *self, KbcNewTokenDialogState state)
{
  gboolean creating = state == KBC_NEW_TOKEN_DIALOG_STATE_CREATING;

  self->state = state;

  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus of
   * a focused entry made insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (self->name_row), !creating);
  gtk_widget_set_sensitive (GTK_WIDGET (self->validity_row), !creating);
  gtk_widget_set_sensitive (self->hours_row, !creating);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), creating);
  gtk_spinner_set_spinning (self->spinner, creating);

  if (state == KBC_NEW_TOKEN_DIALOG_STATE_CREATED)
    {
      gtk_stack_set_visible_child_name (self->stack, "created");
      gtk_window_set_default_widget (GTK_WINDOW (self), self->done_button);
      gtk_widget_grab_focus (self->done_button);
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "form");
      gtk_window_set_default_widget (GTK_WINDOW (self), self->create_button);
    }
  kbc_dialog_fit_content (GTK_WINDOW (self));

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
show_error (KbcNewTokenDialog *self, const char *message)
{
  if (g_strcmp0 (self->error_message, message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  kbc_dialog_fit_content (GTK_WINDOW (self));
}

static void
on_form_changed (KbcNewTokenDialog *self)
{
  update_validity (self);
  update_actions (self);
}

static void
show_created (KbcNewTokenDialog *self)
{
  KbcToken *token = self->created->token;
  g_autofree char *expires = kbc_format_date_time (kbc_token_get_expires (token));
  g_autofree char *summary = NULL;

  /* Translators: under "Token Created"; the first %s is the token's name,
   * the second the date and time it expires. */
  summary = g_strdup_printf (_ ("“%s”, valid until %s"), kbc_token_get_description (token),
                             expires != NULL ? expires : "—");
  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->token_label, self->created->secret);
  set_state (self, KBC_NEW_TOKEN_DIALOG_STATE_CREATED);
}

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcNewTokenDialog *self = user_data;
  g_autoptr (GError) error = NULL;
  KbcNewToken *created;

  created = kbc_tokens_create_finish (KBC_TOKENS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (created == NULL)
    {
      show_error (self, error->message);
      set_state (self, KBC_NEW_TOKEN_DIALOG_STATE_FORM);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }

  self->created = created;
  show_error (self, NULL);
  show_created (self);
}

static void
create_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcNewTokenDialog *self = KBC_NEW_TOKEN_DIALOG (widget);
  g_autofree char *name = dup_name (self);

  if (self->state != KBC_NEW_TOKEN_DIALOG_STATE_FORM || *name == '\0')
    return;

  set_state (self, KBC_NEW_TOKEN_DIALOG_STATE_CREATING);
  kbc_tokens_create_async (self->tokens, name, kbc_new_token_dialog_get_expires_in (self),
                           self->cancellable, on_created, self);
}

static void
copy_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcNewTokenDialog *self = KBC_NEW_TOKEN_DIALOG (widget);

  if (self->created == NULL)
    return;

  kbc_clipboard_set_secret (gtk_widget_get_clipboard (widget), self->created->secret,
                            self->clipboard_seconds);
  kbc_toast_overlay_add_text (self->toast_overlay, _ ("Copied"));
}

static void
kbc_new_token_dialog_constructed (GObject *object)
{
  KbcNewTokenDialog *self = KBC_NEW_TOKEN_DIALOG (object);

  G_OBJECT_CLASS (kbc_new_token_dialog_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_TOKENS (self->tokens));

  update_validity (self);
  set_state (self, KBC_NEW_TOKEN_DIALOG_STATE_FORM);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
kbc_new_token_dialog_dispose (GObject *object)
{
  KbcNewTokenDialog *self = KBC_NEW_TOKEN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->created, kbc_new_token_free);
  if (self->token_label != NULL)
    gtk_label_set_text (self->token_label, "");
  g_clear_pointer (&self->error_message, g_free);
  g_clear_object (&self->tokens);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_NEW_TOKEN_DIALOG);

  G_OBJECT_CLASS (kbc_new_token_dialog_parent_class)->dispose (object);
}

static void
kbc_new_token_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcNewTokenDialog *self = KBC_NEW_TOKEN_DIALOG (object);

  switch (prop_id)
    {
      case PROP_TOKENS:
        g_value_set_object (value, self->tokens);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_ERROR_MESSAGE:
        g_value_set_string (value, self->error_message);
        break;
      case PROP_CLIPBOARD_SECONDS:
        g_value_set_uint (value, self->clipboard_seconds);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_new_token_dialog_set_property (GObject *object,
                                   guint prop_id,
                                   const GValue *value,
                                   GParamSpec *pspec)
{
  KbcNewTokenDialog *self = KBC_NEW_TOKEN_DIALOG (object);

  switch (prop_id)
    {
      case PROP_TOKENS:
        self->tokens = g_value_dup_object (value);
        break;
      case PROP_CLIPBOARD_SECONDS:
        kbc_new_token_dialog_set_clipboard_seconds (self, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_new_token_dialog_class_init (KbcNewTokenDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_new_token_dialog_constructed;
  object_class->dispose = kbc_new_token_dialog_dispose;
  object_class->get_property = kbc_new_token_dialog_get_property;
  object_class->set_property = kbc_new_token_dialog_set_property;

  properties[PROP_TOKENS] =
      g_param_spec_object ("tokens", NULL, NULL, KBC_TYPE_TOKENS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] = g_param_spec_enum (
      "state", NULL, NULL, KBC_TYPE_NEW_TOKEN_DIALOG_STATE, KBC_NEW_TOKEN_DIALOG_STATE_FORM,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR_MESSAGE] =
      g_param_spec_string ("error-message", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CLIPBOARD_SECONDS] = g_param_spec_uint (
      "clipboard-seconds", NULL, NULL, 1, G_MAXUINT, KBC_CLIPBOARD_SECRET_SECONDS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-new-token-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, validity_row);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, hours_row);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, hours_spin);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, token_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, KbcNewTokenDialog, done_button);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed);

  gtk_widget_class_install_action (widget_class, "new-token.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "new-token.copy", NULL, copy_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kbc_new_token_dialog_init (KbcNewTokenDialog *self)
{
  self->clipboard_seconds = KBC_CLIPBOARD_SECRET_SECONDS;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

KbcNewTokenDialog *
kbc_new_token_dialog_new (GtkWindow *parent, KbcTokens *tokens)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KBC_IS_TOKENS (tokens), NULL);

  return g_object_new (KBC_TYPE_NEW_TOKEN_DIALOG, "transient-for", parent, "tokens", tokens, NULL);
}

KbcNewTokenDialogState
kbc_new_token_dialog_get_state (KbcNewTokenDialog *self)
{
  g_return_val_if_fail (KBC_IS_NEW_TOKEN_DIALOG (self), KBC_NEW_TOKEN_DIALOG_STATE_FORM);

  return self->state;
}

const char *
kbc_new_token_dialog_get_error_message (KbcNewTokenDialog *self)
{
  g_return_val_if_fail (KBC_IS_NEW_TOKEN_DIALOG (self), NULL);

  return self->error_message;
}

KbcToken *
kbc_new_token_dialog_get_token (KbcNewTokenDialog *self)
{
  g_return_val_if_fail (KBC_IS_NEW_TOKEN_DIALOG (self), NULL);

  return self->created != NULL ? self->created->token : NULL;
}

void
kbc_new_token_dialog_set_clipboard_seconds (KbcNewTokenDialog *self, guint seconds)
{
  g_return_if_fail (KBC_IS_NEW_TOKEN_DIALOG (self));

  seconds = MAX (seconds, 1);
  if (self->clipboard_seconds == seconds)
    return;

  self->clipboard_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIPBOARD_SECONDS]);
}
