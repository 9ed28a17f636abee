/* test-u2f-e2e.c: security keys end to end through the app's core
 *
 * The real kbc-account-server over HTTP; on this side KbcSession, KbcMfa,
 * KbcClient, KbcFido and KbcWebauthn as the app uses them, with libfido2
 * talking CTAPHID to the software key. Nothing here builds a request by
 * hand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-account.h"
#include "kbc-error.h"
#include "kbc-mfa.h"
#include "kbc-session.h"
#include "kbc-soft-key.h"
#include "kbc-stack.h"
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
  KbcSession *session;
} Fixture;

static KbcAccount *
account (Fixture *fixture)
{
  return kbc_session_get_account (fixture->session);
}

static KbcMfa *
mfa (Fixture *fixture)
{
  return kbc_account_get_mfa (account (fixture));
}

static int
login (Fixture *fixture, const char *password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_in_async (fixture->session, KBC_STACK_CUSTOM,
                             kbc_test_server_get_url (fixture->server), EMAIL, password, NULL,
                             kbc_test_on_done, &result);
  return kbc_session_sign_in_finish (fixture->session, kbc_test_wait_for (&result), error);
}

static void
logout (Fixture *fixture)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  kbc_session_sign_out_async (fixture->session, NULL, kbc_test_on_done, &result);
  g_assert_true (
      kbc_session_sign_out_finish (fixture->session, kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_null (account (fixture));
}

/* As the add-key flow does: the password starts a registration (unless
 * @password is NULL: then the one kept from a failed key step is used), the
 * key finishes it. */
static KbcSecurityKey *
register_key (Fixture *fixture,
              const char *name,
              const char *password,
              const char *pin,
              GError **error)
{
  g_autoptr (GAsyncResult) begun = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  if (password != NULL)
    {
      kbc_mfa_begin_key_registration_async (mfa (fixture), name, password, NULL, kbc_test_on_done,
                                            &begun);
      if (!kbc_mfa_begin_key_registration_finish (mfa (fixture), kbc_test_wait_for (&begun), error))
        return NULL;
    }

  kbc_mfa_register_key_async (mfa (fixture), pin, NULL, kbc_test_on_done, &result);
  return kbc_mfa_register_key_finish (mfa (fixture), kbc_test_wait_for (&result), error);
}

static gboolean
login_key (Fixture *fixture, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_in_key_async (fixture->session, NULL, NULL, kbc_test_on_done, &result);
  return kbc_session_sign_in_key_finish (fixture->session, kbc_test_wait_for (&result), error);
}

/* GET …/mfa again: what the server says, in the model. */
static KbcMfa *
refreshed_mfa (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (kbc_test_refresh (mfa (fixture), &error));
  g_assert_no_error (error);
  return mfa (fixture);
}

static guint
key_count (KbcMfa *model)
{
  return g_list_model_get_n_items (kbc_mfa_get_keys (model));
}

static gboolean
remove_key (Fixture *fixture, KbcSecurityKey *key, const char *password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_mfa_remove_key_async (mfa (fixture), key, password, NULL, kbc_test_on_done, &result);
  return kbc_mfa_remove_key_finish (mfa (fixture), kbc_test_wait_for (&result), error);
}

static void
sign_in_with_password (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (login (fixture, PASSWORD, &error), ==, KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);
}

