/* test-session.c: KbcSession against the real server and the real keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-error.h"
#include "kbc-keyring.h"
#include "kbc-mfa.h"
#include "kbc-session.h"
#include "kbc-stack.h"
#include "kbc-test-utils.h"
#include "kbc-totp.h"

#define EMAIL    "session@example.com"
#define NAME     "Sam Session"
#define PASSWORD "Correct-Horse-Battery-42"

typedef struct
{
  KbcTestServer *server;
  GSettings *settings;
  GPtrArray *states; /* the states a watched session went through, as nicks */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);

  /* The memory backend outlives a test: start from the defaults. */
  fixture->settings = g_settings_new (APP_ID);
  g_object_get (fixture->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (fixture->settings, keys[i]);

  fixture->states = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_keyring_clear_async (kbc_test_server_get_url (fixture->server), EMAIL, NULL, kbc_test_on_done,
                           &result);
  kbc_keyring_clear_finish (kbc_test_wait_for (&result), NULL);

  g_clear_pointer (&fixture->states, g_ptr_array_unref);
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static void
on_state (KbcSession *session, GParamSpec *pspec, Fixture *fixture)
{
  GEnumClass *klass = g_type_class_ref (KBC_TYPE_SESSION_STATE);
  GEnumValue *value = g_enum_get_value (klass, kbc_session_get_state (session));

  g_ptr_array_add (fixture->states, g_strdup (value->value_nick));
  g_type_class_unref (klass);
}

/* A session of the app (with settings: it remembers), watched. */
static KbcSession *
watched_session (Fixture *fixture)
{
  KbcSession *session = kbc_session_new (fixture->settings, NULL);

  g_signal_connect (session, "notify::state", G_CALLBACK (on_state), fixture);
  return session;
}

static void
assert_states (Fixture *fixture, const char *expected)
{
  g_autoptr (GString) seen = g_string_new (NULL);

  for (guint i = 0; i < fixture->states->len; i++)
    g_string_append_printf (seen, "%s%s", i > 0 ? " " : "",
                            (char *) g_ptr_array_index (fixture->states, i));
  g_assert_cmpstr (seen->str, ==, expected);
  g_ptr_array_set_size (fixture->states, 0);
}

static int
sign_in (Fixture *fixture, KbcSession *session, const char *password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_in_async (session, KBC_STACK_CUSTOM, kbc_test_server_get_url (fixture->server),
                             EMAIL, password, NULL, kbc_test_on_done, &result);
  return kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), error);
}

static gboolean
restore (KbcSession *session, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_restore_async (session, NULL, NULL, NULL, kbc_test_on_done, &result);
  return kbc_session_restore_finish (session, kbc_test_wait_for (&result), error);
}

static gboolean
sign_out (KbcSession *session, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_out_async (session, NULL, kbc_test_on_done, &result);
  return kbc_session_sign_out_finish (session, kbc_test_wait_for (&result), error);
}

static char *
keyring_token (Fixture *fixture)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  char *token;

  kbc_keyring_lookup_async (kbc_test_server_get_url (fixture->server), EMAIL, NULL,
                            kbc_test_on_done, &result);
  token = kbc_keyring_lookup_finish (kbc_test_wait_for (&result), NULL, &error);
  g_assert_no_error (error);
  return token;
}

static gboolean
keyring_has_token (Fixture *fixture)
{
  g_autofree char *token = keyring_token (fixture);

  return token != NULL;
}

static guint
verify_status (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) response =
      kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);

  return response->status;
}

