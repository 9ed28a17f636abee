/* test-account.c: KbcAccount against the real kbc-account-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-account.h"
#include "kbc-error.h"
#include "kbc-test-utils.h"
#include "kbc-totp.h"

#include <string.h>

#define EMAIL        "ada@example.com"
#define NAME         "Ada Lovelace"
#define PASSWORD     "Quartz-Lantern-Orbit-9417"
#define NEW_PASSWORD "Velvet-Harbour-Comet-2288"

/* Everything the process logs, debug included, to look for secrets in. */
static GMutex log_lock;
static GString *log_text;

static GLogWriterOutput
capture_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        g_string_append_printf (log_text, "%s\n", (const char *) fields[i].value);
    }
  g_mutex_unlock (&log_lock);

  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (level, fields, n_fields, user_data);
}

typedef struct
{
  KbcTestServer *server;
  gint64 user_id;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  fixture->user_id = kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static int
login (KbcAccount *account,
       const char *email,
       const char *password,
       GCancellable *cancellable,
       GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_login_async (account, email, password, cancellable, kbc_test_on_done, &result);
  return kbc_account_login_finish (account, kbc_test_wait_for (&result), error);
}

static gboolean
restore (KbcAccount *account, const char *token, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_restore_async (account, token, NULL, kbc_test_on_done, &result);
  return kbc_account_restore_finish (account, kbc_test_wait_for (&result), error);
}

static gboolean
refresh (KbcAccount *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_refresh_async (account, NULL, kbc_test_on_done, &result);
  return kbc_account_refresh_finish (account, kbc_test_wait_for (&result), error);
}

static gboolean
logout (KbcAccount *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_logout_async (account, NULL, kbc_test_on_done, &result);
  return kbc_account_logout_finish (account, kbc_test_wait_for (&result), error);
}

static gboolean
change_password (KbcAccount *account, const char *current, const char *new_password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_change_password_async (account, current, new_password, NULL, kbc_test_on_done,
                                     &result);
  return kbc_account_change_password_finish (account, kbc_test_wait_for (&result), error);
}

static KbcAccount *
new_account (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  KbcAccount *account = kbc_account_new (kbc_test_server_get_url (fixture->server), &error);

  g_assert_no_error (error);
  g_assert_nonnull (account);

  return account;
}

static KbcAccount *
signed_in_account (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  KbcAccount *account = new_account (fixture);

  g_assert_cmpint (login (account, EMAIL, PASSWORD, NULL, &error), ==, KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);

  return account;
}

static void
count_notify (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
count_signal (KbcAccount *account, guint *count)
{
  (*count)++;
}

static void
test_new (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcAccount) refused = kbc_account_new ("http://connection.keboola.com", &error);
  g_autoptr (KbcAccount) account = NULL;

  g_assert_null (refused);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL);
  g_clear_error (&error);

  account = kbc_account_new ("https://connection.keboola.com/", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbc_account_get_stack_url (account), ==, "https://connection.keboola.com");
  g_assert_nonnull (kbc_account_get_client (account));
  g_assert_false (kbc_account_get_signed_in (account));
  g_assert_null (kbc_account_get_token (account));
  g_assert_null (kbc_account_get_user_email (account));
  g_assert_null (kbc_account_get_mfa_methods (account));
}

