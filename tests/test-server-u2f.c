/* test-server-u2f.c: what the server refuses about security keys, over real
 * HTTP against a real kbc-account-server
 *
 * The client side is the app's own: KbcFido drives libfido2, which drives the
 * software key over CTAPHID, and KbcWebauthn writes the JSON. Each refusal
 * starts from what that real client produced and changes one thing in it
 * (or, for a duplicate credential id, forges a self-attested registration
 * with OpenSSL, as a malicious authenticator would).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-fido.h"
#include "kbc-soft-key.h"
#include "kbc-tamper.h"
#include "kbc-test-db.h"
#include "kbc-test-utils.h"
#include "kbc-webauthn.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <string.h>

#define EMAIL       "grace@example.test"
#define NAME        "Grace Hopper"
#define PASSWORD    "Copper-Kettle-Morning-93"
#define WRONG_PW    "Not-The-Password-1"
#define OTHER_EMAIL "alan@example.test"
#define RP_ID       "localhost"
#define ORIGIN      "https://localhost"

typedef struct
{
  KbcTestServer *server;
  gint64 user_id;
  char *token;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  fixture->user_id = kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
  g_clear_pointer (&fixture->token, g_free);
}

/* ---- the app's side: KbcFido and the soft key ---- */

static JsonNode *
key_register_for (JsonNode *options, const char *rp_id, GError **error)
{
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GAsyncResult) done = NULL;
  JsonNode *credential;

  kbc_fido_register_async (fido, options, rp_id, NULL, NULL, kbc_test_on_done, &done);
  credential = kbc_fido_register_finish (fido, kbc_test_wait_for (&done), error);
  return credential;
}

static JsonNode *
key_register (JsonNode *options)
{
  g_autoptr (GError) error = NULL;
  JsonNode *credential = key_register_for (options, RP_ID, &error);

  g_assert_no_error (error);
  return credential;
}

static JsonNode *
key_authenticate (JsonNode *options)
{
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) done = NULL;
  JsonNode *credential;

  kbc_fido_authenticate_async (fido, options, RP_ID, NULL, NULL, kbc_test_on_done, &done);
  credential = kbc_fido_authenticate_finish (fido, kbc_test_wait_for (&done), &error);
  g_assert_no_error (error);
  return credential;
}

/* @credential whose clientDataJSON carries another (random) challenge. */
static JsonNode *
with_other_challenge (JsonNode *credential)
{
  g_autoptr (GBytes) client_data = kbc_tamper_response_bytes (credential, "clientDataJSON");
  g_autoptr (KbcWebauthnClientData) parsed = kbc_webauthn_client_data_parse (
      g_bytes_get_data (client_data, NULL), g_bytes_get_size (client_data), NULL);
  g_autofree char *old = kbc_webauthn_base64url_encode_bytes (parsed->challenge);
  guint8 raw[32];
  g_autofree char *new = NULL;

  for (guint i = 0; i < sizeof raw; i++)
    raw[i] = (guint8) g_random_int_range (0, 256);
  new = kbc_webauthn_base64url_encode (raw, sizeof raw);
  return kbc_tamper_client_data_edit (credential, old, new);
}

/* A registration whose attestation signature has one bit flipped. */
static JsonNode *
with_bad_attestation_signature (JsonNode *credential)
{
  JsonNode *copy = kbc_tamper_deep_copy (credential);
  g_autoptr (GBytes) object = kbc_tamper_response_bytes (credential, "attestationObject");
  g_autoptr (KbcWebauthnAttestation) attestation =
      kbc_webauthn_attestation_object_parse (object, NULL);
  g_autoptr (GByteArray) sig = g_byte_array_new ();
  g_autoptr (GBytes) changed = NULL;
  g_autoptr (GBytes) rebuilt = NULL;

  g_assert_nonnull (attestation);
  g_byte_array_append (sig, g_bytes_get_data (attestation->sig, NULL),
                       (guint) g_bytes_get_size (attestation->sig));
  sig->data[sig->len - 1] ^= 0x01;
  changed = g_byte_array_free_to_bytes (g_steal_pointer (&sig));
  rebuilt = kbc_webauthn_attestation_object_new (attestation->fmt, attestation->auth_data, changed,
                                                 attestation->x5c);
  kbc_tamper_set_response_bytes (copy, "attestationObject", rebuilt);
  return copy;
}

static GBytes *
credential_id_of (JsonNode *credential)
{
  return kbc_webauthn_base64url_decode (
      json_object_get_string_member (json_node_get_object (credential), "rawId"));
}

/* ---- the server's side over HTTP ---- */

static void
assert_error (KbcTestResponse *response, guint status, const char *code, const char *field)
{
  JsonObject *object;

  if (response->status != status)
    g_test_message ("unexpected answer %u: %s", response->status, response->body);
  g_assert_cmpuint (response->status, ==, status);
  object = kbc_test_response_object (response);
  g_assert_nonnull (json_object_get_string_member (object, "error"));
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (object, "exceptionId"), "exception-"));
  if (code != NULL)
    g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, code);
  if (field != NULL)
    {
      JsonArray *errors = json_object_get_array_member (object, "errors");

      g_assert_nonnull (errors);
      g_assert_cmpstr (
          json_object_get_string_member (json_array_get_object_element (errors, 0), "key"), ==,
          field);
    }
}

static gint64
db_count (Fixture *fixture, const char *sql)
{
  return kbc_test_db_int (fixture->server, sql, NULL);
}

static gint64
device_count (Fixture *fixture)
{
  return db_count (fixture, "SELECT count(*) FROM mfa_devices");
}

