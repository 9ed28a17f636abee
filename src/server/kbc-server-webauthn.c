/* kbc-server-webauthn.c: security key checks for the server (no HTTP, no SQLite)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks of WebAuthn §7.1 and §7.2 that matter without a browser: type,
 * challenge, origin, rp id hash, user presence, the attestation (packed with
 * x5c or self, fido-u2f) and the assertion signature, both through libfido2,
 * and the sign counter.
 */
#include "config.h"

#include "kbc-server-webauthn.h"

#include "kbc-webauthn.h"

#include <fido.h>
#include <fido/es256.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

G_DEFINE_QUARK (kbc - server - webauthn - error - quark, kbc_server_webauthn_error)

const char *
kbc_server_webauthn_error_to_code (const GError *error)
{
  static const char *const codes[] = {
    [KBC_SERVER_WEBAUTHN_ERROR_MALFORMED] = "u2fMalformed",
    [KBC_SERVER_WEBAUTHN_ERROR_WRONG_TYPE] = "u2fWrongType",
    [KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_MISMATCH] = "u2fChallengeMismatch",
    [KBC_SERVER_WEBAUTHN_ERROR_ORIGIN_MISMATCH] = "u2fOriginMismatch",
    [KBC_SERVER_WEBAUTHN_ERROR_RP_ID_MISMATCH] = "u2fRpIdMismatch",
    [KBC_SERVER_WEBAUTHN_ERROR_USER_NOT_PRESENT] = "u2fUserNotPresent",
    [KBC_SERVER_WEBAUTHN_ERROR_UNSUPPORTED_FORMAT] = "u2fUnsupportedFormat",
    [KBC_SERVER_WEBAUTHN_ERROR_UNSUPPORTED_ALGORITHM] = "u2fUnsupportedAlgorithm",
    [KBC_SERVER_WEBAUTHN_ERROR_BAD_ATTESTATION] = "u2fBadAttestation",
    [KBC_SERVER_WEBAUTHN_ERROR_BAD_SIGNATURE] = "u2fBadSignature",
    [KBC_SERVER_WEBAUTHN_ERROR_CREDENTIAL_MISMATCH] = "u2fCredentialMismatch",
    [KBC_SERVER_WEBAUTHN_ERROR_COUNTER_NOT_INCREASED] = "u2fCounterNotIncreased",
    [KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_UNKNOWN] = "u2fChallengeUnknown",
    [KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_EXPIRED] = "u2fChallengeExpired",
  };

  if (error == NULL || error->domain != KBC_SERVER_WEBAUTHN_ERROR || error->code < 0 ||
      (gsize) error->code >= G_N_ELEMENTS (codes) || codes[error->code] == NULL)
    return "u2fVerificationFailed";
  return codes[error->code];
}

static gboolean
fail (GError **error, KbcServerWebauthnError code, const char *message)
{
  g_set_error_literal (error, KBC_SERVER_WEBAUTHN_ERROR, code, message);
  return FALSE;
}

/* -- small pieces -- */

static GBytes *
random_bytes (gsize len)
{
  guint8 *data = g_malloc (len);

  if (RAND_bytes (data, (int) len) != 1)
    g_error ("The system's random number generator failed");

  return g_bytes_new_take (data, len);
}

GBytes *
kbc_server_webauthn_new_challenge (void)
{
  return random_bytes (KBC_SERVER_WEBAUTHN_CHALLENGE_SIZE);
}

GBytes *
kbc_server_webauthn_new_user_handle (void)
{
  return random_bytes (KBC_SERVER_WEBAUTHN_USER_HANDLE_SIZE);
}

char *
kbc_server_webauthn_rp_id_for_host (const char *host)
{
  g_autofree char *bare = NULL;
  gsize len;

  g_return_val_if_fail (host != NULL, NULL);

  /* [::1] is how a URL writes an IPv6 address. */
  len = strlen (host);
  if (len > 2 && host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  if (g_hostname_is_ip_address (bare))
    return g_strdup ("localhost");

  return g_ascii_strdown (bare, -1);
}

char *
kbc_server_webauthn_aaguid_to_string (const guint8 aaguid[16])
{
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          aaguid[0], aaguid[1], aaguid[2], aaguid[3], aaguid[4], aaguid[5],
                          aaguid[6], aaguid[7], aaguid[8], aaguid[9], aaguid[10], aaguid[11],
                          aaguid[12], aaguid[13], aaguid[14], aaguid[15]);
}

