/* test-u2f-e2e.c: security keys end to end through the app's KbcAccount
 *
 * The real kbc-account-server over HTTP; on this side KbcAccount, KbcClient,
 * KbcFido and KbcWebauthn as the app uses them, with libfido2 talking
 * CTAPHID to the software key. Nothing here builds a request by hand except
 * the read of GET /manage/current-user/mfa, which the app's MFA group makes
 * through the same KbcClient.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-account.h"
#include "kbc-error.h"
#include "kbc-soft-key.h"
#include "kbc-test-utils.h"

#include <string.h>

#define EMAIL    "katherine@example.test"
#define NAME     "Katherine Johnson"
#define PASSWORD "Orbit-Slide-Rule-Comet-62"
#define WRONG_PW "Not-The-Password-1"
#define PIN      "4826"

/* The AAGUID of a FIDO2 soft key, "kbc-soft-key-v01" in ASCII. */
#define SOFT_KEY_AAGUID "6b62632d-736f-6674-2d6b-65792d763031"

typedef struct
{
  KbcTestServer *server;
  KbcAccount *account;
} Fixture;

static int
login (Fixture *fixture, const char *password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_login_async (fixture->account, EMAIL, password, NULL, kbc_test_on_done, &result);
  return kbc_account_login_finish (fixture->account, kbc_test_wait_for (&result), error);
}

static void
logout (Fixture *fixture)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  kbc_account_logout_async (fixture->account, NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_account_logout_finish (fixture->account, kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_false (kbc_account_get_signed_in (fixture->account));
}

static JsonNode *
register_key (Fixture *fixture,
              const char *name,
              const char *password,
              const char *pin,
              GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_register_key_async (fixture->account, name, password, pin, NULL, kbc_test_on_done,
                                  &result);
  return kbc_account_register_key_finish (fixture->account, kbc_test_wait_for (&result), error);
}

static gboolean
login_key (Fixture *fixture, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_login_key_async (fixture->account, NULL, NULL, kbc_test_on_done, &result);
  return kbc_account_login_key_finish (fixture->account, kbc_test_wait_for (&result), error);
}

static JsonNode *
list_keys (Fixture *fixture)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *list;

  kbc_account_list_keys_async (fixture->account, NULL, kbc_test_on_done, &result);
  list = kbc_account_list_keys_finish (fixture->account, kbc_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (list));
  return list;
}

static gboolean
remove_key (Fixture *fixture, gint64 id, const char *password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_remove_key_async (fixture->account, id, password, NULL, kbc_test_on_done, &result);
  return kbc_account_remove_key_finish (fixture->account, kbc_test_wait_for (&result), error);
}

/* GET /manage/current-user/mfa through the account's client, as the app's
 * MFA group reads it. */
