/* kbc-profile-group.h: the profile group of the Account & Security page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_PROFILE_GROUP (kbc_profile_group_get_type ())
G_DECLARE_FINAL_TYPE (KbcProfileGroup, kbc_profile_group, KBC, PROFILE_GROUP, AdwPreferencesGroup)

/* Property: account (construct-only). */
GtkWidget *kbc_profile_group_new        (KbcAccount *account);
GtkWidget *kbc_profile_group_new_cached (const char *url,
                                         const char *name,
                                         const char *email);

/* clang-format on */

G_END_DECLS