GBytes *
kbc_server_webauthn_get_credential_id (JsonNode *credential)
{
  JsonObject *object;

  if (credential == NULL || !JSON_NODE_HOLDS_OBJECT (credential))
    return NULL;

  object = json_node_get_object (credential);
  if (!json_object_has_member (object, "rawId") ||
      json_node_get_value_type (json_object_get_member (object, "rawId")) != G_TYPE_STRING)
    return NULL;

  return kbc_webauthn_base64url_decode (json_object_get_string_member (object, "rawId"));
}

/* -- options -- */

static void
copy_ids (GPtrArray *to, GPtrArray *from)
{
  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (to, g_bytes_ref (g_ptr_array_index (from, i)));
}

JsonNode *
kbc_server_webauthn_creation_options (const char *rp_id,
                                      GBytes *user_handle,
                                      const char *email,
                                      const char *display_name,
                                      GBytes *challenge,
                                      GPtrArray *exclude_ids)
{
  g_autoptr (KbcWebauthnCreationOptions) options = kbc_webauthn_creation_options_new ();
  gint64 es256 = KBC_WEBAUTHN_COSE_ES256;

  g_return_val_if_fail (rp_id != NULL && user_handle != NULL && email != NULL && challenge != NULL,
                        NULL);

  options->rp_id = g_strdup (rp_id);
  options->rp_name = g_strdup (KBC_SERVER_WEBAUTHN_RP_NAME);
  options->user_id = g_bytes_ref (user_handle);
  options->user_name = g_strdup (email);
  options->user_display_name =
      g_strdup (display_name != NULL && *display_name != '\0' ? display_name : email);
  options->challenge = g_bytes_ref (challenge);
  g_array_append_val (options->algorithms, es256);
  copy_ids (options->exclude_credentials, exclude_ids);
  options->timeout_ms = KBC_SERVER_WEBAUTHN_TIMEOUT_MS;
  options->attestation = g_strdup ("direct");
  options->user_verification = g_strdup ("discouraged");

  return kbc_webauthn_creation_options_to_json (options);
}

JsonNode *
kbc_server_webauthn_request_options (const char *rp_id, GBytes *challenge, GPtrArray *allow_ids)
{
  g_autoptr (KbcWebauthnRequestOptions) options = kbc_webauthn_request_options_new ();

  g_return_val_if_fail (rp_id != NULL && challenge != NULL, NULL);

  options->challenge = g_bytes_ref (challenge);
  options->rp_id = g_strdup (rp_id);
  copy_ids (options->allow_credentials, allow_ids);
  options->timeout_ms = KBC_SERVER_WEBAUTHN_TIMEOUT_MS;
  options->user_verification = g_strdup ("discouraged");

  return kbc_webauthn_request_options_to_json (options);
}

/* -- verification -- */

void
kbc_server_webauthn_registration_free (KbcServerWebauthnRegistration *registration)
{
  if (registration == NULL)
    return;

  g_clear_pointer (&registration->credential_id, g_bytes_unref);
  g_clear_pointer (&registration->public_key, g_bytes_unref);
  g_free (registration->fmt);
  g_free (registration);
}

static gboolean
bytes_equal_const_time (GBytes *a, GBytes *b)
{
  gsize a_len;
  gsize b_len;
  const guint8 *a_data = g_bytes_get_data (a, &a_len);
  const guint8 *b_data = g_bytes_get_data (b, &b_len);

  return a_len == b_len && CRYPTO_memcmp (a_data, b_data, a_len) == 0;
}

/* WebAuthn §7.1 steps 7–10 and §7.2 steps 11–14. */
static gboolean
check_client_data (KbcWebauthnCredential *credential,
                   KbcWebauthnCeremony ceremony,
                   GBytes *expected_challenge,
                   const char *expected_origin,
                   GError **error)
{
  g_autoptr (KbcWebauthnClientData) client_data = NULL;
  gsize len;
  const char *json = g_bytes_get_data (credential->client_data_json, &len);

  if (g_strcmp0 (credential->type, "public-key") != 0)
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_WRONG_TYPE,
                 "The credential is not a public key credential.");

  client_data = kbc_webauthn_client_data_parse (json, len, NULL);
  if (client_data == NULL)
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED, "The client data is malformed.");

  if (g_strcmp0 (client_data->type, kbc_webauthn_ceremony_to_string (ceremony)) != 0)
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_WRONG_TYPE,
                 "The client data is for another kind of request.");

  if (!bytes_equal_const_time (client_data->challenge, expected_challenge))
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_MISMATCH,
                 "The security key answered another challenge.");

  if (g_strcmp0 (client_data->origin, expected_origin) != 0 || client_data->cross_origin)
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_ORIGIN_MISMATCH,
                 "The security key answered another origin.");

  return TRUE;
}

