/* kbc-organizations-page.h: the Organizations page: maintainers, organizations and their projects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_ORGANIZATIONS_PAGE (kbc_organizations_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcOrganizationsPage, kbc_organizations_page, KBC, ORGANIZATIONS_PAGE, AdwPreferencesPage)

/* The user's maintainers, then one group per organization the user is a
 * member of (KbcOrganizations), saying whether it requires multi-factor
 * authentication and whether its members may join its projects, with its
 * projects, each opening its page (window.show-project). Read again
 * whenever the page shows.
 *
 * Actions: organizations.reload. */
GtkWidget  *kbc_organizations_page_new (KbcAccount *account);

/* clang-format on */

G_END_DECLS
