/* kbc-password-dialog.h: confirm a change with the current password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* clang-format off */

typedef enum
{
  KBC_PASSWORD_DIALOG_STATE_READY, /* waiting for the password */
  KBC_PASSWORD_DIALOG_STATE_BUSY,  /* ::submit was emitted; the request runs */
  KBC_PASSWORD_DIALOG_STATE_ERROR, /* report_error() showed why; try again */
  KBC_PASSWORD_DIALOG_STATE_DONE,  /* done(): the dialog closes */
} KbcPasswordDialogState;

#define KBC_TYPE_PASSWORD_DIALOG_STATE (kbc_password_dialog_state_get_type ())
GType kbc_password_dialog_state_get_type (void);

#define KBC_TYPE_PASSWORD_DIALOG (kbc_password_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbcPasswordDialog, kbc_password_dialog, KBC, PASSWORD_DIALOG, AdwWindow)

/* A heading, what will happen, the current password, Cancel and a confirm
 * button. Confirming emits ::submit (const char *password) and makes the
 * dialog busy; the handler starts the request with
 * kbc_password_dialog_get_cancellable() and ends it with
 * kbc_password_dialog_report_error() (the dialog stays, shows why, and the
 * password is cleared when it was the wrong one) or kbc_password_dialog_done().
 * Closing the dialog cancels the request.
 *
 * Properties: heading, body, confirm-label (with a mnemonic), destructive,
 * extra-child (a widget above the password, e.g. a name to give),
 * extra-valid (FALSE keeps the confirm button off, e.g. while that name is
 * empty), state (read-only), error-message (read-only). */
KbcPasswordDialog      *kbc_password_dialog_new             (GtkWindow         *parent,
                                                             const char        *heading,
                                                             const char        *body,
                                                             const char        *confirm_label,
                                                             gboolean           destructive);
void                    kbc_password_dialog_set_extra_child (KbcPasswordDialog *self,
                                                             GtkWidget         *child);
void                    kbc_password_dialog_set_extra_valid (KbcPasswordDialog *self,
                                                             gboolean           valid);
KbcPasswordDialogState  kbc_password_dialog_get_state       (KbcPasswordDialog *self);
const char             *kbc_password_dialog_get_error_message (KbcPasswordDialog *self);
GCancellable           *kbc_password_dialog_get_cancellable (KbcPasswordDialog *self);
void                    kbc_password_dialog_report_error    (KbcPasswordDialog *self,
                                                             const GError      *error);
void                    kbc_password_dialog_done            (KbcPasswordDialog *self);

/* clang-format on */

G_END_DECLS
