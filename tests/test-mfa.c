/* test-mfa.c: KbcMfa against the real server: one GET, changes in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-error.h"
#include "kbc-mfa.h"
#include "kbc-soft-key.h"
#include "kbc-test-utils.h"
#include "kbc-totp.h"

#define EMAIL    "mfa@example.com"
#define NAME     "Mia Factor"
#define PASSWORD "Correct-Horse-Battery-42"

typedef struct
{
  KbcTestServer *server;
  KbcAccount *account;
  KbcMfa *mfa;
  guint refreshes; /* times loading went TRUE */
} Fixture;

static void
on_loading (KbcMfa *mfa, GParamSpec *pspec, Fixture *fixture)
{
  if (kbc_resource_get_loading (KBC_RESOURCE (mfa)))
    fixture->refreshes++;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->account = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  fixture->mfa = g_object_ref (kbc_account_get_mfa (fixture->account));
  g_signal_connect (fixture->mfa, "notify::loading", G_CALLBACK (on_loading), fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_signal_handlers_disconnect_by_data (fixture->mfa, fixture);
  g_clear_object (&fixture->mfa);
  g_clear_object (&fixture->account);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static KbcTotpEnrolment *
enrol (KbcMfa *mfa, const char *password, gboolean reconfigure, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_mfa_enrol_totp_async (mfa, password, reconfigure, NULL, kbc_test_on_done, &result);
  return kbc_mfa_enrol_totp_finish (mfa, kbc_test_wait_for (&result), error);
}

static GStrv
activate (KbcMfa *mfa, const char *code, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_mfa_activate_totp_async (mfa, code, NULL, kbc_test_on_done, &result);
  return kbc_mfa_activate_totp_finish (mfa, kbc_test_wait_for (&result), error);
}

/* The current code of @enrolment's app, @steps_ahead periods on (codes are
 * single use: a second activation in one test needs the next one). */
static char *
totp_code (const KbcTotpEnrolment *enrolment, int steps_ahead)
{
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *secret = NULL;
  gsize len = 0;

  secret = kbc_totp_base32_decode (enrolment->secret, &len, &error);
  g_assert_no_error (error);
  return kbc_totp_code_at (secret, len,
                           g_get_real_time () / G_USEC_PER_SEC + steps_ahead * KBC_TOTP_PERIOD);
}

static void
enable_totp (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcTotpEnrolment) enrolment = NULL;
  g_autofree char *code = NULL;
  g_auto (GStrv) codes = NULL;

  enrolment = enrol (fixture->mfa, PASSWORD, FALSE, &error);
  g_assert_no_error (error);
  code = totp_code (enrolment, 0);
  codes = activate (fixture->mfa, code, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (codes), ==, 10);
}

/* The token's verification seeds enabled; one GET fills the rest. */
static void
test_refresh (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  KbcResource *resource = KBC_RESOURCE (fixture->mfa);

  g_assert_false (kbc_resource_get_loaded (resource));
  g_assert_true (kbc_resource_get_offered (resource));
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));

  g_assert_true (kbc_test_refresh (fixture->mfa, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_resource_get_loaded (resource));
  g_assert_false (kbc_resource_get_loading (resource));
  g_assert_null (kbc_resource_get_error (resource));
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));
  g_assert_false (kbc_mfa_get_totp_enabled (fixture->mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (fixture->mfa), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (kbc_mfa_get_keys (fixture->mfa)), ==, 0);
  g_assert_cmpuint (fixture->refreshes, ==, 1);
}

/* Two refreshes asked for at once share one request. */
static void
test_refresh_shared (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) first = NULL;
  g_autoptr (GAsyncResult) second = NULL;

  kbc_resource_refresh_async (KBC_RESOURCE (fixture->mfa), NULL, kbc_test_on_done, &first);
  kbc_resource_refresh_async (KBC_RESOURCE (fixture->mfa), NULL, kbc_test_on_done, &second);
  g_assert_true (
      kbc_resource_refresh_finish (KBC_RESOURCE (fixture->mfa), kbc_test_wait_for (&first), NULL));
  g_assert_true (
      kbc_resource_refresh_finish (KBC_RESOURCE (fixture->mfa), kbc_test_wait_for (&second), NULL));
  g_assert_cmpuint (fixture->refreshes, ==, 1);
}

/* Enrolling, activating, new codes and disabling change the object in place:
 * no further GET. */
