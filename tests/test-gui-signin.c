/* test-gui-signin.c: the real window against the real server
 *
 * Signs in through the sign-in page, restarts the application and finds the
 * session restored from the real Secret Service, changes the password on the
 * Account & Security page, and signs out. Runs under Xvfb (build-aux/headless.sh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kbc-account-page.h"
#include "kbc-demo.h"
#include "kbc-error.h"
#include "kbc-password-group.h"
#include "kbc-stack.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"

#define EMAIL        "gui@kbc-account.test"
#define NAME         "Gabriela Gui"
#define PASSWORD     "Amber-Orchard-Violin-73"
#define NEW_PASSWORD "Silver-Canyon-Meadow-58"

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
  fixture->server = kbc_test_server_new ();
  fixture->url = kbc_test_server_get_url (fixture->server);
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
  g_clear_pointer (&fixture->token, g_free);
}

/* Signs in through the window and waits for the session in the keyring. */
static void
sign_in (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  kbc_gui_wait_keyring (fixture->url, EMAIL, TRUE);
}

static GtkWidget *
get_password_child (KbcWindow *window, const char *name)
{
  GtkWidget *page = kbc_window_get_page (window, "account");
  GtkWidget *group;

  g_assert_true (KBC_IS_ACCOUNT_PAGE (page));
  group = kbc_gui_find_descendant (page, KBC_TYPE_PASSWORD_GROUP);
  g_assert_nonnull (group);

  return kbc_gui_child (group, KBC_TYPE_PASSWORD_GROUP, name);
}

static void
fill_password_form (KbcWindow *window,
                    const char *current,
                    const char *new_password,
                    const char *confirm)
{
  gtk_editable_set_text (GTK_EDITABLE (get_password_child (window, "current_row")), current);
  gtk_editable_set_text (GTK_EDITABLE (get_password_child (window, "new_row")), new_password);
  gtk_editable_set_text (GTK_EDITABLE (get_password_child (window, "confirm_row")), confirm);
}

static gboolean
password_form_idle (gpointer data)
{
  return !gtk_widget_get_visible (get_password_child (data, "spinner"));
}

static gboolean
password_form_cleared (gpointer data)
{
  GtkWidget *current = get_password_child (data, "current_row");

  return password_form_idle (data) && gtk_editable_get_text (GTK_EDITABLE (current))[0] == '\0';
}

static gboolean
current_password_rejected (gpointer data)
{
  return password_form_idle (data) &&
         gtk_widget_get_visible (get_password_child (data, "current_caption"));
}

static gboolean
new_password_rejected (gpointer data)
{
  return password_form_idle (data) &&
         gtk_widget_has_css_class (get_password_child (data, "new_caption"), "error");
}

static void
assert_no_token_in_settings (const char *token)
{
  GSettings *settings = kbc_gui_get_settings ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr (GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, token));
    }
}

static void
signed_in (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcAccount *account;
  g_autofree char *last_stack = NULL;
  g_autofree char *last_email = NULL;
  g_autofree char *last_url = NULL;

  sign_in (app, window, data);

  account = kbc_session_get_account (kbc_application_get_session (app));
  g_assert_cmpstr (kbc_account_get_user_email (account), ==, EMAIL);
  g_assert_cmpstr (kbc_account_get_user_name (account), ==, NAME);
  fixture->token = kbc_gui_keyring_lookup (fixture->url, EMAIL);
  g_assert_cmpstr (fixture->token, ==, kbc_account_get_token (account));

  /* What is remembered outside the keyring, and that the token is not. */
  last_stack = g_settings_get_string (kbc_gui_get_settings (), "last-stack");
  last_email = g_settings_get_string (kbc_gui_get_settings (), "last-email");
  last_url = g_settings_get_string (kbc_gui_get_settings (), "last-custom-url");
  g_assert_cmpstr (last_stack, ==, "custom");
  g_assert_cmpstr (last_email, ==, EMAIL);
  g_assert_cmpstr (last_url, ==, fixture->url);
  assert_no_token_in_settings (fixture->token);
}

