/* kbc-add-key-dialog.c: the key step of adding a USB security key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-add-key-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kbc-fido.h"
#include "kbc-key-prompt.h"

struct _KbcAddKeyDialog
{
  AdwWindow parent_instance;

  /* Template children */
  GtkStack *stack;
  KbcKeyPrompt *key_prompt;
  GtkWidget *cancel_button;
  AdwPasswordEntryRow *pin_row;
  GtkLabel *pin_error;
  GtkWidget *continue_button;
  GtkLabel *error_label;
  GtkWidget *retry_button;
  GtkLabel *message_label;
  GtkWidget *done_button;

  /* Owned */
  KbcMfa *mfa;
  GCancellable *cancellable; /* the key step under way, if any */

  KbcAddKeyDialogState state;
  gboolean closed; /* destroyed: nothing more to show */
};

enum
{
  PROP_0,
  PROP_MFA,
  PROP_STATE,
  N_PROPS
};

enum
{
  SIGNAL_RESTART,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_ENUM_TYPE (KbcAddKeyDialogState,
                    kbc_add_key_dialog_state,
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_TOUCH, "touch"),
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_CANCELLING, "cancelling"),
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_PIN, "pin"),
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_DONE, "done"))

G_DEFINE_FINAL_TYPE (KbcAddKeyDialog, kbc_add_key_dialog, ADW_TYPE_WINDOW)

static gboolean
editable_is_empty (gpointer editable)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (editable));

  return text == NULL || *text == '\0';
}

static void
update_actions (KbcAddKeyDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add-key.cancel",
                                 self->state == KBC_ADD_KEY_DIALOG_STATE_TOUCH);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add-key.continue",
                                 self->state == KBC_ADD_KEY_DIALOG_STATE_PIN &&
                                     !editable_is_empty (self->pin_row));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add-key.retry",
                                 self->state == KBC_ADD_KEY_DIALOG_STATE_FAILED);
}

static void
set_state (KbcAddKeyDialog *self, KbcAddKeyDialogState state)
{
  static const char *const pages[] = { "touch", "touch", "pin", "failed", "done" };
  GtkWidget *focus = NULL;
  GtkWidget *default_widget = NULL;

  self->state = state;
  gtk_stack_set_visible_child_name (self->stack, pages[state]);

  switch (state)
    {
      case KBC_ADD_KEY_DIALOG_STATE_TOUCH:
        /* Enter must not cancel by accident. */
        focus = self->cancel_button;
        break;
      case KBC_ADD_KEY_DIALOG_STATE_CANCELLING:
        break;
      case KBC_ADD_KEY_DIALOG_STATE_PIN:
        focus = GTK_WIDGET (self->pin_row);
        default_widget = self->continue_button;
        break;
      case KBC_ADD_KEY_DIALOG_STATE_FAILED:
        focus = default_widget = self->retry_button;
        break;
      case KBC_ADD_KEY_DIALOG_STATE_DONE:
        focus = default_widget = self->done_button;
        break;
      default:
        g_assert_not_reached ();
    }

  gtk_window_set_default_widget (GTK_WINDOW (self), default_widget);
  update_actions (self);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* A label under a field: its text, or hidden; the field, if any, turns red
 * with an error. */
static void
show_message (GtkLabel *label, GtkWidget *field, const char *message, gboolean is_error)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (is_error && message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
    }
  if (field == NULL)
    return;
  if (is_error && message != NULL)
    gtk_widget_add_css_class (field, "error");
  else
    gtk_widget_remove_css_class (field, "error");
}

static void
show_pin_page (KbcAddKeyDialog *self, const GError *error)
{
  int retries = kbc_fido_error_get_pin_retries (error);

  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  if (g_error_matches (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_INVALID))
    {
      /* "Wrong PIN. 3 tries left." */
      show_message (self->pin_error, GTK_WIDGET (self->pin_row), error->message, TRUE);
    }
  else
    {
      g_autofree char *hint = NULL;

      if (retries >= 0)
        /* Translators: the PIN tries left before the security key locks itself. */
        hint = g_strdup_printf (ngettext ("%d try left", "%d tries left", retries), retries);
      show_message (self->pin_error, GTK_WIDGET (self->pin_row), hint, FALSE);
    }

  set_state (self, KBC_ADD_KEY_DIALOG_STATE_PIN);
}

/* Why the key step failed; a cancel the user asked for is a note, not red. */
static void
show_failure (KbcAddKeyDialog *self, const char *message, gboolean is_error)
{
  show_message (self->error_label, NULL, message, is_error);
  set_state (self, KBC_ADD_KEY_DIALOG_STATE_FAILED);
}

static void
show_done (KbcAddKeyDialog *self, KbcSecurityKey *key)
{
  g_autofree char *message = NULL;

  /* Translators: shown when a security key was registered; %s is the name
   * the user gave it. "u2f device" is the server's wording. */
  message =
      g_strdup_printf (_ ("The new u2f device \"%s\" was added."), kbc_security_key_get_name (key));
  gtk_label_set_text (self->message_label, message);

  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  set_state (self, KBC_ADD_KEY_DIALOG_STATE_DONE);
}

static void
registration_failed (KbcAddKeyDialog *self, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_failure (self, _ ("Cancelled. The security key was not added."), FALSE);
      return;
    }

  if (g_error_matches (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_REQUIRED) ||
      g_error_matches (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_INVALID))
    {
      show_pin_page (self, error);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");

  /* No key, no permission (with how to fix it), timed out, PIN blocked,
   * already registered, too late, the server down…: the messages of
   * KbcFido, KbcMfa and KbcClient are translated and complete. */
  show_failure (self, error->message, TRUE);
}

