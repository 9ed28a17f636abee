/* kbc-promo-codes-page.h: the Promo Codes page: a code makes a new project; the codes used before
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_PROMO_CODES_PAGE (kbc_promo_codes_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcPromoCodesPage, kbc_promo_codes_page, KBC, PROMO_CODES_PAGE, AdwPreferencesPage)

/* A code entry (focused when the page shows) and Create Project: the new
 * project joins the list of codes used, and its page opens
 * (window.show-project). A refusal shows under the entry, in the user's
 * language; the code stays for correcting. Each code used before opens its
 * project.
 *
 * Actions: promo-codes.redeem. */
GtkWidget  *kbc_promo_codes_page_new (KbcAccount *account);

/* clang-format on */

G_END_DECLS