static KbcTestResponse *
start_as (Fixture *fixture, const char *token, const char *name, const char *password)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  if (name != NULL)
    {
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
    }
  json_builder_set_member_name (builder, "currentPassword");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  body = json_to_string (node, FALSE);

  return kbc_test_server_request (fixture->server, "POST",
                                  "/manage/current-user/mfa/u2f/registrations", token, body);
}

/* A started registration: its id and the options for the key. */
typedef struct
{
  char *id;
  JsonNode *options;
} Started;

static void
started_clear (Started *started)
{
  g_clear_pointer (&started->id, g_free);
  g_clear_pointer (&started->options, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Started, started_clear)

static void
start_ok_as (Fixture *fixture, const char *token, const char *name, Started *started)
{
  g_autoptr (KbcTestResponse) response = start_as (fixture, token, name, PASSWORD);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 201);
  object = kbc_test_response_object (response);
  started->id = g_strdup (json_object_get_string_member (object, "registrationId"));
  g_assert_nonnull (started->id);
  started->options = json_node_copy (json_object_get_member (object, "publicKey"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (started->options));
}

static void
start_ok (Fixture *fixture, const char *name, Started *started)
{
  start_ok_as (fixture, fixture->token, name, started);
}

static KbcTestResponse *
finish_as (Fixture *fixture, const char *token, const char *id, JsonNode *credential)
{
  g_autofree char *path = g_strdup_printf ("/manage/current-user/mfa/u2f/registrations/%s", id);
  g_autofree char *text = json_to_string (credential, FALSE);
  g_autofree char *body = g_strdup_printf ("{\"credential\": %s}", text);

  return kbc_test_server_request (fixture->server, "POST", path, token, body);
}

static KbcTestResponse *
finish (Fixture *fixture, const char *id, JsonNode *credential)
{
  return finish_as (fixture, fixture->token, id, credential);
}

/* Registers the plugged key(s) under @name; returns the credential id. */
static GBytes *
register_key_as (Fixture *fixture, const char *token, const char *name)
{
  g_auto (Started) started = { 0 };
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (KbcTestResponse) response = NULL;

  start_ok_as (fixture, token, name, &started);
  credential = key_register (started.options);
  response = finish_as (fixture, token, started.id, credential);
  if (response->status != 201)
    g_test_message ("registration refused: %s", response->body);
  g_assert_cmpuint (response->status, ==, 201);
  return credential_id_of (credential);
}

static GBytes *
register_key (Fixture *fixture, const char *name)
{
  return register_key_as (fixture, fixture->token, name);
}

/* The one tampering case: a fresh registration answered by the real client,
 * changed by @tamper, must be refused with @code and leave no key behind. */
static void
assert_registration_refused (Fixture *fixture,
                             JsonNode *(*tamper) (JsonNode *credential),
                             const char *code)
{
  g_auto (Started) started = { 0 };
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  g_autoptr (KbcTestResponse) again = NULL;
  gint64 before = device_count (fixture);

  start_ok (fixture, "Tampered key", &started);
  credential = key_register (started.options);
  bad = tamper != NULL ? tamper (credential) : json_node_ref (credential);
  response = finish (fixture, started.id, bad);
  assert_error (response, 400, code, "credential");
  g_assert_cmpint (device_count (fixture), ==, before);

  /* The refusal used the registration up: not even the honest answer
   * gets through now. */
  again = finish (fixture, started.id, credential);
  assert_error (again, 404, "u2fRegistrationNotFound", NULL);
}

/* ---- registration ---- */

static void
test_registration_start (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcTestResponse) wrong = start_as (fixture, fixture->token, "Key", WRONG_PW);
  g_autoptr (KbcTestResponse) nameless = start_as (fixture, fixture->token, NULL, PASSWORD);
  g_autoptr (KbcTestResponse) blank = start_as (fixture, fixture->token, "   ", PASSWORD);
  g_autoptr (KbcTestResponse) anonymous = kbc_test_server_request (
      fixture->server, "POST", "/manage/current-user/mfa/u2f/registrations", NULL,
      "{\"name\": \"Key\", \"currentPassword\": \"" PASSWORD "\"}");
  g_autoptr (GBytes) first_id = NULL;
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (GBytes) other_challenge = NULL;
  g_autoptr (KbcWebauthnCreationOptions) options = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Started) started = { 0 };
  g_auto (Started) second = { 0 };
  g_autoptr (JsonNode) refused = NULL;

  /* Re-authentication, and the fields. */
  assert_error (wrong, 400, "validationFailed", "currentPassword");
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM login_failures"), ==, 1);
  assert_error (nameless, 400, "validationFailed", "name");
  assert_error (blank, 400, "validationFailed", "name");
  assert_error (anonymous, 401, "tokenMissing", NULL);
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM webauthn_challenges"), ==, 0);

  /* The options: this server's rp id, the account, ES256, a fresh challenge. */
  start_ok (fixture, "Blue key", &started);
  options = kbc_webauthn_creation_options_parse (started.options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (options->rp_id, ==, RP_ID);
  g_assert_cmpstr (options->rp_name, ==, "Keboola");
  g_assert_cmpstr (options->user_name, ==, EMAIL);
  g_assert_cmpstr (options->user_display_name, ==, NAME);
  g_assert_cmpuint (g_bytes_get_size (options->user_id), >=, 16);
  g_assert_cmpuint (options->algorithms->len, ==, 1);
  g_assert_cmpint (g_array_index (options->algorithms, gint64, 0), ==, -7);
  g_assert_cmpuint (g_bytes_get_size (options->challenge), >=, 16);
  g_assert_cmpuint (options->exclude_credentials->len, ==, 0);
  challenge = g_bytes_ref (options->challenge);
  g_clear_pointer (&options, kbc_webauthn_creation_options_free);
  g_assert_cmpint (db_count (fixture,
                             "SELECT count(*) FROM webauthn_challenges"
                             " WHERE expires - strftime ('%s', 'now') BETWEEN 290 AND 300"),
                   ==, 1);

  {
    g_autoptr (JsonNode) credential = key_register (started.options);
    g_autoptr (KbcTestResponse) done = finish (fixture, started.id, credential);

    g_assert_cmpuint (done->status, ==, 201);
    g_assert_cmpstr (kbc_test_response_string (done, "format"), ==, "packed");
    first_id = credential_id_of (credential);
  }

  /* The next one excludes the key already there, and has its own challenge
   * and the same user handle. */
  start_ok (fixture, "Second key", &second);
  options = kbc_webauthn_creation_options_parse (second.options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (options->exclude_credentials->len, ==, 1);
  g_assert_true (g_bytes_equal (options->exclude_credentials->pdata[0], first_id));
  other_challenge = g_bytes_ref (options->challenge);
  g_assert_false (g_bytes_equal (challenge, other_challenge));

  /* …so the real client refuses to register the same key twice. */
  refused = key_register_for (second.options, RP_ID, &error);
  g_assert_null (refused);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_ALREADY_REGISTERED);
}

