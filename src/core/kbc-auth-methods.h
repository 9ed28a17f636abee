/* kbc-auth-methods.h: how a server lets people sign in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-resource.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_AUTH_METHODS (kbc_auth_methods_get_type ())
G_DECLARE_FINAL_TYPE (KbcAuthMethods, kbc_auth_methods, KBC, AUTH_METHODS, KbcResource)

/* GET /manage/auth/methods, ours. A Keboola stack does not have it (404):
 * it takes a token only, and keeps password and MFA in its web page. The
 * properties "password" and "token" hold the answer once "loaded", or once
 * "offered" turned FALSE; until then "password" is FALSE, so nothing treats
 * an unanswered server as one that takes passwords. */
KbcAuthMethods *kbc_auth_methods_new          (KbcClient      *client);
gboolean        kbc_auth_methods_get_password (KbcAuthMethods *self);
gboolean        kbc_auth_methods_get_token    (KbcAuthMethods *self);
/* TRUE once the server answered, either way, or once it was told. */
gboolean        kbc_auth_methods_get_known    (KbcAuthMethods *self);
/* What is known without asking: a Keboola stack takes a token only. */
void            kbc_auth_methods_set_token_only (KbcAuthMethods *self);

/* clang-format on */

G_END_DECLS
