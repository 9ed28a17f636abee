/* test-webauthn.c: server options → the app's KbcFido with the soft key → server verification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In one process: the server's pure functions make the options and verify
 * the answers, the app's KbcFido drives libfido2, libfido2 drives the
 * software key over CTAPHID. Then the answers are tampered with, one way at
 * a time, and every tampering must be caught with its own error.
 */
#include "config.h"

#include <string.h>

#include "kbc-fido.h"
#include "kbc-server-webauthn.h"
#include "kbc-soft-key.h"
#include "kbc-tamper.h"
#include "kbc-test-utils.h"
#include "kbc-webauthn.h"

#define RP_ID "localhost"

/* -- the app's side -- */

static JsonNode *
app_register (JsonNode *options)
{
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) done = NULL;
  JsonNode *response;

  kbc_fido_register_async (fido, options, RP_ID, NULL, NULL, kbc_test_on_done, &done);
  response = kbc_fido_register_finish (fido, kbc_test_wait_for (&done), &error);
  g_assert_no_error (error);

  return response;
}

static JsonNode *
app_authenticate (JsonNode *options)
{
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) done = NULL;
  JsonNode *response;

  kbc_fido_authenticate_async (fido, options, RP_ID, NULL, NULL, kbc_test_on_done, &done);
  response = kbc_fido_authenticate_finish (fido, kbc_test_wait_for (&done), &error);
  g_assert_no_error (error);

  return response;
}

/* -- the server's side -- */

/* A registered key as the server stores it. */
typedef struct
{
  GBytes *credential_id;
  GBytes *public_key;
  guint32 sign_count;
} Stored;

static void
stored_clear (Stored *stored)
{
  g_clear_pointer (&stored->credential_id, g_bytes_unref);
  g_clear_pointer (&stored->public_key, g_bytes_unref);
}

/* Options with a fresh challenge, and the app's answer. */
static JsonNode *
start_registration (GBytes **challenge, GPtrArray *exclude)
{
  g_autoptr (GBytes) user_handle = kbc_server_webauthn_new_user_handle ();
  g_autoptr (JsonNode) options = NULL;

  *challenge = kbc_server_webauthn_new_challenge ();
  options = kbc_server_webauthn_creation_options (RP_ID, user_handle, "user@example.com", "A User",
                                                  *challenge, exclude);
  return app_register (options);
}