static void
restored_change_sign_out (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  g_autoptr (GError) error = NULL;
  KbcAccount *account;
  GtkWidget *change_button, *new_caption;

  /* The session from the keyring, accepted by the server. */
  kbc_gui_wait_view (window, "main");
  account = kbc_session_get_account (kbc_application_get_session (app));
  g_assert_cmpstr (kbc_account_get_user_email (account), ==, EMAIL);
  g_assert_cmpstr (kbc_session_get_stack_id (kbc_application_get_session (app)), ==, "custom");
  g_assert_true (kbc_gui_has_label (kbc_window_get_page (window, "account"), EMAIL));
  g_assert_true (kbc_gui_has_label (kbc_window_get_page (window, "account"), NAME));

  /* The rules and the strength show while typing. */
  {
    GtkWidget *rules_box = get_password_child (window, "rules_box");
    GtkWidget *strength = get_password_child (window, "strength_label");

    g_assert_false (gtk_widget_get_visible (rules_box));
    fill_password_form (window, PASSWORD, "short", "");
    g_assert_true (gtk_widget_get_visible (rules_box));
    g_assert_true (kbc_gui_has_label (rules_box, "✗ At least 12 characters"));
    g_assert_true (kbc_gui_has_label (rules_box, "✓ Not your email"));
    g_assert_true (kbc_gui_has_label (rules_box, "✗ Both new passwords match"));
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (strength)), ==, "Strength: Too weak");
    fill_password_form (window, PASSWORD, "petra-" EMAIL "-long", "");
    g_assert_true (kbc_gui_has_label (rules_box, "✓ At least 12 characters"));
    g_assert_true (kbc_gui_has_label (rules_box, "✗ Not your email"));
    fill_password_form (window, PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
    g_assert_true (kbc_gui_has_label (rules_box, "✓ At least 12 characters"));
    g_assert_true (kbc_gui_has_label (rules_box, "✓ Not your email"));
    g_assert_true (kbc_gui_has_label (rules_box, "✓ Both new passwords match"));
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (strength)), !=, "Strength: Too weak");
    kbc_gui_save_shot (kbc_window_get_page (window, "account"), "password-rules.png");
  }

  /* The button waits for three fields and a matching confirmation. */
  change_button = get_password_child (window, "change_button");
  fill_password_form (window, PASSWORD, NEW_PASSWORD, "");
  g_assert_false (gtk_widget_is_sensitive (change_button));
  fill_password_form (window, PASSWORD, NEW_PASSWORD, "Silver-Canyon-Meadow-5");
  g_assert_false (gtk_widget_is_sensitive (change_button));
  g_assert_true (gtk_widget_get_visible (get_password_child (window, "confirm_caption")));

  /* The server's rule appears under the new password, and nothing typed is lost. */
  fill_password_form (window, PASSWORD, "short", "short");
  g_assert_true (gtk_widget_is_sensitive (change_button));
  g_assert_true (gtk_widget_activate (change_button));
  kbc_test_wait_until (new_password_rejected, window, "the new password to be rejected");
  new_caption = get_password_child (window, "new_caption");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (new_caption)), !=,
                   "At least 12 characters; not a dictionary word or your email");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (new_caption)), !=, "");
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (get_password_child (window, "current_row"))), ==,
      PASSWORD);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_password_child (window, "new_row"))),
                   ==, "short");

  /* A wrong current password appears under its own field. */
  fill_password_form (window, "Not-The-Password-1", NEW_PASSWORD, NEW_PASSWORD);
  g_assert_false (gtk_widget_has_css_class (new_caption, "error"));
  g_assert_true (gtk_widget_activate (change_button));
  kbc_test_wait_until (current_password_rejected, window, "the current password to be rejected");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_password_child (window, "current_caption"))),
                   !=, "");

  /* The real change: the fields clear, a toast says so, and the old password is dead. */
  fill_password_form (window, PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
  g_assert_true (gtk_widget_activate (change_button));
  kbc_test_wait_until (password_form_cleared, window, "the password to change");
  g_assert_false (gtk_widget_get_visible (get_password_child (window, "current_caption")));
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (window), "Password changed"));

  g_assert_false (kbc_gui_api_login (fixture->url, EMAIL, PASSWORD, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_true (kbc_gui_api_login (fixture->url, EMAIL, NEW_PASSWORD, &error));
  g_assert_no_error (error);

  /* This session survived the change; signing out through the account menu
   * empties the keyring before the sign-in page shows. */
  kbc_gui_sign_out (window);
  g_assert_null (kbc_session_get_account (kbc_application_get_session (app)));
  g_assert_null (kbc_gui_keyring_lookup (fixture->url, EMAIL));
}

static void
nothing_to_restore (KbcApplication *app, KbcWindow *window, gpointer data)
{
  KbcSignInPage *page;
  GtkWidget *email_row;

  /* The form is made when the window first shows it. */
  kbc_gui_wait_view (window, "sign-in");
  page = kbc_window_get_sign_in_page (window);
  email_row = kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "email_row");
  g_assert_null (kbc_sign_in_page_get_message (page));
  /* The email is remembered, the password is not. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (email_row)), ==, EMAIL);
}

static void
test_sign_in_restore_change_sign_out (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  kbc_gui_app_run (signed_in, fixture);
  kbc_gui_app_run (restored_change_sign_out, fixture);

  /* Signing out revoked the token the keyring held. */
  g_assert_false (kbc_gui_api_check_token (fixture->url, fixture->token, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);

  kbc_gui_app_run (nothing_to_restore, fixture);
}

static void
wrong_then_right_password (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  GtkWidget *password_row;
  const char *message;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, "Wrong-" PASSWORD);
  message = kbc_gui_wait_sign_in_message (window);

  g_assert_cmpstr (message, ==, "The email or password is incorrect.");
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");
  g_assert_null (kbc_session_get_account (kbc_application_get_session (app)));
  g_assert_null (kbc_gui_keyring_lookup (fixture->url, EMAIL));

  /* The right password then works, with Enter in the password field: the
   * Sign In button is the window's default widget. */
  password_row = kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "password_row");
  gtk_editable_set_text (GTK_EDITABLE (password_row), PASSWORD);
  /* Editing answers the error: it does not stay over the new attempt. */
  g_assert_null (kbc_sign_in_page_get_message (page));
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (window)) ==
                 kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "sign_in_button"));
  /* What the Enter key binding of the text field emits. */
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (password_row)), "activate");
  kbc_gui_wait_view (window, "main");
  kbc_gui_wait_keyring (fixture->url, EMAIL, TRUE);

  /* Signing out through the account menu clears the keyring entry. */
  kbc_gui_sign_out (window);
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");
  g_assert_null (kbc_session_get_account (kbc_application_get_session (app)));
}

