/* kbc-sign-in-page.h: the stack, then a token or email and password
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

/* The stack, then the ways it offers (kbc_session_probe_async()): a
 * personal access token, or email and password with the second step
 * (KbcMfaStep) when the account has one. A Keboola stack offers a token
 * only, with a link to where its web page makes one; the form asks any
 * other server, shows the token field until the server lists passwords,
 * and lets the user choose when it offers both. The form starts from the
 * session's settings (the last stack, email and custom URL), and forgets
 * the password and the token once the session is signed in.
 *
 * Properties: session (construct-only), busy (read-only), method
 * ("password" or "token"; the sign-in.method action sets it). */

KbcSignInPage *kbc_sign_in_page_new            (KbcSession     *session);
gboolean       kbc_sign_in_page_get_busy       (KbcSignInPage  *self);

/* Back to a fresh form (the email stays) with @message, or none. */
void           kbc_sign_in_page_reset          (KbcSignInPage  *self,
                                                const char     *message);
/* Chooses "This computer"; with @fill_in_demo and no email yet, fills in
 * the demo account and puts the focus on Sign In (signing in stays the
 * user's act). */
void           kbc_sign_in_page_select_local   (KbcSignInPage  *self,
                                                gboolean        fill_in_demo);
/* Chooses the custom stack at @url. */
void           kbc_sign_in_page_set_custom_url (KbcSignInPage  *self,
                                                const char     *url);
/* Chooses @stack_id (kbc-stack.h), with @url for the custom stack. */
void           kbc_sign_in_page_select_stack   (KbcSignInPage  *self,
                                                const char     *stack_id,
                                                const char     *url);
/* What the chosen stack offers, as far as it is known. */
KbcSignInMethods kbc_sign_in_page_get_methods  (KbcSignInPage  *self);
/* The message shown under the form, or NULL. */
const char    *kbc_sign_in_page_get_message    (KbcSignInPage  *self);

/* clang-format on */

G_END_DECLS
