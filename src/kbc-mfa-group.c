/* kbc-mfa-group.c: the multi-factor authentication group of Account & Security
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-mfa-group.h"

#include <glib/gi18n.h>

#include "kbc-closures.h"
#include "kbc-password-dialog.h"
#include "kbc-recovery-codes-dialog.h"
#include "kbc-toast.h"
#include "kbc-totp-dialog.h"

struct _KbcMfaGroup
{
  AdwPreferencesGroup parent_instance;

  /* Template children (bound by the .ui; named for tests) */
  GtkWidget *status_row;
  GtkWidget *enable_button;
  GtkWidget *totp_row;
  GtkWidget *recovery_row;
  GtkWidget *disable_row;
  GtkWidget *error_row;

  /* Owned */
  KbcMfa *mfa;

  gboolean u2f_available;
};

enum
{
  PROP_0,
  PROP_MFA,
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

/* Closures of the template. */

static char *
status_title (KbcMfaGroup *self, gboolean enabled)
{
  return g_strdup (enabled ? _ ("Multi-factor authentication is enabled")
                           : _ ("Multi-factor authentication is off"));
}

static char *
status_subtitle (KbcMfaGroup *self, gboolean enabled)
{
  return g_strdup (enabled ? _ ("Signing in asks for a second step after your password")
                           : _ ("Protect your account with a code from your phone"));
}

static char *
status_icon_name (KbcMfaGroup *self, gboolean enabled)
{
  return g_strdup (enabled ? "security-high-symbolic" : "security-low-symbolic");
}

static char *
totp_subtitle (KbcMfaGroup *self, gboolean totp_enabled)
{
  return g_strdup (totp_enabled ? _ ("Codes from Google Authenticator or a similar app")
                                : _ ("Not set up"));
}

static char *
recovery_subtitle (KbcMfaGroup *self, int remaining)
{
  if (remaining <= 0)
    return g_strdup (_ ("No codes left: generate new ones to keep a way in"));

  /* Translators: %d is the number of unused recovery codes. */
  return g_strdup_printf (ngettext ("%d code left", "%d codes left", remaining), remaining);
}

static void
update_actions (KbcMfaGroup *self)
{
  KbcResource *resource = KBC_RESOURCE (self->mfa);
  gboolean idle = kbc_resource_get_loaded (resource) && !kbc_resource_get_loading (resource);
  gboolean enabled = kbc_mfa_get_enabled (self->mfa);
  gboolean totp = kbc_mfa_get_totp_enabled (self->mfa);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.enable", idle && !enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.enable-totp", idle && !totp);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.reconfigure", idle && totp);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.regenerate", idle && enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.disable", idle && enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa.reload",
                                 !kbc_resource_get_loading (resource));
}

/* Each confirmed change: a password dialog whose submit runs the request. */

static KbcPasswordDialog *
open_password_dialog (KbcMfaGroup *self,
                      const char *heading,
                      const char *body,
                      const char *confirm_label,
                      gboolean destructive,
                      GCallback on_submit)
{
  KbcPasswordDialog *dialog =
      kbc_password_dialog_new (get_parent_window (self), heading, body, confirm_label, destructive);

  /* The group, for what comes after: a toast, the next dialog. */
  g_object_set_data_full (G_OBJECT (dialog), "kbc-group", g_object_ref (self), g_object_unref);
  g_signal_connect_object (dialog, "submit", on_submit, self, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* TOTP: the password starts an enrolment, the TOTP dialog finishes it. */

static void open_totp_flow (KbcMfaGroup *self, gboolean reconfigure);

static void
on_totp_restart (KbcMfaGroup *self)
{
  open_totp_flow (self, FALSE);
}

static void
on_enrolled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcPasswordDialog) dialog = user_data;
  g_autoptr (KbcTotpEnrolment) enrolment = NULL;
  g_autoptr (GError) error = NULL;
  KbcMfaGroup *self;
  KbcTotpDialog *totp;

  enrolment = kbc_mfa_enrol_totp_finish (KBC_MFA (source), result, &error);
  if (enrolment == NULL)
    {
      kbc_password_dialog_report_error (dialog, error);
      return;
    }

  self = g_object_get_data (G_OBJECT (dialog), "kbc-group");
  totp = kbc_totp_dialog_new (gtk_window_get_transient_for (GTK_WINDOW (dialog)), KBC_MFA (source),
                              enrolment);
  g_signal_connect_object (totp, "restart", G_CALLBACK (on_totp_restart), self, G_CONNECT_SWAPPED);
  kbc_password_dialog_done (dialog);
  gtk_window_present (GTK_WINDOW (totp));
}