static void
test_wrong_password (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (wrong_then_right_password, fixture);
}

static gboolean
saw_busy (gpointer data)
{
  KbcWindow *window = data;
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  gboolean *seen = g_object_get_data (G_OBJECT (window), "seen-busy");
  GtkWidget *spinner = kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "spinner");

  if (kbc_sign_in_page_get_busy (page) && gtk_widget_get_visible (spinner))
    *seen = TRUE;

  return !kbc_sign_in_page_get_busy (page) && kbc_sign_in_page_get_message (page) != NULL;
}

static void
sign_in_to_dead_server (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  gboolean seen_busy = FALSE;
  const char *message;

  kbc_gui_wait_view (window, "sign-in");
  kbc_test_server_stop (fixture->server);

  /* Asking the address how it signs people in fails, and says so: the
   * form offers a token only, never a password. */
  kbc_sign_in_page_set_custom_url (kbc_window_get_sign_in_page (window), fixture->url);
  message = kbc_gui_wait_sign_in_message (window);
  g_assert_nonnull (strstr (message, "127.0.0.1"));
  g_assert_cmpint (kbc_sign_in_page_get_methods (kbc_window_get_sign_in_page (window)), ==,
                   KBC_SIGN_IN_METHOD_TOKEN);

  g_object_set_data (G_OBJECT (window), "seen-busy", &seen_busy);
  kbc_gui_sign_in_with_token (window, NULL, "1-abcdefghijklmnopqrstuvwxyz0123456789ABCD");
  /* The main loop keeps running while the request fails: the page is seen
   * busy, with its spinner, between iterations. */
  kbc_test_wait_until (saw_busy, window, "the network error");
  g_assert_true (seen_busy);

  message = kbc_sign_in_page_get_message (kbc_window_get_sign_in_page (window));
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "127.0.0.1"));
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");
  g_assert_true (gtk_widget_is_sensitive (kbc_gui_child (kbc_window_get_sign_in_page (window),
                                                         KBC_TYPE_SIGN_IN_PAGE, "sign_in_button")));
}

