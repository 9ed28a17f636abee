/* kbc-bench.h: what the GUI benchmarks share: BENCH lines, the frame clock
 * as a stall meter, frame times, the moment an answer arrived, RSS, and
 * filling the database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "kbc-test-utils.h"

G_BEGIN_DECLS

/* clang-format off */

/* One line of the shared format (see docs/performance.md):
 * BENCH, group, metric, value, baseline, ratio, target, verdict. @value and
 * @baseline are numbers in @unit; a @baseline <= 0 prints "-" and no ratio. */
void        kbc_bench_line              (const char   *group,
                                         const char   *metric,
                                         double        value,
                                         double        baseline,
                                         const char   *unit,
                                         const char   *target,
                                         gboolean      ok);
/* The same for a figure with no target in the issue: target and verdict "-". */
void        kbc_bench_line_untargeted   (const char   *group,
                                         const char   *metric,
                                         double        value,
                                         double        baseline,
                                         const char   *unit);

/* The frame clock of @widget's window kept running (a tick callback that
 * asks for the next frame, as an animation does) and watched: the longest
 * gap between two ticks is the longest the main loop kept the window from
 * drawing; the gaps between two paints are the frame times.
 *
 * With KBC_BENCH_FRAMES set in the environment, each frame measured is
 * also written to stderr, split into its phases: the wait for the frame
 * clock from the last paint, update (tick callbacks: a list binds its new
 * rows), layout (measuring and allocating) and paint; and
 * kbc_bench_clock_reset() writes the time in g_get_monotonic_time() (the
 * CLOCK_MONOTONIC of `perf record -k CLOCK_MONOTONIC`), to pick a stretch
 * out of a profile. */
typedef struct _KbcBenchClock KbcBenchClock;

KbcBenchClock *kbc_bench_clock_new       (GtkWidget     *widget);
void        kbc_bench_clock_free        (KbcBenchClock *self);
/* Forgets what was measured so far. @what names what comes next in
 * KBC_BENCH_FRAMES's lines. */
void        kbc_bench_clock_reset       (KbcBenchClock *self,
                                         const char    *what);
double      kbc_bench_clock_longest_tick_gap_ms (KbcBenchClock *self);
double      kbc_bench_clock_longest_frame_ms    (KbcBenchClock *self);
double      kbc_bench_clock_mean_frame_ms       (KbcBenchClock *self);
guint       kbc_bench_clock_n_frames    (KbcBenchClock *self);
/* Lets the main loop run for @ms with the clock ticking; returns the
 * longest tick gap meanwhile (the idle baseline). */
double      kbc_bench_clock_idle        (KbcBenchClock *self,
                                         guint          ms);

/* When the client last read a whole answer to GET @path (its debug line
 * "GET PATH -> STATUS"), in g_get_monotonic_time(); 0 when none since
 * kbc_bench_responses_reset(). kbc_bench_responses_watch() installs the log
 * writer (once, first thing in main()); other messages go on to GLib's. */
void        kbc_bench_responses_watch   (void);
void        kbc_bench_responses_reset   (void);
gint64      kbc_bench_response_time     (const char   *path);

/* VmRSS and VmHWM of this process, in MiB. */
double      kbc_bench_rss_mib           (void);
double      kbc_bench_hwm_mib           (void);

/* @count notifications (markdown messages, of the four types) and personal
 * tokens for the user @email, written into the server's database. */
void        kbc_bench_insert_notifications (KbcTestServer *server,
                                         const char    *email,
                                         guint          count);
void        kbc_bench_insert_tokens     (KbcTestServer *server,
                                         const char    *email,
                                         guint          count);

/* Waits for the first frame of @widget's window painted while @condition
 * held; returns when it was painted (g_get_monotonic_time()). */
gint64      kbc_bench_wait_painted      (GtkWidget        *widget,
                                         KbcTestCondition  condition,
                                         gpointer          data,
                                         const char       *what);

double      kbc_bench_ms_since          (gint64         start_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcBenchClock, kbc_bench_clock_free)

/* clang-format on */

G_END_DECLS