static void
register_ok (const char *expected_fmt, gboolean expected_self, Stored *stored)
{
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (JsonNode) response = start_registration (&challenge, NULL);
  g_autoptr (KbcServerWebauthnRegistration) registration = NULL;
  g_autoptr (GError) error = NULL;

  registration = kbc_server_webauthn_verify_registration (response, challenge, RP_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (registration);
  g_assert_cmpstr (registration->fmt, ==, expected_fmt);
  g_assert_cmpint (registration->self_attestation, ==, expected_self);

  stored->credential_id = g_bytes_ref (registration->credential_id);
  stored->public_key = g_bytes_ref (registration->public_key);
  stored->sign_count = registration->sign_count;
}

static JsonNode *
start_authentication (Stored *stored, GBytes **challenge)
{
  g_autoptr (GPtrArray) allow = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (JsonNode) options = NULL;

  g_ptr_array_add (allow, g_bytes_ref (stored->credential_id));
  *challenge = kbc_server_webauthn_new_challenge ();
  options = kbc_server_webauthn_request_options (RP_ID, *challenge, allow);

  return app_authenticate (options);
}

static gboolean
verify_assertion (Stored *stored,
                  JsonNode *response,
                  GBytes *challenge,
                  const char *rp_id,
                  const char *origin,
                  GError **error)
{
  guint32 new_count = 0;

  if (!kbc_server_webauthn_verify_assertion (response, challenge, rp_id, origin,
                                             stored->credential_id, stored->public_key,
                                             stored->sign_count, &new_count, error))
    return FALSE;

  stored->sign_count = new_count;
  return TRUE;
}

static void
authenticate_ok (Stored *stored)
{
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (JsonNode) response = start_authentication (stored, &challenge);
  g_autoptr (GError) error = NULL;
  guint32 before = stored->sign_count;

  g_assert_true (verify_assertion (stored, response, challenge, RP_ID, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stored->sign_count, >, before);
}

/* -- tampering (see kbc-tamper.h) -- */

/* A copy of a registration with the attestation signature (or, with
 * @flip_auth_data, the authenticator data inside the attestation object)
 * changed in one bit. */
static JsonNode *
with_tampered_attestation (JsonNode *credential, gboolean flip_auth_data)
{
  JsonNode *copy = kbc_tamper_deep_copy (credential);
  g_autoptr (GBytes) object = kbc_tamper_response_bytes (credential, "attestationObject");
  g_autoptr (KbcWebauthnAttestation) attestation =
      kbc_webauthn_attestation_object_parse (object, NULL);
  g_autoptr (GByteArray) array = g_byte_array_new ();
  g_autoptr (GBytes) changed = NULL;
  g_autoptr (GBytes) rebuilt = NULL;
  GBytes *target;

  g_assert_nonnull (attestation);
  target = flip_auth_data ? attestation->auth_data : attestation->sig;
  g_byte_array_append (array, g_bytes_get_data (target, NULL), (guint) g_bytes_get_size (target));
  /* The signature's last byte is inside the S integer; authData byte 36 is the counter's last. */
  array->data[flip_auth_data ? 36 : array->len - 1] ^= 0x01;
  changed = g_byte_array_free_to_bytes (g_steal_pointer (&array));

  rebuilt = kbc_webauthn_attestation_object_new (
      attestation->fmt, flip_auth_data ? changed : attestation->auth_data,
      flip_auth_data ? attestation->sig : changed, attestation->x5c);
  kbc_tamper_set_response_bytes (copy, "attestationObject", rebuilt);

  return copy;
}

static void
assert_registration_fails (JsonNode *credential,
                           GBytes *challenge,
                           const char *rp_id,
                           const char *origin,
                           KbcServerWebauthnError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcServerWebauthnRegistration) registration = NULL;

  registration =
      kbc_server_webauthn_verify_registration (credential, challenge, rp_id, origin, &error);
  g_assert_null (registration);
  g_assert_error (error, KBC_SERVER_WEBAUTHN_ERROR, (int) code);
}

static void
assert_assertion_fails (Stored *stored,
                        JsonNode *credential,
                        GBytes *challenge,
                        const char *rp_id,
                        const char *origin,
                        KbcServerWebauthnError code)
{
  g_autoptr (GError) error = NULL;
  guint32 before = stored->sign_count;

  g_assert_false (verify_assertion (stored, credential, challenge, rp_id, origin, &error));
  g_assert_error (error, KBC_SERVER_WEBAUTHN_ERROR, (int) code);
  g_assert_cmpuint (stored->sign_count, ==, before);
}

/* -- encodings and shapes -- */

static void
test_base64url (void)
{
  static const struct
  {
    const char *plain;
    const char *encoded;
  } vectors[] = {
    /* RFC 4648 §10, without padding. */
    { "", "" },           { "f", "Zg" },          { "fo", "Zm8" },          { "foo", "Zm9v" },
    { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
  };
  const guint8 url_bytes[] = { 0xfb, 0xff, 0xbf };
  g_autofree char *url = NULL;
  g_autoptr (GBytes) padded = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *encoded = kbc_webauthn_base64url_encode ((const guint8 *) vectors[i].plain,
                                                                strlen (vectors[i].plain));
      g_autoptr (GBytes) decoded = kbc_webauthn_base64url_decode (vectors[i].encoded);

      g_assert_cmpstr (encoded, ==, vectors[i].encoded);
      g_assert_nonnull (decoded);
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded),
                       vectors[i].plain, strlen (vectors[i].plain));
    }

  /* The URL alphabet, not + and /. */
  url = kbc_webauthn_base64url_encode (url_bytes, sizeof url_bytes);
  g_assert_cmpstr (url, ==, "-_-_");

  padded = kbc_webauthn_base64url_decode ("Zm8=");
  g_assert_cmpmem (g_bytes_get_data (padded, NULL), g_bytes_get_size (padded), "fo", 2);

  g_assert_null (kbc_webauthn_base64url_decode ("Zm9v+A"));
  g_assert_null (kbc_webauthn_base64url_decode ("Zm9v/A"));
  g_assert_null (kbc_webauthn_base64url_decode ("Z"));
  g_assert_null (kbc_webauthn_base64url_decode ("Zh")); /* stray bits */
  g_assert_null (kbc_webauthn_base64url_decode ("Zm 9v"));
  g_assert_null (kbc_webauthn_base64url_decode (NULL));
}

