/* kbc-add-key-dialog.h: register a USB security key
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
  KBC_ADD_KEY_DIALOG_STATE_NAME,       /* asks for a name and the current password */
  KBC_ADD_KEY_DIALOG_STATE_TOUCH,      /* the server and the key are at work: "Touch your key" */
  KBC_ADD_KEY_DIALOG_STATE_CANCELLING, /* Cancel was pressed; the key is being stopped */
  KBC_ADD_KEY_DIALOG_STATE_PIN,        /* asks for the PIN of a FIDO2 key */
  KBC_ADD_KEY_DIALOG_STATE_DONE,       /* added: shows the server's message */
} KbcAddKeyDialogState;

#define KBC_TYPE_ADD_KEY_DIALOG_STATE (kbc_add_key_dialog_state_get_type ())
GType kbc_add_key_dialog_state_get_type (void) G_GNUC_CONST;

#define KBC_TYPE_ADD_KEY_DIALOG (kbc_add_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbcAddKeyDialog, kbc_add_key_dialog, KBC, ADD_KEY_DIALOG, AdwWindow)

/* A modal window: name and current password → "Touch your security key"
 * (with the KbcFido timeout as a countdown, and Cancel) → the PIN when the
 * key has one → `The new u2f device "<name>" was added.` Every failure is
 * shown in place and keeps what was typed. Escape closes it and stops the
 * key.
 *
 * Properties: account (KbcAccount, construct-only), state (read-only).
 * Signals: key-added (JsonNode *device), the device the server returned. */
GtkWidget            *kbc_add_key_dialog_new        (GtkWindow       *parent,
                                                     KbcAccount      *account);
KbcAddKeyDialogState  kbc_add_key_dialog_get_state  (KbcAddKeyDialog *self);

/* clang-format on */

G_END_DECLS
