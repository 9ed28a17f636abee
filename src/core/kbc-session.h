/* kbc-session.h: signing in, staying signed in, signing out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kbc-account.h"
#include "kbc-fido.h"
#include "kbc-local-server.h"

G_BEGIN_DECLS

/* clang-format off */

typedef enum
{
  KBC_SESSION_STATE_SIGNED_OUT,  /* no account; the sign-in form */
  KBC_SESSION_STATE_RESTORING,   /* a saved session is being looked up and verified */
  KBC_SESSION_STATE_SIGNED_IN,   /* an account with a verified token */
  KBC_SESSION_STATE_EXPIRED,     /* the server ended the session; sign in again */
  KBC_SESSION_STATE_SIGNING_OUT, /* revoking the token and clearing the keyring */
} KbcSessionState;

#define KBC_TYPE_SESSION_STATE (kbc_session_state_get_type ())
GType kbc_session_state_get_type (void);

typedef enum
{
  KBC_LOGIN_FAILED = -1,  /* see the GError */
  KBC_LOGIN_SIGNED_IN,    /* the session is signed in */
  KBC_LOGIN_MFA_REQUIRED, /* call kbc_session_sign_in_code_async() or _key_async() next */
} KbcLoginResult;

/* The ways a stack lets people sign in. */
typedef enum
{
  KBC_SIGN_IN_METHOD_TOKEN    = 1 << 0, /* a personal access token */
  KBC_SIGN_IN_METHOD_PASSWORD = 1 << 1, /* email and password, then MFA */
} KbcSignInMethods;

#define KBC_TYPE_SESSION (kbc_session_get_type ())
G_DECLARE_FINAL_TYPE (KbcSession, kbc_session, KBC, SESSION, GObject)

/* One signed-in account at a time, and how it got there.
 *
 * Construct-only: settings (GSettings of the app schema, or NULL), local-server
 * (for the "local" stack, or NULL). With settings, a sign-in is remembered
 * (stack, email, custom URL in the settings; the token in the keyring) and
 * kbc_session_restore_async() brings it back; without, nothing is saved
 * anywhere (tests, a second session).
 *
 * Read-only, with notify: state, account (while signed in or signing out,
 * else NULL), stack-id (of the account, or of the last one), message (why the
 * session is signed out or expired, translated; NULL for none), mfa-methods
 * (GStrv of "u2f", "totp", "recovery" while a sign-in waits for its second
 * step, else NULL; "u2f" only with options to sign).
 *
 * Signal: warning (const char *message): something the user should know that
 * did not stop the session, e.g. the keyring could not store it. */

KbcSession         *kbc_session_new              (GSettings            *settings,
                                                  KbcLocalServer       *local_server);
KbcSessionState     kbc_session_get_state        (KbcSession           *self);
KbcAccount         *kbc_session_get_account      (KbcSession           *self);
const char         *kbc_session_get_stack_id     (KbcSession           *self);
const char         *kbc_session_get_message      (KbcSession           *self);
const char * const *kbc_session_get_mfa_methods  (KbcSession           *self);
GSettings          *kbc_session_get_settings     (KbcSession           *self);
KbcLocalServer     *kbc_session_get_local_server (KbcSession           *self);
/* The KbcFido that signs in with a security key. */
KbcFido            *kbc_session_get_fido         (KbcSession           *self);
/* TRUE while signed in with a pasted access token (property
 * "uses-access-token"). */
gboolean            kbc_session_get_uses_access_token (KbcSession      *self);

/* Signs in to the stack @stack_id (see kbc-stack.h; @url is the address of
 * the custom stack and ignored for the others) with @email and @password.
 * A signed-in session is replaced. On KBC_LOGIN_MFA_REQUIRED the sign-in
 * waits for its second step (mfa-methods). On error, returns
 * KBC_LOGIN_FAILED and sets @error; a wrong email or password is
 * KBC_API_ERROR_UNAUTHORIZED with "The email or password is incorrect."
 *
 * The password is sent only to a server whose GET /manage/auth/methods
 * lists "password" (asked first, every time), and never to a Keboola
 * stack: otherwise the sign-in fails without sending it. */
