/* kbc-mfa-group.h: the multi-factor authentication group of Account & Security
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-mfa.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_MFA_GROUP (kbc_mfa_group_get_type ())
G_DECLARE_FINAL_TYPE (KbcMfaGroup, kbc_mfa_group, KBC, MFA_GROUP, AdwPreferencesGroup)

/* Shows a KbcMfa and offers Enable MFA (the authenticator app or a security
 * key), Reconfigure, Disable and new recovery codes, each confirmed with the
 * current password in a KbcPasswordDialog.
 *
 * Properties: mfa (KbcMfa, construct-only), u2f-available (read-write: the
 * "Enable U2F" choice of Enable MFA is offered and emits ::enable-u2f). */
GtkWidget  *kbc_mfa_group_new                 (KbcMfa      *mfa);
gboolean    kbc_mfa_group_get_u2f_available   (KbcMfaGroup *self);
void        kbc_mfa_group_set_u2f_available   (KbcMfaGroup *self,
                                               gboolean     available);

/* clang-format on */

G_END_DECLS
