/* kbc-restoring-page.h: the Account page as last known, while the session is verified
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-session.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_RESTORING_PAGE (kbc_restoring_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcRestoringPage, kbc_restoring_page, KBC, RESTORING_PAGE, AdwPreferencesPage)

/* The profile @session remembers for the session it restores
 * (kbc_session_get_cached_profile()), and in place of what needs the
 * server a spinner that says the session is being checked. Shown in the
 * Account page's place until the restore answers; it changes nothing. */
GtkWidget *kbc_restoring_page_new (KbcSession *session);

/* clang-format on */

G_END_DECLS