/* Signing in: one state change, the account, and what is remembered where. */
static void
test_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = watched_session (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *last_email = NULL;
  g_autofree char *last_stack = NULL;
  g_autofree char *last_url = NULL;
  g_autofree char *last_name = NULL;
  KbcAccount *account;

  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_OUT);
  g_assert_null (kbc_session_get_account (session));

  g_assert_cmpint (sign_in (fixture, session, PASSWORD, &error), ==, KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);
  assert_states (fixture, "signed-in");

  account = kbc_session_get_account (session);
  g_assert_nonnull (account);
  g_assert_true (kbc_account_get_signed_in (account));
  g_assert_cmpstr (kbc_account_get_user_email (account), ==, EMAIL);
  g_assert_cmpstr (kbc_account_get_user_name (account), ==, NAME);
  g_assert_cmpstr (kbc_session_get_stack_id (session), ==, KBC_STACK_CUSTOM);
  g_assert_null (kbc_session_get_message (session));
  g_assert_null (kbc_session_get_mfa_methods (session));

  last_stack = g_settings_get_string (fixture->settings, "last-stack");
  last_email = g_settings_get_string (fixture->settings, "last-email");
  last_url = g_settings_get_string (fixture->settings, "last-custom-url");
  g_assert_cmpstr (last_stack, ==, KBC_STACK_CUSTOM);
  g_assert_cmpstr (last_email, ==, EMAIL);
  g_assert_cmpstr (last_url, ==, kbc_test_server_get_url (fixture->server));
  /* The name too, shown at the next start while the session is verified. */
  last_name = g_settings_get_string (fixture->settings, "last-name");
  g_assert_cmpstr (last_name, ==, NAME);

  /* The keyring gets the token (asynchronously): wait until it has it. */
  KBC_TEST_WAIT_FOR (keyring_has_token (fixture));
  token = keyring_token (fixture);
  g_assert_cmpstr (token, ==, kbc_account_get_token (account));
}

static void
test_wrong_password (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = watched_session (fixture);
  g_autoptr (GError) error = NULL;

  g_autoptr (GError) unknown = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  g_assert_cmpint (sign_in (fixture, session, "Not-The-Password-1", &error), ==, -1);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "The email or password is incorrect.");
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_OUT);
  g_assert_null (kbc_session_get_account (session));
  assert_states (fixture, "");

  /* An unknown email reads the same. */
  kbc_session_sign_in_async (session, KBC_STACK_CUSTOM, kbc_test_server_get_url (fixture->server),
                             "nobody@example.com", PASSWORD, NULL, kbc_test_on_done, &result);
  g_assert_cmpint (kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), &unknown), ==,
                   -1);
  g_assert_error (unknown, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (unknown->message, ==, error->message);
}

static void
test_too_many_attempts (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  guint retry_after;
  guint minutes;

  for (guint i = 0; i < 30; i++)
    {
      g_clear_error (&error);
      g_assert_cmpint (sign_in (fixture, session, "Wrong-Password-0000", &error), ==, -1);
      if (!g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
        break;
    }

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_TOO_MANY_REQUESTS);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 429);
  retry_after = kbc_api_error_get_retry_after (error);
  g_assert_cmpuint (retry_after, >, 0);
  minutes = (retry_after + 59) / 60;
  if (retry_after < 60)
    expected = g_strdup_printf ("Too many attempts. Try again in %u second%s.", retry_after,
                                retry_after == 1 ? "" : "s");
  else
    expected = g_strdup_printf ("Too many attempts. Try again in %u minute%s.", minutes,
                                minutes == 1 ? "" : "s");
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = watched_session (fixture);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (cancellable);
  kbc_session_sign_in_async (session, KBC_STACK_CUSTOM, kbc_test_server_get_url (fixture->server),
                             EMAIL, PASSWORD, cancellable, kbc_test_on_done, &result);
  g_assert_cmpint (kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), &error), ==,
                   -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (kbc_session_get_account (session));
  assert_states (fixture, "");
}

/* While restoring, the profile the settings remember: "name|email|url". */
static void
catch_cached_profile (KbcSession *session, GParamSpec *pspec, char **caught)
{
  const char *name, *email, *url;

  if (kbc_session_get_cached_profile (session, &name, &email, &url))
    {
      g_free (*caught);
      *caught = g_strdup_printf ("%s|%s|%s", name, email, url);
    }
}

