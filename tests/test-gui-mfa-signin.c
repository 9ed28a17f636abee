/* test-gui-mfa-signin.c: the second factor at sign-in, in the real window
 *
 * The sign-in page of the real application, against the real server: after
 * the password, an account with an authenticator app gets the code step (a
 * wrong code, Back, then the next step's code); an account with a security
 * key gets the key step, which asks the software key at once (not plugged
 * in, then cancelled, then touched), with the app and recovery codes as alternatives.
 * Each then signs out through the account menu, which clears the keyring.
 * Runs under Xvfb (build-aux/headless.sh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "kbc-account.h"
#include "kbc-mfa-step.h"
#include "kbc-mfa.h"
#include "kbc-sign-in-page.h"
#include "kbc-soft-key.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"
#include "kbc-totp.h"

#define EMAIL    "milada@kbc-account.test"
#define NAME     "Milada Horáková"
#define PASSWORD "Granite-Harbor-Lantern-93"

typedef struct
{
  KbcTestServer *server;
  const char *url;
  /* TOTP */
  guint8 *secret;
  gsize secret_len;
  gint64 activated_step;
  /* security key */
  KbcSoftKey *key;
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
  g_clear_pointer (&fixture->key, kbc_soft_key_unref);
  g_clear_pointer (&fixture->secret, g_free);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* ---- setting up the second factor, over the API ---- */

/* A step with at least 5 s left in it, so that what follows stays inside
 * the ±1 step window. */
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

/* Registers a FIDO2 soft key through KbcMfa, as the add-key flow does. */
static void
add_security_key (Fixture *fixture)
{
  g_autoptr (KbcAccount) account = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  KbcMfa *mfa = kbc_account_get_mfa (account);
  g_autoptr (GAsyncResult) begun = NULL;
  g_autoptr (GAsyncResult) registered = NULL;
  g_autoptr (GAsyncResult) logout = NULL;
  g_autoptr (KbcSecurityKey) key = NULL;
  g_autoptr (GError) error = NULL;

  fixture->key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);

  kbc_mfa_begin_key_registration_async (mfa, "Desk key", PASSWORD, NULL, kbc_test_on_done, &begun);
  g_assert_true (kbc_mfa_begin_key_registration_finish (mfa, kbc_test_wait_for (&begun), &error));
  g_assert_no_error (error);
  kbc_mfa_register_key_async (mfa, NULL, NULL, kbc_test_on_done, &registered);
  key = kbc_mfa_register_key_finish (mfa, kbc_test_wait_for (&registered), &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);

  kbc_account_logout_async (account, NULL, kbc_test_on_done, &logout);
  g_assert_true (kbc_account_logout_finish (account, kbc_test_wait_for (&logout), &error));
  g_assert_no_error (error);
}

/* ---- the window ---- */

static GtkWidget *
sign_in_child (KbcWindow *window, const char *name)
{
  return kbc_gui_child (kbc_window_get_sign_in_page (window), KBC_TYPE_SIGN_IN_PAGE, name);
}

static KbcMfaStep *
get_mfa_step (KbcWindow *window)
{
  return KBC_MFA_STEP (sign_in_child (window, "mfa_step"));
}

static GtkWidget *
step_child (KbcWindow *window, const char *name)
{
  return kbc_gui_child (get_mfa_step (window), KBC_TYPE_MFA_STEP, name);
}

static gboolean
at_mfa_step (gpointer data)
{
  KbcWindow *window = data;
  GtkStack *stack = GTK_STACK (sign_in_child (window, "step_stack"));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "mfa") == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (get_mfa_step (window)));
}

static gboolean
at_password_step (gpointer data)
{
  KbcWindow *window = data;
  GtkStack *stack = GTK_STACK (sign_in_child (window, "step_stack"));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "password") == 0;
}

static gboolean
step_shows_error (gpointer data)
{
  KbcWindow *window = data;

  return !kbc_mfa_step_get_busy (get_mfa_step (window)) &&
         gtk_widget_get_visible (step_child (window, "error_label"));
}

static gboolean
key_waiting (gpointer data)
{
  KbcWindow *window = data;

  return gtk_widget_get_visible (step_child (window, "cancel_key_button"));
}

static const char *
step_method (KbcWindow *window)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (step_child (window, "stack")));
}

