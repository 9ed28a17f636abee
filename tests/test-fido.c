/* test-fido.c: KbcFido registers and signs in with the software security key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KbcFido finds the soft keys through the same discovery it uses for
 * hardware (fido_dev_info_manifest plus a device provider), and libfido2 does
 * the real CTAPHID, U2F and CTAP2 work against them.
 */
#include "config.h"

#include <fido.h>
#include <fido/es256.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "kbc-fido.h"
#include "kbc-soft-key.h"
#include "kbc-test-utils.h"
#include "kbc-webauthn.h"

#define RP_ID "localhost"

static GBytes *
random_bytes (gsize len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) g_random_int_range (0, 256);

  return g_bytes_new_take (data, len);
}

/* What the server sends to start a registration. */
static JsonNode *
creation_options (GBytes *challenge, GBytes *exclude, gint64 alg, const char *rp_id)
{
  g_autoptr (KbcWebauthnCreationOptions) options = kbc_webauthn_creation_options_new ();

  options->rp_id = g_strdup (rp_id);
  options->rp_name = g_strdup ("Keboola");
  options->user_id = random_bytes (16);
  options->user_name = g_strdup ("user@example.com");
  options->user_display_name = g_strdup ("A User");
  options->challenge = g_bytes_ref (challenge);
  g_array_append_val (options->algorithms, alg);
  if (exclude != NULL)
    g_ptr_array_add (options->exclude_credentials, g_bytes_ref (exclude));
  options->timeout_ms = 30000;
  options->attestation = g_strdup ("direct");
  options->user_verification = g_strdup ("discouraged");

  return kbc_webauthn_creation_options_to_json (options);
}

static JsonNode *
request_options (GBytes *challenge, GBytes *allow)
{
  g_autoptr (KbcWebauthnRequestOptions) options = kbc_webauthn_request_options_new ();

  options->challenge = g_bytes_ref (challenge);
  options->rp_id = g_strdup (RP_ID);
  if (allow != NULL)
    g_ptr_array_add (options->allow_credentials, g_bytes_ref (allow));
  options->timeout_ms = 30000;
  options->user_verification = g_strdup ("discouraged");

  return kbc_webauthn_request_options_to_json (options);
}

static JsonNode *
do_register (KbcFido *fido,
             JsonNode *options,
             const char *pin,
             GCancellable *cancellable,
             GError **error)
{
  g_autoptr (GAsyncResult) done = NULL;
  JsonNode *node;

  kbc_fido_register_async (fido, options, RP_ID, pin, cancellable, kbc_test_on_done, &done);
  node = kbc_fido_register_finish (fido, kbc_test_wait_for (&done), error);

  return node;
}

static JsonNode *
do_authenticate (KbcFido *fido, JsonNode *options, const char *pin, GError **error)
{
  g_autoptr (GAsyncResult) done = NULL;
  JsonNode *node;

  kbc_fido_authenticate_async (fido, options, RP_ID, pin, NULL, kbc_test_on_done, &done);
  node = kbc_fido_authenticate_finish (fido, kbc_test_wait_for (&done), error);

  return node;
}

/* Registers with whatever key is plugged in; returns the credential id and,
 * through @public_key, its COSE key. */
