/* kbc-keys-group.h: the security keys group of Account & Security
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-mfa.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_KEYS_GROUP (kbc_keys_group_get_type ())
G_DECLARE_FINAL_TYPE (KbcKeysGroup, kbc_keys_group, KBC, KEYS_GROUP, AdwPreferencesGroup)

/* "Security Keys" of a KbcMfa: how many are configured, and under "View or
 * change settings" each key (name, added, last used) with Rename and Remove
 * (the latter confirmed with the current password). "Add Security Key" asks
 * for a name and the password (KbcPasswordDialog), then KbcAddKeyDialog
 * asks for the key.
 *
 * Properties: mfa (KbcMfa, construct-only). */
GtkWidget  *kbc_keys_group_new          (KbcMfa       *mfa);
/* Starts adding a key: the name and the password first. */
void        kbc_keys_group_add_key      (KbcKeysGroup *self);

/* clang-format on */

G_END_DECLS