static void
test_client_data (void)
{
  const guint8 raw[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xff };
  g_autoptr (GBytes) challenge = g_bytes_new (raw, sizeof raw);
  g_autofree char *origin = kbc_webauthn_origin_for_rp_id (RP_ID);
  g_autofree char *create = kbc_webauthn_client_data_new (KBC_WEBAUTHN_CREATE, challenge, origin);
  g_autofree char *get = kbc_webauthn_client_data_new (KBC_WEBAUTHN_GET, challenge, origin);
  g_autoptr (KbcWebauthnClientData) parsed = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (create, ==,
                   "{\"type\":\"webauthn.create\",\"challenge\":\"AAECAwQFBgcICQoLDA0O_w\","
                   "\"origin\":\"https://localhost\",\"crossOrigin\":false}");
  g_assert_cmpstr (get, ==,
                   "{\"type\":\"webauthn.get\",\"challenge\":\"AAECAwQFBgcICQoLDA0O_w\","
                   "\"origin\":\"https://localhost\",\"crossOrigin\":false}");

  parsed = kbc_webauthn_client_data_parse (create, strlen (create), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->type, ==, "webauthn.create");
  g_assert_true (g_bytes_equal (parsed->challenge, challenge));
  g_assert_cmpstr (parsed->origin, ==, "https://localhost");
  g_assert_false (parsed->cross_origin);

  g_assert_null (kbc_webauthn_client_data_parse ("{\"type\":1}", 10, &error));
  g_assert_error (error, KBC_WEBAUTHN_ERROR, KBC_WEBAUTHN_ERROR_INVALID);
}

static void
test_options (void)
{
  g_autoptr (GBytes) challenge = kbc_server_webauthn_new_challenge ();
  g_autoptr (GBytes) other = kbc_server_webauthn_new_challenge ();
  g_autoptr (GBytes) user_handle = kbc_server_webauthn_new_user_handle ();
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (JsonNode) creation = NULL;
  g_autoptr (JsonNode) request = NULL;
  g_autoptr (KbcWebauthnCreationOptions) parsed = NULL;
  g_autoptr (KbcWebauthnRequestOptions) parsed_request = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *object;
  gint64 timeout;

  g_assert_cmpuint (g_bytes_get_size (challenge), >=, 16);
  g_assert_false (g_bytes_equal (challenge, other));

  g_ptr_array_add (ids, g_bytes_new_static ("\x01\x02\x03", 3));
  creation = kbc_server_webauthn_creation_options (RP_ID, user_handle, "user@example.com", "A User",
                                                   challenge, ids);
  object = json_node_get_object (creation);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "rp"), "name"), ==,
      "Keboola");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "rp"), "id"), ==,
      RP_ID);
  g_assert_cmpstr (json_object_get_string_member (object, "attestation"), ==, "direct");
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (object, "authenticatorSelection"), "userVerification"),
      ==, "discouraged");
  g_assert_cmpint (
      json_object_get_int_member (json_array_get_object_element (
                                      json_object_get_array_member (object, "pubKeyCredParams"), 0),
                                  "alg"),
      ==, -7);
  timeout = json_object_get_int_member (object, "timeout");
  g_assert_cmpint (timeout, >=, 30000);
  g_assert_cmpint (timeout, <=, 60000);

  parsed = kbc_webauthn_creation_options_parse (creation, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (parsed->challenge, challenge));
  g_assert_true (g_bytes_equal (parsed->user_id, user_handle));
  g_assert_cmpstr (parsed->user_name, ==, "user@example.com");
  g_assert_cmpstr (parsed->user_display_name, ==, "A User");
  g_assert_cmpuint (parsed->exclude_credentials->len, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (parsed->exclude_credentials, 0),
                                g_ptr_array_index (ids, 0)));

  request = kbc_server_webauthn_request_options (RP_ID, challenge, ids);
  g_assert_cmpstr (
      json_object_get_string_member (json_node_get_object (request), "userVerification"), ==,
      "discouraged");
  parsed_request = kbc_webauthn_request_options_parse (request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed_request->rp_id, ==, RP_ID);
  g_assert_true (g_bytes_equal (parsed_request->challenge, challenge));
  g_assert_cmpuint (parsed_request->allow_credentials->len, ==, 1);
}

