/* kbc-mfa-group.h: the multi-factor authentication group of Account & Security
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_MFA_GROUP (kbc_mfa_group_get_type ())
G_DECLARE_FINAL_TYPE (KbcMfaGroup, kbc_mfa_group, KBC, MFA_GROUP, AdwPreferencesGroup)

/* Shows GET /manage/current-user/mfa and offers Enable MFA (the authenticator
 * app; security keys once they land), Reconfigure, Disable and new recovery
 * codes, each confirmed with the current password.
 *
 * Properties: account (KbcAccount, construct-only), enabled, totp-enabled,
 * recovery-codes-remaining (read-only, from the server), loading (read-only),
 * u2f-available (read-write, FALSE until security keys land: the "Security
 * Key" choice of Enable MFA is then offered and emits ::enable-u2f). */
GtkWidget  *kbc_mfa_group_new                 (KbcAccount  *account);
/* Loads the state again; also done when the account's mfa-enabled changes. */
void        kbc_mfa_group_reload              (KbcMfaGroup *self);
gboolean    kbc_mfa_group_get_enabled         (KbcMfaGroup *self);
gboolean    kbc_mfa_group_get_totp_enabled    (KbcMfaGroup *self);
int         kbc_mfa_group_get_recovery_codes_remaining (KbcMfaGroup *self);
gboolean    kbc_mfa_group_get_loading         (KbcMfaGroup *self);
gboolean    kbc_mfa_group_get_u2f_available   (KbcMfaGroup *self);
void        kbc_mfa_group_set_u2f_available   (KbcMfaGroup *self,
                                               gboolean     available);

/* clang-format on */

G_END_DECLS
