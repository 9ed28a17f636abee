/* kbc-sign-in-page.h: stack, email and password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"
#include "kbc-local-server.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_SIGN_IN_PAGE (kbc_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcSignInPage, kbc_sign_in_page, KBC, SIGN_IN_PAGE, GtkWidget)

/* Properties: settings and local-server (construct-only), busy (read-only).
 * Signals:
 *   signed-in (KbcAccount *account, const char *stack_id): a signed-in
 *   account; the page has forgotten the password. */

KbcSignInPage *kbc_sign_in_page_new            (GSettings      *settings,
                                                KbcLocalServer *local_server);
gboolean       kbc_sign_in_page_get_busy       (KbcSignInPage  *self);

/* Back to a fresh form (the email stays) with @message, or none. */
void           kbc_sign_in_page_reset          (KbcSignInPage  *self,
                                                const char     *message);
/* Chooses "This computer"; with @sign_in_as_demo and no email yet, signs in
 * with the demo account. */
void           kbc_sign_in_page_select_local   (KbcSignInPage  *self,
                                                gboolean        sign_in_as_demo);
/* Chooses the custom stack at @url. */
void           kbc_sign_in_page_set_custom_url (KbcSignInPage  *self,
                                                const char     *url);
/* The message shown under the form, or NULL. */
const char    *kbc_sign_in_page_get_message    (KbcSignInPage  *self);

/* clang-format on */

G_END_DECLS