static void
test_helpers (void)
{
  const guint8 aaguid[16] = { 0xcb, 0x69, 0x48, 0x1e, 0x8f, 0xf7, 0x40, 0x39,
                              0x93, 0xec, 0x0a, 0x27, 0x29, 0xa1, 0x54, 0xa8 };
  g_autofree char *text = kbc_server_webauthn_aaguid_to_string (aaguid);
  g_autofree char *loopback4 = kbc_server_webauthn_rp_id_for_host ("127.0.0.1");
  g_autofree char *loopback6 = kbc_server_webauthn_rp_id_for_host ("[::1]");
  g_autofree char *name = kbc_server_webauthn_rp_id_for_host ("Connection.Keboola.com");
  g_autofree char *local = kbc_server_webauthn_rp_id_for_host ("localhost");

  g_assert_cmpstr (text, ==, "cb69481e-8ff7-4039-93ec-0a2729a154a8");
  g_assert_cmpstr (loopback4, ==, "localhost");
  g_assert_cmpstr (loopback6, ==, "localhost");
  g_assert_cmpstr (name, ==, "connection.keboola.com");
  g_assert_cmpstr (local, ==, "localhost");
}

/* -- good ceremonies -- */

static void
check_end_to_end (KbcSoftKeyKind kind,
                  KbcSoftKeyAttestation attestation,
                  const char *expected_fmt,
                  gboolean expected_self)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (kind);
  Stored stored = { 0 };

  kbc_soft_key_set_attestation (key, attestation);
  register_ok (expected_fmt, expected_self, &stored);
  authenticate_ok (&stored);
  authenticate_ok (&stored);
  g_assert_cmpuint (stored.sign_count, ==, kbc_soft_key_get_counter (key));

  stored_clear (&stored);
}

static void
test_packed_x5c (void)
{
  check_end_to_end (KBC_SOFT_KEY_FIDO2, KBC_SOFT_KEY_ATTESTATION_X5C, "packed", FALSE);
}

static void
test_packed_self (void)
{
  check_end_to_end (KBC_SOFT_KEY_FIDO2, KBC_SOFT_KEY_ATTESTATION_SELF, "packed", TRUE);
}

static void
test_fido_u2f (void)
{
  check_end_to_end (KBC_SOFT_KEY_U2F_ONLY, KBC_SOFT_KEY_ATTESTATION_X5C, "fido-u2f", FALSE);
}

static void
test_registration_result (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (JsonNode) response = start_registration (&challenge, NULL);
  g_autoptr (KbcServerWebauthnRegistration) registration = NULL;
  g_autoptr (GBytes) id = kbc_server_webauthn_get_credential_id (response);
  g_autoptr (GError) error = NULL;
  guint8 point[65];

  registration = kbc_server_webauthn_verify_registration (response, challenge, RP_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (registration->credential_id, id));
  g_assert_cmpmem (registration->aaguid, 16, KBC_SOFT_KEY_AAGUID, 16);
  g_assert_cmpuint (registration->sign_count, ==, kbc_soft_key_get_counter (key));
  g_assert_true (kbc_webauthn_cose_es256_to_point (registration->public_key, point));
}

/* -- tampered registrations -- */

