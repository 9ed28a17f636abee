/* kbc-totp-dialog.c: enrol an authenticator app (TOTP)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-totp-dialog.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kbc-code-entry.h"
#include "kbc-error.h"
#include "kbc-qr-paintable.h"
#include "kbc-recovery-codes-dialog.h"
#include "kbc-toast.h"


struct _KbcTotpDialog
{
  AdwWindow parent_instance;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkPicture *qr_picture;
  GtkLabel *secret_label;
  KbcCodeEntry *code_entry;
  GtkLabel *code_error;
  GtkWidget *activate_button;
  GtkWidget *activate_bar;
  GtkScrolledWindow *scan_scroller;
  GtkWidget *activate_spinner;
  AdwStatusPage *error_page;

  /* Owned */
  KbcMfa *mfa;
  KbcTotpEnrolment *enrolment;
  GCancellable *cancellable;
  char *secret; /* base32, no spaces, for the clipboard */

  KbcTotpDialogState state;
};

enum
{
  PROP_0,
  PROP_MFA,
  PROP_ENROLMENT,
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

G_DEFINE_ENUM_TYPE (KbcTotpDialogState,
                    kbc_totp_dialog_state,
                    G_DEFINE_ENUM_VALUE (KBC_TOTP_DIALOG_STATE_SCAN, "scan"),
                    G_DEFINE_ENUM_VALUE (KBC_TOTP_DIALOG_STATE_ACTIVATING, "activating"),
                    G_DEFINE_ENUM_VALUE (KBC_TOTP_DIALOG_STATE_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (KBC_TOTP_DIALOG_STATE_ERROR, "error"))

G_DEFINE_FINAL_TYPE (KbcTotpDialog, kbc_totp_dialog, ADW_TYPE_WINDOW)

static void
clear_secret_string (char **str)
{
  if (*str == NULL)
    return;
  explicit_bzero (*str, strlen (*str));
  g_clear_pointer (str, g_free);
}

static void
update_actions (KbcTotpDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "totp.activate",
                                 self->state == KBC_TOTP_DIALOG_STATE_SCAN &&
                                     kbc_code_entry_get_complete (self->code_entry));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "totp.copy-secret", self->secret != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "totp.restart",
                                 self->state == KBC_TOTP_DIALOG_STATE_ERROR);
}

static void
set_state (KbcTotpDialog *self, KbcTotpDialogState state)
{
  gboolean activating = state == KBC_TOTP_DIALOG_STATE_ACTIVATING;

  self->state = state;

  switch (state)
    {
      case KBC_TOTP_DIALOG_STATE_SCAN:
      case KBC_TOTP_DIALOG_STATE_ACTIVATING:
        gtk_stack_set_visible_child_name (self->stack, "scan");
        gtk_window_set_default_widget (GTK_WINDOW (self), self->activate_button);
        break;
      case KBC_TOTP_DIALOG_STATE_DONE:
        gtk_stack_set_visible_child_name (self->stack, "done");
        gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
        break;
      case KBC_TOTP_DIALOG_STATE_ERROR:
        gtk_stack_set_visible_child_name (self->stack, "error");
        gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
        break;
      default:
        g_assert_not_reached ();
    }

  gtk_widget_set_visible (self->activate_bar, state == KBC_TOTP_DIALOG_STATE_SCAN ||
                                                  state == KBC_TOTP_DIALOG_STATE_ACTIVATING);

  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus of
   * a focused entry made insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (self->code_entry), !activating);
  gtk_widget_set_visible (self->activate_spinner, activating);
  gtk_spinner_set_spinning (GTK_SPINNER (self->activate_spinner), activating);

  if (state == KBC_TOTP_DIALOG_STATE_SCAN)
    gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Once the error has its place (laid out in the frame after it is shown),
 * scrolls the page so that all of it is in sight. */
static gboolean
scroll_to_error_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  KbcTotpDialog *self = KBC_TOTP_DIALOG (widget);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scan_scroller);
  graphene_rect_t bounds;

  if (!gtk_widget_get_visible (GTK_WIDGET (self->code_error)))
    return G_SOURCE_REMOVE;
  if (gtk_widget_get_height (GTK_WIDGET (self->code_error)) == 0)
    return G_SOURCE_CONTINUE;

  if (gtk_widget_compute_bounds (GTK_WIDGET (self->code_error), GTK_WIDGET (self->scan_scroller),
                                 &bounds))
    {
      double below = bounds.origin.y + bounds.size.height -
                     gtk_widget_get_height (GTK_WIDGET (self->scan_scroller));

      if (below > 0)
        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + below);
    }
  return G_SOURCE_REMOVE;
}