static void
test_login (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = new_account (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  guint signed_in_notifies = 0;
  guint email_notifies = 0;
  gboolean mfa = TRUE;

  g_signal_connect (account, "notify::signed-in", G_CALLBACK (count_notify), &signed_in_notifies);
  g_signal_connect (account, "notify::user-email", G_CALLBACK (count_notify), &email_notifies);

  g_assert_cmpint (login (account, EMAIL, PASSWORD, NULL, &error), ==, KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);

  g_assert_true (kbc_account_get_signed_in (account));
  g_assert_nonnull (kbc_account_get_token (account));
  g_assert_true (kbc_client_has_token (kbc_account_get_client (account)));
  g_assert_cmpint (kbc_account_get_user_id (account), ==, fixture->user_id);
  g_assert_cmpstr (kbc_account_get_user_name (account), ==, NAME);
  g_assert_cmpstr (kbc_account_get_user_email (account), ==, EMAIL);
  g_assert_false (kbc_account_get_mfa_enabled (account));
  g_assert_cmpuint (signed_in_notifies, ==, 1);
  g_assert_cmpuint (email_notifies, ==, 1);

  g_object_get (account, "stack-url", &url, "mfa-enabled", &mfa, NULL);
  g_assert_cmpstr (url, ==, kbc_test_server_get_url (fixture->server));
  g_assert_false (mfa);

  /* Verifying again changes nothing, so nothing is notified. */
  g_assert_true (refresh (account, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (signed_in_notifies, ==, 1);
  g_assert_cmpuint (email_notifies, ==, 1);
}

static void
test_wrong_password (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = new_account (fixture);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) unknown = NULL;

  g_assert_cmpint (login (account, EMAIL, "Wrong-Password-0000", NULL, &error), ==, -1);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "The email or password is incorrect.");
  g_assert_false (kbc_account_get_signed_in (account));
  g_assert_null (kbc_account_get_token (account));

  /* An unknown email reads the same. */
  g_assert_cmpint (login (account, "nobody@example.com", PASSWORD, NULL, &unknown), ==, -1);
  g_assert_error (unknown, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (unknown->message, ==, error->message);
}

static void
test_too_many_attempts (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = new_account (fixture);
  g_autoptr (GError) error = NULL;
  guint minutes;
  g_autofree char *expected = NULL;

  for (guint i = 0; i < 30; i++)
    {
      g_clear_error (&error);
      g_assert_cmpint (login (account, EMAIL, "Wrong-Password-0000", NULL, &error), ==, -1);
      if (!g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
        break;
    }

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_TOO_MANY_REQUESTS);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 429);
  g_assert_cmpuint (kbc_api_error_get_retry_after (error), >, 0);
  minutes = (kbc_api_error_get_retry_after (error) + 59) / 60;
  if (kbc_api_error_get_retry_after (error) < 60)
    expected = g_strdup_printf ("Too many attempts. Try again in %u second%s.",
                                kbc_api_error_get_retry_after (error),
                                kbc_api_error_get_retry_after (error) == 1 ? "" : "s");
  else
    expected = g_strdup_printf ("Too many attempts. Try again in %u minute%s.", minutes,
                                minutes == 1 ? "" : "s");
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_restore (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) first = signed_in_account (fixture);
  g_autoptr (KbcAccount) second = new_account (fixture);
  g_autoptr (KbcAccount) third = new_account (fixture);
  g_autoptr (GError) error = NULL;
  guint expired = 0;

  g_assert_true (restore (second, kbc_account_get_token (first), &error));
  g_assert_no_error (error);
  g_assert_true (kbc_account_get_signed_in (second));
  g_assert_cmpint (kbc_account_get_user_id (second), ==, fixture->user_id);
  g_assert_cmpstr (kbc_account_get_user_email (second), ==, EMAIL);
  g_assert_cmpstr (kbc_account_get_token (second), ==, kbc_account_get_token (first));

  /* A token the server does not know: not signed in, and not "expired"
   * either, since there was no session. */
  g_signal_connect (third, "session-expired", G_CALLBACK (count_signal), &expired);
  g_assert_false (restore (third, "99-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "Your session has expired. Please sign in again.");
  g_assert_false (kbc_account_get_signed_in (third));
  g_assert_null (kbc_account_get_token (third));
  g_assert_cmpuint (expired, ==, 0);
}

static void
test_logout (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = signed_in_account (fixture);
  g_autoptr (KbcAccount) other = new_account (fixture);
  g_autoptr (KbcAccount) again = new_account (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = g_strdup (kbc_account_get_token (account));
  guint expired = 0;
  guint own_expired = 0;

  /* The same session held by a second window. */
  g_assert_true (restore (other, token, &error));
  g_assert_no_error (error);
  g_signal_connect (other, "session-expired", G_CALLBACK (count_signal), &expired);
  g_signal_connect (account, "session-expired", G_CALLBACK (count_signal), &own_expired);

  g_assert_true (logout (account, &error));
  g_assert_no_error (error);
  g_assert_false (kbc_account_get_signed_in (account));
  g_assert_null (kbc_account_get_token (account));
  g_assert_false (kbc_client_has_token (kbc_account_get_client (account)));
  g_assert_cmpuint (own_expired, ==, 0);

  /* The server revoked it: the other holder finds out. */
  g_assert_false (refresh (other, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (expired, ==, 1);
  g_assert_false (kbc_account_get_signed_in (other));
  g_assert_null (kbc_account_get_token (other));
  g_clear_error (&error);

  g_assert_false (restore (again, token, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* Signing out twice is fine. */
  g_assert_true (logout (account, &error));
  g_assert_no_error (error);
}

static void
test_logout_revoked (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = signed_in_account (fixture);
  g_autoptr (KbcAccount) other = new_account (fixture);
  g_autoptr (GError) error = NULL;
  guint expired = 0;

  /* The other holder signs the session out first. */
  g_assert_true (restore (other, kbc_account_get_token (account), &error));
  g_assert_true (logout (other, &error));
  g_assert_no_error (error);

  /* Signing out a token the server already forgot is still a sign-out. */
  g_signal_connect (account, "session-expired", G_CALLBACK (count_signal), &expired);
  g_assert_true (logout (account, &error));
  g_assert_no_error (error);
  g_assert_false (kbc_account_get_signed_in (account));
  g_assert_cmpuint (expired, ==, 0);
}

static void
test_change_password (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = signed_in_account (fixture);
  g_autoptr (KbcAccount) other = signed_in_account (fixture);
  g_autoptr (KbcAccount) fresh = new_account (fixture);
  g_autoptr (GError) error = NULL;
  guint expired = 0;

  /* A wrong current password is a field error. */
  g_assert_false (change_password (account, "Not-My-Password-123", NEW_PASSWORD, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_nonnull (kbc_api_error_get_field_message (error, "currentPassword"));
  g_assert_cmpstr (error->message, ==, "The current password is not correct.");
  g_assert_true (kbc_account_get_signed_in (account));
  g_clear_error (&error);

  /* A new password that breaks the policy. */
  g_assert_false (change_password (account, PASSWORD, "short", &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_nonnull (kbc_api_error_get_field_message (error, "newPassword"));
  g_assert_null (kbc_api_error_get_field_message (error, "currentPassword"));
  g_assert_cmpstr (error->message, ==, "The new password does not meet the requirements.");
  g_clear_error (&error);

  g_assert_true (change_password (account, PASSWORD, NEW_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_account_get_signed_in (account));
  g_assert_true (refresh (account, &error));
  g_assert_no_error (error);

  /* Other sessions end. */
  g_signal_connect (other, "session-expired", G_CALLBACK (count_signal), &expired);
  g_assert_false (refresh (other, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (expired, ==, 1);
  g_clear_error (&error);

  g_assert_cmpint (login (fresh, EMAIL, PASSWORD, NULL, &error), ==, -1);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_cmpint (login (fresh, EMAIL, NEW_PASSWORD, NULL, &error), ==, KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);
}

static void
test_dead_server (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = signed_in_account (fixture);
  g_autoptr (KbcAccount) fresh = new_account (fixture);
  g_autoptr (GError) error = NULL;
  guint expired = 0;

  g_signal_connect (account, "session-expired", G_CALLBACK (count_signal), &expired);
  kbc_test_server_stop (fixture->server);

  g_assert_cmpint (login (fresh, EMAIL, PASSWORD, NULL, &error), ==, -1);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_clear_error (&error);

  /* Being offline does not end a session. */
  g_assert_false (refresh (account, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_true (kbc_account_get_signed_in (account));
  g_assert_cmpuint (expired, ==, 0);
  g_clear_error (&error);

  /* Logging out offline still forgets the token, and says so. */
  g_assert_false (logout (account, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_false (kbc_account_get_signed_in (account));
  g_assert_null (kbc_account_get_token (account));
}

static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = new_account (fixture);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_cmpint (login (account, EMAIL, PASSWORD, cancellable, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (kbc_account_get_signed_in (account));
}

static void
test_mfa_without_ticket (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = new_account (fixture);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  /* The MFA step needs a sign-in that asked for it. */
  kbc_account_login_mfa_async (account, "totp", "123456", NULL, kbc_test_on_done, &result);
  g_assert_false (kbc_account_login_mfa_finish (account, kbc_test_wait_for (&result), &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FAILED);
  g_assert_false (kbc_account_get_signed_in (account));
}

static JsonNode *
client_request (KbcAccount *account,
                const char *method,
                const char *path,
                const char *member,
                const char *value,
                GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (JsonNode) body = NULL;
  KbcClient *client = kbc_account_get_client (account);

  if (member != NULL)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, value);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
    }

  kbc_client_request_async (client, method, path, body, NULL, kbc_test_on_done, &result);
  return kbc_client_request_finish (client, kbc_test_wait_for (&result), error);
}

static gboolean
login_mfa (KbcAccount *account, const char *method, const char *code, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_login_mfa_async (account, method, code, NULL, kbc_test_on_done, &result);
  return kbc_account_login_mfa_finish (account, kbc_test_wait_for (&result), error);
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

static void
test_mfa (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = signed_in_account (fixture);
  g_autoptr (KbcAccount) fresh = new_account (fixture);
  g_autoptr (KbcAccount) recovering = new_account (fixture);
  g_autoptr (KbcAccount) guessing = new_account (fixture);
  g_autoptr (JsonNode) enrolment = NULL;
  g_autoptr (JsonNode) activation = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *secret = NULL;
  g_autofree char *code = NULL;
  g_autofree char *next_code = NULL;
  g_autofree char *bad = NULL;
  const char *const *methods;
  JsonArray *recovery_codes;
  gsize secret_len = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint mfa_notifies = 0;
  guint methods_notifies = 0;

  /* Turn TOTP on over the account's own client, as the MFA page does. */
  enrolment = client_request (account, "POST", "/manage/current-user/mfa/totp", "currentPassword",
                              PASSWORD, &error);
  g_assert_no_error (error);
  secret = kbc_totp_base32_decode (
      json_object_get_string_member (json_node_get_object (enrolment), "secret"), &secret_len,
      &error);
  g_assert_no_error (error);
  code = kbc_totp_code_at (secret, secret_len, now);
  activation = client_request (account, "POST", "/manage/current-user/mfa/totp/activate", "code",
                               code, &error);
  g_assert_no_error (error);
  recovery_codes =
      json_object_get_array_member (json_node_get_object (activation), "recoveryCodes");
  g_assert_cmpuint (json_array_get_length (recovery_codes), >, 0);

  g_signal_connect (account, "notify::mfa-enabled", G_CALLBACK (count_notify), &mfa_notifies);
  g_assert_true (refresh (account, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_account_get_mfa_enabled (account));
  g_assert_cmpuint (mfa_notifies, ==, 1);

  /* Signing in now takes two steps. */
  g_signal_connect (fresh, "notify::mfa-methods", G_CALLBACK (count_notify), &methods_notifies);
  g_assert_cmpint (login (fresh, EMAIL, PASSWORD, NULL, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  g_assert_no_error (error);
  g_assert_false (kbc_account_get_signed_in (fresh));
  g_assert_null (kbc_account_get_token (fresh));
  methods = kbc_account_get_mfa_methods (fresh);
  g_assert_nonnull (methods);
  g_assert_true (g_strv_contains (methods, "totp"));
  g_assert_true (g_strv_contains (methods, "recovery"));
  g_assert_cmpuint (methods_notifies, ==, 1);

  /* A wrong code: translated, with the attempts left, and the step stays open. */
  bad = wrong_code (secret, secret_len);
  g_assert_false (login_mfa (fresh, "totp", bad, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "The authentication code is not valid.");
  g_assert_cmpint (kbc_api_error_get_remaining_attempts (error), ==, 4);
  g_assert_nonnull (kbc_account_get_mfa_methods (fresh));
  g_assert_false (kbc_account_get_signed_in (fresh));
  g_clear_error (&error);

  /* The next step's code: valid (±1 step) and not a replay of activation. */
  next_code = kbc_totp_code_at (secret, secret_len, now + KBC_TOTP_PERIOD);
  g_assert_true (login_mfa (fresh, "totp", next_code, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_account_get_signed_in (fresh));
  g_assert_nonnull (kbc_account_get_token (fresh));
  g_assert_cmpstr (kbc_account_get_user_email (fresh), ==, EMAIL);
  g_assert_true (kbc_account_get_mfa_enabled (fresh));
  g_assert_null (kbc_account_get_mfa_methods (fresh));
  g_assert_cmpuint (methods_notifies, ==, 2);

  /* A recovery code works instead. */
  g_assert_cmpint (login (recovering, EMAIL, PASSWORD, NULL, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  g_assert_true (login_mfa (recovering, "recovery",
                            json_array_get_string_element (recovery_codes, 0), &error));
  g_assert_no_error (error);
  g_assert_true (kbc_account_get_signed_in (recovering));

  /* Out of attempts, the ticket is gone. */
  g_assert_cmpint (login (guessing, EMAIL, PASSWORD, NULL, &error), ==, KBC_LOGIN_MFA_REQUIRED);
  for (int left = 4; left >= 0; left--)
    {
      g_assert_false (login_mfa (guessing, "totp", bad, &error));
      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
      g_assert_cmpint (kbc_api_error_get_remaining_attempts (error), ==, left);
      g_clear_error (&error);
    }
  g_assert_null (kbc_account_get_mfa_methods (guessing));
  g_assert_false (login_mfa (guessing, "totp", bad, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "The sign-in has expired. Enter your email and password again.");
  g_assert_false (kbc_account_get_signed_in (guessing));
}

/* The MFA calls of KbcAccount, as the MFA group and the TOTP dialog use
 * them: the ones that change a factor refresh mfa-enabled themselves. */
static JsonNode *
mfa_finish (KbcAccount *account, GAsyncResult **result, GError **error)
{
  return kbc_account_mfa_finish (account, kbc_test_wait_for (result), error);
}

static void
test_mfa_calls (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = signed_in_account (fixture);
  g_autoptr (GAsyncResult) enrolled = NULL;
  g_autoptr (GAsyncResult) activated = NULL;
  g_autoptr (GAsyncResult) regenerated = NULL;
  g_autoptr (GAsyncResult) state = NULL;
  g_autoptr (GAsyncResult) refused = NULL;
  g_autoptr (GAsyncResult) disabled = NULL;
  g_autoptr (JsonNode) enrolment = NULL;
  g_autoptr (JsonNode) activation = NULL;
  g_autoptr (JsonNode) codes = NULL;
  g_autoptr (JsonNode) mfa = NULL;
  g_autoptr (JsonNode) nothing = NULL;
  g_autoptr (JsonNode) off = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *secret = NULL;
  g_autofree char *code = NULL;
  gsize secret_len = 0;
  guint mfa_notifies = 0;

  g_signal_connect (account, "notify::mfa-enabled", G_CALLBACK (count_notify), &mfa_notifies);

  kbc_account_enrol_totp_async (account, PASSWORD, NULL, kbc_test_on_done, &enrolled);
  enrolment = mfa_finish (account, &enrolled, &error);
  g_assert_no_error (error);
  secret = kbc_totp_base32_decode (
      json_object_get_string_member (json_node_get_object (enrolment), "secret"), &secret_len,
      &error);
  g_assert_no_error (error);
  g_assert_false (kbc_account_get_mfa_enabled (account));

  code = kbc_totp_code_at (secret, secret_len, g_get_real_time () / G_USEC_PER_SEC);
  kbc_account_activate_totp_async (account, code, NULL, kbc_test_on_done, &activated);
  activation = mfa_finish (account, &activated, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (activation), "recoveryCodes")),
                    ==, 10);
  g_assert_true (kbc_account_get_mfa_enabled (account));
  g_assert_cmpuint (mfa_notifies, ==, 1);

  kbc_account_regenerate_recovery_codes_async (account, PASSWORD, NULL, kbc_test_on_done,
                                               &regenerated);
  codes = mfa_finish (account, &regenerated, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (codes), "recoveryCodes")),
                    ==, 10);

  kbc_account_get_mfa_async (account, NULL, kbc_test_on_done, &state);
  mfa = mfa_finish (account, &state, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (mfa), "enabled"));

  /* A wrong password changes nothing. */
  kbc_account_disable_mfa_async (account, "Not-The-Password-1", NULL, kbc_test_on_done, &refused);
  nothing = mfa_finish (account, &refused, &error);
  g_assert_null (nothing);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_nonnull (kbc_api_error_get_field_message (error, "currentPassword"));
  g_clear_error (&error);
  g_assert_true (kbc_account_get_mfa_enabled (account));

  kbc_account_disable_mfa_async (account, PASSWORD, NULL, kbc_test_on_done, &disabled);
  off = mfa_finish (account, &disabled, &error);
  g_assert_no_error (error);
  g_assert_nonnull (off);
  g_assert_false (kbc_account_get_mfa_enabled (account));
  g_assert_cmpuint (mfa_notifies, ==, 2);
}

static void
test_no_secrets_in_log (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = new_account (fixture);
  g_autoptr (KbcAccount) other = new_account (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;

  g_mutex_lock (&log_lock);
  g_string_truncate (log_text, 0);
  g_mutex_unlock (&log_lock);

  g_assert_cmpint (login (account, EMAIL, "Wrong-Password-0000", NULL, &error), ==, -1);
  g_clear_error (&error);
  g_assert_cmpint (login (account, EMAIL, PASSWORD, NULL, &error), ==, KBC_LOGIN_SIGNED_IN);
  token = g_strdup (kbc_account_get_token (account));
  g_assert_cmpint (login (other, EMAIL, PASSWORD, NULL, &error), ==, KBC_LOGIN_SIGNED_IN);
  g_assert_false (change_password (account, "Not-My-Password-123", NEW_PASSWORD, &error));
  g_clear_error (&error);
  g_assert_true (change_password (account, PASSWORD, NEW_PASSWORD, &error));
  g_assert_false (refresh (other, &error));
  g_clear_error (&error);
  g_assert_true (logout (account, &error));
  g_assert_no_error (error);

  g_mutex_lock (&log_lock);
  text = g_strdup (log_text->str);
  g_mutex_unlock (&log_lock);

  /* The capture works: the requests are there… */
  g_assert_nonnull (strstr (text, "POST /manage/auth/login"));
  g_assert_nonnull (strstr (text, "PUT /manage/current-user/password"));
  /* …and no secret is. */
  g_assert_null (strstr (text, PASSWORD));
  g_assert_null (strstr (text, NEW_PASSWORD));
  g_assert_null (strstr (text, "Wrong-Password-0000"));
  g_assert_null (strstr (text, "Not-My-Password-123"));
  g_assert_null (strstr (text, token));
  g_assert_null (strstr (text, strchr (token, '-') + 1));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_log_set_debug_enabled (TRUE);

  g_test_add_func ("/kbc/account/new", test_new);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/kbc/account/login", test_login);
  ADD ("/kbc/account/wrong-password", test_wrong_password);
  ADD ("/kbc/account/too-many-attempts", test_too_many_attempts);
  ADD ("/kbc/account/restore", test_restore);
  ADD ("/kbc/account/logout", test_logout);
  ADD ("/kbc/account/logout-revoked", test_logout_revoked);
  ADD ("/kbc/account/change-password", test_change_password);
  ADD ("/kbc/account/dead-server", test_dead_server);
  ADD ("/kbc/account/cancel", test_cancel);
  ADD ("/kbc/account/mfa-without-ticket", test_mfa_without_ticket);
  ADD ("/kbc/account/mfa", test_mfa);
  ADD ("/kbc/account/mfa-calls", test_mfa_calls);
  ADD ("/kbc/account/no-secrets-in-log", test_no_secrets_in_log);
#undef ADD

  return g_test_run ();
}