static void
test_registration_tampered (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (GBytes) other_challenge = kbc_server_webauthn_new_challenge ();
  g_autoptr (JsonNode) response = start_registration (&challenge, NULL);
  JsonNode *bad;

  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 1);

  /* Bad signatures: over the attestation, or over changed authenticator data. */
  bad = with_tampered_attestation (response, FALSE);
  assert_registration_fails (bad, challenge, RP_ID, NULL,
                             KBC_SERVER_WEBAUTHN_ERROR_BAD_ATTESTATION);
  json_node_unref (bad);
  bad = with_tampered_attestation (response, TRUE);
  assert_registration_fails (bad, challenge, RP_ID, NULL,
                             KBC_SERVER_WEBAUTHN_ERROR_BAD_ATTESTATION);
  json_node_unref (bad);

  /* Another challenge than the one the server issued. */
  assert_registration_fails (response, other_challenge, RP_ID, NULL,
                             KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_MISMATCH);

  /* Another origin in the client data, or another one expected. */
  bad = kbc_tamper_client_data_edit (response, "https://localhost", "https://evil.example.com");
  assert_registration_fails (bad, challenge, RP_ID, NULL,
                             KBC_SERVER_WEBAUTHN_ERROR_ORIGIN_MISMATCH);
  json_node_unref (bad);
  assert_registration_fails (response, challenge, RP_ID, "http://localhost",
                             KBC_SERVER_WEBAUTHN_ERROR_ORIGIN_MISMATCH);
  bad = kbc_tamper_client_data_edit (response, "\"crossOrigin\":false", "\"crossOrigin\":true");
  assert_registration_fails (bad, challenge, RP_ID, NULL,
                             KBC_SERVER_WEBAUTHN_ERROR_ORIGIN_MISMATCH);
  json_node_unref (bad);

  /* The key made the credential for another relying party. */
  assert_registration_fails (response, challenge, "example.com", "https://localhost",
                             KBC_SERVER_WEBAUTHN_ERROR_RP_ID_MISMATCH);

  /* An assertion's client data, or a credential of another type. */
  bad = kbc_tamper_client_data_edit (response, "webauthn.create", "webauthn.get");
  assert_registration_fails (bad, challenge, RP_ID, NULL, KBC_SERVER_WEBAUTHN_ERROR_WRONG_TYPE);
  json_node_unref (bad);
  bad = kbc_tamper_deep_copy (response);
  json_object_set_string_member (json_node_get_object (bad), "type", "password");
  assert_registration_fails (bad, challenge, RP_ID, NULL, KBC_SERVER_WEBAUTHN_ERROR_WRONG_TYPE);
  json_node_unref (bad);

  /* An id that is not the attested credential's. */
  bad = kbc_tamper_deep_copy (response);
  json_object_set_string_member (json_node_get_object (bad), "id", "AAAA");
  json_object_set_string_member (json_node_get_object (bad), "rawId", "AAAA");
  assert_registration_fails (bad, challenge, RP_ID, NULL,
                             KBC_SERVER_WEBAUTHN_ERROR_CREDENTIAL_MISMATCH);
  json_node_unref (bad);

  /* Garbage. */
  bad = json_from_string (
      "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{}}", NULL);
  assert_registration_fails (bad, challenge, RP_ID, NULL, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED);
  json_node_unref (bad);
  bad = kbc_tamper_flip_byte (response, "attestationObject", 0);
  assert_registration_fails (bad, challenge, RP_ID, NULL, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED);
  json_node_unref (bad);

  /* The untouched response still verifies. */
  {
    g_autoptr (KbcServerWebauthnRegistration) registration = NULL;

    registration = kbc_server_webauthn_verify_registration (response, challenge, RP_ID, NULL, NULL);
    g_assert_nonnull (registration);
  }
}

static void
test_registration_no_user_presence (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (JsonNode) response = NULL;

  kbc_soft_key_set_user_present_flag (key, FALSE);
  response = start_registration (&challenge, NULL);
  assert_registration_fails (response, challenge, RP_ID, NULL,
                             KBC_SERVER_WEBAUTHN_ERROR_USER_NOT_PRESENT);
}

/* -- tampered assertions -- */

