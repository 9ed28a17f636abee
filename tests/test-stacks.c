/* test-stacks.c: KbcSession on a stack like Keboola's, and on ours
 *
 * A Keboola stack takes a personal access token only; `serve
 * --published-only` plays one. The session must sign in with a token there,
 * keep it in the keyring as an access token, restore it, and forget it at
 * sign-out without revoking it; and a password must never leave for a server
 * that did not list password sign-in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kbc-auth-methods.h"
#include "kbc-error.h"
#include "kbc-keyring.h"
#include "kbc-mfa.h"
#include "kbc-session.h"
#include "kbc-stack.h"
#include "kbc-test-utils.h"

#define EMAIL    "stacks@example.com"
#define NAME     "Stella Stacks"
#define PASSWORD "Quiet-Lantern-Harbor-91"

typedef struct
{
  KbcTestServer *server;
  const char *url;
  GSettings *settings;
  char *token; /* a personal access token, from `token add` */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  gboolean published_only = GPOINTER_TO_INT (data);
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  fixture->server = published_only ? kbc_test_server_new_with_args ("--published-only", NULL)
                                   : kbc_test_server_new ();
  fixture->url = kbc_test_server_get_url (fixture->server);
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->token = kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email", EMAIL,
                                          "--description", "Desktop app", NULL);

  fixture->settings = g_settings_new (APP_ID);
  g_object_get (fixture->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (fixture->settings, keys[i]);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_keyring_clear_async (fixture->url, EMAIL, NULL, kbc_test_on_done, &result);
  kbc_keyring_clear_finish (kbc_test_wait_for (&result), NULL);

  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static KbcLoginResult
sign_in_token (KbcSession *session,
               const char *stack_id,
               const char *url,
               const char *token,
               GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_in_token_async (session, stack_id, url, token, NULL, kbc_test_on_done, &result);
  return kbc_session_sign_in_token_finish (session, kbc_test_wait_for (&result), error);
}

static KbcLoginResult
sign_in_password (KbcSession *session, const char *stack_id, const char *url, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_in_async (session, stack_id, url, EMAIL, PASSWORD, NULL, kbc_test_on_done,
                             &result);
  return kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), error);
}

static KbcSignInMethods
probe (KbcSession *session, const char *stack_id, const char *url, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_probe_async (session, stack_id, url, NULL, kbc_test_on_done, &result);
  return kbc_session_probe_finish (session, kbc_test_wait_for (&result), error);
}

static char *
keyring_lookup (Fixture *fixture, KbcKeyringKind *kind)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  char *token;

  kbc_keyring_lookup_async (fixture->url, EMAIL, NULL, kbc_test_on_done, &result);
  token = kbc_keyring_lookup_finish (kbc_test_wait_for (&result), kind, &error);
  g_assert_no_error (error);
  return token;
}

static gboolean
log_has (Fixture *fixture, const char *text)
{
  g_autofree char *log = kbc_test_server_get_log (fixture->server);

  return strstr (log, text) != NULL;
}

static guint
verify_status (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) response =
      kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);

  return response->status;
}

/* On a published-only stack: a token only, and everything a token session
 * does, with no password sent anywhere. */