static gboolean
check_auth_data (KbcWebauthnAuthData *auth_data, const char *rp_id, GError **error)
{
  guint8 expected[32];

  kbc_webauthn_sha256 (rp_id, strlen (rp_id), expected);
  if (CRYPTO_memcmp (expected, auth_data->rp_id_hash, 32) != 0)
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_RP_ID_MISMATCH,
                 "The security key answered for another relying party.");

  if (!(auth_data->flags & KBC_WEBAUTHN_FLAG_UP))
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_USER_NOT_PRESENT,
                 "The security key was not touched.");

  return TRUE;
}

static gboolean
verify_attestation (KbcWebauthnCredential *credential,
                    KbcWebauthnAttestation *attestation,
                    const char *rp_id,
                    GError **error)
{
  fido_cred_t *cred = fido_cred_new ();
  gsize len;
  const guint8 *data;
  int r = FIDO_OK;

  /* The type first: libfido2 decodes the authenticator data by it. */
  if (r == FIDO_OK)
    r = fido_cred_set_type (cred, COSE_ES256);
  if (r == FIDO_OK)
    {
      data = g_bytes_get_data (credential->client_data_json, &len);
      r = fido_cred_set_clientdata (cred, data, len);
    }
  if (r == FIDO_OK)
    r = fido_cred_set_rp (cred, rp_id, NULL);
  if (r == FIDO_OK)
    {
      data = g_bytes_get_data (attestation->auth_data, &len);
      r = fido_cred_set_authdata_raw (cred, data, len);
    }
  if (r == FIDO_OK && attestation->x5c != NULL)
    {
      data = g_bytes_get_data (attestation->x5c, &len);
      r = fido_cred_set_x509 (cred, data, len);
    }
  if (r == FIDO_OK)
    {
      data = g_bytes_get_data (attestation->sig, &len);
      r = fido_cred_set_sig (cred, data, len);
    }
  if (r == FIDO_OK)
    r = fido_cred_set_fmt (cred, attestation->fmt);

  if (r != FIDO_OK)
    {
      g_debug ("Cannot load the credential into libfido2: %s", fido_strerr (r));
      fido_cred_free (&cred);
      return fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED, "The attestation is malformed.");
    }

  r = attestation->x5c != NULL ? fido_cred_verify (cred) : fido_cred_verify_self (cred);
  fido_cred_free (&cred);

  if (r != FIDO_OK)
    {
      g_debug ("fido_cred_verify%s: %s", attestation->x5c != NULL ? "" : "_self", fido_strerr (r));
      return fail (error, KBC_SERVER_WEBAUTHN_ERROR_BAD_ATTESTATION,
                   "The attestation signature is not valid.");
    }

  return TRUE;
}