static void
test_dead_server (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (sign_in_to_dead_server, fixture);
}

static void
expired_at_start (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  kbc_gui_wait_view (window, "sign-in");
  g_assert_cmpstr (kbc_sign_in_page_get_message (kbc_window_get_sign_in_page (window)), ==,
                   "Your session has expired. Please sign in again.");
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
}

static void
expired_while_open (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *token = NULL;

  sign_in (app, window, data);
  token = kbc_gui_keyring_lookup (fixture->url, EMAIL);
  kbc_gui_api_revoke (fixture->url, token);

  /* The next call gets 401: back to sign-in, with the reason. */
  fill_password_form (window, PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
  g_assert_true (gtk_widget_activate (get_password_child (window, "change_button")));
  kbc_gui_wait_view (window, "sign-in");
  g_assert_cmpstr (kbc_sign_in_page_get_message (kbc_window_get_sign_in_page (window)), ==,
                   "Your session has expired. Please sign in again.");
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
}

static void
test_session_expired (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = NULL;

  /* Revoked while the app is closed: the next start says so. */
  kbc_gui_app_run (sign_in, fixture);
  token = kbc_gui_keyring_lookup (fixture->url, EMAIL);
  kbc_gui_api_revoke (fixture->url, token);
  kbc_gui_app_run (expired_at_start, fixture);

  /* Revoked while the app is open. */
  kbc_gui_app_run (expired_while_open, fixture);

  /* Nothing changed: the password is still the old one. */
  g_assert_true (kbc_gui_api_login (fixture->url, EMAIL, PASSWORD, NULL));
}

static void
local_demo_sign_in (KbcApplication *app, KbcWindow *window, gpointer data)
{
  char **first_url = data;

  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  GtkWidget *sign_in_button = kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "sign_in_button");
  GtkWidget *email_row = kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "email_row");
  GtkWidget *password_row = kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "password_row");
  AdwComboRow *stack_row = kbc_gui_template_child (page, KBC_TYPE_SIGN_IN_PAGE, "stack_row");

  /* "This computer" with the demo account filled in, as `kbc-account
   * --local` does it on a first run; signing in is the user's act. */
  kbc_gui_wait_view (window, "sign-in");
  kbc_sign_in_page_select_local (page, TRUE);
  g_assert_cmpuint (adw_combo_row_get_selected (stack_row), ==,
                    kbc_stack_get_index (KBC_STACK_LOCAL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (email_row)), ==, KBC_DEMO_EMAIL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, KBC_DEMO_PASSWORD);
  g_assert_true (gtk_widget_has_focus (sign_in_button));
  g_assert_false (kbc_sign_in_page_get_busy (page));
  /* Nothing happens by itself meanwhile. */
  {
    gint64 until = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;

    KBC_TEST_WAIT_FOR (g_get_monotonic_time () >= until);
  }
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");
  g_assert_false (kbc_sign_in_page_get_busy (page));
  g_assert_null (kbc_session_get_account (kbc_application_get_session (app)));

  KBC_TEST_WAIT_FOR (gtk_widget_is_sensitive (sign_in_button));
  g_assert_true (gtk_widget_activate (sign_in_button));
  kbc_gui_wait_view (window, "main");
  g_assert_cmpstr (
      kbc_account_get_user_email (kbc_session_get_account (kbc_application_get_session (app))), ==,
      KBC_DEMO_EMAIL);
  *first_url = g_strdup (
      kbc_account_get_stack_url (kbc_session_get_account (kbc_application_get_session (app))));
  g_assert_true (g_str_has_prefix (*first_url, "http://127.0.0.1:"));

  /* Kept under "local", not the URL: the port changes every run. */
  kbc_gui_wait_keyring ("local", KBC_DEMO_EMAIL, TRUE);
  g_assert_null (kbc_gui_keyring_lookup (*first_url, KBC_DEMO_EMAIL));
}

