/* kbc-invitations-page.h: the Invitations page: pending invitations, and the user's access requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_INVITATIONS_PAGE (kbc_invitations_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcInvitationsPage, kbc_invitations_page, KBC, INVITATIONS_PAGE, GtkWidget)

/* The pending invitations of the three kinds (the account's
 * KbcInvitations) in one list, each with what it is into, the role, who
 * invited, why, when, and until when; Accept, and Decline (asks first;
 * not where the server does not offer it). Accepting a project's shows
 * it (window.show-project); the refusal of an organization that requires
 * multi-factor authentication offers Account & Security
 * (window.show-page). Below, the user's access requests, each with Cancel
 * Request. An empty state when nothing is pending. Read again whenever the
 * page is shown.
 *
 * Properties: account (construct-only), count (the pending invitations,
 * for the sidebar).
 *
 * Actions: invitations.accept and invitations.decline ((ix): the kind and
 * the id), invitations.reload, join-requests.cancel (x). */
GtkWidget  *kbc_invitations_page_new       (KbcAccount         *account);
guint       kbc_invitations_page_get_count (KbcInvitationsPage *self);

/* clang-format on */

G_END_DECLS
