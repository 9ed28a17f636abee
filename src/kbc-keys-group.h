/* kbc-keys-group.h: the security keys group of Account & Security
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_KEYS_GROUP (kbc_keys_group_get_type ())
G_DECLARE_FINAL_TYPE (KbcKeysGroup, kbc_keys_group, KBC, KEYS_GROUP, AdwPreferencesGroup)

/* "Security Keys": how many are configured, and under "View or change
 * settings" each key (name, added, last used) with Rename and Remove (the
 * latter confirmed with the current password). "Add Security Key" opens
 * KbcAddKeyDialog. Loads on construction, and again when the account's
 * mfa-enabled changes and after every change made here.
 *
 * Properties: account (KbcAccount, construct-only), n-keys (read-only),
 * loading (read-only). */
GtkWidget  *kbc_keys_group_new          (KbcAccount   *account);
/* Opens the add-key dialog. */
void        kbc_keys_group_add_key      (KbcKeysGroup *self);
/* Loads the list again. */
void        kbc_keys_group_reload       (KbcKeysGroup *self);
guint       kbc_keys_group_get_n_keys   (KbcKeysGroup *self);
gboolean    kbc_keys_group_get_loading  (KbcKeysGroup *self);

/* clang-format on */

G_END_DECLS