static void
local_restored (KbcApplication *app, KbcWindow *window, gpointer data)
{
  /* The server went with the last app; this one starts it again and restores. */
  kbc_gui_wait_view (window, "main");
  g_assert_cmpstr (kbc_session_get_stack_id (kbc_application_get_session (app)), ==, "local");
  g_assert_cmpstr (
      kbc_account_get_user_email (kbc_session_get_account (kbc_application_get_session (app))), ==,
      KBC_DEMO_EMAIL);

  /* The demo's password changed: the card no longer offers the seeded one. */
  {
    KbcAccount *account = kbc_session_get_account (kbc_application_get_session (app));
    KbcSignInPage *page;
    GtkWidget *password_row;
    AdwActionRow *demo_row;
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_true (kbc_session_get_demo_password_works (kbc_application_get_session (app)));
    kbc_account_change_password_async (account, KBC_DEMO_PASSWORD, "Quiet-Orchard-Beacon-77", NULL,
                                       kbc_test_on_done, &result);
    g_assert_true (
        kbc_account_change_password_finish (account, kbc_test_wait_for (&result), &error));
    g_assert_no_error (error);
    g_assert_false (kbc_session_get_demo_password_works (kbc_application_get_session (app)));

    kbc_gui_sign_out (window);
    g_assert_null (kbc_gui_keyring_lookup ("local", KBC_DEMO_EMAIL));
    /* The form is made when the window first shows it. */
    page = kbc_window_get_sign_in_page (window);
    password_row = kbc_gui_child (page, KBC_TYPE_SIGN_IN_PAGE, "password_row");
    demo_row = kbc_gui_template_child (page, KBC_TYPE_SIGN_IN_PAGE, "demo_row");
    g_assert_null (strstr (adw_action_row_get_subtitle (demo_row), KBC_DEMO_PASSWORD));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.use-demo", NULL));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, "");
    g_assert_true (gtk_widget_has_focus (password_row) ||
                   gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), password_row));
  }
}

static gboolean
port_closed (gpointer data)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_uri (client, data, 0, NULL, NULL);
  return connection == NULL;
}

static void
test_local_server (void)
{
  g_autofree char *first_url = NULL;

  kbc_gui_reset_settings ();
  kbc_gui_app_run (local_demo_sign_in, &first_url);
  /* The app stopped its server when it quit. */
  kbc_test_wait_until (port_closed, first_url, "the local server to stop");
  kbc_gui_app_run (local_restored, NULL);
}

int
main (int argc, char *argv[])
{
  g_autofree char *scratch = g_dir_make_tmp ("kbc-gui-XXXXXX", NULL);
  g_autofree char *data_home = g_build_filename (scratch, "data", NULL);
  int status;

  /* The local server keeps its database under the user data directory. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kbc/gui/signin/restore-change-sign-out", Fixture, NULL, fixture_set_up,
              test_sign_in_restore_change_sign_out, fixture_tear_down);
  g_test_add ("/kbc/gui/signin/wrong-password", Fixture, NULL, fixture_set_up, test_wrong_password,
              fixture_tear_down);
  g_test_add ("/kbc/gui/signin/dead-server", Fixture, NULL, fixture_set_up, test_dead_server,
              fixture_tear_down);
  g_test_add ("/kbc/gui/signin/session-expired", Fixture, NULL, fixture_set_up,
              test_session_expired, fixture_tear_down);
  g_test_add_func ("/kbc/gui/signin/local-server", test_local_server);

  status = g_test_run ();
  kbc_gui_remove_tree (scratch);

  return status;
}
