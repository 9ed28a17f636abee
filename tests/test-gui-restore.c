/* test-gui-restore.c: the last known profile, shown while a saved session is verified
 *
 * Signs in through the real window, then launches again with the real
 * server stopped (SIGSTOP), so that the verification of the saved session
 * hangs: the window must show the Account page's place with the name, email
 * and stack remembered from the sign-in and a spinner for the rest, and
 * nothing that needs the server. Then the server goes on (SIGCONT) and the
 * real page takes its place; or the token was revoked meanwhile and the
 * sign-in form shows with its message; or the server is gone and the
 * sign-in form says so. Every view shown is recorded: no other may appear
 * in between. Runs under Xvfb (build-aux/headless.sh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include "kbc-account-page.h"
#include "kbc-profile-group.h"
#include "kbc-restoring-page.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"

#define EMAIL    "rosa.restore@example.test"
#define NAME     "Rosa Obnovená"
#define PASSWORD "Harbor-Violet-Compass-41"

typedef struct
{
  KbcTestServer *server;
  const char *url;
  gboolean stopped; /* SIGSTOP sent, no SIGCONT yet */

  /* The views shown, and when the session began to be restored. */
  KbcGuiRecorder *recorder;
  gint64 restoring_at;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  kbc_gui_reset_settings ();
  fixture->server = kbc_test_server_new ();
  fixture->url = kbc_test_server_get_url (fixture->server);
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->recorder = kbc_gui_recorder_new ();
}

static void
server_continue (Fixture *fixture)
{
  if (!fixture->stopped)
    return;
  g_assert_cmpint (kill (kbc_test_server_get_pid (fixture->server), SIGCONT), ==, 0);
  fixture->stopped = FALSE;
}

static void
server_pause (Fixture *fixture)
{
  g_assert_cmpint (kill (kbc_test_server_get_pid (fixture->server), SIGSTOP), ==, 0);
  fixture->stopped = TRUE;
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  server_continue (fixture);
  g_clear_pointer (&fixture->recorder, kbc_gui_recorder_free);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* ---- what the window shows ---- */

static void
state_cb (KbcSession *session, GParamSpec *pspec, Fixture *fixture)
{
  if (kbc_session_get_state (session) == KBC_SESSION_STATE_RESTORING)
    fixture->restoring_at = g_get_monotonic_time ();
}

/* The window exists and follows nothing yet: watch everything it shows,
 * and when the session begins to be restored. */
static void
watch_window (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  fixture->restoring_at = -1;
  g_signal_connect (kbc_application_get_session (app), "notify::state", G_CALLBACK (state_cb),
                    fixture);
  kbc_gui_recorder_watch (fixture->recorder, window);
}

/* ---- the runs ---- */

static void
sign_in (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *name = NULL;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  kbc_gui_wait_keyring (fixture->url, EMAIL, TRUE);

  /* The name is kept for the next start, next to the email. */
  name = g_settings_get_string (kbc_gui_get_settings (), "last-name");
  g_assert_cmpstr (name, ==, NAME);
}

static gboolean
restoring_page_shown (gpointer data)
{
  KbcWindow *window = data;
  GtkStack *pages = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_stack");

  return g_strcmp0 (kbc_window_get_view (window), "main") == 0 &&
         KBC_IS_RESTORING_PAGE (gtk_stack_get_visible_child (pages));
}

/* The cached profile is on screen and the session still being verified:
 * the name, email and stack from the last sign-in, a spinner turning in
 * place of what needs the server, nothing that changes anything. */
static void
assert_cached_profile (Fixture *fixture, KbcApplication *app, KbcWindow *window)
{
  KbcSession *session = kbc_application_get_session (app);
  GtkStack *pages = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_stack");
  GtkWidget *page, *profile, *spinner;
  GtkLabel *header_name;
  g_autoptr (GUri) uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *stack = NULL;
  GAction *sign_out;

  kbc_test_wait_until (restoring_page_shown, window, "the cached profile");
  page = gtk_stack_get_visible_child (pages);
  kbc_gui_wait_drawn (page);
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_RESTORING);
  g_assert_null (kbc_session_get_account (session));

  profile = kbc_gui_find_descendant (page, KBC_TYPE_PROFILE_GROUP);
  g_assert_nonnull (profile);
  g_assert_true (gtk_widget_get_mapped (profile));
  g_assert_cmpstr (
      gtk_label_get_label (kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "name_label")),
      ==, NAME);
  g_assert_true (gtk_widget_get_visible (
      kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "name_row")));
  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "name_entry_row")));
  g_assert_cmpstr (
      gtk_label_get_label (kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "email_label")),
      ==, EMAIL);
  stack = g_strdup_printf ("This computer · 127.0.0.1:%d", g_uri_get_port (uri));
  g_assert_cmpstr (adw_action_row_get_subtitle (
                       kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "stack_row")),
                   ==, stack);

  /* The rest is loading, and says so. */
  spinner = kbc_gui_template_child (page, KBC_TYPE_RESTORING_PAGE, "spinner");
  g_assert_true (gtk_widget_get_mapped (spinner));
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  g_assert_true (kbc_gui_has_label (page, "Checking your session…"));

  /* Nothing that needs the server: no pages to go to, no sign-out, no
   * account page behind it. */
  g_assert_false (
      gtk_widget_is_sensitive (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "sidebar")));
  g_assert_null (kbc_window_get_page (window, "account"));
  g_assert_null (kbc_gui_find_descendant (GTK_WIDGET (window), KBC_TYPE_ACCOUNT_PAGE));
  sign_out = g_action_map_lookup_action (G_ACTION_MAP (app), "sign-out");
  g_assert_false (g_action_get_enabled (sign_out));

  /* Who it is, in the header's account menu too. */
  header_name = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "account_name_label");
  g_assert_cmpstr (gtk_label_get_label (header_name), ==, NAME);
}

