/* test-account.c: KbcAccount against the real kbc-account-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-account.h"
#include "kbc-error.h"
#include "kbc-mfa.h"
#include "kbc-session.h"
#include "kbc-stack.h"
#include "kbc-test-utils.h"

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

/* Signs in through a session that remembers nothing; the account, or NULL. */
static KbcAccount *
login (Fixture *fixture, const char *email, const char *password, GError **error)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_in_async (session, KBC_STACK_CUSTOM, kbc_test_server_get_url (fixture->server),
                             email, password, NULL, kbc_test_on_done, &result);
  if (kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), error) !=
      KBC_LOGIN_SIGNED_IN)
    return NULL;

  return g_object_ref (kbc_session_get_account (session));
}

static gboolean
restore (KbcAccount *account, const char *token, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_adopt_token_async (account, token, NULL, kbc_test_on_done, &result);
  return kbc_account_adopt_token_finish (account, kbc_test_wait_for (&result), error);
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
  return kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
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
}

static void
test_login (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcAccount) account = login (fixture, EMAIL, PASSWORD, &error);
  g_autofree char *url = NULL;
  guint signed_in_notifies = 0;
  guint email_notifies = 0;

  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_true (kbc_account_get_signed_in (account));
  g_assert_nonnull (kbc_account_get_token (account));
  g_assert_true (kbc_client_has_token (kbc_account_get_client (account)));
  g_assert_cmpint (kbc_account_get_user_id (account), ==, fixture->user_id);
  g_assert_cmpstr (kbc_account_get_user_name (account), ==, NAME);
  g_assert_cmpstr (kbc_account_get_user_email (account), ==, EMAIL);
  g_assert_false (kbc_account_get_verified_mfa_enabled (account));
  g_assert_false (kbc_mfa_get_enabled (kbc_account_get_mfa (account)));

  g_object_get (account, "stack-url", &url, NULL);
  g_assert_cmpstr (url, ==, kbc_test_server_get_url (fixture->server));

  /* Verifying again changes nothing, so nothing is notified. */
  g_signal_connect (account, "notify::signed-in", G_CALLBACK (count_notify), &signed_in_notifies);
  g_signal_connect (account, "notify::user-email", G_CALLBACK (count_notify), &email_notifies);
  g_assert_true (refresh (account, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (signed_in_notifies, ==, 0);
  g_assert_cmpuint (email_notifies, ==, 0);
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
  g_autoptr (KbcAccount) fresh = NULL;
  g_autoptr (KbcAccount) renewed = NULL;
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

  fresh = login (fixture, EMAIL, PASSWORD, &error);
  g_assert_null (fresh);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  renewed = login (fixture, EMAIL, NEW_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (renewed);
}

static void
test_dead_server (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) account = signed_in_account (fixture);
  g_autoptr (KbcAccount) fresh = NULL;
  g_autoptr (GError) error = NULL;
  guint expired = 0;

  g_signal_connect (account, "session-expired", G_CALLBACK (count_signal), &expired);
  kbc_test_server_stop (fixture->server);

  fresh = login (fixture, EMAIL, PASSWORD, &error);
  g_assert_null (fresh);
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
test_no_secrets_in_log (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcAccount) refused = NULL;
  g_autoptr (KbcAccount) account = NULL;
  g_autoptr (KbcAccount) other = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;

  g_mutex_lock (&log_lock);
  g_string_truncate (log_text, 0);
  g_mutex_unlock (&log_lock);

  refused = login (fixture, EMAIL, "Wrong-Password-0000", &error);
  g_assert_null (refused);
  g_clear_error (&error);
  account = login (fixture, EMAIL, PASSWORD, &error);
  g_assert_nonnull (account);
  token = g_strdup (kbc_account_get_token (account));
  other = login (fixture, EMAIL, PASSWORD, &error);
  g_assert_nonnull (other);
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
  ADD ("/kbc/account/restore", test_restore);
  ADD ("/kbc/account/logout", test_logout);
  ADD ("/kbc/account/logout-revoked", test_logout_revoked);
  ADD ("/kbc/account/change-password", test_change_password);
  ADD ("/kbc/account/dead-server", test_dead_server);
  ADD ("/kbc/account/no-secrets-in-log", test_no_secrets_in_log);
#undef ADD

  return g_test_run ();
}
