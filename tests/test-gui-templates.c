/* test-gui-templates.c: every template loads, and the forms behave before any network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "kbc-account-page.h"
#include "kbc-error.h"
#include "kbc-password-group.h"
#include "kbc-profile-group.h"
#include "kbc-mfa-step.h"
#include "kbc-sign-in-page.h"
#include "kbc-stack.h"
#include "kbc-new-token-dialog.h"
#include "kbc-test-gui.h"
#include "kbc-tokens-page.h"
#include "kbc-tokens.h"

static void
assert_accel (GtkApplication *app, const char *action, const char *accel)
{
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (app, action);

  g_assert_true (g_strv_contains ((const char *const *) accels, accel));
}

static gboolean
has_about_window (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (window))
        {
          *(GtkWindow **) data = window;
          return TRUE;
        }
    }

  return FALSE;
}

static void
check_window (KbcApplication *app, KbcWindow *window, gpointer data)
{
  GtkWindow *about = NULL;

  kbc_gui_wait_view (window, "sign-in");

  /* The shortcuts window, from the resource, and the shortcuts it lists. */
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (
      gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))));
  assert_accel (GTK_APPLICATION (app), "app.quit", "<Control>q");
  assert_accel (GTK_APPLICATION (app), "window.close", "<Control>w");
  assert_accel (GTK_APPLICATION (app), "win.show-help-overlay", "<Control>question");

  /* Signing out is only possible when signed in. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sign-out"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  kbc_test_wait_until (has_about_window, &about, "the About window");
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                   "KBC Account");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  gtk_window_destroy (about);
}

static void
test_window (void)
{
  kbc_gui_reset_settings ();
  kbc_gui_app_run (check_window, NULL);
}

static void
test_account_page (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcAccount) account = kbc_account_new ("http://127.0.0.1:9", &error);
  GtkWidget *window, *page, *group, *button;

  g_assert_no_error (error);
  /* In a window: actions reach buttons only in a rooted widget tree. */
  page = kbc_account_page_new (account);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_nonnull (kbc_gui_find_descendant (page, KBC_TYPE_PROFILE_GROUP));
  group = kbc_gui_find_descendant (page, KBC_TYPE_PASSWORD_GROUP);
  g_assert_nonnull (group);
  g_assert_true (kbc_gui_has_label (page, "identifier of your account and cannot be changed"));
  g_assert_true (kbc_gui_has_label (page, "At least 12 characters"));

  /* Change Password waits for all three fields and a matching confirmation. */
  button = kbc_gui_child (group, KBC_TYPE_PASSWORD_GROUP, "change_button");
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_editable_set_text (
      GTK_EDITABLE (kbc_gui_child (group, KBC_TYPE_PASSWORD_GROUP, "current_row")),
      "Current-Password-1");
  gtk_editable_set_text (GTK_EDITABLE (kbc_gui_child (group, KBC_TYPE_PASSWORD_GROUP, "new_row")),
                         "Brand-New-Password-2");
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_editable_set_text (
      GTK_EDITABLE (kbc_gui_child (group, KBC_TYPE_PASSWORD_GROUP, "confirm_row")),
      "Brand-New-Password-3");
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_true (
      gtk_widget_get_visible (kbc_gui_child (group, KBC_TYPE_PASSWORD_GROUP, "confirm_caption")));
  gtk_editable_set_text (
      GTK_EDITABLE (kbc_gui_child (group, KBC_TYPE_PASSWORD_GROUP, "confirm_row")),
      "Brand-New-Password-2");
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_false (
      gtk_widget_get_visible (kbc_gui_child (group, KBC_TYPE_PASSWORD_GROUP, "confirm_caption")));

  g_object_ref (page);
  gtk_window_destroy (GTK_WINDOW (window));
  kbc_gui_unref_finalized (page);
}

static gboolean
has_error (gpointer data)
{
  return kbc_resource_get_error (data) != NULL && !kbc_resource_get_loading (data);
}

/* The Access Tokens page and the New Token dialog, against a server that
 * is not there: the page says so and keeps its commands. */
static void
test_tokens_page (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcAccount) account = kbc_account_new ("http://127.0.0.1:9", &error);
  KbcTokens *tokens;
  KbcNewTokenDialog *dialog;
  GtkWidget *window, *page, *focus, *name_row;

  g_assert_no_error (error);
  tokens = kbc_account_get_tokens (account);
  page = kbc_tokens_page_new (account);
  window = gtk_window_new ();
  /* A scrolled page asks for little room of its own. */
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 500);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  /* Read once shown; a failure is an error, not "not offered". */
  kbc_test_wait_until (has_error, tokens, "the tokens to fail to load");
  g_assert_true (kbc_resource_get_offered (KBC_RESOURCE (tokens)));
  g_assert_true (kbc_gui_has_label (page, "not Storage API tokens"));
  g_assert_true (kbc_gui_has_label (page, "Loading…"));
  kbc_gui_wait_drawn (window);
  kbc_gui_save_shot (window, "tokens-error.png");
  g_assert_false (
      gtk_widget_get_visible (kbc_gui_child (page, KBC_TYPE_TOKENS_PAGE, "web_notice")));
  g_assert_true (
      gtk_widget_is_sensitive (kbc_gui_child (page, KBC_TYPE_TOKENS_PAGE, "new_button")));
  g_assert_false (gtk_widget_is_sensitive (
      kbc_gui_child (page, KBC_TYPE_TOKENS_PAGE, "sign_out_others_button")));

  /* New Token: focus in the name, Create waits for one. */
  dialog = kbc_new_token_dialog_new (GTK_WINDOW (window), tokens);
  gtk_window_present (GTK_WINDOW (dialog));
  name_row = kbc_gui_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "name_row");
  focus = gtk_window_get_focus (GTK_WINDOW (dialog));
  g_assert_true (focus == name_row || gtk_widget_is_ancestor (focus, name_row));
  g_assert_false (
      gtk_widget_is_sensitive (kbc_gui_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "create_button")));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "  ");
  g_assert_false (
      gtk_widget_is_sensitive (kbc_gui_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "create_button")));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Backups");
  g_assert_true (
      gtk_widget_is_sensitive (kbc_gui_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "create_button")));
  /* Thirty days unless chosen otherwise. */
  g_assert_cmpint (kbc_new_token_dialog_get_expires_in (dialog), ==, 30 * 24 * 3600);
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_object_ref (page);
  gtk_window_destroy (GTK_WINDOW (window));
  kbc_gui_unref_finalized (page);
}

