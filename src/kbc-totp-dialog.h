/* kbc-totp-dialog.h: enrol an authenticator app (TOTP)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

typedef enum
{
  KBC_TOTP_DIALOG_STATE_PASSWORD,   /* asks for the current password */
  KBC_TOTP_DIALOG_STATE_BUSY,       /* the server checks it and starts enrolment */
  KBC_TOTP_DIALOG_STATE_SCAN,       /* shows the QR code and the setup key, asks for a code */
  KBC_TOTP_DIALOG_STATE_ACTIVATING, /* the server checks the code */
  KBC_TOTP_DIALOG_STATE_DONE,       /* enabled; the recovery codes dialog is shown */
  KBC_TOTP_DIALOG_STATE_ERROR,      /* enrolment cannot go on; offers to start again */
} KbcTotpDialogState;

#define KBC_TYPE_TOTP_DIALOG_STATE (kbc_totp_dialog_state_get_type ())
GType kbc_totp_dialog_state_get_type (void) G_GNUC_CONST;

#define KBC_TYPE_TOTP_DIALOG (kbc_totp_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbcTotpDialog, kbc_totp_dialog, KBC, TOTP_DIALOG, AdwWindow)

/* Properties: account (KbcAccount, construct-only), reconfigure (construct-only:
 * the current authenticator is deleted first, with the same password), state.
 * Signals: activated (GStrv recovery_codes), after which the dialog shows the
 * recovery codes dialog on its parent and closes. */
KbcTotpDialog      *kbc_totp_dialog_new        (GtkWindow     *parent,
                                                KbcAccount    *account,
                                                gboolean       reconfigure);
KbcTotpDialogState  kbc_totp_dialog_get_state  (KbcTotpDialog *self);

/* clang-format on */

G_END_DECLS