static void
enrol_submit (KbcPasswordDialog *dialog, const char *password, KbcMfaGroup *self)
{
  gboolean reconfigure = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kbc-reconfigure"));

  kbc_mfa_enrol_totp_async (self->mfa, password, reconfigure,
                            kbc_password_dialog_get_cancellable (dialog), on_enrolled,
                            g_object_ref (dialog));
}

static void
open_totp_flow (KbcMfaGroup *self, gboolean reconfigure)
{
  KbcPasswordDialog *dialog;

  if (reconfigure)
    dialog = open_password_dialog (
        self, _ ("Reconfigure Authenticator App"),
        _ ("To move your codes to another device, enter your current password. The authenticator "
           "app you use now stops working as soon as you continue."),
        _ ("_Continue"), FALSE, G_CALLBACK (enrol_submit));
  else
    dialog = open_password_dialog (
        self, _ ("Set Up Authenticator App"),
        _ ("Enter your current password to set up an authenticator app such as Google "
           "Authenticator."),
        _ ("_Continue"), FALSE, G_CALLBACK (enrol_submit));

  g_object_set_data (G_OBJECT (dialog), "kbc-reconfigure", GINT_TO_POINTER (reconfigure));
}

/* New recovery codes. */

static void
on_regenerated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcPasswordDialog) dialog = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) codes = NULL;
  KbcMfa *mfa = KBC_MFA (source);
  KbcMfaGroup *self = g_object_get_data (G_OBJECT (dialog), "kbc-group");
  GtkWindow *parent;
  KbcRecoveryCodesDialog *recovery;

  codes = kbc_mfa_regenerate_recovery_codes_finish (mfa, result, &error);
  if (codes == NULL)
    {
      kbc_password_dialog_report_error (dialog, error);
      return;
    }

  parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  kbc_password_dialog_done (dialog);
  if (codes[0] == NULL)
    {
      kbc_widget_add_toast (GTK_WIDGET (self), _ ("The server did not send new recovery codes"));
      return;
    }
  recovery = kbc_recovery_codes_dialog_new (parent, (const char *const *) codes,
                                            kbc_account_get_user_email (kbc_mfa_get_account (mfa)));
  gtk_window_present (GTK_WINDOW (recovery));
}

static void
regenerate_submit (KbcPasswordDialog *dialog, const char *password, KbcMfaGroup *self)
{
  kbc_mfa_regenerate_recovery_codes_async (self->mfa, password,
                                           kbc_password_dialog_get_cancellable (dialog),
                                           on_regenerated, g_object_ref (dialog));
}

/* Disabling. */

static void
on_disabled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcPasswordDialog) dialog = user_data;
  g_autoptr (GError) error = NULL;
  KbcMfaGroup *self;

  if (!kbc_mfa_disable_finish (KBC_MFA (source), result, &error))
    {
      kbc_password_dialog_report_error (dialog, error);
      return;
    }

  self = g_object_get_data (G_OBJECT (dialog), "kbc-group");
  kbc_password_dialog_done (dialog);
  kbc_widget_add_toast (GTK_WIDGET (self), _ ("Multi-factor authentication is disabled"));
}

static void
disable_submit (KbcPasswordDialog *dialog, const char *password, KbcMfaGroup *self)
{
  kbc_mfa_disable_async (self->mfa, password, kbc_password_dialog_get_cancellable (dialog),
                         on_disabled, g_object_ref (dialog));
}

/* Actions */

static void
on_method_chosen (AdwMessageDialog *dialog, const char *response, KbcMfaGroup *self)
{
  if (g_str_equal (response, "totp"))
    open_totp_flow (self, FALSE);
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
  open_totp_flow (KBC_MFA_GROUP (widget), FALSE);
}

