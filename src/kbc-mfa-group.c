/* kbc-mfa-group.c: the multi-factor authentication group of Account & Security
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-mfa-group.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kbc-error.h"
#include "kbc-recovery-codes-dialog.h"
#include "kbc-toast.h"
#include "kbc-totp-dialog.h"


struct _KbcMfaGroup
{
  AdwPreferencesGroup parent_instance;

  /* Template children */
  GtkWidget *spinner;
  AdwActionRow *status_row;
  GtkImage *status_icon;
  GtkWidget *enable_button;
  AdwActionRow *totp_row;
  GtkWidget *reconfigure_button;
  GtkWidget *setup_totp_button;
  AdwActionRow *recovery_row;
  AdwActionRow *disable_row;
  AdwActionRow *error_row;

  /* Owned */
  KbcAccount *account;
  GCancellable *cancellable; /* the state request */
  char *load_error;

  gboolean loading;
  gboolean loaded;
  gboolean enabled;
  gboolean totp_enabled;
  int recovery_remaining;
  gboolean u2f_available;
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_ENABLED,
  PROP_TOTP_ENABLED,
  PROP_RECOVERY_CODES_REMAINING,
  PROP_LOADING,
  PROP_U2F_AVAILABLE,
  N_PROPS
};

enum
{
  SIGNAL_ENABLE_U2F,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KbcMfaGroup, kbc_mfa_group, ADW_TYPE_PREFERENCES_GROUP)

static GtkWindow *
get_parent_window (KbcMfaGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
update_view (KbcMfaGroup *self)
{
  gboolean ready = self->loaded && self->load_error == NULL;
  gboolean idle = ready && !self->loading;

  gtk_widget_set_visible (self->spinner, self->loading);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), self->loading);

  gtk_widget_set_visible (GTK_WIDGET (self->error_row), self->load_error != NULL);
  if (self->load_error != NULL)
    adw_action_row_set_subtitle (self->error_row, self->load_error);

  gtk_widget_set_visible (GTK_WIDGET (self->status_row), ready);
  gtk_widget_set_visible (GTK_WIDGET (self->totp_row), ready && self->enabled);
  gtk_widget_set_visible (GTK_WIDGET (self->recovery_row), ready && self->enabled);
  gtk_widget_set_visible (GTK_WIDGET (self->disable_row), ready && self->enabled);

  if (self->enabled)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row),
                                     _ ("Multi-factor authentication is enabled"));
      adw_action_row_set_subtitle (self->status_row,
                                   _ ("Signing in asks for a second step after your password"));
      gtk_image_set_from_icon_name (self->status_icon, "security-high-symbolic");
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row),
                                     _ ("Multi-factor authentication is off"));
      adw_action_row_set_subtitle (self->status_row,
                                   _ ("Protect your account with a code from your phone"));
      gtk_image_set_from_icon_name (self->status_icon, "security-low-symbolic");
    }
  gtk_widget_set_visible (self->enable_button, !self->enabled);
  gtk_widget_set_visible (self->reconfigure_button, self->totp_enabled);
  gtk_widget_set_visible (self->setup_totp_button, !self->totp_enabled);
  adw_action_row_set_subtitle (
      self->totp_row, self->totp_enabled ? _ ("Codes from Google Authenticator or a similar app")
                                         : _ ("Not set up"));

  if (self->recovery_remaining > 0)
    {
      g_autofree char *subtitle = NULL;

      subtitle = g_strdup_printf (
          /* Translators: %d is the number of unused recovery codes. */
          ngettext ("%d code left", "%d codes left", self->recovery_remaining),
          self->recovery_remaining);
      adw_action_row_set_subtitle (self->recovery_row, subtitle);
    }
  else
    {
      adw_action_row_set_subtitle (self->recovery_row,
                                   _ ("No codes left: generate new ones to keep a way in"));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.enable", idle && !self->enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.enable-totp", idle && !self->totp_enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.reconfigure", idle && self->totp_enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.regenerate", idle && self->enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.disable", idle && self->enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.reload", !self->loading);
}

