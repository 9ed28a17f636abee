/* kbc-mfa-step.h: the multi-factor step of signing in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "kbc-account.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_MFA_STEP (kbc_mfa_step_get_type ())
G_DECLARE_FINAL_TYPE (KbcMfaStep, kbc_mfa_step, KBC, MFA_STEP, GtkWidget)

/* Asks for a code from the authenticator app (or, after "Use a recovery code
 * instead", a recovery code) and calls kbc_account_login_mfa_async() on
 * @account, which must be waiting for its MFA step.
 *
 * Properties: account (KbcAccount, read-write: the sign-in page hands over
 * the account it got KBC_LOGIN_MFA_REQUIRED on), busy (read-only).
 * Signals: signed-in (the account now has its token), back (the user wants
 * to start over, or the sign-in expired and must be started over). */
GtkWidget  *kbc_mfa_step_new          (void);
KbcAccount *kbc_mfa_step_get_account  (KbcMfaStep *self);
void        kbc_mfa_step_set_account  (KbcMfaStep *self,
                                       KbcAccount *account);
gboolean    kbc_mfa_step_get_busy     (KbcMfaStep *self);
/* Empties the fields, forgets errors and shows the code entry again. */
void        kbc_mfa_step_reset        (KbcMfaStep *self);

/* clang-format on */

G_END_DECLS
