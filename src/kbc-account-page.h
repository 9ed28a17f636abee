/* kbc-account-page.h: the Account & Security page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_ACCOUNT_PAGE (kbc_account_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcAccountPage, kbc_account_page, KBC, ACCOUNT_PAGE, AdwPreferencesPage)

/* Property: account (construct-only). */
GtkWidget  *kbc_account_page_new         (KbcAccount     *account);
KbcAccount *kbc_account_page_get_account (KbcAccountPage *self);

/* clang-format on */

G_END_DECLS
