/* kbc-token.h: one token of the account: a personal management token or a desktop session
 *
 * (The server's store has a struct of the same name; the two never meet in
 * one file.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_TOKEN (kbc_token_get_type ())
G_DECLARE_FINAL_TYPE (KbcToken, kbc_token, KBC, TOKEN, GObject)

/* Properties (read-only, with notify):
 *   id, description,
 *   created (GDateTime; of a session, when it signed in),
 *   last-used (GDateTime, NULL when never used),
 *   expires (GDateTime, NULL when it does not expire: only some old sessions),
 *   is-expired, is-session-token,
 *   client-name, client-address (of a session: the client that signed in,
 *     as plain text, never markup; NULL when unknown),
 *   is-current (the token this app's account uses).
 * KbcTokens updates them in place when a refresh brings changes. */

gint64       kbc_token_get_id               (KbcToken *self);
const char  *kbc_token_get_description      (KbcToken *self);
GDateTime   *kbc_token_get_created          (KbcToken *self);
GDateTime   *kbc_token_get_last_used        (KbcToken *self);
GDateTime   *kbc_token_get_expires          (KbcToken *self);
gboolean     kbc_token_get_is_expired       (KbcToken *self);
gboolean     kbc_token_get_is_session_token (KbcToken *self);
const char  *kbc_token_get_client_name      (KbcToken *self);
const char  *kbc_token_get_client_address   (KbcToken *self);
gboolean     kbc_token_get_is_current       (KbcToken *self);

/* For core. A token object of GET /manage/current-user/tokens (id,
 * description, created, lastUsed, expires, isExpired, isSessionToken,
 * client{name, address}); KBC_API_ERROR_INVALID_RESPONSE without an id. */
KbcToken    *kbc_token_new_from_json        (JsonNode  *node,
                                             GError   **error);
/* The id as text (the key of KbcTokens' items). */
const char  *kbc_token_get_key              (KbcToken *self);
/* Copies what changed in @fresh (the same token, read again) into @self,
 * notifying each property that changed. */
void         kbc_token_update               (KbcToken *self,
                                             KbcToken *fresh);
void         kbc_token_set_is_current       (KbcToken *self,
                                             gboolean  is_current);

/* clang-format on */

G_END_DECLS