/* The next start finds the session in the keyring and verifies it. */
static void
test_restore (Fixture *fixture, gconstpointer data)
{
  g_autofree char *cached = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *last_name = NULL;
  g_autoptr (KbcSession) first = kbc_session_new (fixture->settings, NULL);
  g_autoptr (KbcSession) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  g_assert_cmpint (sign_in (fixture, first, PASSWORD, &error), ==, KBC_LOGIN_SIGNED_IN);
  KBC_TEST_WAIT_FOR (keyring_has_token (fixture));
  token = keyring_token (fixture);

  /* As if renamed elsewhere since: the restore brings the new name. */
  g_settings_set_string (fixture->settings, "last-name", "Old Name");

  second = watched_session (fixture);
  g_signal_connect (second, "notify::state", G_CALLBACK (catch_cached_profile), &cached);
  g_assert_true (restore (second, &error));
  g_assert_no_error (error);
  assert_states (fixture, "restoring signed-in");
  expected = g_strdup_printf ("Old Name|%s|%s", EMAIL, kbc_test_server_get_url (fixture->server));
  g_assert_cmpstr (cached, ==, expected);
  g_assert_false (kbc_session_get_cached_profile (second, NULL, NULL, NULL));
  last_name = g_settings_get_string (fixture->settings, "last-name");
  g_assert_cmpstr (last_name, ==, NAME);
  g_assert_cmpstr (kbc_account_get_user_email (kbc_session_get_account (second)), ==, EMAIL);
  g_assert_cmpstr (kbc_account_get_token (kbc_session_get_account (second)), ==, token);
}

/* Nothing saved: no "restoring" on the way to the sign-in form. */
static void
test_restore_nothing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = watched_session (fixture);
  g_autoptr (GError) error = NULL;

  g_assert_false (restore (session, &error));
  g_assert_no_error (error);
  assert_states (fixture, "");
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_OUT);
  g_assert_null (kbc_session_get_message (session));
}

/* An email remembered but no token in the keyring (signed out last time):
 * still no "restoring", since there is nothing to restore. */
static void
test_restore_signed_out (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = NULL;
  g_autoptr (GError) error = NULL;

  g_settings_set_string (fixture->settings, "last-email", EMAIL);
  session = watched_session (fixture);
  g_assert_false (restore (session, &error));
  g_assert_no_error (error);
  assert_states (fixture, "");
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_OUT);
}

/* A saved token the server no longer accepts: expired, and the keyring
 * forgets it. */
