/* kbc-server-tokens.h: the user's tokens: personal management tokens and desktop sessions
 *
 * GET·POST /manage/current-user/tokens, GET·DELETE /manage/current-user/tokens/{id}
 * (ours: Keboola keeps personal tokens in its web page, so `serve
 * --published-only` does not serve them). A session records at sign-in
 * where it came from: the client's name (its User-Agent, cleaned) and
 * address, shown as "client" in these answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

/* A personal token lives an hour at least and a year at most, and always
 * expires. */
#define KBC_TOKEN_MIN_LIFETIME        3600
#define KBC_TOKEN_MAX_LIFETIME        (365 * 24 * 3600)
#define KBC_TOKEN_MAX_DESCRIPTION     255
/* Of a client's name, in characters. */
#define KBC_TOKEN_MAX_CLIENT_NAME     200

void        kbc_server_tokens_register  (KbcServer   *server);

/* A User-Agent as a client's name: valid UTF-8, control and format
 * characters (bidirectional overrides, zero-width ones) out, runs of
 * spaces made one, at most KBC_TOKEN_MAX_CLIENT_NAME characters; NULL for
 * none or nothing left. Plain text, never markup. */
char       *kbc_tokens_client_name      (const char  *user_agent);

/* Records where the session @token of @user_id was signed in from (the
 * request's User-Agent and peer address) on the token and in the user's
 * clients; sets @new_client (may be NULL) when the user signed in before,
 * but never from that client (kbc_store_client_known()). */
gboolean    kbc_tokens_record_sign_in   (KbcRequest  *request,
                                         KbcToken    *token,
                                         gboolean    *new_client,
                                         GError     **error);

/* A token object of these routes: id, description, created, lastUsed,
 * expires, isExpired, isDisabled, isSessionToken, type, scopes, client
 * ({name, address} or null), and with @token_string, "token". */
JsonNode   *kbc_tokens_token_json       (KbcToken    *token,
                                         const char  *token_string,
                                         gint64       now);

/* clang-format on */

G_END_DECLS