static void
set_loading (KbcMfaGroup *self, gboolean loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
apply_state (KbcMfaGroup *self, JsonObject *object)
{
  JsonObject *totp = NULL;
  gboolean enabled;
  gboolean totp_enabled = FALSE;
  int remaining;

  enabled = json_object_get_boolean_member_with_default (object, "enabled", FALSE);
  if (json_object_has_member (object, "totp") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "totp")))
    totp = json_object_get_object_member (object, "totp");
  if (totp != NULL)
    totp_enabled = json_object_get_boolean_member_with_default (totp, "enabled", FALSE);
  remaining = (int) json_object_get_int_member_with_default (object, "recoveryCodesRemaining", 0);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->enabled != enabled)
    {
      self->enabled = enabled;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
    }
  if (self->totp_enabled != totp_enabled)
    {
      self->totp_enabled = totp_enabled;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTP_ENABLED]);
    }
  if (self->recovery_remaining != remaining)
    {
      self->recovery_remaining = remaining;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERY_CODES_REMAINING]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_state_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcMfaGroup *self = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_account_mfa_finish (KBC_ACCOUNT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_pointer (&self->load_error, g_free);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      apply_state (self, json_node_get_object (node));
      self->loaded = TRUE;
    }
  else
    {
      self->load_error = g_strdup (error != NULL ? error->message
                                                 : _ ("The server sent a response the app could "
                                                      "not understand."));
    }

  set_loading (self, FALSE);
  update_view (self);
}

void
kbc_mfa_group_reload (KbcMfaGroup *self)
{
  g_return_if_fail (KBC_IS_MFA_GROUP (self));

  if (self->account == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_loading (self, TRUE);
  update_view (self);
  kbc_account_get_mfa_async (self->account, self->cancellable, on_state_loaded, self);
}

/* After any change, our rows. (KbcAccount has refreshed its mfa-enabled
 * before reporting the change.) */
static void
changed (KbcMfaGroup *self)
{
  if (self->account == NULL)
    return;

  kbc_mfa_group_reload (self);
}

static void
on_account_mfa_enabled (KbcMfaGroup *self)
{
  /* Something else (a security key, another window) changed the state. */
  if (!self->loaded || kbc_account_get_mfa_enabled (self->account) != self->enabled)
    kbc_mfa_group_reload (self);
}

/* Confirming with the password: a small dialog that stays open on a wrong
 * password and shows why. */

typedef void (*PromptDoneFunc) (KbcMfaGroup *self, JsonNode *result);
/* One of the KbcAccount calls that take the current password. */
typedef void (*PromptRequestFunc) (KbcAccount *account,
                                   const char *current_password,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);

typedef struct
{
  KbcMfaGroup *group;
  GtkWindow *window;
  AdwPasswordEntryRow *row;
  GtkLabel *error;
  GtkWidget *confirm;
  GtkWidget *spinner;
  GCancellable *cancellable;
  PromptRequestFunc request;
  PromptDoneFunc done;
} Prompt;

static void
prompt_free (Prompt *prompt)
{
  g_cancellable_cancel (prompt->cancellable);
  g_clear_object (&prompt->cancellable);
  g_clear_object (&prompt->group);
  g_free (prompt);
}

static void
prompt_set_busy (Prompt *prompt, gboolean busy)
{
  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus of
   * a focused entry made insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (prompt->row), !busy);
  gtk_widget_set_sensitive (prompt->confirm, !busy);
  gtk_widget_set_visible (prompt->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (prompt->spinner), busy);
}

