/* kbc-account.h: one signed-in (or signing-in) session with a stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kbc-client.h"
#include "kbc-fido.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_ACCOUNT (kbc_account_get_type ())
G_DECLARE_FINAL_TYPE (KbcAccount, kbc_account, KBC, ACCOUNT, GObject)

typedef enum
{
  KBC_LOGIN_SIGNED_IN,    /* the account now has a token and a user */
  KBC_LOGIN_MFA_REQUIRED, /* call kbc_account_login_mfa_async() next */
} KbcLoginResult;

/* Properties (all read-only, with notify):
 *   stack-url (construct-only), client, token, signed-in,
 *   user-id, user-name, user-email, mfa-enabled,
 *   mfa-methods (GStrv, after KBC_LOGIN_MFA_REQUIRED)
 * Signals:
 *   session-expired: the server rejected the token (401) on any call. The
 *     account has already dropped the token and signed-in is FALSE; the
 *     user properties keep their values (e.g. to clear the keyring entry). */

KbcAccount  *kbc_account_new                 (const char          *stack_url,
                                              GError             **error);
const char  *kbc_account_get_stack_url       (KbcAccount          *self);
KbcClient   *kbc_account_get_client          (KbcAccount          *self);
/* The session token; only to hand to KbcKeyring, never to log or write. */
const char  *kbc_account_get_token           (KbcAccount          *self);
gboolean     kbc_account_get_signed_in       (KbcAccount          *self);
gint64       kbc_account_get_user_id         (KbcAccount          *self);
const char  *kbc_account_get_user_name       (KbcAccount          *self);
const char  *kbc_account_get_user_email      (KbcAccount          *self);
gboolean     kbc_account_get_mfa_enabled     (KbcAccount          *self);
const char * const *kbc_account_get_mfa_methods (KbcAccount       *self);

/* POST /manage/auth/login, then GET /manage/tokens/verify. */
void         kbc_account_login_async         (KbcAccount          *self,
                                              const char          *email,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* On error, returns -1 (no KbcLoginResult) and sets @error. A 401 gets the
 * message "The email or password is incorrect." */
KbcLoginResult kbc_account_login_finish      (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* POST /manage/auth/login/mfa with @method "totp" or "recovery" and @code. */
void         kbc_account_login_mfa_async     (KbcAccount          *self,
                                              const char          *method,
                                              const char          *code,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_login_mfa_finish    (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* The WebAuthn PublicKeyCredentialRequestOptionsJSON of the "u2f" method
 * after KBC_LOGIN_MFA_REQUIRED, or NULL. Owned by the account. */
JsonNode    *kbc_account_get_u2f_options     (KbcAccount          *self);

/* POST /manage/auth/login/mfa with method "u2f" and @credential, an
 * AuthenticationResponseJSON answering kbc_account_get_u2f_options(). */
void         kbc_account_login_u2f_async     (KbcAccount          *self,
                                              JsonNode            *credential,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_login_u2f_finish    (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Adopts a stored token and checks it with GET /manage/tokens/verify. */
void         kbc_account_restore_async       (KbcAccount          *self,
                                              const char          *token,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_restore_finish      (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* GET /manage/tokens/verify again: refreshes the user properties. */
void         kbc_account_refresh_async       (KbcAccount          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_refresh_finish      (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* POST /manage/auth/logout; the account forgets its token even when the
 * server cannot be reached (the error is still reported). */
void         kbc_account_logout_async        (KbcAccount          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_logout_finish       (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* PUT /manage/current-user/password. Field errors come as errors[] on the
 * GError (keys "currentPassword", "newPassword"). */
void         kbc_account_change_password_async  (KbcAccount          *self,
                                                 const char          *current_password,
                                                 const char          *new_password,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean     kbc_account_change_password_finish (KbcAccount          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* -- multi-factor authentication (/manage/current-user/mfa) -- */

/* Each call below is finished with kbc_account_mfa_finish(), which returns
 * the server's JSON (a JSON null node for an empty answer). Calls that change
 * the factors refresh mfa-enabled before they report. A wrong
 * @current_password is KBC_API_ERROR_BAD_REQUEST with the field
 * "currentPassword". */

/* GET …/mfa: {enabled, totp: {enabled}, recoveryCodesRemaining, devices}. */
void         kbc_account_get_mfa_async       (KbcAccount          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* POST …/mfa/totp: a pending secret {secret, otpauthUri}. */
void         kbc_account_enrol_totp_async    (KbcAccount          *self,
                                              const char          *current_password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* POST …/mfa/totp/activate with the app's @code: {recoveryCodes}. */
void         kbc_account_activate_totp_async (KbcAccount          *self,
                                              const char          *code,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* DELETE …/mfa/totp: removes the authenticator app. */
void         kbc_account_delete_totp_async   (KbcAccount          *self,
                                              const char          *current_password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* DELETE …/mfa: every factor goes, MFA is off. */
void         kbc_account_disable_mfa_async   (KbcAccount          *self,
                                              const char          *current_password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* POST …/mfa/recovery-codes: a new set {recoveryCodes}; the old one dies. */
void         kbc_account_regenerate_recovery_codes_async (KbcAccount   *self,
                                              const char          *current_password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonNode    *kbc_account_mfa_finish          (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* -- security keys (U2F and FIDO2) -- */

/* The KbcFido the account's key calls use (e.g. to change its timeout). */
KbcFido     *kbc_account_get_fido            (KbcAccount          *self);

/* Registers a security key named @name: POST …/mfa/u2f/registrations with
 * @current_password, then the key (KbcFido: "touch your key"), then POST
 * …/registrations/{id}. The result is the new device object, with the
 * server's "message" (`The new u2f device "<name>" was added.`); the account
 * then refreshes mfa-enabled.
 *
 * When the key step fails (KBC_FIDO_ERROR_*: a PIN is needed, no key,
 * timeout, cancelled…), the registration the server started is kept for a
 * few minutes: calling again with the same @name goes straight to the key,
 * and @current_password may then be NULL. @pin is for FIDO2 keys that have
 * one (NULL: none). A wrong password is KBC_API_ERROR_BAD_REQUEST with the
 * field "currentPassword"; a key already registered is
 * KBC_API_ERROR_CONFLICT. */
void         kbc_account_register_key_async  (KbcAccount          *self,
                                              const char          *name,
                                              const char          *current_password,
                                              const char          *pin,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonNode    *kbc_account_register_key_finish (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* The "u2f" MFA step after KBC_LOGIN_MFA_REQUIRED: the key signs
 * kbc_account_get_u2f_options() (KbcFido), then POST /manage/auth/login/mfa.
 * After a refused answer the account keeps the fresh options the server
 * sent, so the user can simply try again. */
void         kbc_account_login_key_async     (KbcAccount          *self,
                                              const char          *pin,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_login_key_finish    (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* GET /manage/current-user/mfa/devices: a JSON array of
 * {id, name, type, created, lastUsed, aaguid}. */
void         kbc_account_list_keys_async     (KbcAccount          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonNode    *kbc_account_list_keys_finish    (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* PATCH /manage/current-user/mfa/devices/{id}; the result is the device. */
void         kbc_account_rename_key_async    (KbcAccount          *self,
                                              gint64               id,
                                              const char          *name,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonNode    *kbc_account_rename_key_finish   (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* DELETE /manage/current-user/mfa/devices/{id} with @current_password; the
 * account then refreshes mfa-enabled (removing the last factor turns MFA
 * off). */
void         kbc_account_remove_key_async    (KbcAccount          *self,
                                              gint64               id,
                                              const char          *current_password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_remove_key_finish   (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* clang-format on */

G_END_DECLS
