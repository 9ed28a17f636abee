/* kbc-bench.c: what the GUI benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-bench.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

double
kbc_bench_ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

/* ---- BENCH lines ---- */

static void
print_line (const char *group,
            const char *metric,
            double value,
            double baseline,
            const char *unit,
            const char *target,
            const char *verdict)
{
  g_autofree char *base = NULL;
  g_autofree char *ratio = NULL;

  if (baseline > 0)
    {
      base = g_strdup_printf ("%.1f %s", baseline, unit);
      ratio = g_strdup_printf ("%.2f", value / baseline);
    }
  printf ("BENCH\t%s\t%s\t%.1f %s\t%s\t%s\t%s\t%s\n", group, metric, value, unit,
          base != NULL ? base : "-", ratio != NULL ? ratio : "-", target, verdict);
  fflush (stdout);
}

void
kbc_bench_line (const char *group,
                const char *metric,
                double value,
                double baseline,
                const char *unit,
                const char *target,
                gboolean ok)
{
  print_line (group, metric, value, baseline, unit, target, ok ? "ok" : "MISSED");
}

void
kbc_bench_line_untargeted (const char *group,
                           const char *metric,
                           double value,
                           double baseline,
                           const char *unit)
{
  print_line (group, metric, value, baseline, unit, "-", "-");
}

/* ---- the frame clock ---- */

struct _KbcBenchClock
{
  GtkWidget *widget;
  GdkFrameClock *frame_clock;
  guint tick_id;
  gulong phase_handlers[4];
  gboolean print_frames; /* KBC_BENCH_FRAMES */
  gint64 before_paint_us, updated_us, laid_out_us;
  gint64 last_tick_us;
  gint64 longest_tick_gap_us;
  gint64 last_paint_us;
  gint64 longest_frame_us;
  gint64 frames_us;
  guint n_frames;
};

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *frame_clock, gpointer user_data)
{
  KbcBenchClock *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->last_tick_us != 0)
    self->longest_tick_gap_us = MAX (self->longest_tick_gap_us, now - self->last_tick_us);
  self->last_tick_us = now;
  return G_SOURCE_CONTINUE;
}

/* Connected after GTK's own handlers: each marks the end of its phase. */
static void
before_paint_cb (GdkFrameClock *frame_clock, KbcBenchClock *self)
{
  self->before_paint_us = g_get_monotonic_time ();
}

static void
update_cb (GdkFrameClock *frame_clock, KbcBenchClock *self)
{
  self->updated_us = g_get_monotonic_time ();
}

static void
layout_cb (GdkFrameClock *frame_clock, KbcBenchClock *self)
{
  self->laid_out_us = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *frame_clock, KbcBenchClock *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->last_paint_us != 0)
    {
      self->longest_frame_us = MAX (self->longest_frame_us, now - self->last_paint_us);
      self->frames_us += now - self->last_paint_us;
      self->n_frames++;
      if (self->print_frames)
        {
          /* A phase nothing asked for is not run: it took no time. */
          gint64 before_paint =
              self->before_paint_us != 0 ? self->before_paint_us : self->last_paint_us;
          gint64 updated = self->updated_us != 0 ? self->updated_us : before_paint;
          gint64 laid_out = self->laid_out_us != 0 ? self->laid_out_us : updated;

          g_printerr ("# frame %u: %.1f ms (wait %.1f, update %.1f, layout %.1f, paint %.1f)\n",
                      self->n_frames, (now - self->last_paint_us) / 1000.0,
                      (before_paint - self->last_paint_us) / 1000.0,
                      (updated - before_paint) / 1000.0, (laid_out - updated) / 1000.0,
                      (now - laid_out) / 1000.0);
        }
    }
  self->last_paint_us = now;
  self->before_paint_us = self->updated_us = self->laid_out_us = 0;
}

KbcBenchClock *
kbc_bench_clock_new (GtkWidget *widget)
{
  KbcBenchClock *self = g_new0 (KbcBenchClock, 1);

  g_assert_true (gtk_widget_get_mapped (widget));
  self->widget = g_object_ref (widget);
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  self->tick_id = gtk_widget_add_tick_callback (widget, tick_cb, self, NULL);
  self->print_frames = g_getenv ("KBC_BENCH_FRAMES") != NULL;
  self->phase_handlers[0] =
      g_signal_connect (self->frame_clock, "before-paint", G_CALLBACK (before_paint_cb), self);
  self->phase_handlers[1] =
      g_signal_connect (self->frame_clock, "update", G_CALLBACK (update_cb), self);
  self->phase_handlers[2] =
      g_signal_connect (self->frame_clock, "layout", G_CALLBACK (layout_cb), self);
  self->phase_handlers[3] =
      g_signal_connect (self->frame_clock, "after-paint", G_CALLBACK (after_paint_cb), self);
  return self;
}

void
kbc_bench_clock_free (KbcBenchClock *self)
{
  gtk_widget_remove_tick_callback (self->widget, self->tick_id);
  for (guint i = 0; i < G_N_ELEMENTS (self->phase_handlers); i++)
    g_signal_handler_disconnect (self->frame_clock, self->phase_handlers[i]);
  g_object_unref (self->frame_clock);
  g_object_unref (self->widget);
  g_free (self);
}

void
kbc_bench_clock_reset (KbcBenchClock *self, const char *what)
{
  if (self->print_frames)
    g_printerr ("# %s, from %" G_GINT64_FORMAT " us\n", what, g_get_monotonic_time ());
  self->last_tick_us = 0;
  self->longest_tick_gap_us = 0;
  self->last_paint_us = 0;
  self->longest_frame_us = 0;
  self->frames_us = 0;
  self->n_frames = 0;
}