static void
test_registration_formats (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) fido2 = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) self_attested = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) u2f = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  g_autoptr (GBytes) a = NULL;
  g_autoptr (GBytes) b = NULL;
  g_autoptr (GBytes) c = NULL;
  g_autoptr (KbcTestResponse) list = NULL;
  g_autoptr (KbcTestResponse) state = NULL;
  JsonArray *devices;

  /* One key plugged at a time, so each registration is that key's. */
  kbc_soft_key_unplug (self_attested);
  kbc_soft_key_unplug (u2f);
  a = register_key (fixture, "Packed x5c");

  kbc_soft_key_unplug (fido2);
  kbc_soft_key_plug (self_attested);
  kbc_soft_key_set_attestation (self_attested, KBC_SOFT_KEY_ATTESTATION_SELF);
  b = register_key (fixture, "Packed self");

  kbc_soft_key_unplug (self_attested);
  kbc_soft_key_plug (u2f);
  c = register_key (fixture, "U2F only");

  list = kbc_test_server_request (fixture->server, "GET", "/manage/current-user/mfa/devices",
                                  fixture->token, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  devices = json_node_get_array (list->json);
  g_assert_cmpuint (json_array_get_length (devices), ==, 3);
  /* Newest first; U2F keys have no AAGUID. */
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (devices, 0), "name"), ==,
      "U2F only");
  g_assert_true (
      json_object_get_null_member (json_array_get_object_element (devices, 0), "aaguid"));
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (devices, 2), "aaguid"), ==,
      "6b62632d-736f-6674-2d6b-65792d763031");
  /* Each key's attestation format: a U2F-only key's is fido-u2f, a FIDO2
   * key's packed, with x5c or self-attested. */
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (devices, 0), "format"), ==,
      "fido-u2f");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (devices, 1), "format"), ==,
      "packed");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (devices, 2), "format"), ==,
      "packed");
  state = kbc_test_server_request (fixture->server, "GET", "/manage/current-user/mfa",
                                   fixture->token, NULL);
  devices = json_object_get_array_member (kbc_test_response_object (state), "devices");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (devices, 0), "format"), ==,
      "fido-u2f");
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM mfa_devices WHERE length (public_key)"
                                      " > 64 AND length (credential_id) >= 16"),
                   ==, 3);
}

static JsonNode *
tamper_origin (JsonNode *credential)
{
  return kbc_tamper_client_data_edit (credential, ORIGIN, "https://evil.example");
}

static JsonNode *
tamper_type (JsonNode *credential)
{
  return kbc_tamper_client_data_edit (credential, "webauthn.create", "webauthn.get");
}

static void
test_registration_tampered (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);

  assert_registration_refused (fixture, with_bad_attestation_signature, "u2fBadAttestation");
  assert_registration_refused (fixture, with_other_challenge, "u2fChallengeMismatch");
  assert_registration_refused (fixture, tamper_origin, "u2fOriginMismatch");
  assert_registration_refused (fixture, tamper_type, "u2fWrongType");

  /* No user presence: a key that signs without a touch. */
  kbc_soft_key_set_user_present_flag (key, FALSE);
  assert_registration_refused (fixture, NULL, "u2fUserNotPresent");
  kbc_soft_key_set_user_present_flag (key, TRUE);

  g_assert_cmpint (device_count (fixture), ==, 0);
}

/* A phishing page at another host relays the server's options to the key
 * under its own rp id and claims the right origin: the rp id hash the key
 * signed gives it away. */
static void
test_registration_wrong_rp_id (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_auto (Started) started = { 0 };
  g_autoptr (JsonNode) relayed = NULL;
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  start_ok (fixture, "Phished key", &started);
  relayed = kbc_tamper_deep_copy (started.options);
  json_object_set_string_member (
      json_object_get_object_member (json_node_get_object (relayed), "rp"), "id", "evil.example");
  credential = key_register_for (relayed, "evil.example", &error);
  g_assert_no_error (error);
  bad = kbc_tamper_client_data_edit (credential, "https://evil.example", ORIGIN);

  response = finish (fixture, started.id, bad);
  assert_error (response, 400, "u2fRpIdMismatch", "credential");
  g_assert_cmpint (device_count (fixture), ==, 0);
}