KbcServerWebauthnRegistration *
kbc_server_webauthn_verify_registration (JsonNode *node,
                                         GBytes *expected_challenge,
                                         const char *rp_id,
                                         const char *origin,
                                         GError **error)
{
  g_autoptr (KbcWebauthnCredential) credential = NULL;
  g_autoptr (KbcWebauthnAttestation) attestation = NULL;
  g_autoptr (KbcWebauthnAuthData) auth_data = NULL;
  g_autofree char *default_origin = NULL;
  KbcServerWebauthnRegistration *registration;
  guint8 point[65];
  gboolean packed;

  g_return_val_if_fail (expected_challenge != NULL && rp_id != NULL, NULL);

  if (origin == NULL)
    origin = default_origin = kbc_webauthn_origin_for_rp_id (rp_id);

  credential = kbc_webauthn_credential_parse (node, TRUE, NULL);
  if (credential == NULL)
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED, "The credential is malformed.");
      return NULL;
    }

  if (!check_client_data (credential, KBC_WEBAUTHN_CREATE, expected_challenge, origin, error))
    return NULL;

  attestation = kbc_webauthn_attestation_object_parse (credential->attestation_object, NULL);
  if (attestation == NULL ||
      (auth_data = kbc_webauthn_auth_data_parse (attestation->auth_data, NULL)) == NULL)
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED, "The attestation is malformed.");
      return NULL;
    }

  if (!check_auth_data (auth_data, rp_id, error))
    return NULL;

  if (!auth_data->has_attested_credential)
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED, "The attestation carries no credential.");
      return NULL;
    }
  if (!g_bytes_equal (auth_data->credential_id, credential->id))
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_CREDENTIAL_MISMATCH,
            "The credential id does not match the attested credential.");
      return NULL;
    }
  if (!kbc_webauthn_cose_es256_to_point (auth_data->credential_public_key, point))
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_UNSUPPORTED_ALGORITHM,
            "Only ES256 (P-256) security keys are supported.");
      return NULL;
    }

  packed = g_strcmp0 (attestation->fmt, "packed") == 0;
  if (!packed && g_strcmp0 (attestation->fmt, "fido-u2f") != 0)
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_UNSUPPORTED_FORMAT,
            "The attestation format is not supported.");
      return NULL;
    }
  if (attestation->sig == NULL || (!packed && attestation->x5c == NULL))
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED, "The attestation statement is incomplete.");
      return NULL;
    }
  if (packed && (!attestation->has_alg || attestation->alg != KBC_WEBAUTHN_COSE_ES256))
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_UNSUPPORTED_ALGORITHM,
            "Only ES256 attestation is supported.");
      return NULL;
    }

  if (!verify_attestation (credential, attestation, rp_id, error))
    return NULL;

  registration = g_new0 (KbcServerWebauthnRegistration, 1);
  registration->credential_id = g_bytes_ref (credential->id);
  registration->public_key = g_bytes_ref (auth_data->credential_public_key);
  registration->sign_count = auth_data->sign_count;
  memcpy (registration->aaguid, auth_data->aaguid, 16);
  registration->fmt = g_strdup (attestation->fmt);
  registration->self_attestation = attestation->x5c == NULL;

  return registration;
}

static gboolean
verify_signature (KbcWebauthnCredential *credential,
                  const char *rp_id,
                  const guint8 point[65],
                  GError **error)
{
  fido_assert_t *assert = fido_assert_new ();
  es256_pk_t *pk = es256_pk_new ();
  gsize len;
  const guint8 *data;
  int r;

  r = es256_pk_from_ptr (pk, point, 65);
  if (r == FIDO_OK)
    {
      data = g_bytes_get_data (credential->client_data_json, &len);
      r = fido_assert_set_clientdata (assert, data, len);
    }
  if (r == FIDO_OK)
    r = fido_assert_set_rp (assert, rp_id);
  if (r == FIDO_OK)
    r = fido_assert_set_count (assert, 1);
  if (r == FIDO_OK)
    {
      data = g_bytes_get_data (credential->authenticator_data, &len);
      r = fido_assert_set_authdata_raw (assert, 0, data, len);
    }
  if (r == FIDO_OK)
    {
      data = g_bytes_get_data (credential->signature, &len);
      r = fido_assert_set_sig (assert, 0, data, len);
    }
  if (r == FIDO_OK)
    r = fido_assert_set_up (assert, FIDO_OPT_TRUE);

  if (r != FIDO_OK)
    {
      g_debug ("Cannot load the assertion into libfido2: %s", fido_strerr (r));
      es256_pk_free (&pk);
      fido_assert_free (&assert);
      return fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED, "The assertion is malformed.");
    }

  r = fido_assert_verify (assert, 0, COSE_ES256, pk);
  es256_pk_free (&pk);
  fido_assert_free (&assert);

  if (r != FIDO_OK)
    {
      g_debug ("fido_assert_verify: %s", fido_strerr (r));
      return fail (error, KBC_SERVER_WEBAUTHN_ERROR_BAD_SIGNATURE,
                   "The security key signature is not valid.");
    }

  return TRUE;
}

