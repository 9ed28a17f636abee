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

void      kbc_server_mfa_register   (KbcServer   *server);

/* TRUE when the user has an active TOTP or at least one security key. */
gboolean  kbc_mfa_is_enabled        (KbcStore    *store,
                                     gint64       user_id);
/* The password was right and the account has MFA: creates a login ticket and
 * answers 200 {"status":"mfa-required","loginTicket","methods"[,"u2f"]}. */
void      kbc_mfa_reply_required    (KbcRequest  *request,
                                     KbcUser     *user);

/* Security keys (issue 4) plug in here: @options builds the
 * PublicKeyCredentialRequestOptionsJSON for a sign-in (and may keep its
 * challenge with the ticket), @verify checks an AuthenticationResponseJSON.
 * Until they are set, "u2f" is not offered. */
typedef JsonNode *(*KbcMfaU2fOptionsFunc) (KbcServer  *server,
                                           KbcUser    *user,
                                           gint64      ticket_id,
                                           GError    **error);
typedef gboolean  (*KbcMfaU2fVerifyFunc)  (KbcServer  *server,
                                           KbcUser    *user,
                                           gint64      ticket_id,
                                           JsonNode   *credential,
                                           GError    **error);
void      kbc_mfa_set_u2f_hooks     (KbcMfaU2fOptionsFunc options,
                                     KbcMfaU2fVerifyFunc  verify);

/* clang-format on */

G_END_DECLS