static void
test_restore_revoked (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) first = kbc_session_new (fixture->settings, NULL);
  g_autoptr (KbcSession) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcTestResponse) logout = NULL;
  g_autofree char *token = NULL;

  g_assert_cmpint (sign_in (fixture, first, PASSWORD, &error), ==, KBC_LOGIN_SIGNED_IN);
  KBC_TEST_WAIT_FOR (keyring_has_token (fixture));
  token = keyring_token (fixture);
  logout = kbc_test_server_request (fixture->server, "POST", "/manage/auth/logout", token, NULL);
  g_assert_cmpuint (logout->status, ==, 204);

  second = watched_session (fixture);
  g_assert_false (restore (second, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  assert_states (fixture, "restoring expired");
  g_assert_cmpstr (kbc_session_get_message (second), ==,
                   "Your session has expired. Please sign in again.");
  g_assert_null (kbc_session_get_account (second));
  KBC_TEST_WAIT_FOR (!keyring_has_token (fixture));
}

/* The server ends the session while signed in (revoked elsewhere). */
static void
test_expired (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = watched_session (fixture);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (KbcTestResponse) logout = NULL;
  g_autoptr (KbcAccount) account = NULL;
  g_autofree char *token = NULL;

  g_assert_cmpint (sign_in (fixture, session, PASSWORD, &error), ==, KBC_LOGIN_SIGNED_IN);
  account = g_object_ref (kbc_session_get_account (session));
  token = g_strdup (kbc_account_get_token (account));
  KBC_TEST_WAIT_FOR (keyring_has_token (fixture));

  logout = kbc_test_server_request (fixture->server, "POST", "/manage/auth/logout", token, NULL);
  g_assert_cmpuint (logout->status, ==, 204);

  kbc_account_refresh_async (account, NULL, kbc_test_on_done, &result);
  g_assert_false (kbc_account_refresh_finish (account, kbc_test_wait_for (&result), &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);

  assert_states (fixture, "signed-in expired");
  g_assert_null (kbc_session_get_account (session));
  g_assert_cmpstr (kbc_session_get_message (session), ==,
                   "Your session has expired. Please sign in again.");
  KBC_TEST_WAIT_FOR (!keyring_has_token (fixture));
}

/* Signing out revokes the token and removes it from the keyring. */
static void
test_sign_out (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = watched_session (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  g_assert_cmpint (sign_in (fixture, session, PASSWORD, &error), ==, KBC_LOGIN_SIGNED_IN);
  token = g_strdup (kbc_account_get_token (kbc_session_get_account (session)));
  KBC_TEST_WAIT_FOR (keyring_has_token (fixture));
  g_assert_cmpuint (verify_status (fixture, token), ==, 200);

  g_assert_true (sign_out (session, &error));
  g_assert_no_error (error);
  assert_states (fixture, "signed-in signing-out signed-out");
  /* The name goes with the session; the email stays for the sign-in form. */
  {
    g_autofree char *last_name = g_settings_get_string (fixture->settings, "last-name");
    g_autofree char *last_email = g_settings_get_string (fixture->settings, "last-email");

    g_assert_cmpstr (last_name, ==, "");
    g_assert_cmpstr (last_email, ==, EMAIL);
  }
  g_assert_null (kbc_session_get_account (session));
  g_assert_null (kbc_session_get_message (session));
  g_assert_false (keyring_has_token (fixture));
  g_assert_cmpuint (verify_status (fixture, token), ==, 401);
}

/* A session without settings (a test, a second client) saves nothing. */
static void
test_ephemeral (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *token = NULL;
  g_autofree char *last_email = NULL;

  g_assert_cmpint (sign_in (fixture, session, PASSWORD, &error), ==, KBC_LOGIN_SIGNED_IN);
  /* Give a keyring store that should not happen the time to happen. */
  kbc_keyring_lookup_async (kbc_test_server_get_url (fixture->server), EMAIL, NULL,
                            kbc_test_on_done, &result);
  token = kbc_keyring_lookup_finish (kbc_test_wait_for (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
  last_email = g_settings_get_string (fixture->settings, "last-email");
  g_assert_cmpstr (last_email, ==, "");

  g_assert_false (restore (session, &error));
  g_assert_no_error (error);
}

/* A six-digit code that is none of the valid ones around now. */
static char *
wrong_code (const guint8 *secret, gsize len)
{
  gint64 step = kbc_totp_step_at (g_get_real_time () / G_USEC_PER_SEC);

  for (guint candidate = 0;; candidate++)
    {
      g_autofree char *code = g_strdup_printf ("%06u", candidate);
      gboolean valid = FALSE;

      for (gint64 s = step - 2; s <= step + 2; s++)
        {
          g_autofree char *real = kbc_totp_code_at_step (secret, len, s);

          valid |= g_str_equal (real, code);
        }
      if (!valid)
        return g_steal_pointer (&code);
    }
}

static gboolean
sign_in_code (KbcSession *session, const char *method, const char *code, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_in_code_async (session, method, code, NULL, kbc_test_on_done, &result);
  return kbc_session_sign_in_code_finish (session, kbc_test_wait_for (&result), error);
}

/* The second step: the methods, a wrong code with the attempts left, a
 * right one, a recovery code, and a sign-in that runs out of attempts. */
static void
test_mfa_step (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = watched_session (fixture);
  g_autoptr (KbcSession) recovering = kbc_session_new (NULL, NULL);
  g_autoptr (KbcSession) guessing = kbc_session_new (NULL, NULL);
  g_autoptr (KbcAccount) enroller = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  g_autoptr (GError) error = NULL;
  g_autofree char *secret_text = NULL;
  g_autofree guint8 *secret = NULL;
  g_autofree char *next_code = NULL;
  g_autofree char *bad = NULL;
  g_auto (GStrv) codes = NULL;
  const char *const *methods;
  gsize secret_len = 0;
  guint methods_notifies = 0;

  codes = kbc_test_enable_totp (enroller, PASSWORD, &secret_text);
  secret = kbc_totp_base32_decode (secret_text, &secret_len, &error);
  g_assert_no_error (error);

  /* Signing in now takes two steps. */
  g_signal_connect_swapped (session, "notify::mfa-methods", G_CALLBACK (kbc_test_count),
                            &methods_notifies);
  g_assert_cmpint (sign_in (fixture, session, PASSWORD, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  g_assert_no_error (error);
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_OUT);
  g_assert_null (kbc_session_get_account (session));
  methods = kbc_session_get_mfa_methods (session);
  g_assert_nonnull (methods);
  g_assert_true (g_strv_contains (methods, "totp"));
  g_assert_true (g_strv_contains (methods, "recovery"));
  /* No key registered: no options to sign, no "u2f". */
  g_assert_false (g_strv_contains (methods, "u2f"));
  g_assert_cmpuint (methods_notifies, ==, 1);

  /* A wrong code: translated, with the attempts left, and the step stays open. */
  bad = wrong_code (secret, secret_len);
  g_assert_false (sign_in_code (session, "totp", bad, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "The authentication code is not valid.");
  g_assert_cmpint (kbc_api_error_get_remaining_attempts (error), ==, 4);
  g_assert_nonnull (kbc_session_get_mfa_methods (session));
  g_assert_null (kbc_session_get_account (session));
  g_clear_error (&error);

  /* The next step's code: valid (±1 step) and not a replay of activation. */
  next_code =
      kbc_totp_code_at (secret, secret_len, g_get_real_time () / G_USEC_PER_SEC + KBC_TOTP_PERIOD);
  g_assert_true (sign_in_code (session, "totp", next_code, &error));
  g_assert_no_error (error);
  assert_states (fixture, "signed-in");
  g_assert_cmpstr (kbc_account_get_user_email (kbc_session_get_account (session)), ==, EMAIL);
  g_assert_true (kbc_mfa_get_enabled (kbc_account_get_mfa (kbc_session_get_account (session))));
  g_assert_null (kbc_session_get_mfa_methods (session));
  g_assert_cmpuint (methods_notifies, ==, 2);

  /* A recovery code works instead. */
  g_assert_cmpint (sign_in (fixture, recovering, PASSWORD, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  g_assert_true (sign_in_code (recovering, "recovery", codes[0], &error));
  g_assert_no_error (error);
  g_assert_cmpint (kbc_session_get_state (recovering), ==, KBC_SESSION_STATE_SIGNED_IN);

  /* Out of attempts, the ticket is gone. */
  g_assert_cmpint (sign_in (fixture, guessing, PASSWORD, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  for (int left = 4; left >= 0; left--)
    {
      g_assert_false (sign_in_code (guessing, "totp", bad, &error));
      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
      g_assert_cmpint (kbc_api_error_get_remaining_attempts (error), ==, left);
      g_clear_error (&error);
    }
  g_assert_null (kbc_session_get_mfa_methods (guessing));
  g_assert_false (sign_in_code (guessing, "totp", bad, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "The sign-in has expired. Enter your email and password again.");
  g_assert_cmpint (kbc_session_get_state (guessing), ==, KBC_SESSION_STATE_SIGNED_OUT);
}

/* Back from the second step: the sign-in is forgotten. */
static void
test_cancel_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = watched_session (fixture);
  g_autoptr (KbcAccount) enroller = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_auto (GStrv) codes = kbc_test_enable_totp (enroller, PASSWORD, NULL);

  g_assert_cmpint (sign_in (fixture, session, PASSWORD, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  kbc_session_cancel_sign_in (session);
  g_assert_null (kbc_session_get_mfa_methods (session));

  kbc_session_sign_in_code_async (session, "totp", "123456", NULL, kbc_test_on_done, &result);
  g_assert_false (kbc_session_sign_in_code_finish (session, kbc_test_wait_for (&result), &error));
  g_assert_cmpstr (error->message, ==,
                   "The sign-in has expired. Enter your email and password again.");
  assert_states (fixture, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/session/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("sign-in", test_sign_in);
  ADD ("wrong-password", test_wrong_password);
  ADD ("too-many-attempts", test_too_many_attempts);
  ADD ("cancel", test_cancel);
  ADD ("restore", test_restore);
  ADD ("restore-nothing", test_restore_nothing);
  ADD ("restore-signed-out", test_restore_signed_out);
  ADD ("restore-revoked", test_restore_revoked);
  ADD ("expired", test_expired);
  ADD ("sign-out", test_sign_out);
  ADD ("ephemeral", test_ephemeral);
  ADD ("mfa-step", test_mfa_step);
  ADD ("cancel-sign-in", test_cancel_sign_in);
#undef ADD

  return g_test_run ();
}