static void
totp_flow (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *code_entry;
  g_autofree char *wrong = NULL;
  g_autofree char *next = NULL;
  const char *error_text;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_test_wait_until (at_mfa_step, window, "the MFA step");
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");

  /* The app's code is the default; no security key to offer. */
  g_assert_cmpstr (step_method (window), ==, "totp");
  g_assert_false (gtk_widget_get_visible (step_child (window, "key_link")));
  g_assert_true (gtk_widget_get_visible (step_child (window, "recovery_link")));
  code_entry = step_child (window, "code_entry");
  g_assert_true (gtk_widget_has_focus (code_entry) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), code_entry));

  /* A wrong code: the sixth digit submits it; the error counts down. */
  next = kbc_totp_code_at_step (fixture->secret, fixture->secret_len, fixture->activated_step + 1);
  wrong = g_strdup (next);
  wrong[0] = wrong[0] == '9' ? '0' : wrong[0] + 1;
  gtk_editable_set_text (GTK_EDITABLE (code_entry), wrong);
  kbc_test_wait_until (step_shows_error, window, "the wrong code refused");
  error_text = gtk_label_get_text (GTK_LABEL (step_child (window, "error_label")));
  g_assert_nonnull (strstr (error_text, "That code is not valid"));
  g_assert_nonnull (strstr (error_text, "4 attempts left."));
  g_assert_null (kbc_gui_keyring_lookup (fixture->url, EMAIL));

  /* Back to the password, and in again: a fresh ticket. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (get_mfa_step (window)), "mfa-step.back", NULL));
  kbc_test_wait_until (at_password_step, window, "the password step");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_test_wait_until (at_mfa_step, window, "the MFA step again");
  g_assert_false (gtk_widget_get_visible (step_child (window, "error_label")));

  /* The next step's code (the activation used this one's). */
  gtk_editable_set_text (GTK_EDITABLE (step_child (window, "code_entry")), next);
  kbc_gui_wait_view (window, "main");
  kbc_gui_wait_keyring (fixture->url, EMAIL, TRUE);

  /* A session signed in with a second factor signs out like any other:
   * through the account menu, clearing the keyring. */
  kbc_gui_sign_out (window);
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");
  g_assert_null (kbc_session_get_account (kbc_application_get_session (app)));
}

static void
test_totp (Fixture *fixture, gconstpointer data)
{
  enable_totp (fixture);
  kbc_gui_app_run (totp_flow, fixture);
}

static const char *
step_error (KbcWindow *window)
{
  return gtk_label_get_text (GTK_LABEL (step_child (window, "error_label")));
}

static void
wrong_code_shows (KbcWindow *window, const char *code, const char *expected)
{
  gtk_editable_set_text (GTK_EDITABLE (step_child (window, "code_entry")), code);
  kbc_test_wait_until (step_shows_error, window, "the wrong code refused");
  g_assert_nonnull (strstr (step_error (window), expected));
}

/* Failed sign-ins of this client (127.0.0.1) at the account, as the
 * server records them, made now. */