void                kbc_session_sign_in_async    (KbcSession           *self,
                                                  const char           *stack_id,
                                                  const char           *url,
                                                  const char           *email,
                                                  const char           *password,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
KbcLoginResult      kbc_session_sign_in_finish   (KbcSession           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* The second step with a code: @method is "totp" or "recovery". A wrong
 * code carries kbc_api_error_get_remaining_attempts(); when the server ended
 * the sign-in (expired, no attempts left) mfa-methods goes back to NULL and
 * the password is needed again. */
/* Signs in with a personal access token (what a clipboard brings is
 * trimmed), verified with GET /manage/tokens/verify and kept in the keyring
 * as an access token: signing out forgets it here and does not revoke it.
 * The result is KBC_LOGIN_SIGNED_IN or KBC_LOGIN_FAILED. */
void                kbc_session_sign_in_token_async  (KbcSession       *self,
                                                  const char           *stack_id,
                                                  const char           *url,
                                                  const char           *token,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
KbcLoginResult      kbc_session_sign_in_token_finish (KbcSession       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* The ways @stack_id (@url for the custom stack) offers: a Keboola stack
 * takes a token, without being asked; any other server is asked with
 * GET /manage/auth/methods, and a refusal (a 404 on a stack without it)
 * means a token only. Fails when the server could not be asked (no answer,
 * a 5xx, a redirect, a web page). */
void                kbc_session_probe_async      (KbcSession           *self,
                                                  const char           *stack_id,
                                                  const char           *url,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
KbcSignInMethods    kbc_session_probe_finish     (KbcSession           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void                kbc_session_sign_in_code_async  (KbcSession        *self,
                                                  const char           *method,
                                                  const char           *code,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean            kbc_session_sign_in_code_finish (KbcSession        *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* The second step with a security key (KbcFido: "touch your key"); @pin for
 * a FIDO2 key that has one, else NULL. After a refusal the session keeps the
 * fresh options the server sent, so the user can simply try again. */
void                kbc_session_sign_in_key_async   (KbcSession        *self,
                                                  const char           *pin,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean            kbc_session_sign_in_key_finish  (KbcSession        *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* FALSE once the demo account of "This computer" refused its seeded
 * password (KBC_DEMO_PASSWORD) or had its password changed through this
 * session (the demo-password-works setting); TRUE again after the seeded
 * password signs in. A sign-in form offers the password only while TRUE. */
gboolean            kbc_session_get_demo_password_works (KbcSession     *self);
/* While restoring: the name, email and stack address the settings
 * remember for the saved session (never a secret); FALSE otherwise. */
gboolean            kbc_session_get_cached_profile (KbcSession        *self,
                                                    const char       **name,
                                                    const char       **email,
                                                    const char       **url);
/* Forgets a sign-in waiting for its second step. */
void                kbc_session_cancel_sign_in   (KbcSession           *self);

/* Looks up the session saved for @stack_id (NULL: the last stack used; @url
 * is the custom stack's address, NULL for the last one used) and verifies
 * it. The state is "restoring" only once a saved token was found, while it
 * is checked; without one it stays "signed-out" and the result is FALSE with no error.
 * A saved token the server no longer accepts is removed from the keyring
 * and the state becomes "expired". Other failures leave the state
 * "signed-out" with the reason in message (and in @error). */
void                kbc_session_restore_async    (KbcSession           *self,
                                                  const char           *stack_id,
                                                  const char           *url,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean            kbc_session_restore_finish   (KbcSession           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Revokes the token and removes it from the keyring; "signed-out" at the
 * end even when the server could not be reached (the error says so). */
void                kbc_session_sign_out_async   (KbcSession           *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean            kbc_session_sign_out_finish  (KbcSession           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* clang-format on */

G_END_DECLS