static void
test_assertion_tampered (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (GBytes) other_challenge = kbc_server_webauthn_new_challenge ();
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GError) error = NULL;
  Stored stored = { 0 };
  Stored other = { 0 };
  JsonNode *bad;

  register_ok ("packed", FALSE, &stored);
  response = start_authentication (&stored, &challenge);

  /* Bad signatures: a flipped bit in the signature, or in the signed data. */
  bad = kbc_tamper_flip_byte (response, "signature", -1);
  assert_assertion_fails (&stored, bad, challenge, RP_ID, NULL,
                          KBC_SERVER_WEBAUTHN_ERROR_BAD_SIGNATURE);
  json_node_unref (bad);
  bad = kbc_tamper_flip_byte (response, "authenticatorData", 36);
  assert_assertion_fails (&stored, bad, challenge, RP_ID, NULL,
                          KBC_SERVER_WEBAUTHN_ERROR_BAD_SIGNATURE);
  json_node_unref (bad);

  assert_assertion_fails (&stored, response, other_challenge, RP_ID, NULL,
                          KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_MISMATCH);

  bad = kbc_tamper_client_data_edit (response, "https://localhost", "https://evil.example.com");
  assert_assertion_fails (&stored, bad, challenge, RP_ID, NULL,
                          KBC_SERVER_WEBAUTHN_ERROR_ORIGIN_MISMATCH);
  json_node_unref (bad);

  assert_assertion_fails (&stored, response, challenge, "example.com", "https://localhost",
                          KBC_SERVER_WEBAUTHN_ERROR_RP_ID_MISMATCH);

  bad = kbc_tamper_client_data_edit (response, "webauthn.get", "webauthn.create");
  assert_assertion_fails (&stored, bad, challenge, RP_ID, NULL,
                          KBC_SERVER_WEBAUTHN_ERROR_WRONG_TYPE);
  json_node_unref (bad);

  /* Signed by a credential the server did not expect. */
  other.credential_id = g_bytes_new_static ("\x05\x06\x07\x08", 4);
  other.public_key = g_bytes_ref (stored.public_key);
  assert_assertion_fails (&other, response, challenge, RP_ID, NULL,
                          KBC_SERVER_WEBAUTHN_ERROR_CREDENTIAL_MISMATCH);
  stored_clear (&other);

  /* The right key, but checked against another key's public key. */
  {
    g_autoptr (KbcSoftKey) second = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
    Stored second_stored = { 0 };

    kbc_soft_key_unplug (key);
    register_ok ("packed", FALSE, &second_stored);
    kbc_soft_key_plug (key);
    g_assert_cmpuint (kbc_soft_key_get_n_credentials (second), ==, 1);
    other.credential_id = g_bytes_ref (stored.credential_id);
    other.public_key = g_bytes_ref (second_stored.public_key);
    assert_assertion_fails (&other, response, challenge, RP_ID, NULL,
                            KBC_SERVER_WEBAUTHN_ERROR_BAD_SIGNATURE);
    stored_clear (&other);
    stored_clear (&second_stored);
  }

  /* The untouched response verifies. */
  g_assert_true (verify_assertion (&stored, response, challenge, RP_ID, NULL, &error));
  g_assert_no_error (error);

  stored_clear (&stored);
}

static void
test_assertion_no_user_presence (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (JsonNode) response = NULL;
  Stored stored = { 0 };

  register_ok ("packed", FALSE, &stored);
  kbc_soft_key_set_user_present_flag (key, FALSE);
  response = start_authentication (&stored, &challenge);
  assert_assertion_fails (&stored, response, challenge, RP_ID, NULL,
                          KBC_SERVER_WEBAUTHN_ERROR_USER_NOT_PRESENT);

  stored_clear (&stored);
}

/* -- replays and clones -- */

static void
test_challenge_store (void)
{
  g_autoptr (KbcServerWebauthnChallenges) store =
      kbc_server_webauthn_challenges_new (KBC_SERVER_WEBAUTHN_CHALLENGE_TTL);
  g_autoptr (GBytes) challenge = kbc_server_webauthn_new_challenge ();
  g_autoptr (GBytes) newer = kbc_server_webauthn_new_challenge ();
  GError *error = NULL;
  GBytes *taken;
  gint64 now = 1700000000;

  kbc_server_webauthn_challenges_put (store, "registration-1", challenge, now);
  g_assert_cmpuint (kbc_server_webauthn_challenges_get_size (store), ==, 1);

  /* Once… */
  taken = kbc_server_webauthn_challenges_take (store, "registration-1", now + 10, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (taken, challenge));
  g_bytes_unref (taken);

  /* …and never again. */
  taken = kbc_server_webauthn_challenges_take (store, "registration-1", now + 11, &error);
  g_assert_null (taken);
  g_assert_error (error, KBC_SERVER_WEBAUTHN_ERROR, KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_UNKNOWN);
  g_clear_error (&error);

  taken = kbc_server_webauthn_challenges_take (store, "never-issued", now, &error);
  g_assert_error (error, KBC_SERVER_WEBAUTHN_ERROR, KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_UNKNOWN);
  g_clear_error (&error);

  /* Five minutes is the limit, and an expired one is gone too. */
  kbc_server_webauthn_challenges_put (store, "login-ticket", challenge, now);
  taken = kbc_server_webauthn_challenges_take (store, "login-ticket",
                                               now + KBC_SERVER_WEBAUTHN_CHALLENGE_TTL, &error);
  g_assert_null (taken);
  g_assert_error (error, KBC_SERVER_WEBAUTHN_ERROR, KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_EXPIRED);
  g_clear_error (&error);
  g_assert_cmpuint (kbc_server_webauthn_challenges_get_size (store), ==, 0);

  /* A new challenge under the same key replaces the old one. */
  kbc_server_webauthn_challenges_put (store, "login-ticket", challenge, now);
  kbc_server_webauthn_challenges_put (store, "login-ticket", newer, now + 1);
  taken = kbc_server_webauthn_challenges_take (store, "login-ticket", now + 2, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (taken, newer));
  g_bytes_unref (taken);

  /* Expired entries go when new ones come. */
  kbc_server_webauthn_challenges_put (store, "a", challenge, now);
  kbc_server_webauthn_challenges_put (store, "b", challenge,
                                      now + KBC_SERVER_WEBAUTHN_CHALLENGE_TTL + 1);
  g_assert_cmpuint (kbc_server_webauthn_challenges_get_size (store), ==, 1);
}