static void
on_registered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcAddKeyDialog) self = user_data; /* kept alive until the key stops */
  g_autoptr (KbcSecurityKey) key = NULL;
  g_autoptr (GError) error = NULL;

  key = kbc_mfa_register_key_finish (KBC_MFA (source), result, &error);
  g_clear_object (&self->cancellable);
  if (self->closed)
    return;

  kbc_key_prompt_stop (self->key_prompt);

  if (key == NULL)
    {
      g_debug ("Adding a security key failed: %s", error->message);
      registration_failed (self, error);
      return;
    }

  show_done (self, key);
}

static void
start_registration (KbcAddKeyDialog *self, const char *pin)
{
  guint timeout_ms = kbc_fido_get_timeout (kbc_account_get_fido (kbc_mfa_get_account (self->mfa)));

  g_return_if_fail (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  set_state (self, KBC_ADD_KEY_DIALOG_STATE_TOUCH);
  kbc_key_prompt_set_title (self->key_prompt, NULL);
  kbc_key_prompt_start (self->key_prompt, (timeout_ms + 999) / 1000);

  /* The reference keeps the dialog until the key has stopped, even when it
   * is closed meanwhile. */
  kbc_mfa_register_key_async (self->mfa, pin, self->cancellable, on_registered,
                              g_object_ref (self));
}

/* Actions */

static void
continue_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (widget);
  g_autofree char *pin = NULL;

  if (self->state != KBC_ADD_KEY_DIALOG_STATE_PIN || editable_is_empty (self->pin_row))
    return;

  /* The server keeps the registration: the key is asked again, with the PIN. */
  pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  start_registration (self, pin);
  explicit_bzero (pin, strlen (pin));
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (widget);

  if (self->state != KBC_ADD_KEY_DIALOG_STATE_FAILED)
    return;

  /* Too late for this registration: begin again with the password. */
  if (kbc_mfa_get_pending_key_name (self->mfa) == NULL)
    {
      g_object_ref (self);
      gtk_window_destroy (GTK_WINDOW (self));
      g_signal_emit (self, signals[SIGNAL_RESTART], 0);
      g_object_unref (self);
      return;
    }

  start_registration (self, NULL);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (widget);

  if (self->state != KBC_ADD_KEY_DIALOG_STATE_TOUCH || self->cancellable == NULL)
    return;

  /* The key stops (fido_dev_cancel) in a moment; the failure page comes
   * when it has. */
  set_state (self, KBC_ADD_KEY_DIALOG_STATE_CANCELLING);
  kbc_key_prompt_stop (self->key_prompt);
  kbc_key_prompt_set_title (self->key_prompt, _ ("Stopping the security key…"));
  g_cancellable_cancel (self->cancellable);
}

static void
on_entry_changed (KbcAddKeyDialog *self)
{
  update_actions (self);
}

/* GObject */

static void
kbc_add_key_dialog_constructed (GObject *object)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (object);

  G_OBJECT_CLASS (kbc_add_key_dialog_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_MFA (self->mfa));

  start_registration (self, NULL);
}

/* gtk_window_destroy() only drops the window's own reference, and the
 * registration holds another until the key stops: stop it when the window
 * goes away, not when it is finally disposed. */
static void
kbc_add_key_dialog_unrealize (GtkWidget *widget)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (widget);

  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);

  GTK_WIDGET_CLASS (kbc_add_key_dialog_parent_class)->unrealize (widget);
}

static void
kbc_add_key_dialog_dispose (GObject *object)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (object);

  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->mfa);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_ADD_KEY_DIALOG);

  G_OBJECT_CLASS (kbc_add_key_dialog_parent_class)->dispose (object);
}

static void
kbc_add_key_dialog_finalize (GObject *object)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kbc_add_key_dialog_parent_class)->finalize (object);
}

static void
kbc_add_key_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (object);

  switch (prop_id)
    {
      case PROP_MFA:
        g_value_set_object (value, self->mfa);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_add_key_dialog_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (object);

  switch (prop_id)
    {
      case PROP_MFA:
        self->mfa = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_add_key_dialog_class_init (KbcAddKeyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_add_key_dialog_constructed;
  object_class->dispose = kbc_add_key_dialog_dispose;
  object_class->finalize = kbc_add_key_dialog_finalize;
  object_class->get_property = kbc_add_key_dialog_get_property;
  object_class->set_property = kbc_add_key_dialog_set_property;
  widget_class->unrealize = kbc_add_key_dialog_unrealize;

  properties[PROP_MFA] =
      g_param_spec_object ("mfa", NULL, NULL, KBC_TYPE_MFA,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] = g_param_spec_enum (
      "state", NULL, NULL, KBC_TYPE_ADD_KEY_DIALOG_STATE, KBC_ADD_KEY_DIALOG_STATE_TOUCH,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_RESTART] = g_signal_new ("restart", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-add-key-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, key_prompt);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, pin_row);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, pin_error);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, continue_button);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, retry_button);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, done_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);

  gtk_widget_class_install_action (widget_class, "add-key.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "add-key.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "add-key.retry", NULL, retry_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (KBC_TYPE_KEY_PROMPT);
}

static void
kbc_add_key_dialog_init (KbcAddKeyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_add_key_dialog_new (GtkWindow *parent, KbcMfa *mfa)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KBC_IS_MFA (mfa), NULL);

  return g_object_new (KBC_TYPE_ADD_KEY_DIALOG, "transient-for", parent, "mfa", mfa, NULL);
}

KbcAddKeyDialogState
kbc_add_key_dialog_get_state (KbcAddKeyDialog *self)
{
  g_return_val_if_fail (KBC_IS_ADD_KEY_DIALOG (self), KBC_ADD_KEY_DIALOG_STATE_TOUCH);

  return self->state;
}
