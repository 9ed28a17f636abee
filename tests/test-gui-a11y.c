/* test-gui-a11y.c: every page and dialog of the real window, read through AT-SPI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <signal.h>
#include <unistd.h>

#include "kbc-add-key-dialog.h"
#include "kbc-demo.h"
#include "kbc-keys-group.h"
#include "kbc-mfa-group.h"
#include "kbc-new-token-dialog.h"
#include "kbc-notification-row.h"
#include "kbc-recovery-codes-dialog.h"
#include "kbc-restoring-page.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"
#include "kbc-tokens-page.h"
#include "kbc-totp-dialog.h"
#include "kbc-totp.h"

typedef struct
{
  KbcTestServer *server;
  const char *url;
  guint failures;
} Fixture;

typedef struct
{
  gboolean done;
  int status;
  char *out;
} Check;

static void
communicated_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Check *check = user_data;
  g_autoptr (GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &check->out, NULL, &error);
  g_assert_no_error (error);
  check->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  check->done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
check_step (Fixture *fixture, const char *step, const char *const *hidden)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GSubprocess) checker = NULL;
  g_autoptr (GError) error = NULL;
  Check check = { 0 };

  g_ptr_array_add (argv, g_test_build_filename (G_TEST_DIST, "a11y-check.py", NULL));
  g_ptr_array_add (argv, g_strdup_printf ("--pid=%d", (int) getpid ()));
  g_ptr_array_add (argv, g_strdup_printf ("--step=%s", step));
  if (g_getenv ("KBC_A11Y_DUMP") != NULL)
    g_ptr_array_add (argv, g_strdup ("--dump"));
  for (guint i = 0; hidden != NULL && hidden[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup_printf ("--hidden=%s", hidden[i]));
  g_ptr_array_add (argv, NULL);

  checker =
      g_subprocess_newv ((const char *const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (checker, NULL, NULL, communicated_cb, &check);
  kbc_test_wait_until (is_true, &check.done, "the AT-SPI checker");
  if (check.status != 0)
    {
      g_test_message ("%s", check.out);
      g_printerr ("%s", check.out);
      fixture->failures++;
    }
  g_free (check.out);
}

/* No stack under @root fades one child into another: for a fifth of a
 * second, both children's text would be drawn over each other. A slide
 * moves them side by side, and no transition swaps them at once. */
static void
check_stacks (Fixture *fixture, GtkWidget *root, const char *step)
{
  if (GTK_IS_STACK (root))
    {
      GtkStackTransitionType type = gtk_stack_get_transition_type (GTK_STACK (root));

      switch (type)
        {
          case GTK_STACK_TRANSITION_TYPE_NONE:
          case GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT_RIGHT:
          case GTK_STACK_TRANSITION_TYPE_SLIDE_UP_DOWN:
          case GTK_STACK_TRANSITION_TYPE_SLIDE_DOWN:
          case GTK_STACK_TRANSITION_TYPE_SLIDE_UP:
          case GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT:
          case GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT:
            break;
          default:
            g_printerr ("%s: a %s under %s changes its child with transition %d\n", step,
                        G_OBJECT_TYPE_NAME (root),
                        G_OBJECT_TYPE_NAME (gtk_widget_get_parent (root)), (int) type);
            fixture->failures++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_stacks (fixture, child, step);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  kbc_gui_reset_settings ();
  fixture->server = kbc_test_server_new_demo ();
  fixture->url = kbc_test_server_get_url (fixture->server);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* ---- the real window, step by step ---- */

/* A visible button under @root by its label or its action. */
static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_visible (child) &&
          (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0 ||
           g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), label) == 0))
        return child;
      found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Opens a sidebar page, as a click does. */
static GtkWidget *
open_page (KbcWindow *window, const char *name)
{
  GtkListBox *sidebar = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "sidebar");
  GtkWidget *page = kbc_window_get_page (window, name);
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (sidebar, i)) != NULL; i++)
    if (g_str_equal (gtk_widget_get_name (GTK_WIDGET (row)), name))
      break;
  g_assert_nonnull (row);
  gtk_list_box_select_row (sidebar, row);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  kbc_gui_wait_drawn (page);
  return page;
}

/* A control of each page, by its name: while another page shows, it must
 * not be exposed. */
static const struct
{
  const char *page;
  const char *control;
} page_controls[] = {
  { "account", "Change Password" },     { "tokens", "New Token" },
  { "notifications", "Mark All Read" }, { "invitations", "Decline" },
  { "promo-codes", "Redeem" },          { "organizations", "Acme Analytics" },
};