/* The server's flow: the challenge is taken when the answer comes, so the same
 * answer sent twice fails the second time, and an old answer cannot meet a
 * new challenge. */
static void
test_replayed (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcServerWebauthnChallenges) store =
      kbc_server_webauthn_challenges_new (KBC_SERVER_WEBAUTHN_CHALLENGE_TTL);
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (GBytes) taken = NULL;
  g_autoptr (GBytes) fresh = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Stored stored = { 0 };

  register_ok ("packed", FALSE, &stored);

  response = start_authentication (&stored, &challenge);
  kbc_server_webauthn_challenges_put (store, "ticket", challenge, now);

  taken = kbc_server_webauthn_challenges_take (store, "ticket", now, &error);
  g_assert_no_error (error);
  g_assert_true (verify_assertion (&stored, response, taken, RP_ID, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stored.sign_count, ==, kbc_soft_key_get_counter (key));

  /* The same answer again. */
  g_assert_null (kbc_server_webauthn_challenges_take (store, "ticket", now, &error));
  g_assert_error (error, KBC_SERVER_WEBAUTHN_ERROR, KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_UNKNOWN);
  g_clear_error (&error);

  /* The old answer against a new sign-in's challenge. */
  fresh = kbc_server_webauthn_new_challenge ();
  assert_assertion_fails (&stored, response, fresh, RP_ID, NULL,
                          KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_MISMATCH);

  stored_clear (&stored);
}

static void
check_cloned (KbcSoftKeyKind kind)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (kind);
  g_autoptr (KbcSoftKey) clone = NULL;
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GError) error = NULL;
  Stored stored = { 0 };
  guint32 reported = G_MAXUINT32;
  guint32 before;

  register_ok (kind == KBC_SOFT_KEY_FIDO2 ? "packed" : "fido-u2f", FALSE, &stored);
  clone = kbc_soft_key_clone (key);

  /* The original signs in while the clone is away. */
  kbc_soft_key_unplug (clone);
  authenticate_ok (&stored);
  authenticate_ok (&stored);
  kbc_soft_key_plug (clone);

  /* The clone's counter is behind: reject, and say what it reported. */
  kbc_soft_key_unplug (key);
  response = start_authentication (&stored, &challenge);
  before = stored.sign_count;
  g_assert_false (kbc_server_webauthn_verify_assertion (response, challenge, RP_ID, NULL,
                                                        stored.credential_id, stored.public_key,
                                                        stored.sign_count, &reported, &error));
  g_assert_error (error, KBC_SERVER_WEBAUTHN_ERROR,
                  KBC_SERVER_WEBAUTHN_ERROR_COUNTER_NOT_INCREASED);
  g_assert_cmpuint (reported, <=, before);
  g_assert_cmpuint (reported, ==, kbc_soft_key_get_counter (clone));
  g_clear_error (&error);

  /* A counter that stands still is as suspect as one that goes back. */
  kbc_soft_key_set_counter (clone, before - 1);
  g_clear_pointer (&response, json_node_unref);
  g_clear_pointer (&challenge, g_bytes_unref);
  response = start_authentication (&stored, &challenge);
  g_assert_false (kbc_server_webauthn_verify_assertion (response, challenge, RP_ID, NULL,
                                                        stored.credential_id, stored.public_key,
                                                        stored.sign_count, &reported, &error));
  g_assert_error (error, KBC_SERVER_WEBAUTHN_ERROR,
                  KBC_SERVER_WEBAUTHN_ERROR_COUNTER_NOT_INCREASED);
  g_assert_cmpuint (reported, ==, before);

  stored_clear (&stored);
}

