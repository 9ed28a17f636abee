/* test-gui-flow.c: what the window shows, in order, from launch to the account
 *
 * Records every page the real window shows (its view; inside the sign-in
 * view, the password form or the code step; inside the account, the page;
 * "busy" with its title and whether its spinner turns) from the moment the
 * window exists, and any cross-fade between views, then checks the exact
 * sequence: a first run with nothing saved, a sign-in with an authenticator
 * app's code, a relaunch that restores the session, signing out, and a
 * launch after signing out. Runs under Xvfb (build-aux/headless.sh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-mfa-step.h"
#include "kbc-sign-in-page.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"
#include "kbc-totp.h"

#define EMAIL    "vera@kbc-account.test"
#define NAME     "Věra Čáslavská"
#define PASSWORD "Copper-Meadow-Signal-58"

typedef struct
{
  KbcTestServer *server;
  const char *url;
  guint8 *secret;
  gsize secret_len;
  gint64 activated_step;

  /* The views shown. */
  KbcGuiRecorder *recorder;
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
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->recorder, kbc_gui_recorder_free);
  g_clear_pointer (&fixture->secret, g_free);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* A step with at least 5 s left in it. */
static gint64
safe_step (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (30 - now % 30 < 5)
    {
      g_usleep ((30 - now % 30 + 1) * G_USEC_PER_SEC);
      now = g_get_real_time () / G_USEC_PER_SEC;
    }
  return kbc_totp_step_at (now);
}

static void
enable_totp (Fixture *fixture)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) enrolled = NULL;
  g_autoptr (KbcTestResponse) activated = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;

  enrolled = kbc_test_server_request (fixture->server, "POST", "/manage/current-user/mfa/totp",
                                      token, "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (enrolled->status, ==, 201);
  fixture->secret = kbc_totp_base32_decode (kbc_test_response_string (enrolled, "secret"),
                                            &fixture->secret_len, &error);
  g_assert_no_error (error);

  fixture->activated_step = safe_step ();
  code = kbc_totp_code_at_step (fixture->secret, fixture->secret_len, fixture->activated_step);
  body = g_strdup_printf ("{\"code\": \"%s\"}", code);
  activated = kbc_test_server_request (fixture->server, "POST",
                                       "/manage/current-user/mfa/totp/activate", token, body);
  g_assert_cmpuint (activated->status, ==, 200);
}

/* ---- the recorder ---- */

/* The window exists and follows nothing yet: watch everything it shows. */
static void
watch_window (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  kbc_gui_recorder_watch (fixture->recorder, window);
}

/* ---- the runs ---- */

static gboolean
at_mfa_step (gpointer data)
{
  KbcWindow *window = data;
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  GtkStack *steps = kbc_gui_template_child (page, KBC_TYPE_SIGN_IN_PAGE, "step_stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (steps), "mfa") == 0 &&
         !gtk_stack_get_transition_running (steps);
}

/* The check marks of the stacks' list that show, under @widget. */
static guint
count_check_marks (GtkWidget *widget)
{
  guint count = 0;

  if (GTK_IS_IMAGE (widget) &&
      g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), "object-select-symbolic") == 0 &&
      gtk_widget_get_mapped (widget) && gtk_widget_get_opacity (widget) > 0)
    count++;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count += count_check_marks (child);

  return count;
}

static gboolean
list_open (gpointer data)
{
  GtkWidget *popover = kbc_gui_find_descendant (data, GTK_TYPE_POPOVER);

  return popover != NULL && gtk_widget_get_mapped (popover) && count_check_marks (popover) > 0;
}

/* The stacks' drop-down marks the current choice, and only it. */
static void
check_stack_list (KbcWindow *window)
{
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  GtkWidget *stack_row = kbc_gui_template_child (page, KBC_TYPE_SIGN_IN_PAGE, "stack_row");
  GtkWidget *popover;

  g_assert_true (gtk_widget_activate (stack_row));
  kbc_test_wait_until (list_open, stack_row, "the list of stacks");
  popover = kbc_gui_find_descendant (stack_row, GTK_TYPE_POPOVER);
  kbc_gui_save_shot (popover, "flow-stacks.png");
  g_assert_cmpuint (count_check_marks (popover), ==, 1);
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
first_run (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  KbcMfaStep *step = kbc_gui_template_child (page, KBC_TYPE_SIGN_IN_PAGE, "mfa_step");
  g_autofree char *code = NULL;

  kbc_gui_wait_view (window, "sign-in");
  check_stack_list (window);
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_test_wait_until (at_mfa_step, window, "the code step");
  kbc_gui_save_shot (GTK_WIDGET (window), "flow-code-step.png");

  code = kbc_totp_code_at_step (fixture->secret, fixture->secret_len, fixture->activated_step + 1);
  gtk_editable_set_text (
      GTK_EDITABLE (kbc_gui_template_child (step, KBC_TYPE_MFA_STEP, "code_entry")), code);
  kbc_gui_wait_view (window, "main");
  kbc_gui_wait_keyring (fixture->url, EMAIL, TRUE);
  kbc_gui_save_shot (GTK_WIDGET (window), "flow-account.png");

  kbc_gui_recorder_assert (fixture->recorder,
                           "start → sign-in: password → sign-in: mfa → main: account");
}

static void
relaunch (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  /* The cached profile only when the check takes long (test-gui-restore). */
  kbc_gui_wait_view (window, "main");
  kbc_gui_recorder_assert (fixture->recorder, "start → [main: account-cached] → main: account");

  kbc_gui_sign_out (window);
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
  kbc_gui_recorder_assert (fixture->recorder, "start → [main: account-cached] → main: account → "
                                              "busy: Signing Out… (spinning) → sign-in: password");
}

static void
after_sign_out (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  /* The email is remembered, the session is not: nothing to restore. */
  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_recorder_assert (fixture->recorder, "start → sign-in: password");
}

static void
test_launch_to_account (Fixture *fixture, gconstpointer data)
{
  enable_totp (fixture);

  kbc_gui_app_run_full (watch_window, first_run, fixture);
  kbc_gui_app_run_full (watch_window, relaunch, fixture);
  kbc_gui_app_run_full (watch_window, after_sign_out, fixture);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kbc/gui/flow/launch-to-account", Fixture, NULL, fixture_set_up,
              test_launch_to_account, fixture_tear_down);

  return g_test_run ();
}