static void
check_page (Fixture *fixture, KbcWindow *window, const char *name)
{
  g_autoptr (GPtrArray) hidden = g_ptr_array_new ();
  const char *sign_in = "Sign In";

  for (guint i = 0; i < G_N_ELEMENTS (page_controls); i++)
    if (!g_str_equal (page_controls[i].page, name))
      g_ptr_array_add (hidden, (gpointer) page_controls[i].control);
  /* The sign-in form is gone while signed in. */
  g_ptr_array_add (hidden, (gpointer) sign_in);
  g_ptr_array_add (hidden, NULL);
  check_step (fixture, name, (const char *const *) hidden->pdata);
  check_stacks (fixture, GTK_WIDGET (window), name);
}

static gpointer
wait_toplevel (GType type)
{
  gpointer toplevel;

  KBC_TEST_WAIT_FOR ((toplevel = kbc_gui_find_toplevel (type)) != NULL);
  kbc_gui_wait_drawn (toplevel);
  return toplevel;
}

static void
check_dialog (Fixture *fixture, GtkWindow *dialog, const char *step, gboolean close)
{
  GtkWidget *widget = GTK_WIDGET (dialog);

  kbc_gui_wait_drawn (widget);
  check_step (fixture, step, NULL);
  /* About and the shortcuts are the libraries' own windows, with their own
   * cross-fades between sections; the rest are ours. */
  if (!ADW_IS_ABOUT_WINDOW (dialog) && !GTK_IS_SHORTCUTS_WINDOW (dialog))
    check_stacks (fixture, widget, step);
  if (close)
    {
      g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &widget);
      gtk_window_close (dialog);
      KBC_TEST_WAIT_FOR (widget == NULL || !gtk_widget_get_visible (widget));
      if (widget != NULL)
        g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &widget);
    }
}