static void
test_cloned (void)
{
  check_cloned (KBC_SOFT_KEY_FIDO2);
  check_cloned (KBC_SOFT_KEY_U2F_ONLY);
}

/* Hostile input found by tests/fuzz: blank clientDataJSON parses as JSON
 * with no root (a critical before); a CBOR map that claims 2^62 entries in
 * a few bytes made libcbor allocate them all before reading one
 * (corpus/server-webauthn-cbor/huge-map.cbor). Both are refused. */
static void
test_fuzz_findings (void)
{
  static const guint8 huge_map[] = { 0xbb, 0x40, 0xfd, 0xd6, 0x5f, 0xed, 0x5e, 0x66, 0x70, 0x01 };
  static const guint8 huge_array[] = { 0x9b, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01 };
  g_autoptr (GBytes) map = g_bytes_new_static (huge_map, sizeof huge_map);
  g_autoptr (GBytes) array = g_bytes_new_static (huge_array, sizeof huge_array);
  g_autoptr (GError) error = NULL;
  guint8 point[65];

  g_assert_null (kbc_webauthn_client_data_parse (" \n", 2, &error));
  g_assert_error (error, KBC_WEBAUTHN_ERROR, KBC_WEBAUTHN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kbc_webauthn_client_data_parse ("", 0, &error));
  g_assert_error (error, KBC_WEBAUTHN_ERROR, KBC_WEBAUTHN_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (kbc_webauthn_cose_es256_to_point (map, point));
  g_assert_false (kbc_webauthn_cose_es256_to_point (array, point));
  g_assert_null (kbc_webauthn_attestation_object_parse (map, &error));
  g_assert_error (error, KBC_WEBAUTHN_ERROR, KBC_WEBAUTHN_ERROR_INVALID);

  /* A timeout beyond any integer: casting it was undefined (UBSan,
   * corpus/webauthn-json/huge-timeout.json); it counts as absent. */
  {
    g_autoptr (JsonNode) node = json_from_string (
        "{\"challenge\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"rpId\": \"localhost\", \"timeout\": 1e300}",
        NULL);
    KbcWebauthnRequestOptions *options = kbc_webauthn_request_options_parse (node, NULL);

    g_assert_nonnull (options);
    g_assert_cmpuint (options->timeout_ms, ==, 0);
    kbc_webauthn_request_options_free (options);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kbc_soft_key_install_provider ();

  g_test_add_func ("/kbc/webauthn/base64url", test_base64url);
  g_test_add_func ("/kbc/webauthn/client-data", test_client_data);
  g_test_add_func ("/kbc/webauthn/options", test_options);
  g_test_add_func ("/kbc/webauthn/helpers", test_helpers);
  g_test_add_func ("/kbc/webauthn/packed-x5c", test_packed_x5c);
  g_test_add_func ("/kbc/webauthn/packed-self", test_packed_self);
  g_test_add_func ("/kbc/webauthn/fido-u2f", test_fido_u2f);
  g_test_add_func ("/kbc/webauthn/registration-result", test_registration_result);
  g_test_add_func ("/kbc/webauthn/registration-tampered", test_registration_tampered);
  g_test_add_func ("/kbc/webauthn/registration-no-user-presence",
                   test_registration_no_user_presence);
  g_test_add_func ("/kbc/webauthn/assertion-tampered", test_assertion_tampered);
  g_test_add_func ("/kbc/webauthn/assertion-no-user-presence", test_assertion_no_user_presence);
  g_test_add_func ("/kbc/webauthn/challenge-store", test_challenge_store);
  g_test_add_func ("/kbc/webauthn/replayed", test_replayed);
  g_test_add_func ("/kbc/webauthn/cloned", test_cloned);
  g_test_add_func ("/kbc/webauthn/fuzz-findings", test_fuzz_findings);

  return g_test_run ();
}