static void
show_code_error (KbcTotpDialog *self, const char *message)
{
  gtk_label_set_text (self->code_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->code_error), message != NULL);
  kbc_code_entry_set_error (self->code_entry, message != NULL);
  if (message != NULL)
    gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_error_cb, NULL, NULL);
}

static void
show_fatal_error (KbcTotpDialog *self, const char *message)
{
  adw_status_page_set_description (self->error_page, message);
  set_state (self, KBC_TOTP_DIALOG_STATE_ERROR);
}

/* "ABCDEFGHIJ…" → "ABCD EFGH IJ…": easier to type from the screen. */
static char *
group_secret (const char *secret)
{
  GString *grouped = g_string_new (NULL);

  for (gsize i = 0; secret[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (grouped, ' ');
      g_string_append_c (grouped, secret[i]);
    }

  return g_string_free (grouped, FALSE);
}

/* The QR code of the server's link, and its key as text. */
static gboolean
show_enrolment (KbcTotpDialog *self, GError **error)
{
  g_autoptr (KbcQrPaintable) paintable = NULL;
  g_autofree char *grouped = NULL;

  paintable = kbc_qr_paintable_new_for_text (self->enrolment->uri, error);
  if (paintable == NULL)
    return FALSE;

  clear_secret_string (&self->secret);
  self->secret = g_strdup (self->enrolment->secret);
  grouped = group_secret (self->secret);

  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (paintable));
  gtk_label_set_text (self->secret_label, grouped);
  explicit_bzero (grouped, strlen (grouped));

  return TRUE;
}

static void
on_activate_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcTotpDialog *self = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) codes = NULL;
  KbcRecoveryCodesDialog *recovery;

  codes = kbc_mfa_activate_totp_finish (KBC_MFA (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (codes == NULL)
    {
      /* "Invalid authentication code": wrong, expired or already used.
       * Anything else (network, rate limit) says what it is. */
      if (g_strcmp0 (kbc_api_error_get_code (error), "invalidAuthenticationCode") == 0 ||
          (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST) &&
           kbc_api_error_get_code (error) == NULL))
        show_code_error (
            self,
            _ ("That code is not valid. Codes change every 30 seconds — enter the current one."));
      else if (g_strcmp0 (kbc_api_error_get_code (error), "mfaTotpNotPending") == 0 ||
               g_strcmp0 (kbc_api_error_get_code (error), "mfaTotpAlreadyEnabled") == 0)
        {
          /* The setup was replaced or finished elsewhere: start again. */
          show_fatal_error (self, error->message);
          return;
        }
      else
        show_code_error (self, error->message);
      /* Clearing the entry clears its error style: set it again after. */
      kbc_code_entry_clear (self->code_entry);
      kbc_code_entry_set_error (self->code_entry, TRUE);
      set_state (self, KBC_TOTP_DIALOG_STATE_SCAN);
      return;
    }

  clear_secret_string (&self->secret);
  gtk_label_set_text (self->secret_label, "");
  gtk_picture_set_paintable (self->qr_picture, NULL);
  set_state (self, KBC_TOTP_DIALOG_STATE_DONE);

  g_object_ref (self);

  if (codes[0] != NULL)
    {
      recovery = kbc_recovery_codes_dialog_new (
          gtk_window_get_transient_for (GTK_WINDOW (self)), (const char *const *) codes,
          kbc_account_get_user_email (kbc_mfa_get_account (self->mfa)));
      gtk_window_present (GTK_WINDOW (recovery));
      gtk_window_destroy (GTK_WINDOW (self));
    }
  g_object_unref (self);
}

static void
activate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcTotpDialog *self = KBC_TOTP_DIALOG (widget);
  g_autofree char *code = g_strdup (kbc_code_entry_get_code (self->code_entry));

  if (self->state != KBC_TOTP_DIALOG_STATE_SCAN || code == NULL)
    return;

  show_code_error (self, NULL);
  set_state (self, KBC_TOTP_DIALOG_STATE_ACTIVATING);
  kbc_mfa_activate_totp_async (self->mfa, code, self->cancellable, on_activate_done, self);
}

static void
copy_secret_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcTotpDialog *self = KBC_TOTP_DIALOG (widget);

  if (self->secret == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->secret);
  kbc_toast_overlay_add_text (self->toast_overlay, _ ("Setup key copied"));
}

/* The setup was replaced or finished elsewhere: begin again, with the
 * password. */