static gboolean
account_page_shown (gpointer data)
{
  KbcWindow *window = data;
  GtkStack *pages = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_stack");

  return g_strcmp0 (kbc_window_get_view (window), "main") == 0 &&
         KBC_IS_ACCOUNT_PAGE (gtk_stack_get_visible_child (pages));
}

static void
verified (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcSession *session = kbc_application_get_session (app);
  GtkWidget *page;

  assert_cached_profile (fixture, app, window);
  kbc_gui_save_shot (GTK_WIDGET (window), "restoring.png");

  /* Held this long, the cached profile is still all there is. */
  {
    gint64 until = g_get_monotonic_time () + G_TIME_SPAN_SECOND;

    KBC_TEST_WAIT_FOR (g_get_monotonic_time () >= until);
  }
  g_assert_true (restoring_page_shown (window));

  server_continue (fixture);
  kbc_test_wait_until (account_page_shown, window, "the Account page");
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_IN);
  page = kbc_window_get_page (window, "account");
  kbc_gui_wait_drawn (page);
  g_assert_cmpstr (kbc_account_get_user_name (kbc_session_get_account (session)), ==, NAME);
  g_assert_null (kbc_gui_find_descendant (GTK_WIDGET (window), KBC_TYPE_RESTORING_PAGE));
  g_assert_true (
      gtk_widget_is_sensitive (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "sidebar")));
  g_assert_true (
      g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (app), "sign-out")));

  kbc_gui_recorder_assert (fixture->recorder, "start → main: account-cached → main: account");
}

static void
test_verified (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (sign_in, fixture);

  server_pause (fixture);
  kbc_gui_app_run_full (watch_window, verified, fixture);
}

/* Settings from before the name was kept: the email alone, and the
 * confirmed restore keeps the name for the next start. */
static void
no_name_kept (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GtkStack *pages = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_stack");
  GtkWidget *profile;
  g_autofree char *name = NULL;

  kbc_test_wait_until (restoring_page_shown, window, "the cached profile");
  profile = kbc_gui_find_descendant (gtk_stack_get_visible_child (pages), KBC_TYPE_PROFILE_GROUP);
  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "name_row")));
  g_assert_cmpstr (
      gtk_label_get_label (kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "email_label")),
      ==, EMAIL);
  g_assert_cmpstr (
      gtk_label_get_label (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "account_name_label")),
      ==, EMAIL);
  /* The account menu shows the email once, not under itself again. */
  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (window, KBC_TYPE_WINDOW, "account_email_label")));

  server_continue (fixture);
  kbc_test_wait_until (account_page_shown, window, "the Account page");
  name = g_settings_get_string (kbc_gui_get_settings (), "last-name");
  g_assert_cmpstr (name, ==, NAME);
  g_assert_true (gtk_widget_get_visible (
      kbc_gui_template_child (window, KBC_TYPE_WINDOW, "account_email_label")));
  g_assert_cmpstr (
      gtk_label_get_label (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "account_email_label")),
      ==, EMAIL);
}

static void
test_no_name_kept (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (sign_in, fixture);
  g_settings_reset (kbc_gui_get_settings (), "last-name");

  server_pause (fixture);
  kbc_gui_app_run (no_name_kept, fixture);
}

