/* kbc-mfa.h: the account's multi-factor authentication and security keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-account.h"
#include "kbc-resource.h"
#include "kbc-security-key.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_MFA (kbc_mfa_get_type ())
G_DECLARE_FINAL_TYPE (KbcMfa, kbc_mfa, KBC, MFA, KbcResource)

/* What an authenticator app needs: the base32 secret and the otpauth:// URI
 * of the QR code, checked to hold the same key. */
typedef struct
{
  char *secret;
  char *uri;
} KbcTotpEnrolment;

#define KBC_TYPE_TOTP_ENROLMENT (kbc_totp_enrolment_get_type ())
GType              kbc_totp_enrolment_get_type (void);
KbcTotpEnrolment  *kbc_totp_enrolment_copy     (const KbcTotpEnrolment *enrolment);
/* Wipes the secret. */
void               kbc_totp_enrolment_free     (KbcTotpEnrolment       *enrolment);

/* GET /manage/current-user/mfa: {enabled, totp: {enabled}, devices,
 * recoveryCodesRemaining}, one request for everything below.
 *
 * Properties (read-only, with notify), besides KbcResource's:
 *   enabled (any factor; before the first refresh, what the token's
 *   verification said), totp-enabled, recovery-codes-remaining,
 *   keys (GListModel of KbcSecurityKey, oldest first, the same object for the
 *   life of the KbcMfa; its n-items notifies).
 *
 * The calls below change the properties and the list in place when the
 * server has answered. The ones that take @current_password fail on a wrong
 * one with KBC_API_ERROR_BAD_REQUEST, the field "currentPassword" and
 * kbc_api_error_reword_current_password()'s message. */

KbcMfa          *kbc_mfa_new                      (KbcAccount          *account);
KbcAccount      *kbc_mfa_get_account              (KbcMfa              *self);
gboolean         kbc_mfa_get_enabled              (KbcMfa              *self);
gboolean         kbc_mfa_get_totp_enabled         (KbcMfa              *self);
int              kbc_mfa_get_recovery_codes_remaining (KbcMfa          *self);
GListModel      *kbc_mfa_get_keys                 (KbcMfa              *self);
/* The key with @id, or NULL. */
KbcSecurityKey  *kbc_mfa_find_key                 (KbcMfa              *self,
                                                   gint64               id);

/* POST …/mfa/totp: a pending authenticator app (not yet a factor). With
 * @reconfigure, the app set up now is removed first (DELETE …/mfa/totp),
 * which may already change the state when the new one then fails. */
void             kbc_mfa_enrol_totp_async         (KbcMfa              *self,
                                                   const char          *current_password,
                                                   gboolean             reconfigure,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KbcTotpEnrolment *kbc_mfa_enrol_totp_finish       (KbcMfa              *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* POST …/mfa/totp/activate with the app's @code; the result is the new
 * recovery codes (a GStrv, maybe empty). A wrong code is
 * "invalidAuthenticationCode". */
void             kbc_mfa_activate_totp_async      (KbcMfa              *self,
                                                   const char          *code,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GStrv            kbc_mfa_activate_totp_finish     (KbcMfa              *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* POST …/mfa/recovery-codes: a new set (GStrv); the old one dies. */
void             kbc_mfa_regenerate_recovery_codes_async  (KbcMfa      *self,
                                                   const char          *current_password,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GStrv            kbc_mfa_regenerate_recovery_codes_finish (KbcMfa      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* DELETE …/mfa: every factor goes, MFA is off. */
void             kbc_mfa_disable_async            (KbcMfa              *self,
                                                   const char          *current_password,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         kbc_mfa_disable_finish           (KbcMfa              *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Adding a security key is two steps. First the password: POST
 * …/mfa/u2f/registrations {name, currentPassword} starts a registration the
 * server keeps for a few minutes. */
void             kbc_mfa_begin_key_registration_async  (KbcMfa         *self,
                                                   const char          *name,
                                                   const char          *current_password,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         kbc_mfa_begin_key_registration_finish (KbcMfa         *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* Then the key (KbcFido of the account: "touch your key"; @pin for a FIDO2
 * key that has one, else NULL) and POST …/registrations/{id}. The new key is
 * added to keys and returned. When the key step fails (KBC_FIDO_ERROR_*: a
 * PIN is needed, no key, timeout, cancelled…) the registration is kept for
 * another try; without one (never begun, or too old) the error says to
 * start again. A key already registered is KBC_API_ERROR_CONFLICT. */
void             kbc_mfa_register_key_async       (KbcMfa              *self,
                                                   const char          *pin,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KbcSecurityKey  *kbc_mfa_register_key_finish      (KbcMfa              *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* The name of the registration begun and not finished, or NULL. */
const char      *kbc_mfa_get_pending_key_name     (KbcMfa              *self);

/* PATCH …/mfa/devices/{id}: @key's name changes in place. */
void             kbc_mfa_rename_key_async         (KbcMfa              *self,
                                                   KbcSecurityKey      *key,
                                                   const char          *name,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         kbc_mfa_rename_key_finish        (KbcMfa              *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* DELETE …/mfa/devices/{id}: @key leaves keys; removing the last factor
 * turns MFA off. */
void             kbc_mfa_remove_key_async         (KbcMfa              *self,
                                                   KbcSecurityKey      *key,
                                                   const char          *current_password,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         kbc_mfa_remove_key_finish        (KbcMfa              *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* For KbcAccount: the token's verification says whether MFA is on. */
void             kbc_mfa_update_from_verify       (KbcMfa              *self,
                                                   gboolean             enabled);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcTotpEnrolment, kbc_totp_enrolment_free)

/* clang-format on */

G_END_DECLS
