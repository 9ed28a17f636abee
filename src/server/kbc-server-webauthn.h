/* kbc-server-webauthn.h: security key checks for the server (no HTTP, no SQLite)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The routes call these: make options with a fresh challenge, keep the
 * challenge until the answer comes (once, for five minutes), then verify the
 * RegistrationResponseJSON or AuthenticationResponseJSON with libfido2
 * (fido_cred_verify, fido_cred_verify_self, fido_assert_verify). Error
 * messages are English API text.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_SERVER_WEBAUTHN_ERROR (kbc_server_webauthn_error_quark ())

typedef enum
{
  KBC_SERVER_WEBAUTHN_ERROR_MALFORMED,             /* not the JSON, base64url, CBOR or authenticator data it must be */
  KBC_SERVER_WEBAUTHN_ERROR_WRONG_TYPE,            /* credential type is not "public-key", or clientData type is wrong */
  KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_MISMATCH,    /* clientData carries another challenge */
  KBC_SERVER_WEBAUTHN_ERROR_ORIGIN_MISMATCH,       /* clientData origin is not https://<rp id>, or cross-origin */
  KBC_SERVER_WEBAUTHN_ERROR_RP_ID_MISMATCH,        /* the rp id hash in the authenticator data */
  KBC_SERVER_WEBAUTHN_ERROR_USER_NOT_PRESENT,      /* the UP flag is not set */
  KBC_SERVER_WEBAUTHN_ERROR_UNSUPPORTED_FORMAT,    /* an attestation format other than packed and fido-u2f */
  KBC_SERVER_WEBAUTHN_ERROR_UNSUPPORTED_ALGORITHM, /* not an ES256 (P-256) credential */
  KBC_SERVER_WEBAUTHN_ERROR_BAD_ATTESTATION,       /* the attestation signature does not verify */
  KBC_SERVER_WEBAUTHN_ERROR_BAD_SIGNATURE,         /* the assertion signature does not verify */
  KBC_SERVER_WEBAUTHN_ERROR_CREDENTIAL_MISMATCH,   /* credential ids disagree, or not the expected credential */
  KBC_SERVER_WEBAUTHN_ERROR_COUNTER_NOT_INCREASED, /* the sign counter went back or stood still: a cloned key? */
  KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_UNKNOWN,     /* never issued, or already used */
  KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_EXPIRED,     /* issued too long ago */
} KbcServerWebauthnError;

GQuark      kbc_server_webauthn_error_quark          (void);
/* The API's "code" for an error of this domain ("u2fBadSignature", …), or
 * "u2fVerificationFailed" for anything else. */
const char *kbc_server_webauthn_error_to_code        (const GError *error);

#define KBC_SERVER_WEBAUTHN_CHALLENGE_SIZE   32
#define KBC_SERVER_WEBAUTHN_USER_HANDLE_SIZE 32
#define KBC_SERVER_WEBAUTHN_TIMEOUT_MS       60000
#define KBC_SERVER_WEBAUTHN_CHALLENGE_TTL    300    /* seconds */
#define KBC_SERVER_WEBAUTHN_RP_NAME          "Keboola"

/* -- small pieces -- */

/* Random bytes from the system's CSPRNG. */
GBytes     *kbc_server_webauthn_new_challenge        (void);
GBytes     *kbc_server_webauthn_new_user_handle      (void);
/* The relying party id for a Host (without the port): the host name in
 * lower case, or "localhost" for an IP address (which cannot be an rp id). */
char       *kbc_server_webauthn_rp_id_for_host       (const char   *host);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
char       *kbc_server_webauthn_aaguid_to_string     (const guint8  aaguid[16]);
/* The credential id of a RegistrationResponseJSON or an
 * AuthenticationResponseJSON (rawId), to find the stored credential before
 * verifying; NULL when there is none. */
GBytes     *kbc_server_webauthn_get_credential_id    (JsonNode     *credential);

/* -- options -- */

/* PublicKeyCredentialCreationOptionsJSON: rp {id, name "Keboola"}, user
 * {id (base64url of @user_handle), name (@email), displayName}, challenge,
 * pubKeyCredParams [ES256], timeout, excludeCredentials (@exclude_ids, GBytes,
 * may be NULL), authenticatorSelection {userVerification "discouraged"},
 * attestation "direct". */