/* The token was revoked while the app was closed. */
static void
refused (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  const char *message;

  assert_cached_profile (fixture, app, window);

  server_continue (fixture);
  kbc_gui_wait_view (window, "sign-in");
  message = kbc_gui_wait_sign_in_message (window);
  g_assert_cmpstr (message, ==, "Your session has expired. Please sign in again.");

  /* The cached profile is gone, not just hidden. */
  g_assert_null (kbc_gui_find_descendant (GTK_WIDGET (window), KBC_TYPE_RESTORING_PAGE));
  kbc_gui_recorder_assert (fixture->recorder, "start → main: account-cached → sign-in: password");
}

static void
test_refused (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = NULL;

  kbc_gui_app_run (sign_in, fixture);
  token = kbc_gui_keyring_lookup (fixture->url, EMAIL);
  g_assert_nonnull (token);
  kbc_gui_api_revoke (fixture->url, token);

  server_pause (fixture);
  kbc_gui_app_run_full (watch_window, refused, fixture);
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
}

/* The server is gone: the sign-in form says the session could not be
 * checked, as before. A refused connection is quick: there is no time for
 * the cached profile, unless the machine is slow. */
static void
unreachable (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  const char *message;

  kbc_gui_wait_view (window, "sign-in");
  message = kbc_gui_wait_sign_in_message (window);
  g_assert_true (g_str_has_prefix (message, "Your saved session could not be checked: "));
  g_assert_null (kbc_gui_find_descendant (GTK_WIDGET (window), KBC_TYPE_RESTORING_PAGE));
  kbc_gui_recorder_assert (fixture->recorder, "start → [main: account-cached] → sign-in: password");
}

static void
test_unreachable (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (sign_in, fixture);

  kbc_test_server_stop (fixture->server);
  kbc_gui_app_run_full (watch_window, unreachable, fixture);
}

/* A check that ends quickly goes straight to the Account page: the cached
 * profile, laid out and painted only to be replaced at once, would delay
 * it. Shown at all (on a slow machine), then not before its delay. */
static void
quick (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  gint64 cached_at;

  kbc_test_wait_until (account_page_shown, window, "the Account page");
  kbc_gui_recorder_assert (fixture->recorder, "start → [main: account-cached] → main: account");

  g_assert_cmpint (fixture->restoring_at, >, 0);
  cached_at = kbc_gui_recorder_get_shown_at (fixture->recorder, "main: account-cached");
  if (cached_at >= 0)
    {
      g_test_message ("the cached profile came %" G_GINT64_FORMAT " ms after the restore began",
                      (cached_at - fixture->restoring_at) / 1000);
      /* Less a few milliseconds: the window may have begun to wait a
       * moment before the test noted the time. */
      g_assert_cmpint (cached_at - fixture->restoring_at, >=,
                       (KBC_WINDOW_CACHED_PROFILE_DELAY_MS - 5) * G_TIME_SPAN_MILLISECOND);
    }
}

static void
test_quick (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (sign_in, fixture);
  kbc_gui_app_run_full (watch_window, quick, fixture);
}

/* Signing out forgets the name; the email stays for the sign-in form. */
static void
sign_out (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;

  kbc_gui_wait_view (window, "main");
  kbc_gui_sign_out (window);
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
  kbc_gui_wait_view (window, "sign-in");

  name = g_settings_get_string (kbc_gui_get_settings (), "last-name");
  email = g_settings_get_string (kbc_gui_get_settings (), "last-email");
  g_assert_cmpstr (name, ==, "");
  g_assert_cmpstr (email, ==, EMAIL);
}

static void
test_sign_out_forgets_name (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (sign_in, fixture);
  kbc_gui_app_run (sign_out, fixture);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kbc/gui/restore/verified", Fixture, NULL, fixture_set_up, test_verified,
              fixture_tear_down);
  g_test_add ("/kbc/gui/restore/no-name-kept", Fixture, NULL, fixture_set_up, test_no_name_kept,
              fixture_tear_down);
  g_test_add ("/kbc/gui/restore/quick", Fixture, NULL, fixture_set_up, test_quick,
              fixture_tear_down);
  g_test_add ("/kbc/gui/restore/refused", Fixture, NULL, fixture_set_up, test_refused,
              fixture_tear_down);
  g_test_add ("/kbc/gui/restore/unreachable", Fixture, NULL, fixture_set_up, test_unreachable,
              fixture_tear_down);
  g_test_add ("/kbc/gui/restore/sign-out-forgets-name", Fixture, NULL, fixture_set_up,
              test_sign_out_forgets_name, fixture_tear_down);

  return g_test_run ();
}