static void
reconfigure_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_totp_flow (KBC_MFA_GROUP (widget), TRUE);
}

static void
regenerate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_password_dialog (KBC_MFA_GROUP (widget), _ ("Generate New Recovery Codes"),
                        _ ("Your current recovery codes stop working and ten new ones are shown "
                           "once. Enter your password to continue."),
                        _ ("_Generate"), FALSE, G_CALLBACK (regenerate_submit));
}

static void
disable_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_password_dialog (KBC_MFA_GROUP (widget), _ ("Disable Multi-Factor Authentication?"),
                        _ ("Signing in will ask only for your password, your authenticator app "
                           "and security keys are removed, and your other sessions are signed "
                           "out. Enter your password to continue."),
                        _ ("_Disable"), TRUE, G_CALLBACK (disable_submit));
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  kbc_resource_refresh (KBC_RESOURCE (KBC_MFA_GROUP (widget)->mfa));
}

/* GObject */

static void
kbc_mfa_group_constructed (GObject *object)
{
  KbcMfaGroup *self = KBC_MFA_GROUP (object);

  G_OBJECT_CLASS (kbc_mfa_group_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_MFA (self->mfa));

  /* The template's bindings watch the mfa property. */
  g_object_notify_by_pspec (object, properties[PROP_MFA]);

  g_signal_connect_object (self->mfa, "notify", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  update_actions (self);
  kbc_resource_ensure_loaded (KBC_RESOURCE (self->mfa));
}

static void
kbc_mfa_group_dispose (GObject *object)
{
  KbcMfaGroup *self = KBC_MFA_GROUP (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_MFA_GROUP);
  g_clear_object (&self->mfa);

  G_OBJECT_CLASS (kbc_mfa_group_parent_class)->dispose (object);
}

static void
kbc_mfa_group_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcMfaGroup *self = KBC_MFA_GROUP (object);

  switch (prop_id)
    {
      case PROP_MFA:
        g_value_set_object (value, self->mfa);
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
      case PROP_MFA:
        self->mfa = g_value_dup_object (value);
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

  object_class->constructed = kbc_mfa_group_constructed;
  object_class->dispose = kbc_mfa_group_dispose;
  object_class->get_property = kbc_mfa_group_get_property;
  object_class->set_property = kbc_mfa_group_set_property;

  properties[PROP_MFA] =
      g_param_spec_object ("mfa", NULL, NULL, KBC_TYPE_MFA,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_U2F_AVAILABLE] =
      g_param_spec_boolean ("u2f-available", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ENABLE_U2F] =
      g_signal_new ("enable-u2f", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-mfa-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, status_row);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, enable_button);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, totp_row);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, recovery_row);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, disable_row);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaGroup, error_row);
  gtk_widget_class_bind_template_callback (widget_class, status_title);
  gtk_widget_class_bind_template_callback (widget_class, status_subtitle);
  gtk_widget_class_bind_template_callback (widget_class, status_icon_name);
  gtk_widget_class_bind_template_callback (widget_class, totp_subtitle);
  gtk_widget_class_bind_template_callback (widget_class, recovery_subtitle);
  kbc_closures_bind_template (widget_class);

  gtk_widget_class_install_action (widget_class, "mfa.enable", NULL, enable_action);
  gtk_widget_class_install_action (widget_class, "mfa.enable-totp", NULL, enable_totp_action);
  gtk_widget_class_install_action (widget_class, "mfa.reconfigure", NULL, reconfigure_action);
  gtk_widget_class_install_action (widget_class, "mfa.regenerate", NULL, regenerate_action);
  gtk_widget_class_install_action (widget_class, "mfa.disable", NULL, disable_action);
  gtk_widget_class_install_action (widget_class, "mfa.reload", NULL, reload_action);

  g_type_ensure (KBC_TYPE_MFA);
}

static void
kbc_mfa_group_init (KbcMfaGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_mfa_group_new (KbcMfa *mfa)
{
  g_return_val_if_fail (KBC_IS_MFA (mfa), NULL);

  return g_object_new (KBC_TYPE_MFA_GROUP, "mfa", mfa, NULL);
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
