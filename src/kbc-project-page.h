/* kbc-project-page.h: one project: its organization, the user's role, its limits against their use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_PROJECT_PAGE (kbc_project_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcProjectPage, kbc_project_page, KBC, PROJECT_PAGE, GtkWidget)

/* Not in the sidebar: the window shows it for a project a page opens
 * (an invitation accepted, a promo code redeemed, a project of an
 * organization). It loads the project (KbcAccount), then shows its
 * organization, the user's role when known, type, expiry, and each limit
 * against its metric as a level bar; Open in Browser goes to the project
 * in the stack's web page (not for the server of this computer).
 *
 * Properties: account (construct-only), project (KbcProject, NULL while
 * loading or after a failure), title (the project's name, or a generic
 * title while loading). */
GtkWidget  *kbc_project_page_new   (KbcAccount     *account);
/* Loads and shows project @id; @role is the user's role in it when the
 * caller knows it ("admin"…), or NULL. */
void        kbc_project_page_load  (KbcProjectPage *self,
                                    gint64          id,
                                    const char     *role);
const char *kbc_project_page_get_title (KbcProjectPage *self);

/* clang-format on */

G_END_DECLS