static JsonObject *
mfa_state (Fixture *fixture)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  KbcClient *client = kbc_account_get_client (fixture->account);

  kbc_client_request_async (client, "GET", "/manage/current-user/mfa", NULL, NULL, kbc_test_on_done,
                            &result);
  node = kbc_client_request_finish (client, kbc_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static guint
device_count (JsonObject *state)
{
  return json_array_get_length (json_object_get_array_member (state, "devices"));
}

static void
sign_in_with_password (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (login (fixture, PASSWORD, &error), ==, KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);
}

/* Password first, then the key: the account's u2f step. */
static void
sign_in_with_key (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  const char *const *methods;

  g_assert_cmpint (login (fixture, PASSWORD, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  g_assert_no_error (error);
  g_assert_false (kbc_account_get_signed_in (fixture->account));
  methods = kbc_account_get_mfa_methods (fixture->account);
  g_assert_nonnull (methods);
  g_assert_cmpstr (methods[0], ==, "u2f");
  g_assert_nonnull (kbc_account_get_u2f_options (fixture->account));

  g_assert_true (login_key (fixture, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_account_get_signed_in (fixture->account));
  g_assert_true (kbc_account_get_mfa_enabled (fixture->account));
  g_assert_null (kbc_account_get_u2f_options (fixture->account));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->account = kbc_account_new (kbc_test_server_get_url (fixture->server), &error);
  g_assert_no_error (error);
  sign_in_with_password (fixture);
  g_assert_false (kbc_account_get_mfa_enabled (fixture->account));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_assert_finalize_object (fixture->account);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* ---- tests ---- */

static void
test_register_and_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) fido2 = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) u2f = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  g_autoptr (JsonNode) first = NULL;
  g_autoptr (JsonNode) second = NULL;
  g_autoptr (JsonNode) renamed = NULL;
  g_autoptr (JsonNode) keys = NULL;
  g_autoptr (JsonObject) state = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *device;
  gint64 first_id;
  gint64 second_id;

  /* A FIDO2 key (packed attestation). */
  kbc_soft_key_unplug (u2f);
  first = register_key (fixture, "Blue key", PASSWORD, NULL, &error);
  g_assert_no_error (error);
  device = json_node_get_object (first);
  g_assert_cmpstr (json_object_get_string_member (device, "message"), ==,
                   "The new u2f device \"Blue key\" was added.");
  g_assert_cmpstr (json_object_get_string_member (device, "name"), ==, "Blue key");
  g_assert_cmpstr (json_object_get_string_member (device, "type"), ==, "u2f");
  g_assert_cmpstr (json_object_get_string_member (device, "aaguid"), ==, SOFT_KEY_AAGUID);
  g_assert_nonnull (json_object_get_string_member (device, "created"));
  g_assert_true (json_object_get_null_member (device, "lastUsed"));
  first_id = json_object_get_int_member (device, "id");
  g_assert_true (kbc_account_get_mfa_enabled (fixture->account));

  state = mfa_state (fixture);
  g_assert_true (json_object_get_boolean_member (state, "enabled"));
  g_assert_cmpuint (device_count (state), ==, 1);
  g_clear_pointer (&state, json_object_unref);

  /* A U2F-only key (fido-u2f attestation). */
  kbc_soft_key_unplug (fido2);
  kbc_soft_key_plug (u2f);
  second = register_key (fixture, "Old key", PASSWORD, NULL, &error);
  g_assert_no_error (error);
  device = json_node_get_object (second);
  g_assert_cmpstr (json_object_get_string_member (device, "message"), ==,
                   "The new u2f device \"Old key\" was added.");
  g_assert_true (json_object_get_null_member (device, "aaguid"));
  second_id = json_object_get_int_member (device, "id");

  state = mfa_state (fixture);
  g_assert_true (json_object_get_boolean_member (state, "enabled"));
  g_assert_cmpuint (device_count (state), ==, 2);
  g_clear_pointer (&state, json_object_unref);

  /* Sign out; sign in with each key. */
  logout (fixture);
  sign_in_with_key (fixture);
  logout (fixture);
  kbc_soft_key_unplug (u2f);
  kbc_soft_key_plug (fido2);
  sign_in_with_key (fixture);

  /* Both have been used now. */
  keys = list_keys (fixture);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (keys)), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_nonnull (json_object_get_string_member (
        json_array_get_object_element (json_node_get_array (keys), i), "lastUsed"));

  /* Rename. */
  kbc_account_rename_key_async (fixture->account, first_id, "Blue key (desk)", NULL,
                                kbc_test_on_done, &result);
  renamed = kbc_account_rename_key_finish (fixture->account, kbc_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (renamed), "name"), ==,
                   "Blue key (desk)");

  /* Remove: the password is checked; the last key turns MFA off. */
  g_assert_false (remove_key (fixture, first_id, WRONG_PW, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "The current password is not correct.");
  g_clear_error (&error);

  g_assert_true (remove_key (fixture, first_id, PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_account_get_mfa_enabled (fixture->account));
  state = mfa_state (fixture);
  g_assert_cmpuint (device_count (state), ==, 1);
  g_clear_pointer (&state, json_object_unref);

  g_assert_true (remove_key (fixture, second_id, PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_false (kbc_account_get_mfa_enabled (fixture->account));
  state = mfa_state (fixture);
  g_assert_false (json_object_get_boolean_member (state, "enabled"));
  g_assert_cmpuint (device_count (state), ==, 0);

  /* And the password alone signs in again. */
  logout (fixture);
  sign_in_with_password (fixture);
}

/* A key with a PIN: the first try asks for it, the second goes straight to
 * the key with the registration the server already started. */
static void
test_pin (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (JsonNode) device = NULL;
  g_autoptr (GError) error = NULL;

  kbc_soft_key_set_pin (key, PIN, 8);

  device = register_key (fixture, "PIN key", PASSWORD, NULL, &error);
  g_assert_null (device);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_REQUIRED);
  g_clear_error (&error);

  device = register_key (fixture, "PIN key", NULL, "0000", &error);
  g_assert_null (device);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_INVALID);
  g_assert_cmpint (kbc_fido_error_get_pin_retries (error), ==, 7);
  g_clear_error (&error);

  device = register_key (fixture, "PIN key", NULL, PIN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (device), "message"), ==,
                   "The new u2f device \"PIN key\" was added.");

  /* Nothing is kept now: without the password a new registration cannot
   * start. */
  g_clear_pointer (&device, json_node_unref);
  device = register_key (fixture, "PIN key", NULL, PIN, &error);
  g_assert_null (device);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FAILED);
  g_clear_error (&error);

  /* Signing in needs no PIN (user verification is discouraged). */
  logout (fixture);
  sign_in_with_key (fixture);
}