static void
prompt_show_error (Prompt *prompt, const char *message)
{
  gtk_label_set_text (prompt->error, message);
  gtk_widget_set_visible (GTK_WIDGET (prompt->error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (prompt->row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (prompt->row), "error");
}

static void
on_prompt_request_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Prompt *prompt = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_account_mfa_finish (KBC_ACCOUNT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  prompt_set_busy (prompt, FALSE);
  if (node == NULL)
    {
      if (kbc_api_error_get_field_message (error, "currentPassword") != NULL)
        {
          prompt_show_error (prompt, _ ("The password is not correct."));
          gtk_editable_set_text (GTK_EDITABLE (prompt->row), "");
        }
      else
        {
          prompt_show_error (prompt, error->message);
        }
      gtk_widget_grab_focus (GTK_WIDGET (prompt->row));
      return;
    }

  /* The prompt goes first, so a dialog opened by done() is not under it. */
  {
    g_autoptr (KbcMfaGroup) group = g_object_ref (prompt->group);
    PromptDoneFunc done = prompt->done;

    gtk_window_destroy (prompt->window);
    done (group, node);
  }
}

static void
on_prompt_confirm (Prompt *prompt)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (prompt->row));

  if (password == NULL || *password == '\0')
    {
      prompt_show_error (prompt, _ ("Enter your current password."));
      gtk_widget_grab_focus (GTK_WIDGET (prompt->row));
      return;
    }

  prompt_show_error (prompt, NULL);
  prompt_set_busy (prompt, TRUE);
  prompt->request (prompt->group->account, password, prompt->cancellable, on_prompt_request_done,
                   prompt);
}

static void
run_password_prompt (KbcMfaGroup *self,
                     const char *heading,
                     const char *body,
                     const char *confirm_label,
                     gboolean destructive,
                     PromptRequestFunc request,
                     PromptDoneFunc done)
{
  Prompt *prompt = g_new0 (Prompt, 1);
  GtkWidget *window = adw_window_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *label = gtk_label_new (body);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = adw_password_entry_row_new ();
  GtkWidget *error = gtk_label_new (NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  GtkWidget *confirm = gtk_button_new ();
  GtkWidget *confirm_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  prompt->group = g_object_ref (self);
  prompt->window = GTK_WINDOW (window);
  prompt->row = ADW_PASSWORD_ENTRY_ROW (row);
  prompt->error = GTK_LABEL (error);
  prompt->confirm = confirm;
  prompt->spinner = spinner;
  prompt->cancellable = g_cancellable_new ();
  prompt->request = request;
  prompt->done = done;

  gtk_window_set_title (GTK_WINDOW (window), heading);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), get_parent_window (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, -1);
  gtk_window_set_resizable (GTK_WINDOW (window), FALSE);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Current Password"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, error,
                                  NULL, -1);

  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_set_visible (error, FALSE);

  gtk_widget_set_visible (spinner, FALSE);
  gtk_box_append (GTK_BOX (confirm_box), spinner);
  gtk_box_append (GTK_BOX (confirm_box), gtk_label_new_with_mnemonic (confirm_label));
  gtk_button_set_child (GTK_BUTTON (confirm), confirm_box);
  gtk_widget_add_css_class (confirm, destructive ? "destructive-action" : "suggested-action");
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 12);
  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), confirm);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), error);
  gtk_box_append (GTK_BOX (box), buttons);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (heading, NULL));
  gtk_box_append (GTK_BOX (content), header);
  gtk_box_append (GTK_BOX (content), box);
  adw_window_set_content (ADW_WINDOW (window), content);
  gtk_window_set_default_widget (GTK_WINDOW (window), confirm);

  gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                        gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, shortcuts);

  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), window);
  g_signal_connect_swapped (confirm, "clicked", G_CALLBACK (on_prompt_confirm), prompt);
  g_object_set_data_full (G_OBJECT (window), "kbc-prompt", prompt, (GDestroyNotify) prompt_free);

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (row);
}

/* What each confirmed change does next */

static void
on_disabled (KbcMfaGroup *self, JsonNode *result)
{
  kbc_widget_add_toast (GTK_WIDGET (self), _ ("Multi-factor authentication is disabled"));
  changed (self);
}