static void
test_registration_replayed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_auto (Started) started = { 0 };
  g_auto (Started) fresh = { 0 };
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (KbcTestResponse) first = NULL;
  g_autoptr (KbcTestResponse) replayed = NULL;
  g_autoptr (KbcTestResponse) elsewhere = NULL;
  g_autoptr (KbcTestResponse) unknown = NULL;
  g_autoptr (KbcTestResponse) not_a_number = NULL;

  start_ok (fixture, "Key", &started);
  credential = key_register (started.options);
  first = finish (fixture, started.id, credential);
  g_assert_cmpuint (first->status, ==, 201);

  /* The same answer again: its registration is gone. */
  replayed = finish (fixture, started.id, credential);
  assert_error (replayed, 404, "u2fRegistrationNotFound", NULL);

  /* The old answer to a new registration: another challenge. */
  start_ok (fixture, "Key", &fresh);
  elsewhere = finish (fixture, fresh.id, credential);
  assert_error (elsewhere, 400, "u2fChallengeMismatch", "credential");

  unknown = finish (fixture, "999999", credential);
  assert_error (unknown, 404, "u2fRegistrationNotFound", NULL);
  not_a_number = finish (fixture, "abc", credential);
  assert_error (not_a_number, 404, "u2fRegistrationNotFound", NULL);

  g_assert_cmpint (device_count (fixture), ==, 1);
}

/* A registration belongs to the session that started it. */
static void
test_registration_other_session (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autofree char *other_session = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_auto (Started) started = { 0 };
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (KbcTestResponse) stolen = NULL;
  g_autoptr (KbcTestResponse) own = NULL;
  g_autoptr (KbcTestResponse) revoked = NULL;

  start_ok (fixture, "Key", &started);
  credential = key_register (started.options);
  stolen = finish_as (fixture, other_session, started.id, credential);
  assert_error (stolen, 404, "u2fRegistrationNotFound", NULL);

  /* The owner's own finish still works, and the new factor ends the other
   * session. */
  own = finish (fixture, started.id, credential);
  g_assert_cmpuint (own->status, ==, 201);
  revoked = kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", other_session,
                                     NULL);
  g_assert_cmpuint (revoked->status, ==, 401);
}

static void
test_registration_expired (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_auto (Started) started = { 0 };
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (KbcTestResponse) late = NULL;
  g_autoptr (KbcTestResponse) again = NULL;
  g_autofree char *out = NULL;

  start_ok (fixture, "Key", &started);
  credential = key_register (started.options);
  out =
      kbc_test_server_admin (fixture->server, NULL, "challenge", "expire", "--email", EMAIL, NULL);
  g_assert_cmpint (g_ascii_strtoll (out, NULL, 10), ==, fixture->user_id);

  late = finish (fixture, started.id, credential);
  assert_error (late, 400, "u2fChallengeExpired", NULL);
  again = finish (fixture, started.id, credential);
  assert_error (again, 404, "u2fRegistrationNotFound", NULL);
  g_assert_cmpint (device_count (fixture), ==, 0);
}

/* What a malicious authenticator could send: a valid, self-attested
 * registration for the server's challenge that claims @credential_id. */
static JsonNode *
forge_registration (JsonNode *options_node, GBytes *credential_id)
{
  g_autoptr (KbcWebauthnCreationOptions) options =
      kbc_webauthn_creation_options_parse (options_node, NULL);
  g_autoptr (GByteArray) auth_data = g_byte_array_new ();
  g_autoptr (GByteArray) signed_data = g_byte_array_new ();
  g_autoptr (GBytes) auth_bytes = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) object = NULL;
  g_autofree char *client_data = NULL;
  g_autofree guint8 *der = NULL;
  EVP_PKEY *pkey = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  guint8 rp_hash[32];
  guint8 client_hash[32];
  guint8 point[65];
  guint8 aaguid[16] = { 0 };
  guint8 flags = KBC_WEBAUTHN_FLAG_UP | KBC_WEBAUTHN_FLAG_AT;
  guint8 counter[4] = { 0 };
  guint8 id_len[2];
  const guint8 cose_head[] = { 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20 };
  const guint8 cose_y[] = { 0x22, 0x58, 0x20 };
  size_t point_len = 0;
  size_t der_len = 0;

  g_assert_nonnull (options);
  g_assert_nonnull (pkey);
  g_assert_cmpint (EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
                                                    sizeof point, &point_len),
                   ==, 1);
  g_assert_cmpuint (point_len, ==, 65);

  kbc_webauthn_sha256 (RP_ID, strlen (RP_ID), rp_hash);
  id_len[0] = g_bytes_get_size (credential_id) >> 8;
  id_len[1] = g_bytes_get_size (credential_id) & 0xff;
  g_byte_array_append (auth_data, rp_hash, sizeof rp_hash);
  g_byte_array_append (auth_data, &flags, 1);
  g_byte_array_append (auth_data, counter, sizeof counter);
  g_byte_array_append (auth_data, aaguid, sizeof aaguid);
  g_byte_array_append (auth_data, id_len, sizeof id_len);
  g_byte_array_append (auth_data, g_bytes_get_data (credential_id, NULL),
                       g_bytes_get_size (credential_id));
  g_byte_array_append (auth_data, cose_head, sizeof cose_head);
  g_byte_array_append (auth_data, point + 1, 32);
  g_byte_array_append (auth_data, cose_y, sizeof cose_y);
  g_byte_array_append (auth_data, point + 33, 32);

  client_data = kbc_webauthn_client_data_new (KBC_WEBAUTHN_CREATE, options->challenge, ORIGIN);
  kbc_webauthn_sha256 (client_data, strlen (client_data), client_hash);
  g_byte_array_append (signed_data, auth_data->data, auth_data->len);
  g_byte_array_append (signed_data, client_hash, sizeof client_hash);

  g_assert_cmpint (EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, pkey), ==, 1);
  g_assert_cmpint (EVP_DigestSign (ctx, NULL, &der_len, signed_data->data, signed_data->len), ==,
                   1);
  der = g_malloc (der_len);
  g_assert_cmpint (EVP_DigestSign (ctx, der, &der_len, signed_data->data, signed_data->len), ==, 1);
  EVP_MD_CTX_free (ctx);
  EVP_PKEY_free (pkey);

  auth_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&auth_data));
  sig = g_bytes_new (der, der_len);
  object = kbc_webauthn_attestation_object_new ("packed", auth_bytes, sig, NULL);
  return kbc_webauthn_registration_response_new (credential_id, client_data, object, auth_bytes);
}