static GBytes *
register_ok (KbcFido *fido, const char *pin, const char *expected_fmt, GBytes **public_key)
{
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (JsonNode) options = creation_options (challenge, NULL, KBC_WEBAUTHN_COSE_ES256, RP_ID);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (KbcWebauthnCredential) credential = NULL;
  g_autoptr (KbcWebauthnClientData) client_data = NULL;
  g_autoptr (KbcWebauthnAttestation) attestation = NULL;
  g_autoptr (KbcWebauthnAuthData) auth_data = NULL;
  JsonObject *object;

  response = do_register (fido, options, pin, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);

  object = json_node_get_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "public-key");
  g_assert_cmpstr (json_object_get_string_member (object, "authenticatorAttachment"), ==,
                   "cross-platform");
  g_assert_true (json_object_has_member (object, "clientExtensionResults"));

  credential = kbc_webauthn_credential_parse (response, TRUE, &error);
  g_assert_no_error (error);

  client_data =
      kbc_webauthn_client_data_parse (g_bytes_get_data (credential->client_data_json, NULL),
                                      g_bytes_get_size (credential->client_data_json), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_data->type, ==, "webauthn.create");
  g_assert_cmpstr (client_data->origin, ==, "https://" RP_ID);
  g_assert_true (g_bytes_equal (client_data->challenge, challenge));
  g_assert_false (client_data->cross_origin);

  attestation = kbc_webauthn_attestation_object_parse (credential->attestation_object, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (attestation->fmt, ==, expected_fmt);
  g_assert_nonnull (attestation->sig);

  auth_data = kbc_webauthn_auth_data_parse (attestation->auth_data, &error);
  g_assert_no_error (error);
  g_assert_true (auth_data->has_attested_credential);
  g_assert_true (auth_data->flags & KBC_WEBAUTHN_FLAG_UP);
  g_assert_true (g_bytes_equal (auth_data->credential_id, credential->id));

  if (public_key != NULL)
    *public_key = g_bytes_ref (auth_data->credential_public_key);

  return g_bytes_ref (credential->id);
}

/* Signs in, and checks the signature with libfido2 as the server will. */
static void
authenticate_ok (KbcFido *fido, GBytes *credential_id, GBytes *public_key)
{
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (JsonNode) options = request_options (challenge, credential_id);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (KbcWebauthnCredential) credential = NULL;
  g_autoptr (KbcWebauthnClientData) client_data = NULL;
  g_autoptr (KbcWebauthnAuthData) auth_data = NULL;
  fido_assert_t *assert = fido_assert_new ();
  es256_pk_t *pk = es256_pk_new ();
  guint8 point[65];
  guint8 cdh[32];

  response = do_authenticate (fido, options, NULL, &error);
  g_assert_no_error (error);

  credential = kbc_webauthn_credential_parse (response, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (credential->id, credential_id));

  client_data =
      kbc_webauthn_client_data_parse (g_bytes_get_data (credential->client_data_json, NULL),
                                      g_bytes_get_size (credential->client_data_json), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_data->type, ==, "webauthn.get");
  g_assert_true (g_bytes_equal (client_data->challenge, challenge));

  auth_data = kbc_webauthn_auth_data_parse (credential->authenticator_data, &error);
  g_assert_no_error (error);
  g_assert_true (auth_data->flags & KBC_WEBAUTHN_FLAG_UP);
  g_assert_false (auth_data->has_attested_credential);

  g_assert_true (kbc_webauthn_cose_es256_to_point (public_key, point));
  g_assert_cmpint (es256_pk_from_ptr (pk, point, sizeof point), ==, FIDO_OK);
  kbc_webauthn_sha256 (g_bytes_get_data (credential->client_data_json, NULL),
                       g_bytes_get_size (credential->client_data_json), cdh);
  g_assert_cmpint (fido_assert_set_clientdata_hash (assert, cdh, sizeof cdh), ==, FIDO_OK);
  g_assert_cmpint (fido_assert_set_rp (assert, RP_ID), ==, FIDO_OK);
  g_assert_cmpint (fido_assert_set_count (assert, 1), ==, FIDO_OK);
  g_assert_cmpint (fido_assert_set_authdata_raw (
                       assert, 0, g_bytes_get_data (credential->authenticator_data, NULL),
                       g_bytes_get_size (credential->authenticator_data)),
                   ==, FIDO_OK);
  g_assert_cmpint (fido_assert_set_sig (assert, 0, g_bytes_get_data (credential->signature, NULL),
                                        g_bytes_get_size (credential->signature)),
                   ==, FIDO_OK);
  g_assert_cmpint (fido_assert_set_up (assert, FIDO_OPT_TRUE), ==, FIDO_OK);
  g_assert_cmpint (fido_assert_verify (assert, 0, COSE_ES256, pk), ==, FIDO_OK);

  es256_pk_free (&pk);
  fido_assert_free (&assert);
}

