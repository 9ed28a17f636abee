/* kbc-tokens.h: the account's tokens: personal management tokens and desktop sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-account.h"
#include "kbc-list-resource.h"
#include "kbc-token.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_TOKENS (kbc_tokens_get_type ())
G_DECLARE_FINAL_TYPE (KbcTokens, kbc_tokens, KBC, TOKENS, KbcListResource)

/* A token just created: the object (already in the list) and, this once,
 * the token itself as X-KBC-ManageApiToken takes it ("<id>-<secret>"). Its
 * copy and free wipe the secret; it is never logged. */
typedef struct
{
  KbcToken *token;
  char     *secret;
} KbcNewToken;

#define KBC_TYPE_NEW_TOKEN (kbc_new_token_get_type ())
GType         kbc_new_token_get_type (void);
KbcNewToken  *kbc_new_token_copy     (const KbcNewToken *new_token);
void          kbc_new_token_free     (KbcNewToken       *new_token);

/* GET /manage/current-user/tokens: the user's personal tokens and desktop
 * sessions (KbcToken), newest first, as a GListModel (KbcListResource):
 * rows bind to the items, which refreshes update in place. A server that
 * keeps tokens in its web page (a Keboola stack: 404) leaves it not
 * offered. The token this account uses is marked is-current.
 *
 * The calls change the list in place once the server has answered. */

KbcTokens    *kbc_tokens_new                   (KbcAccount          *account);
KbcAccount   *kbc_tokens_get_account           (KbcTokens           *self);
/* The token with @id, or NULL (not a new reference). */
KbcToken     *kbc_tokens_find                  (KbcTokens           *self,
                                                gint64               id);

/* POST …/tokens {description, expiresIn}: a personal token valid for
 * @expires_in seconds (an hour to a year; the server refuses anything
 * else), added at the top of the list. A refusal of the server comes worded
 * for people, naming what to change (KBC_API_ERROR_BAD_REQUEST). */
void          kbc_tokens_create_async          (KbcTokens           *self,
                                                const char          *description,
                                                gint64               expires_in,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
KbcNewToken  *kbc_tokens_create_finish         (KbcTokens           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* DELETE …/tokens/{id}: @token stops working and leaves the list (also
 * when the server had already forgotten it). */
void          kbc_tokens_delete_async          (KbcTokens           *self,
                                                KbcToken            *token,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      kbc_tokens_delete_finish         (KbcTokens           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Reads the list again, then deletes every session token but the one this
 * account uses, one DELETE each (the API has no call for all at once).
 * Returns how many were signed out, or -1 with @error (the first failure;
 * the ones that went through have left the list). */
void          kbc_tokens_sign_out_others_async (KbcTokens           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
int           kbc_tokens_sign_out_others_finish (KbcTokens          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcNewToken, kbc_new_token_free)

/* clang-format on */

G_END_DECLS
