/* kbc-add-key-dialog.h: register a USB security key
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
  KBC_ADD_KEY_DIALOG_STATE_TOUCH,      /* the server and the key are at work: "Touch your key" */
  KBC_ADD_KEY_DIALOG_STATE_CANCELLING, /* Cancel was pressed; the key is being stopped */
  KBC_ADD_KEY_DIALOG_STATE_PIN,        /* asks for the PIN of a FIDO2 key */
  KBC_ADD_KEY_DIALOG_STATE_FAILED,     /* the key step failed: why, and Try Again */
  KBC_ADD_KEY_DIALOG_STATE_DONE,       /* added: shows the server's message */
} KbcAddKeyDialogState;

#define KBC_TYPE_ADD_KEY_DIALOG_STATE (kbc_add_key_dialog_state_get_type ())
GType kbc_add_key_dialog_state_get_type (void) G_GNUC_CONST;

#define KBC_TYPE_ADD_KEY_DIALOG (kbc_add_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbcAddKeyDialog, kbc_add_key_dialog, KBC, ADD_KEY_DIALOG, AdwWindow)

/* A modal window for the key step of a registration begun with
 * kbc_mfa_begin_key_registration_async() (the name and the password came
 * first): "Touch your security key" (with the KbcFido timeout as a
 * countdown, and Cancel) → the PIN when the key has one → `The new u2f
 * device "<name>" was added.` A failure of the key shows why and offers to
 * try again while the server still keeps the registration. Escape closes it
 * and stops the key.
 *
 * Properties: mfa (KbcMfa, construct-only), state (read-only).
 * Signals: restart (the registration is gone; the dialog has closed and the
 * name and password step should begin again). */
GtkWidget            *kbc_add_key_dialog_new        (GtkWindow       *parent,
                                                     KbcMfa          *mfa);
KbcAddKeyDialogState  kbc_add_key_dialog_get_state  (KbcAddKeyDialog *self);

/* clang-format on */

G_END_DECLS