static void
on_regenerated (KbcMfaGroup *self, JsonNode *result)
{
  g_auto (GStrv) codes = kbc_recovery_codes_from_json (result);
  KbcRecoveryCodesDialog *dialog;

  changed (self);
  if (codes == NULL || codes[0] == NULL)
    {
      kbc_widget_add_toast (GTK_WIDGET (self), _ ("The server did not send new recovery codes"));
      return;
    }

  dialog = kbc_recovery_codes_dialog_new (get_parent_window (self), (const char *const *) codes,
                                          kbc_account_get_user_email (self->account));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_totp_activated (KbcMfaGroup *self, GStrv codes)
{
  changed (self);
}

static void
open_totp_dialog (KbcMfaGroup *self, gboolean reconfigure)
{
  KbcTotpDialog *dialog =
      kbc_totp_dialog_new (get_parent_window (self), self->account, reconfigure);

  /* A reconfiguration deletes the old app first: the state changes even when
   * the dialog is left before the new one is activated. */
  if (reconfigure)
    g_signal_connect_object (dialog, "destroy", G_CALLBACK (changed), self, G_CONNECT_SWAPPED);
  else
    g_signal_connect_object (dialog, "activated", G_CALLBACK (on_totp_activated), self,
                             G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Actions */

static void
on_method_chosen (AdwMessageDialog *dialog, const char *response, KbcMfaGroup *self)
{
  if (g_str_equal (response, "totp"))
    open_totp_dialog (self, FALSE);
  else if (g_str_equal (response, "u2f"))
    g_signal_emit (self, signals[SIGNAL_ENABLE_U2F], 0);
}

static void
enable_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcMfaGroup *self = KBC_MFA_GROUP (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self),
                                   _ ("Enable Multi-Factor Authentication"), NULL);
  adw_message_dialog_set_body (
      ADW_MESSAGE_DIALOG (dialog),
      self->u2f_available
          ? _ ("Choose what confirms your sign-ins after your password: TOTP, a code from an "
               "authenticator app on your phone, or U2F, a USB security key you touch.")
          : _ ("Confirm your sign-ins after your password with a code from an authenticator app "
               "on your phone. Security keys are coming soon."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "u2f",
                                    _ ("Enable _U2F"), "totp", _ ("Enable _TOTP"), NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "u2f", self->u2f_available);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "totp",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "totp");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_method_chosen), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
enable_totp_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_totp_dialog (KBC_MFA_GROUP (widget), FALSE);
}

static void
reconfigure_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_totp_dialog (KBC_MFA_GROUP (widget), TRUE);
}

static void
regenerate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run_password_prompt (KBC_MFA_GROUP (widget), _ ("Generate New Recovery Codes"),
                       _ ("Your current recovery codes stop working and ten new ones are shown "
                          "once. Enter your password to continue."),
                       _ ("_Generate"), FALSE, kbc_account_regenerate_recovery_codes_async,
                       on_regenerated);
}

static void
disable_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run_password_prompt (KBC_MFA_GROUP (widget), _ ("Disable Multi-Factor Authentication?"),
                       _ ("Signing in will ask only for your password, your authenticator app and "
                          "security keys are removed, and your other sessions are signed out. "
                          "Enter your password to continue."),
                       _ ("_Disable"), TRUE, kbc_account_disable_mfa_async, on_disabled);
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  kbc_mfa_group_reload (KBC_MFA_GROUP (widget));
}

/* GObject */

static void
kbc_mfa_group_constructed (GObject *object)
{
  KbcMfaGroup *self = KBC_MFA_GROUP (object);

  G_OBJECT_CLASS (kbc_mfa_group_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_ACCOUNT (self->account));

  g_signal_connect_object (self->account, "notify::mfa-enabled",
                           G_CALLBACK (on_account_mfa_enabled), self, G_CONNECT_SWAPPED);
  update_view (self);
  kbc_mfa_group_reload (self);
}

static void
kbc_mfa_group_dispose (GObject *object)
{
  KbcMfaGroup *self = KBC_MFA_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_pointer (&self->load_error, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_MFA_GROUP);

  G_OBJECT_CLASS (kbc_mfa_group_parent_class)->dispose (object);
}

