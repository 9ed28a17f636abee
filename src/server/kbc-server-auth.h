/* kbc-server-auth.h: sign-in (and its methods), sign-out, "who am I" and the password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

/* The rate limit of credential checks (passwords, sign-in codes, TOTP
 * activation, promo codes), counted in the database per key (an account's
 * email, or e.g. "promo-code:<user id>") and client address: that many
 * failures within the window cost nothing, then each attempt waits after
 * the newest failure, 2 s and doubling with each failure more (2 s, 4 s,
 * 8 s, … up to KBC_AUTH_MAX_DELAY): a backoff, not a lock. Failures
 * from every address together get the same beyond
 * KBC_AUTH_ACCOUNT_MAX_FAILURES within KBC_AUTH_ACCOUNT_WINDOW, so that a
 * guess spread over many addresses is bounded too. A check that passes
 * forgets its client's failures at that key. */
#define KBC_AUTH_MAX_FAILURES         10
#define KBC_AUTH_WINDOW               (24 * 3600)
#define KBC_AUTH_MAX_DELAY            (15 * 60)
#define KBC_AUTH_ACCOUNT_MAX_FAILURES 100
#define KBC_AUTH_ACCOUNT_WINDOW       (15 * 60)

void        kbc_server_auth_register    (KbcServer   *server);

/* begin: replies 429 (the limit, or the bounds on checks in flight of
 * kbc_request_hold_check()) or 503 (the attempt cannot be recorded: the
 * limit fails closed) and returns FALSE; otherwise records the attempt as
 * a failure and holds it open. Exactly one of passed (which forgets the
 * client's failures, and itself replies 503 and returns FALSE when it
 * cannot), failed (the failure stays) or cancel (no check was made) must
 * close it. */
gboolean    kbc_auth_check_begin        (KbcRequest  *request,
                                         const char  *key);
gboolean    kbc_auth_check_passed       (KbcRequest  *request);
void        kbc_auth_check_failed       (KbcRequest  *request);
void        kbc_auth_check_cancel       (KbcRequest  *request);

/* Creates a token of @type (KBC_TOKEN_TYPE_SESSION or _ADMIN, a personal
 * token) for @user_id, expiring at @expires; returns the token string,
 * "<id>-<40 alphanumerics>" from the kernel's CSPRNG, which is never stored
 * (only the SHA-256 of its secret is). Sets @out_id (may be NULL). */
char       *kbc_auth_issue_token        (KbcStore    *store,
                                         gint64       user_id,
                                         const char  *type,
                                         const char  *description,
                                         gint64       now,
                                         gint64       expires,
                                         gint64      *out_id,
                                         GError     **error);
/* Creates a session token for @user, as kbc_auth_issue_token() does. */
char       *kbc_auth_issue_session      (KbcServer   *server,
                                         KbcUser     *user,
                                         gint64       now,
                                         KbcToken   **out_token,
                                         GError     **error);
/* The token object of /manage/tokens/verify; with @token_string (and
 * "status":"ok") for the sign-in answer. */
GString    *kbc_auth_token_text         (KbcToken    *token,
                                         KbcUser     *user,
                                         gboolean     mfa_enabled,
                                         const char  *token_string,
                                         gint64       now);
/* Issues a session, records where it signed in from
 * (kbc_tokens_record_sign_in()) and answers 201 with it: the end of every
 * sign-in. */
void        kbc_auth_reply_session      (KbcRequest  *request,
                                         KbcUser     *user);

/* clang-format on */

G_END_DECLS
