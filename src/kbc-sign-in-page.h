/* kbc-sign-in-page.h: stack, email and password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-session.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_SIGN_IN_PAGE (kbc_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcSignInPage, kbc_sign_in_page, KBC, SIGN_IN_PAGE, GtkWidget)

/* The stack, email and password, then the second step (KbcMfaStep) when
 * the account has one; both sign @session in. The form starts from the
 * session's settings (the last stack, email and custom URL), and forgets
 * the password once the session is signed in.
 *
 * Properties: session (construct-only), busy (read-only). */

KbcSignInPage *kbc_sign_in_page_new            (KbcSession     *session);
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