static void
test_registration_already_registered (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) mine = register_key (fixture, "Mine");
  g_autofree char *other_token = NULL;
  g_autoptr (GBytes) fresh_id = g_bytes_new_static ("a credential id nobody has yet", 30);
  g_auto (Started) same_user = { 0 };
  g_auto (Started) other_user = { 0 };
  g_auto (Started) control = { 0 };
  g_autoptr (JsonNode) forged = NULL;
  g_autoptr (JsonNode) forged_other = NULL;
  g_autoptr (JsonNode) honest_forgery = NULL;
  g_autoptr (KbcTestResponse) duplicate = NULL;
  g_autoptr (KbcTestResponse) stolen = NULL;
  g_autoptr (KbcTestResponse) accepted = NULL;

  kbc_test_server_add_user (fixture->server, OTHER_EMAIL, "Alan Turing", PASSWORD);
  other_token = kbc_test_server_login (fixture->server, OTHER_EMAIL, PASSWORD);

  /* The forging works: with an id nobody has, the server takes it. */
  start_ok (fixture, "Forged but new", &control);
  honest_forgery = forge_registration (control.options, fresh_id);
  accepted = finish (fixture, control.id, honest_forgery);
  g_assert_cmpuint (accepted->status, ==, 201);

  /* The same credential id again, for this account or another one. */
  start_ok (fixture, "Again", &same_user);
  forged = forge_registration (same_user.options, mine);
  duplicate = finish (fixture, same_user.id, forged);
  assert_error (duplicate, 409, "u2fDeviceAlreadyRegistered", "credential");

  start_ok_as (fixture, other_token, "Not mine", &other_user);
  forged_other = forge_registration (other_user.options, mine);
  stolen = finish_as (fixture, other_token, other_user.id, forged_other);
  assert_error (stolen, 409, "u2fDeviceAlreadyRegistered", "credential");

  g_assert_cmpint (device_count (fixture), ==, 2);
}

/* ---- sign-in ---- */

static KbcTestResponse *
post_login (Fixture *fixture)
{
  return kbc_test_server_request (fixture->server, "POST", "/manage/auth/login", NULL,
                                  "{\"email\": \"" EMAIL "\", \"password\": \"" PASSWORD "\"}");
}

typedef struct
{
  char *ticket;
  JsonNode *options; /* the "u2f" member */
} SignIn;

static void
sign_in_clear (SignIn *sign_in)
{
  g_clear_pointer (&sign_in->ticket, g_free);
  g_clear_pointer (&sign_in->options, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SignIn, sign_in_clear)

static void
sign_in_start (Fixture *fixture, SignIn *sign_in)
{
  g_autoptr (KbcTestResponse) response = post_login (fixture);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 200);
  object = kbc_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "mfa-required");
  sign_in->ticket = g_strdup (json_object_get_string_member (object, "loginTicket"));
  g_assert_true (json_object_has_member (object, "u2f"));
  sign_in->options = json_node_copy (json_object_get_member (object, "u2f"));
}

static KbcTestResponse *
post_assertion (Fixture *fixture, const char *ticket, JsonNode *credential)
{
  g_autofree char *text = json_to_string (credential, FALSE);
  g_autofree char *body = g_strdup_printf (
      "{\"loginTicket\": \"%s\", \"method\": \"u2f\", \"credential\": %s}", ticket, text);

  return kbc_test_server_request (fixture->server, "POST", "/manage/auth/login/mfa", NULL, body);
}

/* A refused answer: 401, its code, @remaining attempts left, and (while
 * some are left) fresh options with a new challenge. Takes them over. */
static void
assert_sign_in_refused (KbcTestResponse *response, const char *code, int remaining, SignIn *sign_in)
{
  JsonObject *object;
  g_autoptr (KbcWebauthnRequestOptions) old = NULL;
  g_autoptr (KbcWebauthnRequestOptions) fresh = NULL;

  assert_error (response, 401, code, "credential");
  object = kbc_test_response_object (response);
  g_assert_cmpint (json_object_get_int_member (object, "remainingAttempts"), ==, remaining);
  if (remaining == 0)
    {
      g_assert_false (json_object_has_member (object, "u2f"));
      return;
    }

  old = kbc_webauthn_request_options_parse (sign_in->options, NULL);
  fresh = kbc_webauthn_request_options_parse (json_object_get_member (object, "u2f"), NULL);
  g_assert_nonnull (fresh);
  g_assert_false (g_bytes_equal (old->challenge, fresh->challenge));
  g_clear_pointer (&sign_in->options, json_node_unref);
  sign_in->options = json_node_copy (json_object_get_member (object, "u2f"));
}

static gint64
sign_count (Fixture *fixture)
{
  return db_count (fixture, "SELECT sum (sign_count) FROM mfa_devices");
}

