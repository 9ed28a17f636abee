/* kbc-mfa-step.h: the multi-factor step of signing in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "kbc-session.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_MFA_STEP (kbc_mfa_step_get_type ())
G_DECLARE_FINAL_TYPE (KbcMfaStep, kbc_mfa_step, KBC, MFA_STEP, GtkWidget)

/* The second step of a sign-in that @session holds after
 * KBC_LOGIN_MFA_REQUIRED: the security key first (asked at once), else a
 * code from the authenticator app, or a recovery code
 * (kbc_session_sign_in_key_async(), kbc_session_sign_in_code_async()).
 *
 * Properties: session (KbcSession, read-write: the sign-in page sets it when
 * the step is shown and clears it after), busy (read-only).
 * Signals: signed-in (the session is signed in), back (the user wants to
 * start over, or the sign-in expired and must be started over). */
GtkWidget  *kbc_mfa_step_new          (void);
KbcSession *kbc_mfa_step_get_session  (KbcMfaStep *self);
void        kbc_mfa_step_set_session  (KbcMfaStep *self,
                                       KbcSession *session);
gboolean    kbc_mfa_step_get_busy     (KbcMfaStep *self);
/* Empties the fields, forgets errors and shows the code entry again. */
void        kbc_mfa_step_reset        (KbcMfaStep *self);

/* clang-format on */

G_END_DECLS