static void
test_no_device (void)
{
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (JsonNode) options = creation_options (challenge, NULL, KBC_WEBAUTHN_COSE_ES256, RP_ID);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GAsyncResult) done = NULL;

  kbc_fido_list_devices_async (fido, NULL, kbc_test_on_done, &done);
  devices = kbc_fido_list_devices_finish (fido, kbc_test_wait_for (&done), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 0);

  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_NO_DEVICE);
  g_assert_null (response);
}

static void
test_list_devices (void)
{
  g_autoptr (KbcSoftKey) fido2 = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) u2f = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) done = NULL;
  KbcFidoDeviceInfo *info;

  kbc_soft_key_set_pin (fido2, "2468", 5);

  kbc_fido_list_devices_async (fido, NULL, kbc_test_on_done, &done);
  devices = kbc_fido_list_devices_finish (fido, kbc_test_wait_for (&done), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 2);

  info = g_ptr_array_index (devices, 0);
  g_assert_cmpstr (kbc_fido_device_info_get_path (info), ==, kbc_soft_key_get_path (fido2));
  g_assert_cmpstr (kbc_fido_device_info_get_product (info), ==, "Soft FIDO2 Key");
  g_assert_cmpstr (kbc_fido_device_info_get_manufacturer (info), ==, "KBC Account Tests");
  g_assert_true (kbc_fido_device_info_is_fido2 (info));
  g_assert_true (kbc_fido_device_info_has_pin (info));
  g_assert_cmpint (kbc_fido_device_info_get_pin_retries (info), ==, 5);

  info = g_ptr_array_index (devices, 1);
  g_assert_cmpstr (kbc_fido_device_info_get_path (info), ==, kbc_soft_key_get_path (u2f));
  g_assert_false (kbc_fido_device_info_is_fido2 (info));
  g_assert_false (kbc_fido_device_info_has_pin (info));
  g_assert_cmpint (kbc_fido_device_info_get_pin_retries (info), ==, -1);
}

static void
test_fido2 (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) id = NULL;
  g_autoptr (GBytes) public_key = NULL;
  guint32 counter;

  id = register_ok (fido, NULL, "packed", &public_key);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 1);

  counter = kbc_soft_key_get_counter (key);
  authenticate_ok (fido, id, public_key);
  authenticate_ok (fido, id, public_key);
  g_assert_cmpuint (kbc_soft_key_get_counter (key), ==, counter + 2);
}

static void
test_u2f (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) id = NULL;
  g_autoptr (GBytes) public_key = NULL;

  id = register_ok (fido, NULL, "fido-u2f", &public_key);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 1);
  authenticate_ok (fido, id, public_key);
  g_assert_cmpuint (kbc_soft_key_get_counter (key), ==, 1);
}

static void
test_pin (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (JsonNode) options = creation_options (challenge, NULL, KBC_WEBAUTHN_COSE_ES256, RP_ID);
  g_autoptr (GBytes) id = NULL;
  g_autoptr (GBytes) public_key = NULL;
  GError *error = NULL;
  JsonNode *response;

  kbc_soft_key_set_pin (key, "1234", 3);

  /* The key has a PIN: ask for it. */
  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_REQUIRED);
  g_assert_cmpint (kbc_fido_error_get_pin_retries (error), ==, 3);
  g_clear_error (&error);

  /* A wrong PIN costs a try, and says how many are left. */
  response = do_register (fido, options, "0000", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_INVALID);
  g_assert_cmpint (kbc_fido_error_get_pin_retries (error), ==, 2);
  g_assert_cmpstr (error->message, ==, "Wrong PIN. 2 tries left.");
  g_clear_error (&error);

  response = do_register (fido, options, "0000", NULL, &error);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_INVALID);
  g_assert_cmpstr (error->message, ==, "Wrong PIN. 1 try left.");
  g_clear_error (&error);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 0);

  /* The right PIN registers the key and resets the count. */
  id = register_ok (fido, "1234", "packed", &public_key);
  g_assert_cmpint (kbc_soft_key_get_pin_retries (key), ==, 8);

  /* Signing in needs no PIN. */
  authenticate_ok (fido, id, public_key);

  /* The last wrong try blocks the key; after that nothing is tried. */
  kbc_soft_key_set_pin (key, "1234", 1);
  response = do_register (fido, options, "9999", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_BLOCKED);
  g_clear_error (&error);
  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_BLOCKED);
  g_clear_error (&error);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 1);
}

