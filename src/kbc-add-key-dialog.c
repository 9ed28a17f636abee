/* kbc-add-key-dialog.c: register a USB security key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-add-key-dialog.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kbc-error.h"
#include "kbc-fido.h"
#include "kbc-key-prompt.h"

struct _KbcAddKeyDialog
{
  AdwWindow parent_instance;

  /* Template children */
  GtkStack *stack;
  GtkLabel *error_label;
  AdwEntryRow *name_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel *name_error;
  GtkLabel *password_error;
  GtkWidget *add_button;
  KbcKeyPrompt *key_prompt;
  GtkWidget *cancel_button;
  AdwStatusPage *pin_page;
  AdwPasswordEntryRow *pin_row;
  GtkLabel *pin_error;
  GtkWidget *continue_button;
  GtkLabel *message_label;
  GtkWidget *done_button;

  /* Owned */
  KbcAccount *account;
  GCancellable *cancellable; /* the registration under way, if any */
  char *name;                /* the name it registers */

  KbcAddKeyDialogState state;
  gboolean closed; /* destroyed: nothing more to show */
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_STATE,
  N_PROPS
};

enum
{
  SIGNAL_KEY_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_ENUM_TYPE (KbcAddKeyDialogState,
                    kbc_add_key_dialog_state,
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_NAME, "name"),
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_TOUCH, "touch"),
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_CANCELLING, "cancelling"),
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_PIN, "pin"),
                    G_DEFINE_ENUM_VALUE (KBC_ADD_KEY_DIALOG_STATE_DONE, "done"))

G_DEFINE_FINAL_TYPE (KbcAddKeyDialog, kbc_add_key_dialog, ADW_TYPE_WINDOW)

/* The name as the server will store it: without surrounding blanks. */
static char *
dup_typed_name (KbcAddKeyDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

static gboolean
editable_is_empty (gpointer editable)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (editable));

  return text == NULL || *text == '\0';
}

static void
update_actions (KbcAddKeyDialog *self)
{
  g_autofree char *name = dup_typed_name (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add-key.add",
                                 self->state == KBC_ADD_KEY_DIALOG_STATE_NAME && *name != '\0' &&
                                     !editable_is_empty (self->password_row));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add-key.cancel",
                                 self->state == KBC_ADD_KEY_DIALOG_STATE_TOUCH);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add-key.continue",
                                 self->state == KBC_ADD_KEY_DIALOG_STATE_PIN &&
                                     !editable_is_empty (self->pin_row));
}

static void
set_state (KbcAddKeyDialog *self, KbcAddKeyDialogState state)
{
  self->state = state;

  switch (state)
    {
      case KBC_ADD_KEY_DIALOG_STATE_NAME:
        gtk_stack_set_visible_child_name (self->stack, "name");
        gtk_window_set_default_widget (GTK_WINDOW (self), self->add_button);
        break;
      case KBC_ADD_KEY_DIALOG_STATE_TOUCH:
      case KBC_ADD_KEY_DIALOG_STATE_CANCELLING:
        gtk_stack_set_visible_child_name (self->stack, "touch");
        /* Enter must not cancel by accident. */
        gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
        break;
      case KBC_ADD_KEY_DIALOG_STATE_PIN:
        gtk_stack_set_visible_child_name (self->stack, "pin");
        gtk_window_set_default_widget (GTK_WINDOW (self), self->continue_button);
        break;
      case KBC_ADD_KEY_DIALOG_STATE_DONE:
        gtk_stack_set_visible_child_name (self->stack, "done");
        gtk_window_set_default_widget (GTK_WINDOW (self), self->done_button);
        break;
      default:
        g_assert_not_reached ();
    }

  if (state == KBC_ADD_KEY_DIALOG_STATE_TOUCH)
    gtk_widget_grab_focus (self->cancel_button);
  else if (state == KBC_ADD_KEY_DIALOG_STATE_PIN)
    gtk_widget_grab_focus (GTK_WIDGET (self->pin_row));
  else if (state == KBC_ADD_KEY_DIALOG_STATE_DONE)
    gtk_widget_grab_focus (self->done_button);

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* A label under a field (or above the form): its text, or hidden; the
 * field, if any, turns red with it. */
static void
show_message (GtkLabel *label, GtkWidget *field, const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (field == NULL)
    return;
  if (message != NULL)
    gtk_widget_add_css_class (field, "error");
  else
    gtk_widget_remove_css_class (field, "error");
}

static void
clear_messages (KbcAddKeyDialog *self)
{
  show_message (self->error_label, NULL, NULL);
  show_message (self->name_error, GTK_WIDGET (self->name_row), NULL);
  show_message (self->password_error, GTK_WIDGET (self->password_row), NULL);
}

/* Back to the form with @message above it; what was typed stays. A note
 * (a cancel the user asked for) is not an error and is not red. */
static void
show_form_message (KbcAddKeyDialog *self, const char *message, gboolean is_error)
{
  show_message (self->error_label, NULL, message);
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "dim-label");
    }
  set_state (self, KBC_ADD_KEY_DIALOG_STATE_NAME);
  gtk_widget_grab_focus (self->add_button);
}