static void
test_totp_in_place (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcTotpEnrolment) enrolment = NULL;
  g_autoptr (KbcTotpEnrolment) again = NULL;
  g_autofree char *code = NULL;
  g_auto (GStrv) codes = NULL;
  g_auto (GStrv) fresh = NULL;
  g_autoptr (GAsyncResult) regenerated = NULL;
  g_autoptr (GAsyncResult) disabled = NULL;

  g_assert_true (kbc_test_refresh (fixture->mfa, &error));

  enrolment = enrol (fixture->mfa, PASSWORD, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (enrolment->secret);
  g_assert_true (g_str_has_prefix (enrolment->uri, "otpauth://totp/"));
  /* Pending only: not a factor yet. */
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));

  code = totp_code (enrolment, 0);
  codes = activate (fixture->mfa, code, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (codes), ==, 10);
  g_assert_true (kbc_mfa_get_enabled (fixture->mfa));
  g_assert_true (kbc_mfa_get_totp_enabled (fixture->mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (fixture->mfa), ==, 10);

  /* Enrolling again is refused while one is active, in the app's words. */
  again = enrol (fixture->mfa, PASSWORD, FALSE, &error);
  g_assert_null (again);
  g_assert_cmpstr (kbc_api_error_get_code (error), ==, "mfaTotpAlreadyEnabled");
  g_assert_true (g_str_has_prefix (error->message, "An authenticator app is already set up"));
  g_clear_error (&error);
  /* …which makes the object read the state again (the only GET here). */
  KBC_TEST_WAIT_FOR (!kbc_resource_get_loading (KBC_RESOURCE (fixture->mfa)));
  g_assert_cmpuint (fixture->refreshes, ==, 2);

  kbc_mfa_regenerate_recovery_codes_async (fixture->mfa, PASSWORD, NULL, kbc_test_on_done,
                                           &regenerated);
  fresh = kbc_mfa_regenerate_recovery_codes_finish (fixture->mfa, kbc_test_wait_for (&regenerated),
                                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (fresh), ==, 10);
  g_assert_cmpstr (fresh[0], !=, codes[0]);
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (fixture->mfa), ==, 10);

  kbc_mfa_disable_async (fixture->mfa, PASSWORD, NULL, kbc_test_on_done, &disabled);
  g_assert_true (kbc_mfa_disable_finish (fixture->mfa, kbc_test_wait_for (&disabled), &error));
  g_assert_no_error (error);
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));
  g_assert_false (kbc_mfa_get_totp_enabled (fixture->mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (fixture->mfa), ==, 0);

  g_assert_cmpuint (fixture->refreshes, ==, 2);

  /* And the server agrees with what the object says. */
  g_assert_true (kbc_test_refresh (fixture->mfa, &error));
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (fixture->mfa), ==, 0);
}