static void
test_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) clone = NULL;
  g_autoptr (JsonNode) device = NULL;
  g_autoptr (JsonNode) twice = NULL;
  g_autoptr (JsonNode) wrong = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *options_before;

  /* A wrong password at the start, in the account's words. */
  wrong = register_key (fixture, "Key", WRONG_PW, NULL, &error);
  g_assert_null (wrong);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "The current password is not correct.");
  g_assert_nonnull (kbc_api_error_get_field_message (error, "currentPassword"));
  g_clear_error (&error);

  device = register_key (fixture, "Key", PASSWORD, NULL, &error);
  g_assert_no_error (error);

  /* The same key again: the server lists it, so the key itself says no. */
  twice = register_key (fixture, "Key again", PASSWORD, NULL, &error);
  g_assert_null (twice);
  g_assert_error (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_ALREADY_REGISTERED);
  g_clear_error (&error);

  /* A copy of the key, behind the original, is refused at sign-in. */
  clone = kbc_soft_key_clone (key);
  kbc_soft_key_unplug (clone);
  logout (fixture);
  sign_in_with_key (fixture);
  logout (fixture);

  kbc_soft_key_unplug (key);
  kbc_soft_key_plug (clone);
  g_assert_cmpint (login (fixture, PASSWORD, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  g_assert_no_error (error);
  options_before = json_node_ref (kbc_account_get_u2f_options (fixture->account));
  g_assert_false (login_key (fixture, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (kbc_api_error_get_code (error), ==, "u2fCounterNotIncreased");
  g_assert_cmpstr (error->message, ==,
                   "This security key was refused because it may have been copied. Sign in "
                   "another way and remove the key from your account.");
  g_assert_cmpint (kbc_api_error_get_remaining_attempts (error), ==, 4);
  g_clear_error (&error);
  g_assert_false (kbc_account_get_signed_in (fixture->account));

  /* The account took the fresh options from the refusal: the real key signs
   * in on the same sign-in. */
  g_assert_nonnull (kbc_account_get_u2f_options (fixture->account));
  g_assert_false (json_node_equal (options_before, kbc_account_get_u2f_options (fixture->account)));
  json_node_unref (options_before);
  kbc_soft_key_unplug (clone);
  kbc_soft_key_plug (key);
  g_assert_true (login_key (fixture, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_account_get_signed_in (fixture->account));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  kbc_soft_key_install_provider ();

#define ADD(path, func) \
  g_test_add ("/kbc/u2f-e2e/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("register-and-sign-in", test_register_and_sign_in);
  ADD ("pin", test_pin);
  ADD ("refused", test_refused);

#undef ADD

  return g_test_run ();
}
