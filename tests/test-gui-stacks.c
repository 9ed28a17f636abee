/* test-gui-stacks.c: the real window on a stack like Keboola's
 *
 * `serve --published-only` answers only what Keboola publishes: the app
 * signs in with a personal access token through the real sign-in page,
 * shows the user and the web-only notice for password and MFA, restores the
 * token at the next launch, and signs out by forgetting it (the token still
 * verifies). No request ever goes to /manage/auth/login. Runs under Xvfb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kbc-account-page.h"
#include "kbc-keys-group.h"
#include "kbc-mfa-group.h"
#include "kbc-password-group.h"
#include "kbc-profile-group.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"
#include "kbc-web-notice.h"

#define EMAIL "token@kbc-account.test"
#define NAME  "Tomas Token"

typedef struct
{
  KbcTestServer *server;
  const char *url;
  char *token;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  kbc_gui_reset_settings ();
  fixture->server = kbc_test_server_new_with_args ("--published-only", NULL);
  fixture->url = kbc_test_server_get_url (fixture->server);
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, "Unused-Password-Is-Long-1");
  fixture->token = kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email", EMAIL,
                                          "--description", "KBC Account test", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
  g_clear_pointer (&fixture->token, g_free);
}

static gboolean
is_token_only (gpointer data)
{
  KbcSignInPage *page = data;

  return kbc_sign_in_page_get_methods (page) == KBC_SIGN_IN_METHOD_TOKEN;
}

static gboolean
web_notice_shown (gpointer data)
{
  GtkWidget *page = data;
  GtkWidget *notice = kbc_gui_find_descendant (page, KBC_TYPE_WEB_NOTICE);

  return notice != NULL && gtk_widget_get_mapped (notice);
}

/* The Account page: the user from the verification, the notice in place of
 * password and MFA. */
static void
assert_account_page (KbcWindow *window)
{
  GtkWidget *page = kbc_window_get_page (window, "account");
  GtkWidget *profile, *notice;
  const char *description;

  g_assert_true (KBC_IS_ACCOUNT_PAGE (page));
  kbc_test_wait_until (web_notice_shown, page, "the web-only notice");

  profile = kbc_gui_find_descendant (page, KBC_TYPE_PROFILE_GROUP);
  g_assert_cmpstr (gtk_label_get_label (
                       GTK_LABEL (kbc_gui_child (profile, KBC_TYPE_PROFILE_GROUP, "name_label"))),
                   ==, NAME);
  g_assert_cmpstr (gtk_label_get_label (
                       GTK_LABEL (kbc_gui_child (profile, KBC_TYPE_PROFILE_GROUP, "email_label"))),
                   ==, EMAIL);

  notice = kbc_gui_find_descendant (page, KBC_TYPE_WEB_NOTICE);
  description = kbc_web_notice_get_description (KBC_WEB_NOTICE (notice));
  g_assert_cmpstr (description, ==,
                   "This stack keeps your password and multi-factor authentication in its web "
                   "Account Settings.");
  g_assert_cmpstr (
      kbc_web_notice_get_uri (KBC_WEB_NOTICE (notice)), ==,
      kbc_account_get_stack_url (kbc_account_page_get_account (KBC_ACCOUNT_PAGE (page))));

  /* Nothing that would fail on this stack is offered. */
  g_assert_false (gtk_widget_get_visible (kbc_gui_find_descendant (page, KBC_TYPE_PASSWORD_GROUP)));
  g_assert_false (gtk_widget_get_visible (kbc_gui_find_descendant (page, KBC_TYPE_MFA_GROUP)));
  g_assert_false (gtk_widget_get_visible (kbc_gui_find_descendant (page, KBC_TYPE_KEYS_GROUP)));
}

static void
token_sign_in (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  g_autofree char *pasted = g_strdup_printf ("\n  %s  \n", fixture->token);

  kbc_gui_wait_view (window, "sign-in");

  /* The stack is asked how it signs in; it takes a token only, so the form
   * shows the token field and no choice. */
  kbc_sign_in_page_set_custom_url (page, fixture->url);
  kbc_test_wait_until (is_token_only, page, "the stack to be found token-only");
  g_assert_false (
      gtk_widget_is_visible (kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "method_box")));
  g_assert_false (gtk_widget_is_visible (kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "email_row")));
  g_assert_true (gtk_widget_is_visible (kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "web_row")));

  kbc_gui_save_shot (GTK_WIDGET (window), "sign-in-token.png");
  kbc_gui_sign_in_with_token (window, NULL, pasted);
  kbc_gui_wait_view (window, "main");
  kbc_gui_wait_keyring (fixture->url, EMAIL, TRUE);
  g_assert_true (kbc_session_get_uses_access_token (kbc_application_get_session (app)));

  assert_account_page (window);
  kbc_gui_save_shot (GTK_WIDGET (window), "account-web-notice.png");
}

static void
restored_then_sign_out (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  kbc_gui_wait_view (window, "main");
  assert_account_page (window);

  kbc_gui_sign_out (window);
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
}

static void
test_token_session (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) response = NULL;
  g_autofree char *log = NULL;

  kbc_gui_app_run (token_sign_in, fixture);
  kbc_gui_app_run (restored_then_sign_out, fixture);

  /* Signing out did not revoke the token: it is the user's. */
  response = kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify",
                                      fixture->token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (kbc_test_response_string (response, "type"), ==, "admin");

  /* Not one request tried a password. */
  log = kbc_test_server_get_log (fixture->server);
  g_assert_nonnull (strstr (log, "GET /manage/tokens/verify 200"));
  g_assert_null (strstr (log, "/manage/auth/login"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kbc/gui/stacks/token-session", Fixture, NULL, fixture_set_up, test_token_session,
              fixture_tear_down);

  return g_test_run ();
}