static void
test_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) credential_id = register_key (fixture, "Key");
  g_autoptr (KbcTestResponse) login = post_login (fixture);
  g_autoptr (KbcWebauthnRequestOptions) options = NULL;
  g_autoptr (JsonNode) assertion = NULL;
  g_autoptr (KbcTestResponse) signed_in = NULL;
  g_autoptr (KbcTestResponse) devices = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *object = kbc_test_response_object (login);
  JsonArray *methods;
  gint64 count_before = sign_count (fixture);

  /* The key is the first method, with its options. */
  g_assert_cmpuint (login->status, ==, 200);
  methods = json_object_get_array_member (object, "methods");
  g_assert_cmpuint (json_array_get_length (methods), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (methods, 0), ==, "u2f");
  g_assert_cmpstr (json_array_get_string_element (methods, 1), ==, "recovery");
  options = kbc_webauthn_request_options_parse (json_object_get_member (object, "u2f"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (options->rp_id, ==, RP_ID);
  g_assert_cmpuint (g_bytes_get_size (options->challenge), >=, 16);
  g_assert_cmpuint (options->allow_credentials->len, ==, 1);
  g_assert_true (g_bytes_equal (options->allow_credentials->pdata[0], credential_id));
  g_assert_cmpstr (options->user_verification, ==, "discouraged");

  assertion = key_authenticate (json_object_get_member (object, "u2f"));
  signed_in =
      post_assertion (fixture, json_object_get_string_member (object, "loginTicket"), assertion);
  g_assert_cmpuint (signed_in->status, ==, 201);
  g_assert_cmpstr (kbc_test_response_string (signed_in, "type"), ==, "admin");
  g_assert_true (
      json_object_get_boolean_member (kbc_test_response_object (signed_in), "isSessionToken"));
  g_assert_nonnull (kbc_test_response_string (signed_in, "token"));

  /* The counter and the last use were kept. */
  g_assert_cmpint (sign_count (fixture), >, count_before);
  g_assert_cmpint (sign_count (fixture), ==, kbc_soft_key_get_counter (key));
  devices = kbc_test_server_request (fixture->server, "GET", "/manage/current-user/mfa/devices",
                                     fixture->token, NULL);
  g_assert_nonnull (json_object_get_string_member (
      json_array_get_object_element (json_node_get_array (devices->json), 0), "lastUsed"));
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM login_failures"), ==, 0);
}

static JsonNode *
tamper_signature (JsonNode *credential)
{
  return kbc_tamper_flip_byte (credential, "signature", -1);
}

static JsonNode *
tamper_assertion_origin (JsonNode *credential)
{
  return kbc_tamper_client_data_edit (credential, ORIGIN, "https://evil.example");
}

/* What a phishing page at evil.example gets from the key for this
 * server's challenge (in @options) and passes on as an answer for the
 * registered credential @claimed_id, with this server's origin: the key
 * signed evil.example's rp id hash. */
static JsonNode *
relayed_assertion (JsonNode *options, GBytes *claimed_id)
{
  g_autoptr (KbcWebauthnCreationOptions) creation = kbc_webauthn_creation_options_new ();
  g_autoptr (JsonNode) creation_json = NULL;
  g_autoptr (JsonNode) made = NULL;
  g_autoptr (JsonNode) relayed = kbc_tamper_deep_copy (options);
  g_autoptr (JsonNode) assertion = NULL;
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GBytes) evil_id = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *evil_text = NULL;
  g_autofree char *claimed_text = kbc_webauthn_base64url_encode_bytes (claimed_id);
  JsonArray *allow = json_array_new ();
  JsonObject *descriptor = json_object_new ();
  g_autoptr (GAsyncResult) done = NULL;
  gint64 es256 = KBC_WEBAUTHN_COSE_ES256;
  JsonNode *bad;

  /* The key's credential for evil.example, made when the victim "signed up". */
  creation->rp_id = g_strdup ("evil.example");
  creation->rp_name = g_strdup ("Evil");
  creation->user_id = g_bytes_new_static ("user", 4);
  creation->user_name = g_strdup (EMAIL);
  creation->user_display_name = g_strdup (NAME);
  creation->challenge = g_bytes_new_static ("0123456789abcdef", 16);
  g_array_append_val (creation->algorithms, es256);
  creation_json = kbc_webauthn_creation_options_to_json (creation);
  made = key_register_for (creation_json, "evil.example", &error);
  g_assert_no_error (error);
  evil_id = credential_id_of (made);

  evil_text = kbc_webauthn_base64url_encode_bytes (evil_id);
  json_object_set_string_member (descriptor, "type", "public-key");
  json_object_set_string_member (descriptor, "id", evil_text);
  json_array_add_object_element (allow, descriptor);
  json_object_set_string_member (json_node_get_object (relayed), "rpId", "evil.example");
  json_object_set_array_member (json_node_get_object (relayed), "allowCredentials", allow);

  kbc_fido_authenticate_async (fido, relayed, "evil.example", NULL, NULL, kbc_test_on_done, &done);
  assertion = kbc_fido_authenticate_finish (fido, kbc_test_wait_for (&done), &error);
  g_assert_no_error (error);

  bad = kbc_tamper_client_data_edit (assertion, "https://evil.example", ORIGIN);
  json_object_set_string_member (json_node_get_object (bad), "id", claimed_text);
  json_object_set_string_member (json_node_get_object (bad), "rawId", claimed_text);
  return bad;
}