static void
check_times_out (KbcSoftKeyKind kind, guint key_timeout_ms, guint app_timeout_ms)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (kind);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (JsonNode) options = creation_options (challenge, NULL, KBC_WEBAUTHN_COSE_ES256, RP_ID);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;

  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  kbc_soft_key_set_user_presence_timeout (key, key_timeout_ms);
  kbc_fido_set_timeout (fido, app_timeout_ms);

  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_TIMED_OUT);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 0);
  g_assert_cmpuint (kbc_soft_key_get_n_touch_requests (key), >=, 1);
}

static void
test_no_touch (void)
{
  /* The app stops waiting (libfido2's read times out). */
  check_times_out (KBC_SOFT_KEY_FIDO2, 30000, 800);
  /* The key gives up first (CTAP2_ERR_USER_ACTION_TIMEOUT). */
  check_times_out (KBC_SOFT_KEY_FIDO2, 300, 5000);
  /* A U2F key answers "conditions not satisfied" until the time is up. */
  check_times_out (KBC_SOFT_KEY_U2F_ONLY, 30000, 800);
}

static void
check_unplugged (KbcSoftKeyKind kind)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (kind);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (JsonNode) options = creation_options (challenge, NULL, KBC_WEBAUTHN_COSE_ES256, RP_ID);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;

  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_UNPLUG, 0);
  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_UNPLUGGED);
  g_assert_false (kbc_soft_key_is_plugged (key));
}

static void
test_unplug (void)
{
  check_unplugged (KBC_SOFT_KEY_FIDO2);
  check_unplugged (KBC_SOFT_KEY_U2F_ONLY);
}

static void
check_cancel (KbcSoftKeyKind kind)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (kind);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (JsonNode) options = creation_options (challenge, NULL, KBC_WEBAUTHN_COSE_ES256, RP_ID);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GAsyncResult) done = NULL;

  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_MANUAL, 0);
  kbc_fido_register_async (fido, options, RP_ID, NULL, cancellable, kbc_test_on_done, &done);

  /* Cancel once the key is waiting for the touch. */
  KBC_TEST_WAIT_FOR (kbc_soft_key_get_n_touch_requests (key) > 0);
  g_cancellable_cancel (cancellable);

  response = kbc_fido_register_finish (fido, kbc_test_wait_for (&done), &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* A touch now must not register anything. */
  kbc_soft_key_touch (key);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 0);
}

static void
test_cancel (void)
{
  check_cancel (KBC_SOFT_KEY_FIDO2);
  check_cancel (KBC_SOFT_KEY_U2F_ONLY);
}

static void
check_already_registered (KbcSoftKeyKind kind)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (kind);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) id = NULL;
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (JsonNode) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;

  id = register_ok (fido, NULL, kind == KBC_SOFT_KEY_FIDO2 ? "packed" : "fido-u2f", NULL);

  options = creation_options (challenge, id, KBC_WEBAUTHN_COSE_ES256, RP_ID);
  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_ALREADY_REGISTERED);
  g_assert_cmpuint (kbc_soft_key_count_credentials_for (key, RP_ID), ==, 1);
}

static void
test_already_registered (void)
{
  check_already_registered (KBC_SOFT_KEY_FIDO2);
  check_already_registered (KBC_SOFT_KEY_U2F_ONLY);
}

static void
check_not_registered (KbcSoftKeyKind kind)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (kind);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (GBytes) unknown = random_bytes (32);
  g_autoptr (JsonNode) options = request_options (challenge, unknown);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;

  response = do_authenticate (fido, options, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_NOT_REGISTERED);
  g_assert_cmpuint (kbc_soft_key_get_counter (key), ==, 0);
}

static void
test_not_registered (void)
{
  check_not_registered (KBC_SOFT_KEY_FIDO2);
  check_not_registered (KBC_SOFT_KEY_U2F_ONLY);
}