static void
kbc_mfa_group_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcMfaGroup *self = KBC_MFA_GROUP (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      case PROP_ENABLED:
        g_value_set_boolean (value, self->enabled);
        break;
      case PROP_TOTP_ENABLED:
        g_value_set_boolean (value, self->totp_enabled);
        break;
      case PROP_RECOVERY_CODES_REMAINING:
        g_value_set_int (value, self->recovery_remaining);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, self->loading);
        break;
      case PROP_U2F_AVAILABLE:
        g_value_set_boolean (value, self->u2f_available);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_mfa_group_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcMfaGroup *self = KBC_MFA_GROUP (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        self->account = g_value_dup_object (value);
        break;
      case PROP_U2F_AVAILABLE:
        kbc_mfa_group_set_u2f_available (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_mfa_group_class_init (KbcMfaGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = kbc_mfa_group_constructed;
  object_class->dispose = kbc_mfa_group_dispose;
  object_class->get_property = kbc_mfa_group_get_property;
  object_class->set_property = kbc_mfa_group_set_property;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                               G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, FALSE, ro);
  properties[PROP_TOTP_ENABLED] = g_param_spec_boolean ("totp-enabled", NULL, NULL, FALSE, ro);
  properties[PROP_RECOVERY_CODES_REMAINING] =
      g_param_spec_int ("recovery-codes-remaining", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_U2F_AVAILABLE] =
      g_param_spec_boolean ("u2f-available", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ENABLE_U2F] =
      g_signal_new ("enable-u2f", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-mfa-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, status_row);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, status_icon);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, enable_button);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, totp_row);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, reconfigure_button);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, setup_totp_button);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, recovery_row);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, disable_row);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, error_row);

  gtk_widget_class_install_action (widget_class, "mfa.enable", NULL, enable_action);
  gtk_widget_class_install_action (widget_class, "mfa.enable-totp", NULL, enable_totp_action);
  gtk_widget_class_install_action (widget_class, "mfa.reconfigure", NULL, reconfigure_action);
  gtk_widget_class_install_action (widget_class, "mfa.regenerate", NULL, regenerate_action);
  gtk_widget_class_install_action (widget_class, "mfa.disable", NULL, disable_action);
  gtk_widget_class_install_action (widget_class, "mfa.reload", NULL, reload_action);
}

static void
kbc_mfa_group_init (KbcMfaGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_mfa_group_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_MFA_GROUP, "account", account, NULL);
}

gboolean
kbc_mfa_group_get_enabled (KbcMfaGroup *self)
{
  g_return_val_if_fail (KBC_IS_MFA_GROUP (self), FALSE);

  return self->enabled;
}

gboolean
kbc_mfa_group_get_totp_enabled (KbcMfaGroup *self)
{
  g_return_val_if_fail (KBC_IS_MFA_GROUP (self), FALSE);

  return self->totp_enabled;
}

int
kbc_mfa_group_get_recovery_codes_remaining (KbcMfaGroup *self)
{
  g_return_val_if_fail (KBC_IS_MFA_GROUP (self), 0);

  return self->recovery_remaining;
}

gboolean
kbc_mfa_group_get_loading (KbcMfaGroup *self)
{
  g_return_val_if_fail (KBC_IS_MFA_GROUP (self), FALSE);

  return self->loading;
}

gboolean
kbc_mfa_group_get_u2f_available (KbcMfaGroup *self)
{
  g_return_val_if_fail (KBC_IS_MFA_GROUP (self), FALSE);

  return self->u2f_available;
}

void
kbc_mfa_group_set_u2f_available (KbcMfaGroup *self, gboolean available)
{
  g_return_if_fail (KBC_IS_MFA_GROUP (self));

  available = !!available;
  if (self->u2f_available == available)
    return;

  self->u2f_available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_U2F_AVAILABLE]);
}