static void
restart_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcTotpDialog *self = KBC_TOTP_DIALOG (widget);

  g_object_ref (self);
  gtk_window_destroy (GTK_WINDOW (self));
  g_signal_emit (self, signals[SIGNAL_RESTART], 0);
  g_object_unref (self);
}

static void
on_code_complete (KbcTotpDialog *self, const char *code)
{
  update_actions (self);
  /* The sixth digit is as good as pressing Activate. */
  if (self->state == KBC_TOTP_DIALOG_STATE_SCAN)
    gtk_widget_activate_action (GTK_WIDGET (self), "totp.activate", NULL);
}

static void
on_code_notify_complete (KbcTotpDialog *self)
{
  update_actions (self);
}

static void
kbc_totp_dialog_constructed (GObject *object)
{
  KbcTotpDialog *self = KBC_TOTP_DIALOG (object);
  g_autoptr (GError) error = NULL;

  G_OBJECT_CLASS (kbc_totp_dialog_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_MFA (self->mfa));
  g_return_if_fail (self->enrolment != NULL);

  if (!show_enrolment (self, &error))
    {
      g_debug ("Cannot show the enrolment: %s", error->message);
      show_fatal_error (self, error->message);
      return;
    }

  set_state (self, KBC_TOTP_DIALOG_STATE_SCAN);
}

static void
kbc_totp_dialog_dispose (GObject *object)
{
  KbcTotpDialog *self = KBC_TOTP_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_secret_string (&self->secret);
  g_clear_pointer (&self->enrolment, kbc_totp_enrolment_free);
  g_clear_object (&self->mfa);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_TOTP_DIALOG);

  G_OBJECT_CLASS (kbc_totp_dialog_parent_class)->dispose (object);
}

static void
kbc_totp_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcTotpDialog *self = KBC_TOTP_DIALOG (object);

  switch (prop_id)
    {
      case PROP_MFA:
        g_value_set_object (value, self->mfa);
        break;
      case PROP_ENROLMENT:
        g_value_set_boxed (value, self->enrolment);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_totp_dialog_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  KbcTotpDialog *self = KBC_TOTP_DIALOG (object);

  switch (prop_id)
    {
      case PROP_MFA:
        self->mfa = g_value_dup_object (value);
        break;
      case PROP_ENROLMENT:
        self->enrolment = g_value_dup_boxed (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_totp_dialog_class_init (KbcTotpDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_totp_dialog_constructed;
  object_class->dispose = kbc_totp_dialog_dispose;
  object_class->get_property = kbc_totp_dialog_get_property;
  object_class->set_property = kbc_totp_dialog_set_property;

  properties[PROP_MFA] =
      g_param_spec_object ("mfa", NULL, NULL, KBC_TYPE_MFA,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENROLMENT] =
      g_param_spec_boxed ("enrolment", NULL, NULL, KBC_TYPE_TOTP_ENROLMENT,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] = g_param_spec_enum (
      "state", NULL, NULL, KBC_TYPE_TOTP_DIALOG_STATE, KBC_TOTP_DIALOG_STATE_SCAN,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_RESTART] = g_signal_new ("restart", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-totp-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, secret_label);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, code_error);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, activate_button);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, activate_bar);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, scan_scroller);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, activate_spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcTotpDialog, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_code_complete);

  gtk_widget_class_install_action (widget_class, "totp.activate", NULL, activate_action);
  gtk_widget_class_install_action (widget_class, "totp.copy-secret", NULL, copy_secret_action);
  gtk_widget_class_install_action (widget_class, "totp.restart", NULL, restart_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (KBC_TYPE_CODE_ENTRY);
}

static void
kbc_totp_dialog_init (KbcTotpDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->code_entry, "notify::complete",
                            G_CALLBACK (on_code_notify_complete), self);
}

KbcTotpDialog *
kbc_totp_dialog_new (GtkWindow *parent, KbcMfa *mfa, const KbcTotpEnrolment *enrolment)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KBC_IS_MFA (mfa), NULL);
  g_return_val_if_fail (enrolment != NULL, NULL);

  return g_object_new (KBC_TYPE_TOTP_DIALOG, "transient-for", parent, "mfa", mfa, "enrolment",
                       enrolment, NULL);
}

KbcTotpDialogState
kbc_totp_dialog_get_state (KbcTotpDialog *self)
{
  g_return_val_if_fail (KBC_IS_TOTP_DIALOG (self), KBC_TOTP_DIALOG_STATE_ERROR);

  return self->state;
}