static void
test_published_only (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = kbc_session_new (fixture->settings, NULL);
  g_autoptr (KbcSession) again = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stored = NULL;
  KbcKeyringKind kind = KBC_KEYRING_KIND_SESSION;
  KbcAccount *account;
  KbcAuthMethods *methods;
  KbcMfa *mfa;

  /* The stack is asked, and its 404 means a token only. */
  g_assert_cmpint (probe (session, KBC_STACK_CUSTOM, fixture->url, &error), ==,
                   KBC_SIGN_IN_METHOD_TOKEN);
  g_assert_no_error (error);
  g_assert_true (log_has (fixture, "GET /manage/auth/methods 404"));

  /* A password sign-in fails before the password goes anywhere. */
  g_assert_cmpint (sign_in_password (session, KBC_STACK_CUSTOM, fixture->url, &error), ==,
                   KBC_LOGIN_FAILED);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "This server does not offer sign-in with a password. Sign in with an access "
                   "token.");
  g_clear_error (&error);
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_OUT);

  /* The token, as a clipboard brings it: spaces, a line break, quotes. */
  {
    g_autofree char *pasted = g_strdup_printf ("  \"%s\"\n", fixture->token);

    g_assert_cmpint (sign_in_token (session, KBC_STACK_CUSTOM, fixture->url, pasted, &error), ==,
                     KBC_LOGIN_SIGNED_IN);
    g_assert_no_error (error);
  }
  account = kbc_session_get_account (session);
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_IN);
  g_assert_true (kbc_session_get_uses_access_token (session));
  g_assert_cmpstr (kbc_account_get_user_email (account), ==, EMAIL);
  g_assert_cmpstr (kbc_account_get_user_name (account), ==, NAME);
  g_assert_false (kbc_account_get_is_session_token (account));

  /* In the keyring, as an access token. */
  while ((stored = keyring_lookup (fixture, &kind)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (stored, ==, fixture->token);
  g_assert_cmpint (kind, ==, KBC_KEYRING_KIND_ACCESS_TOKEN);

  /* What the stack offers: no password, no MFA here. */
  methods = kbc_account_get_auth_methods (account);
  g_assert_false (kbc_test_refresh (methods, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (kbc_auth_methods_get_known (methods));
  g_assert_false (kbc_auth_methods_get_password (methods));
  g_assert_true (kbc_auth_methods_get_token (methods));

  mfa = kbc_account_get_mfa (account);
  kbc_test_refresh (mfa, NULL);
  g_assert_false (kbc_resource_get_offered (KBC_RESOURCE (mfa)));
  g_assert_null (kbc_resource_get_error (KBC_RESOURCE (mfa)));

  /* The next launch restores it. */
  again = kbc_session_new (fixture->settings, NULL);
  kbc_session_restore_async (again, NULL, NULL, NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_session_restore_finish (again, kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (kbc_session_get_state (again), ==, KBC_SESSION_STATE_SIGNED_IN);
  g_assert_true (kbc_session_get_uses_access_token (again));

  /* Signing out forgets it here and leaves it valid. */
  kbc_session_sign_out_async (again, NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_session_sign_out_finish (again, kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (kbc_session_get_state (again), ==, KBC_SESSION_STATE_SIGNED_OUT);
  g_clear_pointer (&stored, g_free);
  stored = keyring_lookup (fixture, NULL);
  g_assert_null (stored);
  g_assert_cmpuint (verify_status (fixture, fixture->token), ==, 200);

  g_assert_false (log_has (fixture, "/manage/auth/login"));
  g_assert_false (log_has (fixture, "/manage/auth/logout"));
}

/* Our server offers both; a password session still revokes at sign-out. */
static void
test_both_ways (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *session_token = NULL;

  g_assert_cmpint (probe (session, KBC_STACK_CUSTOM, fixture->url, &error), ==,
                   KBC_SIGN_IN_METHOD_TOKEN | KBC_SIGN_IN_METHOD_PASSWORD);
  g_assert_no_error (error);

  g_assert_cmpint (sign_in_password (session, KBC_STACK_CUSTOM, fixture->url, &error), ==,
                   KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);
  g_assert_false (kbc_session_get_uses_access_token (session));
  g_assert_true (kbc_account_get_is_session_token (kbc_session_get_account (session)));
  session_token = g_strdup (kbc_account_get_token (kbc_session_get_account (session)));

  kbc_session_sign_out_async (session, NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_session_sign_out_finish (session, kbc_test_wait_for (&result), &error));
  g_clear_object (&result);
  g_assert_cmpuint (verify_status (fixture, session_token), ==, 401);

  /* A token session on the same server is forgotten, not revoked. */
  g_assert_cmpint (sign_in_token (session, KBC_STACK_CUSTOM, fixture->url, fixture->token, &error),
                   ==, KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);
  g_assert_true (kbc_session_get_uses_access_token (session));
  kbc_session_sign_out_async (session, NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_session_sign_out_finish (session, kbc_test_wait_for (&result), &error));
  g_assert_cmpuint (verify_status (fixture, fixture->token), ==, 200);
}

/* Tokens that cannot be: refused before a request, or by the server with
 * words about the token. */
static void
test_bad_tokens (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  before = kbc_test_server_get_log (fixture->server);
  g_assert_cmpint (sign_in_token (session, KBC_STACK_CUSTOM, fixture->url, "  \n ", &error), ==,
                   KBC_LOGIN_FAILED);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "Paste an access token.");
  g_clear_error (&error);

  g_assert_cmpint (
      sign_in_token (session, KBC_STACK_CUSTOM, fixture->url, "12-abc\r\nX-Evil: 1", &error), ==,
      KBC_LOGIN_FAILED);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "does not look like an access token"));
  g_clear_error (&error);
  after = kbc_test_server_get_log (fixture->server);
  g_assert_cmpstr (before, ==, after);

  g_assert_cmpint (sign_in_token (session, KBC_STACK_CUSTOM, fixture->url,
                                  "999-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN", &error),
                   ==, KBC_LOGIN_FAILED);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "The access token was not accepted"));
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_OUT);
}

/* A Keboola stack is never asked for password sign-in: nothing is sent. */
static void
test_keboola_stack (void)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (probe (session, "us", NULL, &error), ==, KBC_SIGN_IN_METHOD_TOKEN);
  g_assert_no_error (error);

  g_assert_cmpint (sign_in_password (session, "eu", NULL, &error), ==, KBC_LOGIN_FAILED);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "does not offer sign-in with a password"));

  g_assert_cmpstr (kbc_stack_find_by_url ("https://Connection.Keboola.com/"), ==, "us");
  g_assert_cmpstr (kbc_stack_find_by_url ("https://connection.eu-central-1.keboola.com"), ==, "eu");
  g_assert_cmpstr (kbc_stack_find_by_url ("https://connection.example.com"), ==, KBC_STACK_CUSTOM);
}

/* A bare host typed as a custom stack is its https:// address; a name that
 * does not resolve says so. */
static void
test_bare_host (void)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GError) error = NULL;

  probe (session, KBC_STACK_CUSTOM, "  no-such-stack.invalid ", &error);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==,
                   "The server name no-such-stack.invalid was not found. Check the address.");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kbc/stacks/published-only", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_published_only, fixture_tear_down);
  g_test_add ("/kbc/stacks/both-ways", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_both_ways, fixture_tear_down);
  g_test_add ("/kbc/stacks/bad-tokens", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_bad_tokens, fixture_tear_down);
  g_test_add_func ("/kbc/stacks/keboola-stack", test_keboola_stack);
  g_test_add_func ("/kbc/stacks/bare-host", test_bare_host);

  return g_test_run ();
}
