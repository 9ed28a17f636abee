/* kbc-password-dialog.c: confirm a change with the current password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-password-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kbc-error.h"

struct _KbcPasswordDialog
{
  AdwWindow parent_instance;

  /* Template children */
  AdwWindowTitle *window_title;
  GtkLabel *body_label;
  AdwBin *extra_bin;
  AdwPasswordEntryRow *password_row;
  GtkLabel *error_label;
  GtkWidget *confirm_button;
  GtkLabel *confirm_label;
  GtkSpinner *spinner;

  /* Owned */
  GCancellable *cancellable;
  char *error_message;

  KbcPasswordDialogState state;
  gboolean destructive;
  gboolean extra_valid;
};

G_DEFINE_FINAL_TYPE (KbcPasswordDialog, kbc_password_dialog, ADW_TYPE_WINDOW)
G_DEFINE_ENUM_TYPE (KbcPasswordDialogState,
                    kbc_password_dialog_state,
                    G_DEFINE_ENUM_VALUE (KBC_PASSWORD_DIALOG_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (KBC_PASSWORD_DIALOG_STATE_BUSY, "busy"),
                    G_DEFINE_ENUM_VALUE (KBC_PASSWORD_DIALOG_STATE_ERROR, "error"),
                    G_DEFINE_ENUM_VALUE (KBC_PASSWORD_DIALOG_STATE_DONE, "done"))

enum
{
  PROP_0,
  PROP_HEADING,
  PROP_BODY,
  PROP_CONFIRM_LABEL,
  PROP_DESTRUCTIVE,
  PROP_EXTRA_CHILD,
  PROP_EXTRA_VALID,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
has_password (KbcPasswordDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->password_row))[0] != '\0';
}

static void
update (KbcPasswordDialog *self)
{
  gboolean busy = self->state == KBC_PASSWORD_DIALOG_STATE_BUSY;

  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus of
   * a focused entry made insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "password-dialog.confirm",
                                 !busy && self->state != KBC_PASSWORD_DIALOG_STATE_DONE &&
                                     self->extra_valid && has_password (self));
}

