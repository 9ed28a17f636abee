/* bench-stalls.c: does the main loop stay free while the app waits or works?
 *
 * The real KbcApplication and its window against a real kbc-account-server,
 * driven through the real widgets; the window's frame clock is kept running
 * (a tick callback asks for every frame, as an animation does) and the
 * longest gap between two of its ticks is measured during:
 *
 *  - a password sign-in through the sign-in page (argon2id on the server;
 *    the probe of the server, the sign-in, the keyring, the first pages);
 *  - TOTP enrolment through the real dialogs: Enable MFA, the password, the
 *    QR code, the code, the recovery codes saved, Done;
 *  - registering a security key through the real add-key dialog, the
 *    software key (tests/kbc-soft-key.c) answering 2 s after it is asked;
 *  - loading 10,000 notifications: they arrive in the database, the window
 *    polls (as its minute's timer does) with the notifications page shown,
 *    until the list is painted.
 *
 * The baseline is the longest gap with nothing to do. Prints BENCH lines
 * (docs/performance.md; target < 50 ms each); asserts nothing about time.
 * Needs a display and the keyring, as the GUI tests do:
 *
 *   build-aux/headless.sh meson test --benchmark -C BUILD main-loop-stalls -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-add-key-dialog.h"
#include "kbc-bench.h"
#include "kbc-code-entry.h"
#include "kbc-keys-group.h"
#include "kbc-mfa-group.h"
#include "kbc-notification-row.h"
#include "kbc-notifications-page.h"
#include "kbc-recovery-codes-dialog.h"
#include "kbc-soft-key.h"
#include "kbc-test-gui.h"
#include "kbc-totp-dialog.h"
#include "kbc-totp.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>

#define EMAIL           "bench@example.test"
#define PASSWORD        "Copper-Kettle-Morning-93"
#define N_NOTIFICATIONS 10000
#define TOUCH_DELAY_MS  2000
#define TARGET_MS       50.0

typedef struct
{
  KbcTestServer *server;
  double idle_ms;
  double sign_in_ms;
  double totp_ms;
  double key_ms;
  double notifications_ms;
} Bench;

static void
sign_in (Bench *bench, KbcWindow *window, KbcBenchClock *clock)
{
  kbc_bench_clock_reset (clock, "signing in");
  kbc_gui_sign_in (window, kbc_test_server_get_url (bench->server), EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  kbc_gui_wait_drawn (kbc_window_get_page (window, "account"));
  bench->sign_in_ms = kbc_bench_clock_longest_tick_gap_ms (clock);
}

/* Enable MFA → Authenticator app → the password → the QR code → the code →
 * the recovery codes, saved → Done. */
static void
enrol_totp (Bench *bench, KbcWindow *window, KbcBenchClock *clock)
{
  GtkWidget *group =
      kbc_gui_find_descendant (kbc_window_get_page (window, "account"), KBC_TYPE_MFA_GROUP);
  AdwMessageDialog *chooser;
  KbcPasswordDialog *password;
  KbcTotpDialog *dialog;
  KbcRecoveryCodesDialog *recovery;
  GtkWidget *recovery_widget;
  g_autofree guint8 *secret = NULL;
  g_autofree char *code = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "kbc-bench-codes-XXXXXX", NULL);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  gsize secret_len;

  g_assert_nonnull (group);
  kbc_bench_clock_reset (clock, "TOTP enrolment");
  g_assert_true (gtk_widget_activate_action (group, "mfa.enable", NULL));
  KBC_TEST_WAIT_FOR ((chooser = kbc_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  adw_message_dialog_response (chooser, "totp");
  gtk_window_close (GTK_WINDOW (chooser));

  password = kbc_gui_wait_password_dialog ("Set Up Authenticator App");
  g_assert_true (kbc_gui_password_dialog_submit (password, PASSWORD));
  KBC_TEST_WAIT_FOR ((dialog = kbc_gui_find_toplevel (KBC_TYPE_TOTP_DIALOG)) != NULL);
  kbc_gui_wait_drawn (GTK_WIDGET (dialog));

  secret = kbc_totp_base32_decode (
      gtk_label_get_text (kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "secret_label")),
      &secret_len, &error);
  g_assert_no_error (error);
  code = kbc_totp_code_at_step (secret, secret_len,
                                kbc_totp_step_at (g_get_real_time () / G_USEC_PER_SEC));
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "code_entry"), code);

  KBC_TEST_WAIT_FOR ((recovery = kbc_gui_find_toplevel (KBC_TYPE_RECOVERY_CODES_DIALOG)) != NULL);
  recovery_widget = GTK_WIDGET (recovery);
  g_object_add_weak_pointer (G_OBJECT (recovery), (gpointer *) &recovery_widget);
  kbc_gui_wait_drawn (recovery_widget);
  g_close (g_mkstemp (path), NULL);
  file = g_file_new_for_path (path);
  kbc_recovery_codes_dialog_save_to_file (recovery, file);
  KBC_TEST_WAIT_FOR (kbc_recovery_codes_dialog_get_confirmed (recovery));
  g_assert_true (gtk_widget_activate_action (recovery_widget, "recovery.done", NULL));
  KBC_TEST_WAIT_FOR (recovery_widget == NULL);
  bench->totp_ms = kbc_bench_clock_longest_tick_gap_ms (clock);
  g_unlink (path);
}

/* Add Security Key → a name and the password → the key, touched after 2 s
 * → Done. */
