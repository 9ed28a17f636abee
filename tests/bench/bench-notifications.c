/* bench-notifications.c: does a long notifications list stay smooth?
 *
 * For 10 and for 10,000 notifications on a real kbc-account-server: the
 * resource alone (GET, parsing and markdown in a worker thread, applying on
 * the main loop), then the real KbcNotificationsPage in a window: its first
 * load, the longest the main loop was kept busy meanwhile, the first frame
 * with the list, a poll that the server answers 304, and the frames of
 * scrolling as a mouse wheel does and in 40 jumps across the whole list. Prints the figures; asserts nothing about time (it
 * is a benchmark, not a test). Needs a display, as the GUI tests do:
 *
 *   build-aux/headless.sh meson test --benchmark -C BUILD notifications-list -v
 *
 * GSK_RENDERER is the test environment's (cairo; see HEADLESS.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-notifications-page.h"
#include "kbc-test-utils.h"

#include <adwaita.h>
#include <sqlite3.h>
#include <stdio.h>

#define EMAIL    "bench@example.test"
#define PASSWORD "Copper-Kettle-Morning-93"
#define N_JUMPS  40
#define N_STEPS  100
#define STEP_PX  60

static double
ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

/* The longest gap between two ticks of a 1 ms timeout: how long the main
 * loop was kept from running. */
typedef struct
{
  gint64 last_us;
  gint64 longest_us;
} Stall;

static gboolean
stall_tick (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  if (stall->last_us != 0)
    stall->longest_us = MAX (stall->longest_us, now - stall->last_us);
  stall->last_us = now;
  return G_SOURCE_CONTINUE;
}

static void
insert (KbcTestServer *server, guint count)
{
  sqlite3_stmt *stmt;
  sqlite3 *db;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (sqlite3_open (kbc_test_server_get_db (server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO notifications (uuid, user_id, type, created,"
                                       " title, message) SELECT ?1, id, ?2, ?3, ?4, ?5 FROM users"
                                       " WHERE email = ?6",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < count; i++)
    {
      static const char *const types[] = { "common", "limit", "global", "security" };
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *title = g_strdup_printf ("Notification number %u", i);

      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, types[i % 4], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now - (count - i) * 60);
      sqlite3_bind_text (stmt, 4, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5,
                         "The legacy Python transformations are *deprecated* and stop running on "
                         "30 June. Migrate them: see the [guide](https://help.keboola.com/). "
                         "Open it, choose `Migrate`.",
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, EMAIL, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
}

static void
after_paint (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

/* Waits for the next frame of @widget's window; returns how long it took. */
static double
next_frame_ms (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gint64 start = g_get_monotonic_time ();
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);

  gtk_widget_queue_draw (widget);
  KBC_TEST_WAIT_FOR (painted);
  g_signal_handler_disconnect (clock, handler);
  return ms_since (start);
}

static gboolean
is_loaded (gpointer data)
{
  return kbc_resource_get_loaded (data) && !kbc_resource_get_loading (data);
}

static void
run (guint count)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcAccount) account = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  KbcResource *notifications;
  GtkWidget *window, *page, *list_view, *scrolled;
  GtkAdjustment *adjustment;
  Stall stall = { 0 };
  double alone_ms, alone_stall_ms, load_ms, frame_ms, poll_ms, worst = 0, sum = 0;
  guint ticker;
  gint64 start;

  kbc_test_server_add_user (server, EMAIL, "Bench", PASSWORD);
  insert (server, count);
  account = kbc_test_sign_in (server, EMAIL, PASSWORD);
  notifications = KBC_RESOURCE (kbc_account_get_notifications (account));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
  gtk_window_present (GTK_WINDOW (window));

  /* The resource alone first (another session): parsing is off the main
   * loop, applying on it. */
  {
    g_autoptr (KbcAccount) other = kbc_test_sign_in (server, EMAIL, PASSWORD);
    KbcResource *alone = KBC_RESOURCE (kbc_account_get_notifications (other));
    Stall alone_stall = { 0 };
    guint alone_ticker = g_timeout_add (1, stall_tick, &alone_stall);

    start = g_get_monotonic_time ();
    kbc_resource_refresh (alone);
    kbc_test_wait_until (is_loaded, alone, "the list, without the page");
    alone_ms = ms_since (start);
    g_source_remove (alone_ticker);
    alone_stall_ms = alone_stall.longest_us / 1000.0;
  }

  /* The page asks for the list as it is built. */
  ticker = g_timeout_add (1, stall_tick, &stall);
  start = g_get_monotonic_time ();
  page = kbc_notifications_page_new (account);
  gtk_window_set_child (GTK_WINDOW (window), page);
  kbc_test_wait_until (is_loaded, notifications, "the list");
  load_ms = ms_since (start);
  frame_ms = next_frame_ms (page);
  g_source_remove (ticker);

  start = g_get_monotonic_time ();
  kbc_resource_refresh_async (notifications, NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_resource_refresh_finish (notifications, kbc_test_wait_for (&result), NULL));
  poll_ms = ms_since (start);

  list_view =
      GTK_WIDGET (gtk_widget_get_template_child (page, KBC_TYPE_NOTIFICATIONS_PAGE, "list_view"));
  scrolled = gtk_widget_get_parent (list_view);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  for (guint i = 1; i <= N_JUMPS; i++)
    {
      double upper =
          gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
      double ms;

      gtk_adjustment_set_value (adjustment, upper * i / N_JUMPS);
      ms = next_frame_ms (page);
      g_array_append_val (frames, ms);
      worst = MAX (worst, ms);
      sum += ms;
    }

  /* As a mouse wheel does, from the middle. */
  {
    double wheel_worst = 0, wheel_sum = 0;
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
    next_frame_ms (page);
    for (guint i = 0; i < N_STEPS; i++)
      {
        double ms;
        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + STEP_PX);
        ms = next_frame_ms (page);
        wheel_worst = MAX (wheel_worst, ms);
        wheel_sum += ms;
      }
    printf ("%6u notifications:\n"
            "  the resource alone: loaded in %7.1f ms, main loop busy at most %5.1f ms at once\n"
            "  the page:           loaded in %7.1f ms, main loop busy at most %5.1f ms at once,\n"
            "                      first frame %.1f ms; a poll answered 304: %.1f ms\n"
            "  scrolling, %u steps of %d px: frame avg %5.1f ms, worst %5.1f ms\n"
            "  scrolling, %u jumps across the list: frame avg %5.1f ms, worst %5.1f ms\n",
            count, alone_ms, alone_stall_ms, load_ms, stall.longest_us / 1000.0, frame_ms, poll_ms,
            N_STEPS, STEP_PX, wheel_sum / N_STEPS, wheel_worst, N_JUMPS, sum / N_JUMPS, worst);
  }
  fflush (stdout);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  printf ("The notifications page (GSK_RENDERER=%s)\n",
          g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "default");
  run (10);
  run (10000);
  return 0;
}