static void
show_pin_page (KbcAddKeyDialog *self, const GError *error)
{
  int retries = kbc_fido_error_get_pin_retries (error);

  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  if (g_error_matches (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_INVALID))
    {
      /* "Wrong PIN. 3 tries left." */
      show_message (self->pin_error, GTK_WIDGET (self->pin_row), error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->pin_error), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->pin_error), "dim-label");
    }
  else
    {
      g_autofree char *hint = NULL;

      if (retries >= 0)
        /* Translators: the PIN tries left before the security key locks itself. */
        hint = g_strdup_printf (ngettext ("%d try left", "%d tries left", retries), retries);
      show_message (self->pin_error, GTK_WIDGET (self->pin_row), NULL);
      show_message (self->pin_error, NULL, hint);
      gtk_widget_remove_css_class (GTK_WIDGET (self->pin_error), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->pin_error), "dim-label");
    }

  set_state (self, KBC_ADD_KEY_DIALOG_STATE_PIN);
}

static void
show_done (KbcAddKeyDialog *self, JsonNode *device)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (device) ? json_node_get_object (device) : NULL;
  const char *name = NULL;
  g_autofree char *message = NULL;

  if (object != NULL)
    name = json_object_get_string_member_with_default (object, "name", NULL);
  if (name == NULL)
    name = self->name;

  /* Translators: shown when a security key was registered; %s is the name
   * the user gave it. "u2f device" is the server's wording. */
  message = g_strdup_printf (_ ("The new u2f device \"%s\" was added."), name);
  gtk_label_set_text (self->message_label, message);

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  set_state (self, KBC_ADD_KEY_DIALOG_STATE_DONE);
}

