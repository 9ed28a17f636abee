/* kbc-webauthn.h: the W3C WebAuthn JSON shapes, clientDataJSON and the CBOR around them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both sides use this: the app builds clientDataJSON and the responses from
 * what libfido2 returns, the server builds the options and parses the
 * responses. Binary fields are base64url without padding, as in
 * PublicKeyCredentialCreationOptionsJSON and friends (WebAuthn Level 3).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_WEBAUTHN_ERROR (kbc_webauthn_error_quark ())

typedef enum
{
  KBC_WEBAUTHN_ERROR_INVALID, /* malformed JSON, base64url, CBOR or authenticator data */
} KbcWebauthnError;

GQuark      kbc_webauthn_error_quark        (void);

#define KBC_WEBAUTHN_COSE_ES256       (-7)
#define KBC_WEBAUTHN_FLAG_UP          0x01 /* user present */
#define KBC_WEBAUTHN_FLAG_UV          0x04 /* user verified */
#define KBC_WEBAUTHN_FLAG_AT          0x40 /* attested credential data included */
#define KBC_WEBAUTHN_FLAG_ED          0x80 /* extension data included */

/* -- encodings -- */

char       *kbc_webauthn_base64url_encode   (const guint8  *data,
                                             gsize          len);
char       *kbc_webauthn_base64url_encode_bytes (GBytes    *bytes);
/* Accepts padding; NULL for anything that is not base64url. */
GBytes     *kbc_webauthn_base64url_decode   (const char    *text);
void        kbc_webauthn_sha256             (const void    *data,
                                             gsize          len,
                                             guint8         out[32]);

/* -- clientDataJSON -- */

typedef enum
{
  KBC_WEBAUTHN_CREATE, /* "webauthn.create" */
  KBC_WEBAUTHN_GET,    /* "webauthn.get" */
} KbcWebauthnCeremony;

const char *kbc_webauthn_ceremony_to_string (KbcWebauthnCeremony ceremony);
/* "https://" + @rp_id: the origin the app claims for a relying party id. */
char       *kbc_webauthn_origin_for_rp_id   (const char    *rp_id);
/* {"type":…,"challenge":<base64url>,"origin":…,"crossOrigin":false} */
char       *kbc_webauthn_client_data_new    (KbcWebauthnCeremony ceremony,
                                             GBytes        *challenge,
                                             const char    *origin);

typedef struct
{
  char     *type;
  GBytes   *challenge;    /* decoded */
  char     *origin;
  gboolean  cross_origin;
} KbcWebauthnClientData;

KbcWebauthnClientData *kbc_webauthn_client_data_parse (const char  *json,
                                                       gsize        len,
                                                       GError     **error);
void        kbc_webauthn_client_data_free   (KbcWebauthnClientData *data);

/* -- options (server → client) -- */

typedef struct
{
  char      *rp_id;
  char      *rp_name;
  GBytes    *user_id;
  char      *user_name;
  char      *user_display_name;
  GBytes    *challenge;
  GArray    *algorithms;           /* of gint64, from pubKeyCredParams */
  GPtrArray *exclude_credentials;  /* of GBytes */
  guint      timeout_ms;           /* 0 when absent */
  char      *attestation;          /* "none", "indirect", "direct", … or NULL */
  char      *user_verification;    /* from authenticatorSelection, or NULL */
} KbcWebauthnCreationOptions;

KbcWebauthnCreationOptions *kbc_webauthn_creation_options_new   (void);
KbcWebauthnCreationOptions *kbc_webauthn_creation_options_parse (JsonNode                          *node,
                                                                 GError                           **error);
JsonNode   *kbc_webauthn_creation_options_to_json (const KbcWebauthnCreationOptions *options);
void        kbc_webauthn_creation_options_free    (KbcWebauthnCreationOptions       *options);

typedef struct
{
  GBytes    *challenge;
  char      *rp_id;                /* NULL when absent */
  GPtrArray *allow_credentials;    /* of GBytes */
  guint      timeout_ms;           /* 0 when absent */
  char      *user_verification;    /* or NULL */
} KbcWebauthnRequestOptions;