static void
register_key (Bench *bench, KbcWindow *window, KbcBenchClock *clock)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  GtkWidget *group =
      kbc_gui_find_descendant (kbc_window_get_page (window, "account"), KBC_TYPE_KEYS_GROUP);
  KbcPasswordDialog *password;
  KbcAddKeyDialog *dialog;
  GtkWidget *dialog_widget;
  GtkWidget *name_row;

  g_assert_nonnull (group);
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_DELAYED, TOUCH_DELAY_MS);
  kbc_bench_clock_reset (clock, "key registration");
  g_signal_emit_by_name (kbc_gui_template_child (group, KBC_TYPE_KEYS_GROUP, "add_button"),
                         "clicked");
  password = kbc_gui_wait_password_dialog ("Add Security Key");
  name_row = kbc_gui_find_descendant (GTK_WIDGET (password), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Bench key");
  g_assert_true (kbc_gui_password_dialog_submit (password, PASSWORD));

  KBC_TEST_WAIT_FOR ((dialog = kbc_gui_find_toplevel (KBC_TYPE_ADD_KEY_DIALOG)) != NULL);
  dialog_widget = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog_widget);
  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_DONE ||
                     kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_FAILED);
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_DONE);
  kbc_gui_wait_drawn (dialog_widget);
  g_signal_emit_by_name (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "done_button"),
                         "clicked");
  KBC_TEST_WAIT_FOR (dialog_widget == NULL);
  bench->key_ms = kbc_bench_clock_longest_tick_gap_ms (clock);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 1);
}

typedef struct
{
  KbcNotifications *notifications;
  GtkWidget *page;
} Listed;

static gboolean
list_painted (gpointer data)
{
  Listed *listed = data;
  GtkWidget *row;

  if (g_list_model_get_n_items (G_LIST_MODEL (listed->notifications)) < N_NOTIFICATIONS)
    return FALSE;
  row = kbc_gui_find_descendant (listed->page, KBC_TYPE_NOTIFICATION_ROW);
  return row != NULL && gtk_widget_get_mapped (row) && gtk_widget_get_height (row) > 0;
}

/* 10,000 notifications arrive while the page shows none. */
static void
load_notifications (Bench *bench, KbcWindow *window, KbcBenchClock *clock)
{
  GtkWidget *page = kbc_window_get_page (window, "notifications");
  Listed listed = { kbc_notifications_page_get_notifications (KBC_NOTIFICATIONS_PAGE (page)),
                    page };

  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "window.show-page", "s", "notifications"));
  kbc_gui_wait_drawn (page);
  kbc_bench_insert_notifications (bench->server, EMAIL, N_NOTIFICATIONS);

  kbc_bench_clock_reset (clock, "loading notifications");
  kbc_window_poll_notifications (window);
  kbc_bench_wait_painted (GTK_WIDGET (window), list_painted, &listed, "the notifications painted");
  bench->notifications_ms = kbc_bench_clock_longest_tick_gap_ms (clock);
  /* Whatever the page still does after its first frame counts too. */
  {
    double after = kbc_bench_clock_idle (clock, 1000);

    bench->notifications_ms = MAX (bench->notifications_ms, after);
  }
}

static void
run_in_app (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Bench *bench = data;
  g_autoptr (KbcBenchClock) clock = NULL;

  kbc_gui_wait_drawn (GTK_WIDGET (window));
  clock = kbc_bench_clock_new (GTK_WIDGET (window));
  /* The start-up settles (the sign-in page probes the stacks) first. */
  kbc_bench_clock_idle (clock, 1000);
  bench->idle_ms = kbc_bench_clock_idle (clock, 1000);

  sign_in (bench, window, clock);
  kbc_bench_clock_idle (clock, 500);
  enrol_totp (bench, window, clock);
  kbc_bench_clock_idle (clock, 500);
  register_key (bench, window, clock);
  kbc_bench_clock_idle (clock, 500);
  load_notifications (bench, window, clock);
}

int
main (int argc, char **argv)
{
  Bench bench = { 0 };

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  kbc_soft_key_install_provider ();
  kbc_gui_reset_settings ();

  bench.server = kbc_test_server_new ();
  kbc_test_server_add_user (bench.server, EMAIL, "Bench", PASSWORD);
  kbc_gui_app_run (run_in_app, &bench);
  kbc_test_server_free (bench.server);

  printf ("The main loop, in the real window (GSK_RENDERER=%s): the longest gap between two\n"
          "frame-clock ticks\n"
          "  idle:                    %6.1f ms\n"
          "  password sign-in:        %6.1f ms\n"
          "  TOTP enrolment:          %6.1f ms\n"
          "  security key (2 s):      %6.1f ms\n"
          "  %u notifications:     %6.1f ms\n",
          g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "default", bench.idle_ms,
          bench.sign_in_ms, bench.totp_ms, bench.key_ms, N_NOTIFICATIONS, bench.notifications_ms);
  kbc_bench_line ("stalls", "password sign-in, longest tick gap vs idle", bench.sign_in_ms,
                  bench.idle_ms, "ms", "< 50 ms", bench.sign_in_ms < TARGET_MS);
  kbc_bench_line ("stalls", "TOTP enrolment, longest tick gap vs idle", bench.totp_ms,
                  bench.idle_ms, "ms", "< 50 ms", bench.totp_ms < TARGET_MS);
  kbc_bench_line ("stalls", "security key (touched after 2 s), longest tick gap vs idle",
                  bench.key_ms, bench.idle_ms, "ms", "< 50 ms", bench.key_ms < TARGET_MS);
  kbc_bench_line ("stalls", "10,000 notifications loaded, longest tick gap vs idle",
                  bench.notifications_ms, bench.idle_ms, "ms", "< 50 ms",
                  bench.notifications_ms < TARGET_MS);
  return 0;
}