static void
registration_failed (KbcAddKeyDialog *self, const GError *error)
{
  const char *field_message;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_form_message (self, _ ("Cancelled. The security key was not added."), FALSE);
      return;
    }

  if (g_error_matches (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_REQUIRED) ||
      g_error_matches (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_INVALID))
    {
      show_pin_page (self, error);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");

  if (kbc_api_error_get_field_message (error, "currentPassword") != NULL)
    {
      show_form_message (self, NULL, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      show_message (self->password_error, GTK_WIDGET (self->password_row),
                    _ ("The current password is not correct."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  field_message = kbc_api_error_get_field_message (error, "name");
  if (field_message != NULL)
    {
      g_autofree char *translated = kbc_api_error_translate_server_text (field_message);

      show_form_message (self, NULL, TRUE);
      show_message (self->name_error, GTK_WIDGET (self->name_row),
                    translated != NULL ? translated : error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }

  /* No key, no permission (with how to fix it), timed out, PIN blocked,
   * already registered, the server down…: the messages of KbcFido and
   * KbcClient are translated and complete. */
  show_form_message (self, error->message, TRUE);
}

static void
on_registered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcAddKeyDialog) self = user_data; /* kept alive until the key stops */
  g_autoptr (JsonNode) device = NULL;
  g_autoptr (GError) error = NULL;

  device = kbc_account_register_key_finish (KBC_ACCOUNT (source), result, &error);
  g_clear_object (&self->cancellable);
  if (self->closed)
    return;

  kbc_key_prompt_stop (self->key_prompt);

  if (device == NULL)
    {
      g_debug ("Adding a security key failed: %s", error->message);
      registration_failed (self, error);
      return;
    }

  show_done (self, device);
  g_signal_emit (self, signals[SIGNAL_KEY_ADDED], 0, device);
}

static void
start_registration (KbcAddKeyDialog *self, const char *password, const char *pin)
{
  guint timeout_ms = kbc_fido_get_timeout (kbc_account_get_fido (self->account));

  g_return_if_fail (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  set_state (self, KBC_ADD_KEY_DIALOG_STATE_TOUCH);
  kbc_key_prompt_set_title (self->key_prompt, NULL);
  kbc_key_prompt_start (self->key_prompt, (timeout_ms + 999) / 1000);

  /* The reference keeps the dialog until the key has stopped, even when it
   * is closed meanwhile. */
  kbc_account_register_key_async (self->account, self->name, password, pin, self->cancellable,
                                  on_registered, g_object_ref (self));
}

/* Actions */

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (widget);
  g_autofree char *name = dup_typed_name (self);

  if (self->state != KBC_ADD_KEY_DIALOG_STATE_NAME || *name == '\0' ||
      editable_is_empty (self->password_row))
    return;

  clear_messages (self);
  g_free (self->name);
  self->name = g_steal_pointer (&name);
  start_registration (self, gtk_editable_get_text (GTK_EDITABLE (self->password_row)), NULL);
}

static void
continue_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (widget);

  if (self->state != KBC_ADD_KEY_DIALOG_STATE_PIN || editable_is_empty (self->pin_row))
    return;

  /* The server keeps the registration the first try started: the same name
   * goes straight to the key, without the password. */
  start_registration (self, NULL, gtk_editable_get_text (GTK_EDITABLE (self->pin_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcAddKeyDialog *self = KBC_ADD_KEY_DIALOG (widget);

  if (self->state != KBC_ADD_KEY_DIALOG_STATE_TOUCH || self->cancellable == NULL)
    return;

  /* The key stops (fido_dev_cancel) in a moment; the form comes back when it
   * has. */
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

  g_return_if_fail (KBC_IS_ACCOUNT (self->account));

  set_state (self, KBC_ADD_KEY_DIALOG_STATE_NAME);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
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
  g_clear_object (&self->account);
  g_clear_pointer (&self->name, g_free);

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
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
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
      case PROP_ACCOUNT:
        self->account = g_value_dup_object (value);
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

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                               G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] = g_param_spec_enum (
      "state", NULL, NULL, KBC_TYPE_ADD_KEY_DIALOG_STATE, KBC_ADD_KEY_DIALOG_STATE_NAME,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_KEY_ADDED] =
      g_signal_new ("key-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, JSON_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-add-key-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, password_error);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, key_prompt);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, pin_page);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, pin_row);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, pin_error);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, continue_button);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, KbcAddKeyDialog, done_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);

  gtk_widget_class_install_action (widget_class, "add-key.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "add-key.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "add-key.cancel", NULL, cancel_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (KBC_TYPE_KEY_PROMPT);
}

static void
kbc_add_key_dialog_init (KbcAddKeyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_add_key_dialog_new (GtkWindow *parent, KbcAccount *account)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_ADD_KEY_DIALOG, "transient-for", parent, "account", account, NULL);
}

KbcAddKeyDialogState
kbc_add_key_dialog_get_state (KbcAddKeyDialog *self)
{
  g_return_val_if_fail (KBC_IS_ADD_KEY_DIALOG (self), KBC_ADD_KEY_DIALOG_STATE_NAME);

  return self->state;
}