static void
everything (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *page;
  GtkWidget *group;
  GtkWindow *dialog;
  KbcPasswordDialog *password;
  g_autofree char *setup_key = NULL;
  g_autofree guint8 *secret = NULL;
  g_autofree char *code = NULL;
  gsize secret_len = 0;
  GError *error = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 1400);

  /* Signed out: the form, the main menu, About, the shortcuts. */
  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_wait_drawn (GTK_WIDGET (window));
  check_step (fixture, "sign-in",
              (const char *const[]){ "Change Password", "Try Again", "Account Menu", NULL });
  check_stacks (fixture, GTK_WIDGET (window), "sign-in");
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  check_dialog (fixture, wait_toplevel (ADW_TYPE_ABOUT_WINDOW), "about", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  check_dialog (fixture, wait_toplevel (GTK_TYPE_SHORTCUTS_WINDOW), "shortcuts", TRUE);

  kbc_gui_sign_in (window, fixture->url, KBC_DEMO_EMAIL, KBC_DEMO_PASSWORD);
  kbc_gui_wait_view (window, "main");

  /* Every page of the sidebar, once its content is in. */
  page = open_page (window, "account");
  KBC_TEST_WAIT_FOR ((group = kbc_gui_find_descendant (page, KBC_TYPE_MFA_GROUP)) != NULL &&
                     kbc_gui_has_label (page, "Change Password"));
  check_page (fixture, window, "account");
  page = open_page (window, "tokens");
  KBC_TEST_WAIT_FOR (
      gtk_widget_is_sensitive (kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "new_button")));
  check_page (fixture, window, "tokens");
  page = open_page (window, "notifications");
  KBC_TEST_WAIT_FOR (kbc_gui_find_descendant (page, KBC_TYPE_NOTIFICATION_ROW) != NULL);
  check_page (fixture, window, "notifications");
  page = open_page (window, "invitations");
  KBC_TEST_WAIT_FOR (find_button (page, "_Decline") != NULL);
  check_page (fixture, window, "invitations");
  page = open_page (window, "promo-codes");
  check_page (fixture, window, "promo-codes");
  page = open_page (window, "organizations");
  KBC_TEST_WAIT_FOR (kbc_gui_has_label (page, "Acme Analytics"));
  check_page (fixture, window, "organizations");

  /* A project's page, from a notification about it. */
  page = open_page (window, "notifications");
  click (find_button (page, "window.show-project"));
  KBC_TEST_WAIT_FOR (g_str_equal (gtk_stack_get_visible_child_name (kbc_gui_template_child (
                                      window, KBC_TYPE_WINDOW, "page_stack")),
                                  "project"));
  page = kbc_window_get_page (window, "project");
  KBC_TEST_WAIT_FOR (kbc_gui_has_label (page, "Storage"));
  kbc_gui_wait_drawn (page);
  check_page (fixture, window, "project");

  /* The dialogs: New Token; the decline confirmation. */
  page = open_page (window, "tokens");
  click (kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "new_button"));
  dialog = wait_toplevel (KBC_TYPE_NEW_TOKEN_DIALOG);
  check_dialog (fixture, dialog, "new-token", TRUE);
  page = open_page (window, "invitations");
  click (find_button (page, "_Decline"));
  check_dialog (fixture, wait_toplevel (ADW_TYPE_MESSAGE_DIALOG), "decline", TRUE);

  /* Add Security Key: the password dialog, then the key dialog. */
  page = open_page (window, "account");
  click (kbc_gui_template_child (kbc_gui_find_descendant (page, KBC_TYPE_KEYS_GROUP),
                                 KBC_TYPE_KEYS_GROUP, "add_button"));
  password = kbc_gui_wait_password_dialog ("Add Security Key");
  check_dialog (fixture, GTK_WINDOW (password), "password", FALSE);
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (password), "kbc-name-row")),
                         "Desk Key");
  g_assert_true (kbc_gui_password_dialog_submit (password, KBC_DEMO_PASSWORD));
  check_dialog (fixture, wait_toplevel (KBC_TYPE_ADD_KEY_DIALOG), "add-key", TRUE);

  /* Enable MFA: the choice, the password, the authenticator app, the
   * recovery codes. */
  g_assert_true (gtk_widget_activate_action (group, "mfa.enable", NULL));
  dialog = wait_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  check_dialog (fixture, dialog, "mfa-choice", FALSE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "totp");
  gtk_window_close (dialog);
  password = kbc_gui_wait_password_dialog ("Set Up Authenticator App");
  g_assert_true (kbc_gui_password_dialog_submit (password, KBC_DEMO_PASSWORD));
  dialog = wait_toplevel (KBC_TYPE_TOTP_DIALOG);
  check_dialog (fixture, dialog, "totp", FALSE);
  setup_key = g_strdup (
      gtk_label_get_text (kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "secret_label")));
  secret = kbc_totp_base32_decode (setup_key, &secret_len, &error);
  g_assert_no_error (error);
  code = kbc_totp_code_at_step (secret, secret_len,
                                kbc_totp_step_at (g_get_real_time () / G_USEC_PER_SEC));
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "code_entry"), code);
  dialog = wait_toplevel (KBC_TYPE_RECOVERY_CODES_DIALOG);
  check_dialog (fixture, dialog, "recovery-codes", FALSE);
  gtk_check_button_set_active (
      kbc_gui_template_child (dialog, KBC_TYPE_RECOVERY_CODES_DIALOG, "confirm_check"), TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "recovery.done", NULL));
  KBC_TEST_WAIT_FOR (kbc_gui_find_toplevel (KBC_TYPE_RECOVERY_CODES_DIALOG) == NULL);

  kbc_gui_sign_out (window);
  g_assert_cmpuint (fixture->failures, ==, 0);
}

static void
test_everything (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (everything, fixture);
}

static void
signed_in (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  kbc_gui_sign_in (window, fixture->url, KBC_DEMO_EMAIL, KBC_DEMO_PASSWORD);
  kbc_gui_wait_view (window, "main");
  kbc_gui_wait_keyring (fixture->url, KBC_DEMO_EMAIL, TRUE);
}

static gboolean
restoring_shown (gpointer data)
{
  GtkStack *pages = kbc_gui_template_child (data, KBC_TYPE_WINDOW, "page_stack");

  return KBC_IS_RESTORING_PAGE (gtk_stack_get_visible_child (pages));
}

/* The cached profile, with the server stopped so that it stays. */
static void
restoring (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GPid server = kbc_test_server_get_pid (fixture->server);

  kbc_test_wait_until (restoring_shown, window, "the cached profile");
  kbc_gui_wait_drawn (GTK_WIDGET (window));
  check_step (fixture, "restoring", (const char *const[]){ "Change Password", NULL });
  g_assert_cmpint (kill (server, SIGCONT), ==, 0);
  kbc_gui_wait_view (window, "main");
  g_assert_cmpuint (fixture->failures, ==, 0);
}

static void
test_restoring (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (signed_in, fixture);
  g_assert_cmpint (kill (kbc_test_server_get_pid (fixture->server), SIGSTOP), ==, 0);
  kbc_gui_app_run (restoring, fixture);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/kbc/gui/a11y/everything", Fixture, NULL, fixture_set_up, test_everything,
              fixture_tear_down);
  g_test_add ("/kbc/gui/a11y/restoring", Fixture, NULL, fixture_set_up, test_restoring,
              fixture_tear_down);

  return g_test_run ();
}
