/* kbc-recovery-codes-dialog.h: show new recovery codes until the user has saved them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_RECOVERY_CODES_DIALOG (kbc_recovery_codes_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbcRecoveryCodesDialog, kbc_recovery_codes_dialog, KBC, RECOVERY_CODES_DIALOG, AdwWindow)

/* The codes in a grid, Copy, Save to File; it cannot be closed (Escape
 * included) until "I have saved these codes" is checked. Properties: codes
 * (GStrv, construct-only), account-email (construct-only, may be NULL; named
 * in the saved file), confirmed (read-only). */
KbcRecoveryCodesDialog *kbc_recovery_codes_dialog_new           (GtkWindow              *parent,
                                                                 const char * const     *codes,
                                                                 const char             *account_email);
const char * const     *kbc_recovery_codes_dialog_get_codes     (KbcRecoveryCodesDialog *self);
gboolean                kbc_recovery_codes_dialog_get_confirmed (KbcRecoveryCodesDialog *self);
/* What Save to File does once a file is chosen: writes the codes (a private
 * file) and, once written, counts them as saved (confirmed). */
void                    kbc_recovery_codes_dialog_save_to_file  (KbcRecoveryCodesDialog *self,
                                                                 GFile                  *file);

/* clang-format on */

G_END_DECLS
