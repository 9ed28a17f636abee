/* kbc-recovery-codes-dialog.c: show new recovery codes until the user has saved them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-recovery-codes-dialog.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kbc-dialog.h"
#include "kbc-toast.h"

struct _KbcRecoveryCodesDialog
{
  AdwWindow parent_instance;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkGrid *codes_grid;
  GtkCheckButton *confirm_check;
  GtkWidget *done_button;
  GtkWidget *unsaved_label;

  /* Owned */
  GStrv codes;
  char *account_email;
  GtkFileChooserNative *chooser;
  GCancellable *cancellable;
};

enum
{
  PROP_0,
  PROP_CODES,
  PROP_ACCOUNT_EMAIL,
  PROP_CONFIRMED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcRecoveryCodesDialog, kbc_recovery_codes_dialog, ADW_TYPE_WINDOW)

static char *
codes_as_text (KbcRecoveryCodesDialog *self, gboolean with_header)
{
  GString *text = g_string_new (NULL);

  if (with_header)
    {
      g_string_append (text, _ ("Keboola Connection recovery codes"));
      g_string_append_c (text, '\n');
      if (self->account_email != NULL)
        {
          /* Translators: %s is the email address of the account. */
          g_string_append_printf (text, _ ("Account: %s"), self->account_email);
          g_string_append_c (text, '\n');
        }
      g_string_append (text, _ ("Each code signs you in once instead of a code from your "
                                "authenticator app."));
      g_string_append (text, "\n\n");
    }

  for (guint i = 0; self->codes != NULL && self->codes[i] != NULL; i++)
    {
      g_string_append (text, self->codes[i]);
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

static void
fill_grid (KbcRecoveryCodesDialog *self)
{
  guint n = self->codes != NULL ? g_strv_length (self->codes) : 0;
  guint rows = (n + 1) / 2;

  /* Two columns, read down then across, as on a printed sheet. */
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *label = gtk_label_new (self->codes[i]);

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_set_focusable (label, FALSE);
      gtk_grid_attach (self->codes_grid, label, i / rows, i % rows, 1, 1);
    }
}

static void
on_confirm_toggled (KbcRecoveryCodesDialog *self)
{
  gboolean confirmed = gtk_check_button_get_active (self->confirm_check);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recovery.done", confirmed);
  gtk_window_set_deletable (GTK_WINDOW (self), confirmed);
  if (confirmed && gtk_widget_get_visible (self->unsaved_label))
    {
      gtk_widget_set_visible (self->unsaved_label, FALSE);
      kbc_dialog_fit_content (GTK_WINDOW (self));
    }
  if (confirmed)
    gtk_window_set_default_widget (GTK_WINDOW (self), self->done_button);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIRMED]);
}

static gboolean
on_close_request (GtkWindow *window)
{
  KbcRecoveryCodesDialog *self = KBC_RECOVERY_CODES_DIALOG (window);

  if (gtk_check_button_get_active (self->confirm_check))
    return FALSE;

  /* The codes are never shown again: do not let them go unsaved. The
   * reminder is in line, above the check it is about: a toast would lie
   * over Copy and Save to File. */
  gtk_widget_error_bell (GTK_WIDGET (self));
  gtk_widget_set_visible (self->unsaved_label, TRUE);
  kbc_dialog_fit_content (window);
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_check));

  return TRUE;
}

static void
copy_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcRecoveryCodesDialog *self = KBC_RECOVERY_CODES_DIALOG (widget);
  g_autofree char *text = codes_as_text (self, FALSE);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  explicit_bzero (text, strlen (text));
  kbc_toast_overlay_add_text (self->toast_overlay, _ ("Recovery codes copied"));
}

static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcRecoveryCodesDialog *self = user_data;
  GFile *file = G_FILE (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is a system error message. */
      message = g_strdup_printf (_ ("Could not save the codes: %s"), error->message);
      kbc_toast_overlay_add_text (self->toast_overlay, message);
      return;
    }

  name = g_file_get_parse_name (file);
  /* Translators: %s is the path of the file the codes were saved to. */
  message = g_strdup_printf (_ ("Saved to %s"), name);
  kbc_toast_overlay_add_text (self->toast_overlay, message);
  /* Saved is saved: Done needs no second word for it. */
  gtk_check_button_set_active (self->confirm_check, TRUE);
}

static void
on_chooser_response (GtkNativeDialog *chooser, int response, KbcRecoveryCodesDialog *self)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);

  if (file != NULL)
    kbc_recovery_codes_dialog_save_to_file (self, file);
}

