/* kbc-password-group.h: the Change Password group of the Account & Security page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_PASSWORD_GROUP (kbc_password_group_get_type ())
G_DECLARE_FINAL_TYPE (KbcPasswordGroup, kbc_password_group, KBC, PASSWORD_GROUP, AdwPreferencesGroup)

/* Property: account (construct-only). */
GtkWidget *kbc_password_group_new (KbcAccount *account);

/* clang-format on */

G_END_DECLS