double
kbc_bench_clock_longest_tick_gap_ms (KbcBenchClock *self)
{
  /* Up to now: a stall that is still going counts too. */
  gint64 open = self->last_tick_us != 0 ? g_get_monotonic_time () - self->last_tick_us : 0;

  return MAX (self->longest_tick_gap_us, open) / 1000.0;
}

double
kbc_bench_clock_longest_frame_ms (KbcBenchClock *self)
{
  return self->longest_frame_us / 1000.0;
}

double
kbc_bench_clock_mean_frame_ms (KbcBenchClock *self)
{
  return self->n_frames > 0 ? self->frames_us / 1000.0 / self->n_frames : 0;
}

guint
kbc_bench_clock_n_frames (KbcBenchClock *self)
{
  return self->n_frames;
}

double
kbc_bench_clock_idle (KbcBenchClock *self, guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  kbc_bench_clock_reset (self, "idle");
  KBC_TEST_WAIT_FOR (g_get_monotonic_time () >= until);
  return kbc_bench_clock_longest_tick_gap_ms (self);
}

/* ---- when an answer arrived ---- */

static GHashTable *responses; /* "GET PATH" → gint64 * */

static GLogWriterOutput
log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (log_level & G_LOG_LEVEL_DEBUG)
    {
      const char *domain = NULL;
      const char *message = NULL;

      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
          domain = fields[i].value;
        else if (g_str_equal (fields[i].key, "MESSAGE"))
          message = fields[i].value;

      /* KbcClient's "GET /manage/notifications -> 200 (1234 bytes)", logged
       * as the whole body has been read. */
      if (g_strcmp0 (domain, "KbcCore") == 0 && message != NULL &&
          g_str_has_prefix (message, "GET /") && strstr (message, " -> ") != NULL)
        {
          gint64 *when = g_new (gint64, 1);

          *when = g_get_monotonic_time ();
          g_hash_table_replace (responses, g_strndup (message, strstr (message, " -> ") - message),
                                when);
        }
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
kbc_bench_responses_watch (void)
{
  responses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_log_set_writer_func (log_writer, NULL, NULL);
}

void
kbc_bench_responses_reset (void)
{
  g_hash_table_remove_all (responses);
}

gint64
kbc_bench_response_time (const char *path)
{
  g_autofree char *key = g_strconcat ("GET ", path, NULL);
  gint64 *when = g_hash_table_lookup (responses, key);

  return when != NULL ? *when : 0;
}

/* ---- memory ---- */

static double
status_mib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return g_ascii_strtod (line + strlen (field), NULL) / 1024.0; /* kB */
}

double
kbc_bench_rss_mib (void)
{
  return status_mib ("VmRSS:");
}

double
kbc_bench_hwm_mib (void)
{
  return status_mib ("VmHWM:");
}

/* ---- the database ---- */

static sqlite3 *
open_db (KbcTestServer *server)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (kbc_test_server_get_db (server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  return db;
}

static void
close_db (sqlite3 *db, sqlite3_stmt *stmt)
{
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

void
kbc_bench_insert_notifications (KbcTestServer *server, const char *email, guint count)
{
  sqlite3 *db = open_db (server);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

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
      sqlite3_bind_int64 (stmt, 3, now - (gint64) (count - i) * 60);
      sqlite3_bind_text (stmt, 4, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5,
                         "The legacy Python transformations are *deprecated* and stop running on "
                         "30 June. Migrate them: see the [guide](https://help.keboola.com/). "
                         "Open it, choose `Migrate`.",
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, email, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      g_assert_cmpint (sqlite3_changes (db), ==, 1);
      sqlite3_reset (stmt);
    }
  close_db (db, stmt);
}

void
kbc_bench_insert_tokens (KbcTestServer *server, const char *email, guint count)
{
  sqlite3 *db = open_db (server);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Personal tokens ("admin"), as POST /manage/current-user/tokens makes
   * them; the secrets are random, nobody uses these tokens. */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO tokens (user_id, secret_hash, type,"
                                       " description, created, expires) SELECT id,"
                                       " randomblob(32), 'admin', ?1, ?2, ?3 FROM users"
                                       " WHERE email = ?4",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *description = g_strdup_printf ("Deploy script number %u", i);

      sqlite3_bind_text (stmt, 1, description, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now - (gint64) (count - i) * 60);
      sqlite3_bind_int64 (stmt, 3, now + 30 * 24 * 3600);
      sqlite3_bind_text (stmt, 4, email, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      g_assert_cmpint (sqlite3_changes (db), ==, 1);
      sqlite3_reset (stmt);
    }
  close_db (db, stmt);
}

/* ---- painting ---- */

typedef struct
{
  KbcTestCondition condition;
  gpointer data;
  gint64 painted;
} PaintWait;

static void
wait_after_paint_cb (GdkFrameClock *frame_clock, PaintWait *wait)
{
  if (wait->painted == 0 && wait->condition (wait->data))
    wait->painted = g_get_monotonic_time ();
}

gint64
kbc_bench_wait_painted (GtkWidget *widget,
                        KbcTestCondition condition,
                        gpointer data,
                        const char *what)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (widget);
  PaintWait wait = { condition, data, 0 };
  gulong handler;
  KbcTestWait test_wait;

  handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (wait_after_paint_cb), &wait);
  gtk_widget_queue_draw (widget);
  kbc_test_wait_begin (&test_wait);
  while (wait.painted == 0)
    kbc_test_wait_iterate (&test_wait, what);
  kbc_test_wait_end (&test_wait);
  g_signal_handler_disconnect (frame_clock, handler);
  return wait.painted;
}