void
kbc_recovery_codes_dialog_save_to_file (KbcRecoveryCodesDialog *self, GFile *file)
{
  g_autoptr (GBytes) bytes = NULL;
  char *text;
  gsize len;

  g_return_if_fail (KBC_IS_RECOVERY_CODES_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  text = codes_as_text (self, TRUE);
  len = strlen (text);
  bytes = g_bytes_new_take (text, len);

  /* Private: the file is as good as a password. */
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, on_saved, self);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcRecoveryCodesDialog *self = KBC_RECOVERY_CODES_DIALOG (widget);

  if (self->chooser != NULL)
    return;

  self->chooser =
      gtk_file_chooser_native_new (_ ("Save Recovery Codes"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* Translators: the suggested file name for saved recovery codes. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     _ ("keboola-recovery-codes.txt"));
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
done_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
kbc_recovery_codes_dialog_constructed (GObject *object)
{
  KbcRecoveryCodesDialog *self = KBC_RECOVERY_CODES_DIALOG (object);

  G_OBJECT_CLASS (kbc_recovery_codes_dialog_parent_class)->constructed (object);

  fill_grid (self);
  on_confirm_toggled (self);
}

static void
kbc_recovery_codes_dialog_dispose (GObject *object)
{
  KbcRecoveryCodesDialog *self = KBC_RECOVERY_CODES_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->codes != NULL)
    for (guint i = 0; self->codes[i] != NULL; i++)
      explicit_bzero (self->codes[i], strlen (self->codes[i]));
  g_clear_pointer (&self->codes, g_strfreev);
  g_clear_pointer (&self->account_email, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_RECOVERY_CODES_DIALOG);

  G_OBJECT_CLASS (kbc_recovery_codes_dialog_parent_class)->dispose (object);
}

static void
kbc_recovery_codes_dialog_get_property (GObject *object,
                                        guint prop_id,
                                        GValue *value,
                                        GParamSpec *pspec)
{
  KbcRecoveryCodesDialog *self = KBC_RECOVERY_CODES_DIALOG (object);

  switch (prop_id)
    {
      case PROP_CODES:
        g_value_set_boxed (value, self->codes);
        break;
      case PROP_ACCOUNT_EMAIL:
        g_value_set_string (value, self->account_email);
        break;
      case PROP_CONFIRMED:
        g_value_set_boolean (value, kbc_recovery_codes_dialog_get_confirmed (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_recovery_codes_dialog_set_property (GObject *object,
                                        guint prop_id,
                                        const GValue *value,
                                        GParamSpec *pspec)
{
  KbcRecoveryCodesDialog *self = KBC_RECOVERY_CODES_DIALOG (object);

  switch (prop_id)
    {
      case PROP_CODES:
        self->codes = g_value_dup_boxed (value);
        break;
      case PROP_ACCOUNT_EMAIL:
        self->account_email = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_recovery_codes_dialog_class_init (KbcRecoveryCodesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_recovery_codes_dialog_constructed;
  object_class->dispose = kbc_recovery_codes_dialog_dispose;
  object_class->get_property = kbc_recovery_codes_dialog_get_property;
  object_class->set_property = kbc_recovery_codes_dialog_set_property;

  properties[PROP_CODES] =
      g_param_spec_boxed ("codes", NULL, NULL, G_TYPE_STRV,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                              G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACCOUNT_EMAIL] =
      g_param_spec_string ("account-email", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                               G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONFIRMED] =
      g_param_spec_boolean ("confirmed", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-recovery-codes-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcRecoveryCodesDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KbcRecoveryCodesDialog, codes_grid);
  gtk_widget_class_bind_template_child (widget_class, KbcRecoveryCodesDialog, confirm_check);
  gtk_widget_class_bind_template_child (widget_class, KbcRecoveryCodesDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, KbcRecoveryCodesDialog, unsaved_label);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_close_request);

  gtk_widget_class_install_action (widget_class, "recovery.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "recovery.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "recovery.done", NULL, done_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kbc_recovery_codes_dialog_init (KbcRecoveryCodesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

KbcRecoveryCodesDialog *
kbc_recovery_codes_dialog_new (GtkWindow *parent,
                               const char *const *codes,
                               const char *account_email)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (codes != NULL, NULL);

  return g_object_new (KBC_TYPE_RECOVERY_CODES_DIALOG, "transient-for", parent, "codes", codes,
                       "account-email", account_email, NULL);
}

const char *const *
kbc_recovery_codes_dialog_get_codes (KbcRecoveryCodesDialog *self)
{
  g_return_val_if_fail (KBC_IS_RECOVERY_CODES_DIALOG (self), NULL);

  return (const char *const *) self->codes;
}

gboolean
kbc_recovery_codes_dialog_get_confirmed (KbcRecoveryCodesDialog *self)
{
  g_return_val_if_fail (KBC_IS_RECOVERY_CODES_DIALOG (self), FALSE);

  return gtk_check_button_get_active (self->confirm_check);
}