/* Password first, then the key: the session's u2f step. */
static void
sign_in_with_key (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  const char *const *methods;

  g_assert_cmpint (login (fixture, PASSWORD, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  g_assert_no_error (error);
  g_assert_null (account (fixture));
  methods = kbc_session_get_mfa_methods (fixture->session);
  g_assert_nonnull (methods);
  /* The strongest first; listed only with the options to sign. */
  g_assert_cmpstr (methods[0], ==, "u2f");

  g_assert_true (login_key (fixture, &error));
  g_assert_no_error (error);
  g_assert_nonnull (account (fixture));
  g_assert_true (kbc_mfa_get_enabled (mfa (fixture)));
  g_assert_null (kbc_session_get_mfa_methods (fixture->session));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->session = kbc_session_new (NULL, NULL);
  sign_in_with_password (fixture);
  g_assert_false (kbc_mfa_get_enabled (mfa (fixture)));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_assert_finalize_object (fixture->session);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* ---- tests ---- */

static void
test_register_and_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) fido2 = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) u2f = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  g_autoptr (KbcSecurityKey) first = NULL;
  g_autoptr (KbcSecurityKey) second = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KbcSecurityKey *listed;
  KbcMfa *model;
  gint64 first_id;
  gint64 second_id;

  /* A FIDO2 key (packed attestation). */
  kbc_soft_key_unplug (u2f);
  first = register_key (fixture, "Blue key", PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbc_security_key_get_name (first), ==, "Blue key");
  g_assert_cmpstr (kbc_security_key_get_format (first), ==, "packed");
  g_assert_cmpstr (kbc_security_key_get_aaguid (first), ==, SOFT_KEY_AAGUID);
  g_assert_nonnull (kbc_security_key_get_created (first));
  g_assert_null (kbc_security_key_get_last_used (first));
  first_id = kbc_security_key_get_id (first);
  g_assert_true (kbc_mfa_get_enabled (mfa (fixture)));

  model = refreshed_mfa (fixture);
  g_assert_true (kbc_mfa_get_enabled (model));
  g_assert_cmpuint (key_count (model), ==, 1);

  /* A U2F-only key (fido-u2f attestation). */
  kbc_soft_key_unplug (fido2);
  kbc_soft_key_plug (u2f);
  second = register_key (fixture, "Old key", PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbc_security_key_get_name (second), ==, "Old key");
  g_assert_cmpstr (kbc_security_key_get_format (second), ==, "fido-u2f");
  g_assert_null (kbc_security_key_get_aaguid (second));
  second_id = kbc_security_key_get_id (second);

  model = refreshed_mfa (fixture);
  g_assert_true (kbc_mfa_get_enabled (model));
  g_assert_cmpuint (key_count (model), ==, 2);

  /* Sign out; sign in with each key. */
  logout (fixture);
  sign_in_with_key (fixture);
  logout (fixture);
  kbc_soft_key_unplug (u2f);
  kbc_soft_key_plug (fido2);
  sign_in_with_key (fixture);

  /* Both have been used now. */
  model = refreshed_mfa (fixture);
  g_assert_cmpuint (key_count (model), ==, 2);
  g_assert_nonnull (kbc_security_key_get_last_used (kbc_mfa_find_key (model, first_id)));
  g_assert_nonnull (kbc_security_key_get_last_used (kbc_mfa_find_key (model, second_id)));

  /* Rename. */
  listed = kbc_mfa_find_key (model, first_id);
  kbc_mfa_rename_key_async (model, listed, "Blue key (desk)", NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_mfa_rename_key_finish (model, kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kbc_security_key_get_name (listed), ==, "Blue key (desk)");

  /* Remove: the password is checked; the last key turns MFA off. */
  g_assert_false (remove_key (fixture, listed, WRONG_PW, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "The current password is not correct.");
  g_clear_error (&error);

  g_assert_true (remove_key (fixture, listed, PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_mfa_get_enabled (mfa (fixture)));
  g_assert_cmpuint (key_count (refreshed_mfa (fixture)), ==, 1);

  g_assert_true (
      remove_key (fixture, kbc_mfa_find_key (mfa (fixture), second_id), PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_false (kbc_mfa_get_enabled (mfa (fixture)));
  model = refreshed_mfa (fixture);
  g_assert_false (kbc_mfa_get_enabled (model));
  g_assert_cmpuint (key_count (model), ==, 0);

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
  g_autoptr (KbcSecurityKey) device = NULL;
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
  g_assert_cmpstr (kbc_security_key_get_name (device), ==, "PIN key");

  /* Nothing is kept now: without the password a new registration cannot
   * start. */
  g_clear_object (&device);
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
  g_autoptr (KbcSecurityKey) device = NULL;
  g_autoptr (KbcSecurityKey) twice = NULL;
  g_autoptr (KbcSecurityKey) wrong = NULL;
  g_autoptr (GError) error = NULL;

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
  g_assert_false (login_key (fixture, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (kbc_api_error_get_code (error), ==, "u2fCounterNotIncreased");
  g_assert_cmpstr (error->message, ==,
                   "This security key was refused because it may have been copied. Sign in "
                   "another way and remove the key from your account.");
  g_assert_cmpint (kbc_api_error_get_remaining_attempts (error), ==, 4);
  g_clear_error (&error);
  g_assert_null (account (fixture));

  /* The session took the fresh options from the refusal (a challenge is
   * single use): the real key signs in on the same sign-in. */
  g_assert_true (g_strv_contains (kbc_session_get_mfa_methods (fixture->session), "u2f"));
  kbc_soft_key_unplug (clone);
  kbc_soft_key_plug (key);
  g_assert_true (login_key (fixture, &error));
  g_assert_no_error (error);
  g_assert_nonnull (account (fixture));
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