static gboolean
page_settled (gpointer data)
{
  return !kbc_sign_in_page_get_busy (data) && kbc_sign_in_page_get_message (data) != NULL;
}

static void
test_custom_url (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *scratch = g_dir_make_tmp ("kbc-templates-XXXXXX", NULL);
  g_autoptr (KbcLocalServer) server = kbc_local_server_new (scratch);
  g_autoptr (KbcSession) session = NULL;
  g_autoptr (KbcClient) client = NULL;
  KbcSignInPage *page;
  GtkWidget *window, *url_row, *email_row, *token_row, *button;

  kbc_gui_reset_settings ();
  session = kbc_session_new (kbc_gui_get_settings (), server);
  page = kbc_sign_in_page_new (session);
  url_row = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "custom_url_row");
  email_row = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "email_row");
  token_row = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "token_row");
  button = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "sign_in_button");

  /* "This computer" is the default; the custom URL field appears for Custom. */
  g_assert_false (gtk_widget_get_visible (url_row));
  kbc_sign_in_page_set_custom_url (page, "");
  g_assert_true (gtk_widget_get_visible (url_row));

  /* In a window: actions reach buttons only in a rooted widget tree. */
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));

  /* A custom server is asked how it signs in; until it answers, a token. */
  g_assert_true (gtk_widget_is_visible (token_row));
  g_assert_false (gtk_widget_is_visible (email_row));
  gtk_editable_set_text (GTK_EDITABLE (token_row), " 1-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n");
  g_assert_false (gtk_widget_is_sensitive (button));

  /* Plain http:// to anything but this computer is refused, with the client's reason. */
  gtk_editable_set_text (GTK_EDITABLE (url_row), "http://connection.example.com");
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.submit", NULL);
  kbc_test_wait_until (page_settled, page, "the URL to be refused");

  client = kbc_client_new ("http://connection.example.com", &error);
  g_assert_null (client);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL);
  g_assert_cmpstr (kbc_sign_in_page_get_message (page), ==, error->message);
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));

  /* Editing the URL clears the mark. */
  gtk_editable_set_text (GTK_EDITABLE (url_row), "https://connection.example.com");
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));

  g_object_ref (page);
  gtk_window_destroy (GTK_WINDOW (window));
  kbc_gui_unref_finalized (page);
  kbc_gui_remove_tree (scratch);
}

/* The sign-in form fits a 360 px window (a phone) with every part shown:
 * the stack and URL, the demo card, both ways to sign in; so does the
 * second step with each of its ways. */
static void
test_sign_in_narrow (void)
{
  g_autoptr (KbcSession) session = NULL;
  KbcSignInPage *page;
  GtkWidget *window;
  int minimum = 0;

  kbc_gui_reset_settings ();
  session = kbc_session_new (kbc_gui_get_settings (), NULL);
  page = kbc_sign_in_page_new (session);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));

  /* "This computer" offers both ways until it is asked: the widest form. */
  kbc_sign_in_page_select_stack (page, KBC_STACK_LOCAL, NULL);
  g_assert_true (gtk_widget_get_visible (
      kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "method_box")));
  gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL,
                      NULL);
  g_assert_cmpint (minimum, <=, 360);

  kbc_sign_in_page_set_custom_url (page, "https://connection.example.com");
  gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL,
                      NULL);
  g_assert_cmpint (minimum, <=, 360);

  /* And the second step, with each of its ways. */
  {
    GtkWidget *step = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "mfa_step");
    GtkStack *stack = GTK_STACK (kbc_gui_child (step, KBC_TYPE_MFA_STEP, "stack"));
    const char *ways[] = { "u2f", "totp", "recovery" };

    for (guint i = 0; i < G_N_ELEMENTS (ways); i++)
      {
        gtk_stack_set_visible_child_name (stack, ways[i]);
        gtk_widget_measure (step, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
        g_assert_cmpint (minimum, <=, 360);
      }
  }

  g_object_ref (page);
  gtk_window_destroy (GTK_WINDOW (window));
  kbc_gui_unref_finalized (page);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/kbc/gui/templates/window", test_window);
  g_test_add_func ("/kbc/gui/templates/account-page", test_account_page);
  g_test_add_func ("/kbc/gui/templates/custom-url", test_custom_url);
  g_test_add_func ("/kbc/gui/templates/sign-in-narrow", test_sign_in_narrow);
  g_test_add_func ("/kbc/gui/templates/tokens-page", test_tokens_page);

  return g_test_run ();
}