static void
add_failures (Fixture *fixture, guint n)
{
  g_autofree char *sql = NULL;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (kbc_test_server_get_db (fixture->server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  for (guint i = 0; i < n; i++)
    {
      g_free (sql);
      sql = g_strdup_printf ("INSERT INTO login_failures (email, address, at)"
                             " VALUES (lower('%s'), '127.0.0.1', %" G_GINT64_FORMAT ")",
                             EMAIL, g_get_real_time () / G_USEC_PER_SEC);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
  sqlite3_close (db);
}

static gboolean
shows_lock (gpointer data)
{
  KbcWindow *window = data;

  return !kbc_mfa_step_get_busy (get_mfa_step (window)) &&
         strstr (step_error (window), "You can try again in") != NULL;
}

/* The attempts left are exact, the account's limit included, and the
 * lock shows with a countdown, the fields insensitive. */
static void
attempts_flow (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *right = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *first = NULL;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_test_wait_until (at_mfa_step, window, "the MFA step");

  right = kbc_totp_code_at_step (fixture->secret, fixture->secret_len, fixture->activated_step + 1);
  wrong = g_strdup (right);
  wrong[0] = wrong[0] == '9' ? '0' : wrong[0] + 1;
  /* Seven failures of this client at the account since its right
   * password, so the wrong codes are its 8th and 9th of the 10 free ones
   * (the ticket alone would allow 5). */
  add_failures (fixture, 7);
  wrong_code_shows (window, wrong, "2 attempts left.");
  wrong_code_shows (window, wrong, "1 attempt left.");

  /* Ten more elsewhere from this client: past the free ones the waits
   * double, and this many make the longest, 15 minutes; the right code
   * meets the lock. */
  add_failures (fixture, 10);
  gtk_editable_set_text (GTK_EDITABLE (step_child (window, "code_entry")), right);
  kbc_test_wait_until (shows_lock, window, "the lock");
  g_assert_false (gtk_widget_is_sensitive (step_child (window, "code_entry")));
  g_assert_false (gtk_widget_get_sensitive (step_child (window, "recovery_entry")));
  g_assert_true (gtk_widget_is_sensitive (step_child (window, "back_button")));
  kbc_gui_save_shot (GTK_WIDGET (window), "mfa-step-locked.png");

  /* The countdown counts (its next tick may come late on a loaded machine). */
  first = g_strdup (step_error (window));
  KBC_TEST_WAIT_FOR (g_strcmp0 (step_error (window), first) != 0);
  g_assert_nonnull (strstr (step_error (window), "You can try again in 14:"));
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");
}

static void
test_attempts (Fixture *fixture, gconstpointer data)
{
  enable_totp (fixture);
  kbc_gui_app_run (attempts_flow, fixture);
}

static void
key_flow (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  guint touches;

  /* The key is not plugged in at first: the step says so and waits. */
  kbc_soft_key_unplug (fixture->key);

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_test_wait_until (at_mfa_step, window, "the MFA step");
  g_assert_cmpstr (step_method (window), ==, "u2f");
  kbc_test_wait_until (step_shows_error, window, "no key to be reported");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (step_child (window, "error_label"))), ==,
                   "No security key found. Plug in your key and try again.");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (step_child (window, "verify_label"))), ==,
                   "_Try Again");
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");

  /* Plugged in, but nobody touches it: Try Again asks it. */
  kbc_soft_key_plug (fixture->key);
  kbc_soft_key_set_touch (fixture->key, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (get_mfa_step (window)), "mfa-step.verify", NULL));
  kbc_test_wait_until (key_waiting, window, "the key to be asked for a touch");
  g_assert_false (gtk_widget_get_visible (step_child (window, "error_label")));
  g_assert_false (gtk_widget_get_visible (step_child (window, "key_link")));
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (get_mfa_step (window)), "Touch your security key"));

  /* Cancel stops the key; the step offers to try again. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (get_mfa_step (window)), "mfa-step.cancel-key", NULL));
  g_assert_false (key_waiting (window));
  g_assert_true (gtk_widget_get_visible (step_child (window, "verify_button")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (step_child (window, "verify_label"))), ==,
                   "_Try Again");

  /* The recovery-code alternative is there and comes back to the key. */
  g_assert_true (gtk_widget_get_visible (step_child (window, "recovery_link")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_mfa_step (window)),
                                             "mfa-step.use-method", "s", "recovery"));
  g_assert_cmpstr (step_method (window), ==, "recovery");
  g_assert_true (gtk_widget_get_visible (step_child (window, "key_link")));

  /* Back to the key, which is asked again; this time the user touches it. */
  touches = kbc_soft_key_get_n_touch_requests (fixture->key);
  kbc_soft_key_set_touch (fixture->key, KBC_SOFT_KEY_TOUCH_AUTO, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_mfa_step (window)),
                                             "mfa-step.use-method", "s", "u2f"));
  kbc_gui_wait_view (window, "main");
  g_assert_cmpuint (kbc_soft_key_get_n_touch_requests (fixture->key), >, touches);
  kbc_gui_wait_keyring (fixture->url, EMAIL, TRUE);

  kbc_gui_sign_out (window);
  kbc_gui_wait_keyring (fixture->url, EMAIL, FALSE);
  g_assert_cmpstr (kbc_window_get_view (window), ==, "sign-in");
  g_assert_null (kbc_session_get_account (kbc_application_get_session (app)));
}

static void
test_key (Fixture *fixture, gconstpointer data)
{
  add_security_key (fixture);
  kbc_gui_app_run (key_flow, fixture);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kbc_soft_key_install_provider ();

  g_test_add ("/kbc/gui/mfa-signin/totp", Fixture, NULL, fixture_set_up, test_totp,
              fixture_tear_down);
  g_test_add ("/kbc/gui/mfa-signin/attempts", Fixture, NULL, fixture_set_up, test_attempts,
              fixture_tear_down);
  g_test_add ("/kbc/gui/mfa-signin/key", Fixture, NULL, fixture_set_up, test_key,
              fixture_tear_down);

  return g_test_run ();
}