/* Two keys plugged in; the user touches the second one. */
static void
check_touch_wins (KbcSoftKeyKind first_kind, KbcSoftKeyKind second_kind)
{
  g_autoptr (KbcSoftKey) first = kbc_soft_key_new (first_kind);
  g_autoptr (KbcSoftKey) second = kbc_soft_key_new (second_kind);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) id = NULL;

  kbc_soft_key_set_touch (first, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  kbc_soft_key_set_touch (second, KBC_SOFT_KEY_TOUCH_DELAYED, 300);

  id = register_ok (fido, NULL, second_kind == KBC_SOFT_KEY_FIDO2 ? "packed" : "fido-u2f", NULL);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (second), ==, 1);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (first), ==, 0);
  /* The untouched key was asked, then stopped. */
  g_assert_cmpuint (kbc_soft_key_get_n_touch_requests (first), >=, 1);
}

static void
test_touch_wins (void)
{
  check_touch_wins (KBC_SOFT_KEY_FIDO2, KBC_SOFT_KEY_FIDO2);
  check_touch_wins (KBC_SOFT_KEY_U2F_ONLY, KBC_SOFT_KEY_FIDO2);
  check_touch_wins (KBC_SOFT_KEY_FIDO2, KBC_SOFT_KEY_U2F_ONLY);
}

/* Signing in with two keys where only one holds the credential. */
static void
test_right_key_signs (void)
{
  g_autoptr (KbcSoftKey) registered = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) other = NULL;
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) id = NULL;
  g_autoptr (GBytes) public_key = NULL;

  id = register_ok (fido, NULL, "packed", &public_key);
  other = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  authenticate_ok (fido, id, public_key);
  g_assert_cmpuint (kbc_soft_key_get_counter (registered), >, 0);
  g_assert_cmpuint (kbc_soft_key_get_counter (other), ==, 0);
}

static void
test_invalid_options (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) challenge = random_bytes (32);
  g_autoptr (GBytes) short_challenge = random_bytes (8);
  GError *error = NULL;
  JsonNode *options;
  JsonNode *response;

  /* Another relying party than the stack the app talks to. */
  options = creation_options (challenge, NULL, KBC_WEBAUTHN_COSE_ES256, "evil.example.com");
  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  json_node_unref (options);

  /* Too short a challenge. */
  options = creation_options (short_challenge, NULL, KBC_WEBAUTHN_COSE_ES256, RP_ID);
  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  json_node_unref (options);

  /* RS256 only. */
  options = creation_options (challenge, NULL, -257, RP_ID);
  response = do_register (fido, options, NULL, NULL, &error);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  json_node_unref (options);

  /* Sign-in must name the credentials. */
  options = request_options (challenge, NULL);
  response = do_authenticate (fido, options, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  json_node_unref (options);

  g_assert_cmpuint (kbc_soft_key_get_n_touch_requests (key), ==, 0);
}

/* A FIDO key's hidraw node that this user may not open: libfido2 lists
 * nothing, and KbcFido must say why. Two stand-ins for sysfs and /dev, one
 * with a keyboard only and one with a key; root may open anything, so the
 * checks run as nobody then. */
