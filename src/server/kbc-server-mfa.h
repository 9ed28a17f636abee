/* kbc-server-mfa.h: /manage/current-user/mfa and the MFA step of sign-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_MFA_RECOVERY_CODES     10
#define KBC_MFA_TICKET_ATTEMPTS    5
#define KBC_MFA_EVENT_TOTP_REPLAY  "totp-replay"
/* A security key whose sign counter did not grow: maybe a cloned key. */
#define KBC_MFA_EVENT_U2F_CLONED   "u2f-cloned-key"

void      kbc_server_mfa_register   (KbcServer   *server);

/* TRUE when the user has an active TOTP or at least one security key. */
gboolean  kbc_mfa_is_enabled        (KbcStore    *store,
                                     gint64       user_id);
/* The password was right and the account has MFA: creates a login ticket and
 * answers 200 {"status":"mfa-required","loginTicket","methods"[,"u2f"]}. */
void      kbc_mfa_reply_required    (KbcRequest  *request,
                                     KbcUser     *user);

/* Checks "currentPassword" of @request on the pool (it counts towards the
 * sign-in rate limit); a wrong one gets 400 with errors[{key:
 * "currentPassword", code: "currentPasswordWrong"}], a right one continues
 * with @done on the loop. */
typedef void (*KbcMfaReauthDone) (KbcRequest *request);
void      kbc_mfa_reauthenticate    (KbcRequest       *request,
                                     KbcMfaReauthDone  done);
/* Ends the user's other sessions: enabling or disabling a factor does. */
gboolean  kbc_mfa_revoke_other_sessions (KbcRequest *request,
                                     GError     **error);

/* clang-format on */

G_END_DECLS