static void
test_sign_in_tampered (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) credential_id = register_key (fixture, "Key");
  g_auto (SignIn) sign_in = { 0 };
  static const struct
  {
    JsonNode *(*tamper) (JsonNode *credential);
    const char *code;
  } cases[] = {
    { tamper_signature, "u2fBadSignature" },
    { with_other_challenge, "u2fChallengeMismatch" },
    { tamper_assertion_origin, "u2fOriginMismatch" },
    { NULL, "u2fUserNotPresent" },
  };
  gint64 count_before = sign_count (fixture);
  g_autoptr (JsonNode) last = NULL;
  g_autoptr (KbcTestResponse) fifth = NULL;
  g_autoptr (KbcTestResponse) dead = NULL;

  sign_in_start (fixture, &sign_in);

  /* Each answer comes from the real client with the latest options, then
   * one thing in it is changed; each costs one of the ticket's 5 attempts
   * and counts toward the account's sign-in limit. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) assertion = NULL;
      g_autoptr (JsonNode) bad = NULL;
      g_autoptr (KbcTestResponse) response = NULL;

      kbc_soft_key_set_user_present_flag (key, cases[i].tamper != NULL);
      assertion = key_authenticate (sign_in.options);
      bad = cases[i].tamper != NULL ? cases[i].tamper (assertion) : json_node_ref (assertion);
      response = post_assertion (fixture, sign_in.ticket, bad);
      assert_sign_in_refused (response, cases[i].code, 4 - (int) i, &sign_in);
    }
  kbc_soft_key_set_user_present_flag (key, TRUE);
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM login_failures"), ==, 4);
  g_assert_cmpint (sign_count (fixture), ==, count_before);

  /* The fifth: an answer the key gave another relying party (the phishing
   * relay again). Then the ticket is spent: even a good answer cannot use
   * it. */
  {
    g_autoptr (JsonNode) bad = relayed_assertion (sign_in.options, credential_id);

    fifth = post_assertion (fixture, sign_in.ticket, bad);
    assert_sign_in_refused (fifth, "u2fRpIdMismatch", 0, &sign_in);
    last = key_authenticate (sign_in.options);
  }
  dead = post_assertion (fixture, sign_in.ticket, last);
  assert_error (dead, 401, "loginTicketInvalid", NULL);
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM login_failures"), ==, 5);
}

static void
test_sign_in_replayed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) credential_id = register_key (fixture, "Key");
  g_auto (SignIn) first = { 0 };
  g_auto (SignIn) second = { 0 };
  g_auto (SignIn) third = { 0 };
  g_autoptr (JsonNode) assertion = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autoptr (KbcTestResponse) ok = NULL;
  g_autoptr (KbcTestResponse) again = NULL;
  g_autoptr (KbcTestResponse) elsewhere = NULL;
  g_autoptr (KbcTestResponse) refused = NULL;
  g_autoptr (KbcTestResponse) honest_but_late = NULL;
  g_autoptr (KbcTestResponse) expired = NULL;
  g_autofree char *out = NULL;

  sign_in_start (fixture, &first);
  assertion = key_authenticate (first.options);
  ok = post_assertion (fixture, first.ticket, assertion);
  g_assert_cmpuint (ok->status, ==, 201);

  /* The same answer again: the ticket is gone. */
  again = post_assertion (fixture, first.ticket, assertion);
  assert_error (again, 401, "loginTicketInvalid", NULL);

  /* The same answer for a new sign-in: another challenge. */
  sign_in_start (fixture, &second);
  elsewhere = post_assertion (fixture, second.ticket, assertion);
  assert_sign_in_refused (elsewhere, "u2fChallengeMismatch", 4, &second);

  /* A challenge serves one answer: after a refused one, the honest answer
   * to the same challenge is refused too. */
  g_clear_pointer (&assertion, json_node_unref);
  sign_in_start (fixture, &third);
  assertion = key_authenticate (third.options);
  bad = tamper_signature (assertion);
  refused = post_assertion (fixture, third.ticket, bad);
  assert_sign_in_refused (refused, "u2fBadSignature", 4, &third);
  honest_but_late = post_assertion (fixture, third.ticket, assertion);
  assert_sign_in_refused (honest_but_late, "u2fChallengeMismatch", 3, &third);

  /* An expired sign-in. */
  g_clear_pointer (&assertion, json_node_unref);
  assertion = key_authenticate (third.options);
  out = kbc_test_server_admin (fixture->server, NULL, "login-ticket", "expire", "--email", EMAIL,
                               NULL);
  expired = post_assertion (fixture, third.ticket, assertion);
  assert_error (expired, 401, "loginTicketInvalid", NULL);
}

static void
test_sign_in_cloned (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) credential_id = register_key (fixture, "Key");
  g_autoptr (KbcSoftKey) clone = kbc_soft_key_clone (key);
  g_auto (SignIn) honest = { 0 };
  g_auto (SignIn) cloned = { 0 };
  g_autoptr (JsonNode) assertion = NULL;
  g_autoptr (JsonNode) cloned_assertion = NULL;
  g_autoptr (JsonNode) later = NULL;
  g_autoptr (KbcTestResponse) ok = NULL;
  g_autoptr (KbcTestResponse) refused = NULL;
  g_autoptr (KbcTestResponse) still_ok = NULL;
  gint64 stored;

  /* The owner signs in while the copy is away… */
  kbc_soft_key_unplug (clone);
  sign_in_start (fixture, &honest);
  assertion = key_authenticate (honest.options);
  ok = post_assertion (fixture, honest.ticket, assertion);
  g_assert_cmpuint (ok->status, ==, 201);
  stored = sign_count (fixture);
  g_assert_cmpint (stored, ==, kbc_soft_key_get_counter (key));

  /* …then the copy, whose counter is behind. */
  kbc_soft_key_plug (clone);
  kbc_soft_key_unplug (key);
  sign_in_start (fixture, &cloned);
  cloned_assertion = key_authenticate (cloned.options);
  g_assert_cmpuint (kbc_soft_key_get_counter (clone), <=, stored);
  refused = post_assertion (fixture, cloned.ticket, cloned_assertion);
  assert_sign_in_refused (refused, "u2fCounterNotIncreased", 4, &cloned);
  g_assert_cmpint (sign_count (fixture), ==, stored);
  g_assert_cmpint (
      db_count (fixture, "SELECT count(*) FROM security_events WHERE type = 'u2f-cloned-key'"), ==,
      1);

  /* The owner's key still works, with the fresh options. */
  kbc_soft_key_unplug (clone);
  kbc_soft_key_plug (key);
  later = key_authenticate (cloned.options);
  still_ok = post_assertion (fixture, cloned.ticket, later);
  g_assert_cmpuint (still_ok->status, ==, 201);
}