static void
set_state (KbcPasswordDialog *self, KbcPasswordDialogState state)
{
  if (self->state == state)
    return;

  self->state = state;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
show_error (KbcPasswordDialog *self, const char *message)
{
  if (g_strcmp0 (self->error_message, message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->password_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
}

static void
on_password_changed (KbcPasswordDialog *self)
{
  update (self);
}

static void
confirm_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcPasswordDialog *self = KBC_PASSWORD_DIALOG (widget);
  g_autofree char *password = NULL;

  if (self->state == KBC_PASSWORD_DIALOG_STATE_BUSY ||
      self->state == KBC_PASSWORD_DIALOG_STATE_DONE || !self->extra_valid || !has_password (self))
    return;

  password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  show_error (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_state (self, KBC_PASSWORD_DIALOG_STATE_BUSY);

  g_signal_emit (self, signals[SIGNAL_SUBMIT], 0, password);
  explicit_bzero (password, strlen (password));
}

static gboolean
kbc_password_dialog_close_request (GtkWindow *window)
{
  KbcPasswordDialog *self = KBC_PASSWORD_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  /* Libadwaita 1.2's entry rows watch the window's focus, and a focus that
   * moves while the window is being finalized reaches a row already gone. */
  gtk_window_set_focus (window, NULL);

  return GTK_WINDOW_CLASS (kbc_password_dialog_parent_class)->close_request (window);
}

static void
kbc_password_dialog_dispose (GObject *object)
{
  KbcPasswordDialog *self = KBC_PASSWORD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->error_message, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_PASSWORD_DIALOG);

  G_OBJECT_CLASS (kbc_password_dialog_parent_class)->dispose (object);
}

static void
kbc_password_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcPasswordDialog *self = KBC_PASSWORD_DIALOG (object);

  switch (prop_id)
    {
      case PROP_HEADING:
        g_value_set_string (value, adw_window_title_get_title (self->window_title));
        break;
      case PROP_BODY:
        g_value_set_string (value, gtk_label_get_text (self->body_label));
        break;
      case PROP_CONFIRM_LABEL:
        g_value_set_string (value, gtk_label_get_label (self->confirm_label));
        break;
      case PROP_DESTRUCTIVE:
        g_value_set_boolean (value, self->destructive);
        break;
      case PROP_EXTRA_CHILD:
        g_value_set_object (value, adw_bin_get_child (self->extra_bin));
        break;
      case PROP_EXTRA_VALID:
        g_value_set_boolean (value, self->extra_valid);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_ERROR_MESSAGE:
        g_value_set_string (value, self->error_message);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_confirm_label (KbcPasswordDialog *self, const char *label)
{
  g_autofree char *plain = NULL;
  GString *text = g_string_new (NULL);

  gtk_label_set_label (self->confirm_label, label);

  /* The accessible name without the mnemonic's underscore. */
  for (const char *p = label != NULL ? label : ""; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        g_string_append_c (text, *p++);
      else if (*p != '_')
        g_string_append_c (text, *p);
    }
  plain = g_string_free (text, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->confirm_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, plain, -1);
}

static void
set_destructive (KbcPasswordDialog *self, gboolean destructive)
{
  self->destructive = destructive;
  gtk_widget_remove_css_class (self->confirm_button,
                               destructive ? "suggested-action" : "destructive-action");
  gtk_widget_add_css_class (self->confirm_button,
                            destructive ? "destructive-action" : "suggested-action");
}

static void
kbc_password_dialog_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  KbcPasswordDialog *self = KBC_PASSWORD_DIALOG (object);

  switch (prop_id)
    {
      case PROP_HEADING:
        adw_window_title_set_title (self->window_title, g_value_get_string (value));
        gtk_window_set_title (GTK_WINDOW (self), g_value_get_string (value));
        break;
      case PROP_BODY:
        gtk_label_set_text (self->body_label, g_value_get_string (value));
        break;
      case PROP_CONFIRM_LABEL:
        set_confirm_label (self, g_value_get_string (value));
        break;
      case PROP_DESTRUCTIVE:
        set_destructive (self, g_value_get_boolean (value));
        break;
      case PROP_EXTRA_CHILD:
        kbc_password_dialog_set_extra_child (self, g_value_get_object (value));
        break;
      case PROP_EXTRA_VALID:
        kbc_password_dialog_set_extra_valid (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_password_dialog_class_init (KbcPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = kbc_password_dialog_dispose;
  object_class->get_property = kbc_password_dialog_get_property;
  object_class->set_property = kbc_password_dialog_set_property;

  window_class->close_request = kbc_password_dialog_close_request;

  properties[PROP_HEADING] = g_param_spec_string ("heading", NULL, NULL, NULL, rw);
  properties[PROP_BODY] = g_param_spec_string ("body", NULL, NULL, NULL, rw);
  properties[PROP_CONFIRM_LABEL] = g_param_spec_string ("confirm-label", NULL, NULL, NULL, rw);
  properties[PROP_DESTRUCTIVE] = g_param_spec_boolean ("destructive", NULL, NULL, FALSE, rw);
  properties[PROP_EXTRA_CHILD] =
      g_param_spec_object ("extra-child", NULL, NULL, GTK_TYPE_WIDGET, rw);
  properties[PROP_EXTRA_VALID] =
      g_param_spec_boolean ("extra-valid", NULL, NULL, TRUE, rw | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, KBC_TYPE_PASSWORD_DIALOG_STATE,
                                              KBC_PASSWORD_DIALOG_STATE_READY, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbcPasswordDialog::submit:
   * @password: the current password as typed
   *
   * The user confirmed. The dialog is busy until report_error() or done().
   */
  signals[SIGNAL_SUBMIT] = g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordDialog, body_label);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordDialog, extra_bin);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordDialog, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordDialog, confirm_label);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_password_changed);

  gtk_widget_class_install_action (widget_class, "password-dialog.confirm", NULL, confirm_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kbc_password_dialog_init (KbcPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->extra_valid = TRUE;
  self->cancellable = g_cancellable_new ();
  set_destructive (self, FALSE);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->confirm_button);
  update (self);
}

KbcPasswordDialog *
kbc_password_dialog_new (GtkWindow *parent,
                         const char *heading,
                         const char *body,
                         const char *confirm_label,
                         gboolean destructive)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (KBC_TYPE_PASSWORD_DIALOG, "transient-for", parent, "heading", heading,
                       "body", body, "confirm-label", confirm_label, "destructive", destructive,
                       NULL);
}

void
kbc_password_dialog_set_extra_child (KbcPasswordDialog *self, GtkWidget *child)
{
  g_return_if_fail (KBC_IS_PASSWORD_DIALOG (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  adw_bin_set_child (self->extra_bin, child);
  gtk_widget_set_visible (GTK_WIDGET (self->extra_bin), child != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTRA_CHILD]);
}

void
kbc_password_dialog_set_extra_valid (KbcPasswordDialog *self, gboolean valid)
{
  g_return_if_fail (KBC_IS_PASSWORD_DIALOG (self));

  valid = !!valid;
  if (self->extra_valid == valid)
    return;

  self->extra_valid = valid;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTRA_VALID]);
}

KbcPasswordDialogState
kbc_password_dialog_get_state (KbcPasswordDialog *self)
{
  g_return_val_if_fail (KBC_IS_PASSWORD_DIALOG (self), KBC_PASSWORD_DIALOG_STATE_READY);

  return self->state;
}

const char *
kbc_password_dialog_get_error_message (KbcPasswordDialog *self)
{
  g_return_val_if_fail (KBC_IS_PASSWORD_DIALOG (self), NULL);

  return self->error_message;
}

GCancellable *
kbc_password_dialog_get_cancellable (KbcPasswordDialog *self)
{
  g_return_val_if_fail (KBC_IS_PASSWORD_DIALOG (self), NULL);

  return self->cancellable;
}

void
kbc_password_dialog_report_error (KbcPasswordDialog *self, const GError *error)
{
  g_return_if_fail (KBC_IS_PASSWORD_DIALOG (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The core words every error; a wrong password is typed again. */
  if (kbc_api_error_get_field_message (error, "currentPassword") != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_error (self, error->message);
  set_state (self, KBC_PASSWORD_DIALOG_STATE_ERROR);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

void
kbc_password_dialog_done (KbcPasswordDialog *self)
{
  g_return_if_fail (KBC_IS_PASSWORD_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  set_state (self, KBC_PASSWORD_DIALOG_STATE_DONE);
  gtk_window_close (GTK_WINDOW (self));
}
