/* kbc-server-auth.h: sign-in (and its methods), sign-out, "who am I" and the password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

/* Failed credential checks (passwords, sign-in codes) allowed per account
 * within the window before 429. */
#define KBC_AUTH_MAX_FAILURES 10
#define KBC_AUTH_WINDOW       (15 * 60)

void        kbc_server_auth_register    (KbcServer   *server);

/* The sign-in rate limit, shared by every credential check of an account.
 * begin: replies 429 (or 500) and returns FALSE when the account has no
 * attempts left; otherwise counts one check in flight, which end() (or
 * end_failed(), which also records the failure) must close. */
gboolean    kbc_auth_check_begin        (KbcRequest  *request,
                                         const char  *email);
void        kbc_auth_check_end          (KbcServer   *server,
                                         const char  *email);
void        kbc_auth_check_end_failed   (KbcServer   *server,
                                         const char  *email,
                                         gint64       now);

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
JsonNode   *kbc_auth_token_json         (KbcServer   *server,
                                         KbcToken    *token,
                                         KbcUser     *user,
                                         const char  *token_string,
                                         gint64       now);
/* Issues a session, records where it signed in from
 * (kbc_tokens_record_sign_in()) and answers 201 with it: the end of every
 * sign-in. */
void        kbc_auth_reply_session      (KbcRequest  *request,
                                         KbcUser     *user);

/* clang-format on */

G_END_DECLS