gboolean
kbc_server_webauthn_verify_assertion (JsonNode *node,
                                      GBytes *expected_challenge,
                                      const char *rp_id,
                                      const char *origin,
                                      GBytes *credential_id,
                                      GBytes *public_key,
                                      guint32 stored_sign_count,
                                      guint32 *new_sign_count,
                                      GError **error)
{
  g_autoptr (KbcWebauthnCredential) credential = NULL;
  g_autoptr (KbcWebauthnAuthData) auth_data = NULL;
  g_autofree char *default_origin = NULL;
  guint8 point[65];

  g_return_val_if_fail (expected_challenge != NULL && rp_id != NULL, FALSE);
  g_return_val_if_fail (credential_id != NULL && public_key != NULL, FALSE);

  if (origin == NULL)
    origin = default_origin = kbc_webauthn_origin_for_rp_id (rp_id);

  credential = kbc_webauthn_credential_parse (node, FALSE, NULL);
  if (credential == NULL)
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED, "The credential is malformed.");

  if (!g_bytes_equal (credential->id, credential_id))
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_CREDENTIAL_MISMATCH,
                 "The security key is not registered for this account.");

  if (!check_client_data (credential, KBC_WEBAUTHN_GET, expected_challenge, origin, error))
    return FALSE;

  auth_data = kbc_webauthn_auth_data_parse (credential->authenticator_data, NULL);
  if (auth_data == NULL)
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED,
                 "The authenticator data is malformed.");

  if (!check_auth_data (auth_data, rp_id, error))
    return FALSE;

  if (!kbc_webauthn_cose_es256_to_point (public_key, point))
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_UNSUPPORTED_ALGORITHM,
                 "The stored public key is not ES256.");

  if (!verify_signature (credential, rp_id, point, error))
    return FALSE;

  if (new_sign_count != NULL)
    *new_sign_count = auth_data->sign_count;

  /* WebAuthn §7.2 step 21: a counter that does not grow hints at a clone. */
  if ((auth_data->sign_count != 0 || stored_sign_count != 0) &&
      auth_data->sign_count <= stored_sign_count)
    return fail (error, KBC_SERVER_WEBAUTHN_ERROR_COUNTER_NOT_INCREASED,
                 "The security key's signature counter did not increase; it may have been cloned.");

  return TRUE;
}

/* -- single-use challenges -- */

typedef struct
{
  GBytes *challenge;
  gint64 expires;
} Entry;

struct _KbcServerWebauthnChallenges
{
  GMutex mutex;
  GHashTable *entries; /* key → Entry */
  guint ttl;
};

static void
entry_free (Entry *entry)
{
  g_bytes_unref (entry->challenge);
  g_free (entry);
}

KbcServerWebauthnChallenges *
kbc_server_webauthn_challenges_new (guint ttl_seconds)
{
  KbcServerWebauthnChallenges *self = g_new0 (KbcServerWebauthnChallenges, 1);

  g_mutex_init (&self->mutex);
  self->entries =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  self->ttl = ttl_seconds;

  return self;
}

void
kbc_server_webauthn_challenges_free (KbcServerWebauthnChallenges *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

static gboolean
entry_expired (gpointer key, gpointer value, gpointer user_data)
{
  Entry *entry = value;
  gint64 *now = user_data;

  return entry->expires <= *now;
}

void
kbc_server_webauthn_challenges_put (KbcServerWebauthnChallenges *self,
                                    const char *key,
                                    GBytes *challenge,
                                    gint64 now)
{
  Entry *entry;

  g_return_if_fail (self != NULL && key != NULL && challenge != NULL);

  entry = g_new0 (Entry, 1);
  entry->challenge = g_bytes_ref (challenge);
  entry->expires = now + self->ttl;

  g_mutex_lock (&self->mutex);
  /* Nobody answers an expired challenge: drop them as new ones come. */
  g_hash_table_foreach_remove (self->entries, entry_expired, &now);
  g_hash_table_replace (self->entries, g_strdup (key), entry);
  g_mutex_unlock (&self->mutex);
}

GBytes *
kbc_server_webauthn_challenges_take (KbcServerWebauthnChallenges *self,
                                     const char *key,
                                     gint64 now,
                                     GError **error)
{
  gpointer stolen_key = NULL;
  gpointer stolen_value = NULL;
  Entry *entry;
  GBytes *challenge = NULL;

  g_return_val_if_fail (self != NULL && key != NULL, NULL);

  g_mutex_lock (&self->mutex);
  if (g_hash_table_steal_extended (self->entries, key, &stolen_key, &stolen_value))
    {
      entry = stolen_value;
      if (entry->expires > now)
        challenge = g_bytes_ref (entry->challenge);
      else
        fail (error, KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_EXPIRED,
              "The security key request has expired.");
      g_free (stolen_key);
      entry_free (entry);
    }
  else
    {
      fail (error, KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_UNKNOWN,
            "The security key request is unknown or was already used.");
    }
  g_mutex_unlock (&self->mutex);

  return challenge;
}

guint
kbc_server_webauthn_challenges_get_size (KbcServerWebauthnChallenges *self)
{
  guint size;

  g_mutex_lock (&self->mutex);
  size = g_hash_table_size (self->entries);
  g_mutex_unlock (&self->mutex);

  return size;
}
