/* kbc-totp-dialog.h: enrol an authenticator app (TOTP)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-mfa.h"

G_BEGIN_DECLS

/* clang-format off */

typedef enum
{
  KBC_TOTP_DIALOG_STATE_SCAN,       /* shows the QR code and the setup key, asks for a code */
  KBC_TOTP_DIALOG_STATE_ACTIVATING, /* the server checks the code */
  KBC_TOTP_DIALOG_STATE_DONE,       /* enabled; the recovery codes dialog is shown */
  KBC_TOTP_DIALOG_STATE_ERROR,      /* enrolment cannot go on; offers to start again */
} KbcTotpDialogState;

#define KBC_TYPE_TOTP_DIALOG_STATE (kbc_totp_dialog_state_get_type ())
GType kbc_totp_dialog_state_get_type (void) G_GNUC_CONST;

#define KBC_TYPE_TOTP_DIALOG (kbc_totp_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbcTotpDialog, kbc_totp_dialog, KBC, TOTP_DIALOG, AdwWindow)

/* The QR code and the setup key of @enrolment (kbc_mfa_enrol_totp_async(),
 * after the password), then the first code, which activates the app.
 *
 * Properties: mfa (KbcMfa, construct-only), enrolment (construct-only),
 * state. Once activated it shows the recovery codes dialog on its parent and
 * closes (KbcMfa has already changed in place). Signal: restart (the
 * enrolment can no longer be finished: the dialog has closed, and the
 * password step should begin again). */
KbcTotpDialog      *kbc_totp_dialog_new        (GtkWindow              *parent,
                                                KbcMfa                 *mfa,
                                                const KbcTotpEnrolment *enrolment);
KbcTotpDialogState  kbc_totp_dialog_get_state  (KbcTotpDialog *self);

/* clang-format on */

G_END_DECLS