static void
write_hidraw (const char *root, const char *tree, const guint8 *descriptor, gsize len)
{
  g_autofree char *device_dir = g_build_filename (root, tree, "class", "hidraw0", "device", NULL);
  g_autofree char *dev_dir = g_build_filename (root, tree, "dev", NULL);
  g_autofree char *descriptor_path = g_build_filename (device_dir, "report_descriptor", NULL);
  g_autofree char *node = g_build_filename (dev_dir, "hidraw0", NULL);

  g_assert_cmpint (g_mkdir_with_parents (device_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (dev_dir, 0755), ==, 0);
  g_assert_true (
      g_file_set_contents (descriptor_path, (const char *) descriptor, (gssize) len, NULL));
  g_assert_true (g_file_set_contents (node, "", 0, NULL));
  /* Only root may use the node, as without the udev rules. */
  g_assert_cmpint (g_chmod (node, getuid () == 0 ? 0600 : 0000), ==, 0);
}

static void
use_hidraw_tree (const char *tree)
{
  g_autofree char *class_dir =
      g_build_filename (g_getenv ("KBC_TEST_HIDRAW_ROOT"), tree, "class", NULL);
  g_autofree char *dev_dir =
      g_build_filename (g_getenv ("KBC_TEST_HIDRAW_ROOT"), tree, "dev", NULL);

  kbc_fido_set_hidraw_paths (class_dir, dev_dir);
}

static void
test_permission_denied (void)
{
  /* Usage page 0xF1D0 (FIDO), usage 1 (CTAPHID): how a key's descriptor starts. */
  static const guint8 fido_descriptor[] = { 0x06, 0xd0, 0xf1, 0x09, 0x01, 0xa1, 0x01, 0x09, 0x20 };
  /* Generic desktop, keyboard. */
  static const guint8 keyboard[] = { 0x05, 0x01, 0x09, 0x06, 0xa1, 0x01 };
  g_autofree char *root = NULL;
  g_autofree char *remove = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr (KbcFido) fido = kbc_fido_new ();
      g_autoptr (GBytes) challenge = random_bytes (32);
      g_autoptr (JsonNode) options =
          creation_options (challenge, NULL, KBC_WEBAUTHN_COSE_ES256, RP_ID);
      g_autoptr (GPtrArray) devices = NULL;
      GError *error = NULL;
      g_autoptr (GAsyncResult) done = NULL;

      if (getuid () == 0)
        g_assert_true (setgid (65534) == 0 && setuid (65534) == 0);

      /* A keyboard this user may not open is not a reason. */
      use_hidraw_tree ("keyboard");
      g_assert_null (do_register (fido, options, NULL, NULL, &error));
      g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_NO_DEVICE);
      g_clear_error (&error);

      use_hidraw_tree ("key");
      g_assert_null (do_register (fido, options, NULL, NULL, &error));
      g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PERMISSION_DENIED);
      /* The message says how to fix it. */
      g_assert_nonnull (strstr (error->message, "70-u2f.rules"));
      g_assert_nonnull (strstr (error->message, "plugdev"));
      g_clear_error (&error);

      kbc_fido_list_devices_async (fido, NULL, kbc_test_on_done, &done);
      devices = kbc_fido_list_devices_finish (fido, kbc_test_wait_for (&done), &error);
      g_assert_null (devices);
      g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PERMISSION_DENIED);
      g_clear_error (&error);
      return;
    }

  root = g_dir_make_tmp ("kbc-fido-hidraw-XXXXXX", NULL);
  g_assert_nonnull (root);
  g_assert_cmpint (g_chmod (root, 0755), ==, 0);
  write_hidraw (root, "keyboard", keyboard, sizeof keyboard);
  write_hidraw (root, "key", fido_descriptor, sizeof fido_descriptor);
  g_setenv ("KBC_TEST_HIDRAW_ROOT", root, TRUE);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  remove = g_strdup_printf ("rm -rf '%s'", root);
  g_assert_true (g_spawn_command_line_sync (remove, NULL, NULL, NULL, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kbc_soft_key_install_provider ();

  g_test_add_func ("/kbc/fido/no-device", test_no_device);
  g_test_add_func ("/kbc/fido/list-devices", test_list_devices);
  g_test_add_func ("/kbc/fido/fido2", test_fido2);
  g_test_add_func ("/kbc/fido/u2f", test_u2f);
  g_test_add_func ("/kbc/fido/pin", test_pin);
  g_test_add_func ("/kbc/fido/no-touch", test_no_touch);
  g_test_add_func ("/kbc/fido/unplug", test_unplug);
  g_test_add_func ("/kbc/fido/cancel", test_cancel);
  g_test_add_func ("/kbc/fido/already-registered", test_already_registered);
  g_test_add_func ("/kbc/fido/not-registered", test_not_registered);
  g_test_add_func ("/kbc/fido/touch-wins", test_touch_wins);
  g_test_add_func ("/kbc/fido/right-key-signs", test_right_key_signs);
  g_test_add_func ("/kbc/fido/invalid-options", test_invalid_options);
  g_test_add_func ("/kbc/fido/permission-denied", test_permission_denied);

  return g_test_run ();
}