JsonNode   *kbc_server_webauthn_creation_options     (const char   *rp_id,
                                                      GBytes       *user_handle,
                                                      const char   *email,
                                                      const char   *display_name,
                                                      GBytes       *challenge,
                                                      GPtrArray    *exclude_ids);
/* PublicKeyCredentialRequestOptionsJSON: challenge, timeout, rpId,
 * allowCredentials (@allow_ids, GBytes), userVerification "discouraged". */
JsonNode   *kbc_server_webauthn_request_options      (const char   *rp_id,
                                                      GBytes       *challenge,
                                                      GPtrArray    *allow_ids);

/* -- verification -- */

typedef struct
{
  GBytes   *credential_id;
  GBytes   *public_key;       /* the COSE_Key to store; kbc_server_webauthn_verify_assertion() takes it */
  guint32   sign_count;
  guint8    aaguid[16];
  char     *fmt;              /* "packed" or "fido-u2f" */
  gboolean  self_attestation; /* packed without x5c */
} KbcServerWebauthnRegistration;

void        kbc_server_webauthn_registration_free    (KbcServerWebauthnRegistration *registration);

/* Verifies a RegistrationResponseJSON against what the server issued:
 * @expected_challenge, @rp_id and @origin (NULL: "https://" + @rp_id). */
KbcServerWebauthnRegistration *
            kbc_server_webauthn_verify_registration  (JsonNode     *credential,
                                                      GBytes       *expected_challenge,
                                                      const char   *rp_id,
                                                      const char   *origin,
                                                      GError      **error);

/* Verifies an AuthenticationResponseJSON made by the stored credential
 * @credential_id with @public_key (COSE). @new_sign_count gets the counter
 * the key reports whenever the signature verified, even when the result is
 * KBC_SERVER_WEBAUTHN_ERROR_COUNTER_NOT_INCREASED (either counter non-zero and
 * the new one not above @stored_sign_count): reject the sign-in then and
 * record a possible cloned key. */
gboolean    kbc_server_webauthn_verify_assertion     (JsonNode     *credential,
                                                      GBytes       *expected_challenge,
                                                      const char   *rp_id,
                                                      const char   *origin,
                                                      GBytes       *credential_id,
                                                      GBytes       *public_key,
                                                      guint32       stored_sign_count,
                                                      guint32      *new_sign_count,
                                                      GError      **error);

/* -- single-use challenges -- */

/* Challenges waiting for their answer, each under a key the caller chooses
 * (a registration id, a login ticket). Thread-safe; in memory. The server's
 * routes keep theirs in the database instead (kbc-server-keys.c), where the
 * operator commands can see them. */
typedef struct _KbcServerWebauthnChallenges KbcServerWebauthnChallenges;

KbcServerWebauthnChallenges *
            kbc_server_webauthn_challenges_new       (guint         ttl_seconds);
void        kbc_server_webauthn_challenges_free      (KbcServerWebauthnChallenges *self);
/* Remembers @challenge under @key until @now + ttl (seconds, e.g.
 * g_get_real_time () / G_USEC_PER_SEC); replaces an older one. */
void        kbc_server_webauthn_challenges_put       (KbcServerWebauthnChallenges *self,
                                                      const char   *key,
                                                      GBytes       *challenge,
                                                      gint64        now);
/* Returns the challenge under @key and forgets it, so it serves once.
 * KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_UNKNOWN when there is none (never
 * issued or already taken), _CHALLENGE_EXPIRED when it is too old. */
GBytes     *kbc_server_webauthn_challenges_take      (KbcServerWebauthnChallenges *self,
                                                      const char   *key,
                                                      gint64        now,
                                                      GError      **error);
guint       kbc_server_webauthn_challenges_get_size  (KbcServerWebauthnChallenges *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcServerWebauthnRegistration, kbc_server_webauthn_registration_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcServerWebauthnChallenges, kbc_server_webauthn_challenges_free)

/* clang-format on */

G_END_DECLS
