/* kbc-tokens-page.h: the Access Tokens page: personal tokens and sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_TOKENS_PAGE (kbc_tokens_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcTokensPage, kbc_tokens_page, KBC, TOKENS_PAGE, GtkWidget)

/* The account's KbcTokens (property tokens), read when the page shows: the
 * personal tokens (KbcTokenRow: New Token opens KbcNewTokenDialog, Delete
 * asks first) and the desktop sessions (KbcSessionRow: Revoke asks first;
 * Sign Out Other Sessions). Where the server keeps tokens in its web page,
 * KbcWebNotice instead. One GtkListView (template child tokens_list) is the
 * whole page: only the tokens in view have a KbcTokenRow.
 *
 * Actions: tokens.create, tokens.delete (x: the token id), tokens.reload,
 * sessions.revoke (x), sessions.sign-out-others. */
GtkWidget  *kbc_tokens_page_new (KbcAccount *account);

/* clang-format on */

G_END_DECLS
