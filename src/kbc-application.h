/* kbc-application.h: the app, the session and where it is kept
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"
#include "kbc-local-server.h"

G_BEGIN_DECLS

/* clang-format off */

typedef enum
{
  KBC_SESSION_RESTORING,   /* looking for a saved session and verifying it */
  KBC_SESSION_SIGNED_OUT,  /* the sign-in view */
  KBC_SESSION_SIGNED_IN,   /* an account with a verified token */
  KBC_SESSION_SIGNING_OUT, /* revoking the token and clearing the keyring */
} KbcSessionState;

#define KBC_TYPE_SESSION_STATE (kbc_session_state_get_type ())
GType kbc_session_state_get_type (void);

#define KBC_TYPE_APPLICATION (kbc_application_get_type ())
G_DECLARE_FINAL_TYPE (KbcApplication, kbc_application, KBC, APPLICATION, AdwApplication)

/* Properties (read-only, with notify): state, account (NULL unless signed
 * in), stack-id, sign-in-message (why the user is back at sign-in, or NULL). */

KbcApplication  *kbc_application_new                 (void);
GSettings       *kbc_application_get_settings        (KbcApplication *self);
KbcLocalServer  *kbc_application_get_local_server    (KbcApplication *self);
KbcSessionState  kbc_application_get_state           (KbcApplication *self);
KbcAccount      *kbc_application_get_account         (KbcApplication *self);
const char      *kbc_application_get_stack_id        (KbcApplication *self);
const char      *kbc_application_get_sign_in_message (KbcApplication *self);
/* TRUE with `--local`: sign in against "This computer". */
gboolean         kbc_application_get_use_local       (KbcApplication *self);

/* Makes a signed-in @account the session: remembers the stack and email in
 * GSettings and the token in the keyring (a keyring that cannot store it is
 * reported in a toast; the session still works). */
void             kbc_application_adopt_session       (KbcApplication *self,
                                                      KbcAccount     *account,
                                                      const char     *stack_id);

/* clang-format on */

G_END_DECLS