/* A wrong password changes nothing and says so in the one wording. */
static void
test_wrong_password (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  enable_totp (fixture);

  kbc_mfa_disable_async (fixture->mfa, "Not-The-Password-1", NULL, kbc_test_on_done, &result);
  g_assert_false (kbc_mfa_disable_finish (fixture->mfa, kbc_test_wait_for (&result), &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "The current password is not correct.");
  g_assert_nonnull (kbc_api_error_get_field_message (error, "currentPassword"));
  g_assert_true (kbc_mfa_get_enabled (fixture->mfa));
  g_assert_true (kbc_mfa_get_totp_enabled (fixture->mfa));
}

/* Reconfiguring removes the app first: the object shows that at once. */
static void
test_reconfigure (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcTotpEnrolment) enrolment = NULL;
  g_autofree char *code = NULL;
  g_auto (GStrv) codes = NULL;

  enable_totp (fixture);

  enrolment = enrol (fixture->mfa, PASSWORD, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (kbc_mfa_get_totp_enabled (fixture->mfa));
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (fixture->mfa), ==, 0);

  code = totp_code (enrolment, 1);
  codes = activate (fixture->mfa, code, &error);
  g_assert_no_error (error);
  g_assert_true (kbc_mfa_get_totp_enabled (fixture->mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (fixture->mfa), ==, 10);
}

/* A refresh that fails keeps what was there and says why; the next one
 * clears the error. */
static void
test_failed_refresh_keeps_data (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  KbcResource *resource = KBC_RESOURCE (fixture->mfa);

  enable_totp (fixture);
  g_assert_true (kbc_test_refresh (fixture->mfa, &error));

  kbc_test_server_stop (fixture->server);
  g_assert_false (kbc_test_refresh (fixture->mfa, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_clear_error (&error);

  g_assert_nonnull (kbc_resource_get_error (resource));
  g_assert_true (kbc_resource_get_loaded (resource));
  g_assert_true (kbc_resource_get_offered (resource));
  g_assert_true (kbc_mfa_get_enabled (fixture->mfa));
  g_assert_true (kbc_mfa_get_totp_enabled (fixture->mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (fixture->mfa), ==, 10);

  kbc_test_server_restart (fixture->server);
  g_assert_true (kbc_test_refresh (fixture->mfa, &error));
  g_assert_no_error (error);
  g_assert_null (kbc_resource_get_error (resource));
}

/* Keys: registered, renamed and removed in the list itself. */
static void
test_keys_in_place (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) soft_key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) begun = NULL;
  g_autoptr (GAsyncResult) registered = NULL;
  g_autoptr (GAsyncResult) renamed = NULL;
  g_autoptr (GAsyncResult) removed = NULL;
  g_autoptr (KbcSecurityKey) key = NULL;
  GListModel *keys = kbc_mfa_get_keys (fixture->mfa);
  guint name_notifies = 0;

  g_assert_true (kbc_test_refresh (fixture->mfa, &error));

  kbc_mfa_begin_key_registration_async (fixture->mfa, "Blue Key", PASSWORD, NULL, kbc_test_on_done,
                                        &begun);
  g_assert_true (
      kbc_mfa_begin_key_registration_finish (fixture->mfa, kbc_test_wait_for (&begun), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kbc_mfa_get_pending_key_name (fixture->mfa), ==, "Blue Key");

  kbc_mfa_register_key_async (fixture->mfa, NULL, NULL, kbc_test_on_done, &registered);
  key = kbc_mfa_register_key_finish (fixture->mfa, kbc_test_wait_for (&registered), &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpstr (kbc_security_key_get_name (key), ==, "Blue Key");
  g_assert_cmpstr (kbc_security_key_get_format (key), ==, "packed");
  g_assert_nonnull (kbc_security_key_get_created (key));
  g_assert_null (kbc_security_key_get_last_used (key));
  g_assert_null (kbc_mfa_get_pending_key_name (fixture->mfa));
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, 1);
  g_assert_true (kbc_mfa_find_key (fixture->mfa, kbc_security_key_get_id (key)) == key);
  g_assert_true (kbc_mfa_get_enabled (fixture->mfa));

  g_signal_connect_swapped (key, "notify::name", G_CALLBACK (kbc_test_count), &name_notifies);
  kbc_mfa_rename_key_async (fixture->mfa, key, "Red Key", NULL, kbc_test_on_done, &renamed);
  g_assert_true (kbc_mfa_rename_key_finish (fixture->mfa, kbc_test_wait_for (&renamed), &error));
  g_assert_no_error (error);
  /* The same object, renamed: a row bound to it follows. */
  g_assert_cmpstr (kbc_security_key_get_name (key), ==, "Red Key");
  g_assert_cmpuint (name_notifies, ==, 1);

  kbc_mfa_remove_key_async (fixture->mfa, key, PASSWORD, NULL, kbc_test_on_done, &removed);
  g_assert_true (kbc_mfa_remove_key_finish (fixture->mfa, kbc_test_wait_for (&removed), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, 0);
  /* It was the only factor. */
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));

  g_assert_cmpuint (fixture->refreshes, ==, 1);
  g_assert_true (kbc_soft_key_is_plugged (soft_key));
}

/* Without a registration begun, the key step says to start again. */
static void
test_register_without_begin (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (KbcSecurityKey) key = NULL;

  kbc_mfa_register_key_async (fixture->mfa, NULL, NULL, kbc_test_on_done, &result);
  key = kbc_mfa_register_key_finish (fixture->mfa, kbc_test_wait_for (&result), &error);
  g_assert_null (key);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Adding the security key took too long. Try again.");
}

/* Changed elsewhere: the verification of a new session seeds the state. */
static void
test_changed_elsewhere (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) other = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  g_auto (GStrv) codes = NULL;

  codes = kbc_test_enable_totp (other, PASSWORD, NULL);

  /* Turning a factor on ends the other sessions; sign in again. */
  g_signal_handlers_disconnect_by_data (fixture->mfa, fixture);
  g_clear_object (&fixture->mfa);
  g_clear_object (&fixture->account);
  fixture->account = kbc_test_sign_in_with_code (fixture->server, EMAIL, PASSWORD, codes[0]);
  fixture->mfa = g_object_ref (kbc_account_get_mfa (fixture->account));
  g_signal_connect (fixture->mfa, "notify::loading", G_CALLBACK (on_loading), fixture);

  /* Before any GET of its own. */
  g_assert_false (kbc_resource_get_loaded (KBC_RESOURCE (fixture->mfa)));
  g_assert_true (kbc_mfa_get_enabled (fixture->mfa));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  kbc_soft_key_install_provider ();

#define ADD(path, func) \
  g_test_add ("/kbc/mfa/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("refresh", test_refresh);
  ADD ("refresh-shared", test_refresh_shared);
  ADD ("totp-in-place", test_totp_in_place);
  ADD ("wrong-password", test_wrong_password);
  ADD ("reconfigure", test_reconfigure);
  ADD ("failed-refresh-keeps-data", test_failed_refresh_keeps_data);
  ADD ("keys-in-place", test_keys_in_place);
  ADD ("register-without-begin", test_register_without_begin);
  ADD ("changed-elsewhere", test_changed_elsewhere);
#undef ADD

  return g_test_run ();
}