/* A key registered to another account signs the challenge: refused. */
static void
test_sign_in_not_registered (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) mine = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) theirs = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) my_id = NULL;
  g_autoptr (GBytes) their_id = NULL;
  g_autofree char *other_token = NULL;
  g_autofree char *their_text = NULL;
  g_auto (SignIn) sign_in = { 0 };
  g_autoptr (JsonNode) options = NULL;
  g_autoptr (JsonNode) assertion = NULL;
  g_autoptr (KbcTestResponse) refused = NULL;
  g_autoptr (KbcTestResponse) no_method = NULL;
  JsonArray *allow = json_array_new ();
  JsonObject *descriptor = json_object_new ();

  kbc_soft_key_unplug (theirs);
  my_id = register_key (fixture, "Mine");

  kbc_test_server_add_user (fixture->server, OTHER_EMAIL, "Alan Turing", PASSWORD);
  other_token = kbc_test_server_login (fixture->server, OTHER_EMAIL, PASSWORD);
  kbc_soft_key_unplug (mine);
  kbc_soft_key_plug (theirs);
  their_id = register_key_as (fixture, other_token, "Theirs");

  /* The other account's key answers this sign-in's challenge. */
  sign_in_start (fixture, &sign_in);
  options = kbc_tamper_deep_copy (sign_in.options);
  their_text = kbc_webauthn_base64url_encode_bytes (their_id);
  json_object_set_string_member (descriptor, "type", "public-key");
  json_object_set_string_member (descriptor, "id", their_text);
  json_array_add_object_element (allow, descriptor);
  json_object_set_array_member (json_node_get_object (options), "allowCredentials", allow);
  assertion = key_authenticate (options);
  refused = post_assertion (fixture, sign_in.ticket, assertion);
  assert_sign_in_refused (refused, "u2fKeyNotRegistered", 4, &sign_in);

  /* Without any key, "u2f" is not a method of the account. */
  {
    g_autoptr (KbcTestResponse) removed = NULL;
    g_autoptr (KbcTestResponse) login = NULL;
    g_autofree char *path = NULL;
    gint64 device_id = db_count (fixture, "SELECT min (id) FROM mfa_devices");

    path = g_strdup_printf ("/manage/current-user/mfa/devices/%" G_GINT64_FORMAT, device_id);
    removed = kbc_test_server_request (fixture->server, "DELETE", path, fixture->token,
                                       "{\"currentPassword\": \"" PASSWORD "\"}");
    g_assert_cmpuint (removed->status, ==, 204);
    login = post_login (fixture);
    g_assert_cmpuint (login->status, ==, 201);
  }
  no_method = post_assertion (fixture, sign_in.ticket, assertion);
  assert_error (no_method, 400, "mfaMethodNotAvailable", NULL);
}

/* mfaEnabled of the token verification, which reads it with the token. */
static gboolean
verify_says_mfa (Fixture *fixture)
{
  g_autoptr (KbcTestResponse) who = kbc_test_server_request (
      fixture->server, "GET", "/manage/tokens/verify", fixture->token, NULL);
  JsonObject *user;

  g_assert_cmpuint (who->status, ==, 200);
  user = json_object_get_object_member (kbc_test_response_object (who), "user");
  return json_object_get_boolean_member (user, "mfaEnabled");
}

/* DELETE …/mfa turns everything off, keys included. */
static void
test_disable_all (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GBytes) id = register_key (fixture, "Key");
  g_autoptr (KbcTestResponse) state = NULL;
  g_autoptr (KbcTestResponse) disabled = NULL;
  g_autoptr (KbcTestResponse) after = NULL;
  g_autoptr (KbcTestResponse) login = NULL;

  state = kbc_test_server_request (fixture->server, "GET", "/manage/current-user/mfa",
                                   fixture->token, NULL);
  g_assert_true (json_object_get_boolean_member (kbc_test_response_object (state), "enabled"));
  /* A key alone is a second factor. */
  g_assert_true (verify_says_mfa (fixture));

  disabled = kbc_test_server_request (fixture->server, "DELETE", "/manage/current-user/mfa",
                                      fixture->token, "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (disabled->status, ==, 204);
  after = kbc_test_server_request (fixture->server, "GET", "/manage/current-user/mfa",
                                   fixture->token, NULL);
  g_assert_false (json_object_get_boolean_member (kbc_test_response_object (after), "enabled"));
  g_assert_cmpint (device_count (fixture), ==, 0);
  g_assert_false (verify_says_mfa (fixture));
  login = post_login (fixture);
  g_assert_cmpuint (login->status, ==, 201);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  kbc_soft_key_install_provider ();

#define ADD(path, func) \
  g_test_add ("/kbc/server-u2f/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  /* Two groups, run as two meson tests (-p) so that each stays short. */
  ADD ("registration/start", test_registration_start);
  ADD ("registration/formats", test_registration_formats);
  ADD ("registration/tampered", test_registration_tampered);
  ADD ("registration/wrong-rp-id", test_registration_wrong_rp_id);
  ADD ("registration/replayed", test_registration_replayed);
  ADD ("registration/other-session", test_registration_other_session);
  ADD ("registration/expired", test_registration_expired);
  ADD ("registration/already-registered", test_registration_already_registered);
  ADD ("sign-in/good", test_sign_in);
  ADD ("sign-in/tampered", test_sign_in_tampered);
  ADD ("sign-in/replayed", test_sign_in_replayed);
  ADD ("sign-in/cloned", test_sign_in_cloned);
  ADD ("sign-in/not-registered", test_sign_in_not_registered);
  ADD ("sign-in/disable-all", test_disable_all);

#undef ADD

  return g_test_run ();
}