KbcWebauthnRequestOptions *kbc_webauthn_request_options_new   (void);
KbcWebauthnRequestOptions *kbc_webauthn_request_options_parse (JsonNode                         *node,
                                                               GError                          **error);
JsonNode   *kbc_webauthn_request_options_to_json (const KbcWebauthnRequestOptions *options);
void        kbc_webauthn_request_options_free    (KbcWebauthnRequestOptions       *options);

/* -- authenticator data and the attestation object -- */

typedef struct
{
  guint8    rp_id_hash[32];
  guint8    flags;
  guint32   sign_count;
  gboolean  has_attested_credential;
  guint8    aaguid[16];
  GBytes   *credential_id;          /* NULL without attested credential data */
  GBytes   *credential_public_key;  /* the COSE_Key, NULL without it */
} KbcWebauthnAuthData;

KbcWebauthnAuthData *kbc_webauthn_auth_data_parse (GBytes               *auth_data,
                                                   GError              **error);
void        kbc_webauthn_auth_data_free     (KbcWebauthnAuthData *auth_data);

typedef struct
{
  char     *fmt;
  GBytes   *auth_data;
  /* From attStmt: */
  gboolean  has_alg;
  gint64    alg;
  GBytes   *sig;                    /* NULL for "none" */
  GBytes   *x5c;                    /* the attestation certificate (DER), or NULL */
} KbcWebauthnAttestation;

/* {"fmt", "attStmt", "authData"} in CTAP2 canonical order. attStmt gets
 * "alg" (-7) unless @fmt is "fido-u2f", "sig", and "x5c" when @x5c is set. */
GBytes     *kbc_webauthn_attestation_object_new   (const char                   *fmt,
                                                   GBytes                       *auth_data,
                                                   GBytes                       *sig,
                                                   GBytes                       *x5c);
KbcWebauthnAttestation *kbc_webauthn_attestation_object_parse (GBytes           *object,
                                                               GError          **error);
void        kbc_webauthn_attestation_free         (KbcWebauthnAttestation       *attestation);

/* The P-256 public key of an ES256 COSE_Key as 0x04 || x || y. */
gboolean    kbc_webauthn_cose_es256_to_point      (GBytes                       *cose_key,
                                                   guint8                        point[65]);

/* -- responses (client → server) -- */

/* RegistrationResponseJSON: id, rawId, type, response {clientDataJSON,
 * attestationObject, authenticatorData, transports, publicKeyAlgorithm},
 * authenticatorAttachment "cross-platform", clientExtensionResults {}. */
JsonNode   *kbc_webauthn_registration_response_new   (GBytes     *credential_id,
                                                      const char *client_data_json,
                                                      GBytes     *attestation_object,
                                                      GBytes     *auth_data);
/* AuthenticationResponseJSON; @user_handle may be NULL. */
JsonNode   *kbc_webauthn_authentication_response_new (GBytes     *credential_id,
                                                      const char *client_data_json,
                                                      GBytes     *auth_data,
                                                      GBytes     *signature,
                                                      GBytes     *user_handle);

typedef struct
{
  GBytes    *id;                    /* rawId, which must equal id */
  char      *type;
  GBytes    *client_data_json;
  /* Registration: */
  GBytes    *attestation_object;
  /* Authentication: */
  GBytes    *authenticator_data;
  GBytes    *signature;
  GBytes    *user_handle;           /* or NULL */
} KbcWebauthnCredential;

/* Parses a RegistrationResponseJSON (@registration) or an
 * AuthenticationResponseJSON; checks the fields each one needs. */
KbcWebauthnCredential *kbc_webauthn_credential_parse (JsonNode          *node,
                                                      gboolean           registration,
                                                      GError           **error);
void        kbc_webauthn_credential_free    (KbcWebauthnCredential *credential);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcWebauthnClientData, kbc_webauthn_client_data_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcWebauthnCreationOptions, kbc_webauthn_creation_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcWebauthnRequestOptions, kbc_webauthn_request_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcWebauthnAuthData, kbc_webauthn_auth_data_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcWebauthnAttestation, kbc_webauthn_attestation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcWebauthnCredential, kbc_webauthn_credential_free)

/* clang-format on */

G_END_DECLS
