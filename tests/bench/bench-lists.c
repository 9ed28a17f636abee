/* bench-lists.c: does a long list stay quick and smooth?
 *
 * The notifications page with 10 and with 10,000 notifications, or the
 * Access Tokens page with 10 and with 1,000 personal tokens (the first
 * argument: "notifications" or "tokens"), each on a real kbc-account-server
 * whose database the benchmark fills, the real page in a window, the whole
 * way through the real client. After a warm-up run (the first page of a
 * process loads templates, style and fonts), for each size:
 *
 *  - from the moment the client has read the whole answer (KbcClient's
 *    debug line, see kbc-bench.h) to the first frame painted with rows of
 *    the list in it: parsing, applying to the model, building and laying
 *    out the rows, painting (a long list of notifications shows its first
 *    rows before the rest is parsed: KbcResource's head), and to the whole
 *    list in (the resource loaded);
 *  - the longest gap between two ticks of the window's frame clock, kept
 *    running, from the page's creation to that frame: the main loop's
 *    longest stall while the list loads;
 *  - the frame times while the list scrolls programmatically to the end,
 *    once in 120 frames (as a scrollbar drag or a fling does: new rows every
 *    frame) and once 60 px a frame for 120 frames from the middle (as a
 *    mouse wheel does);
 *  - the process's RSS with the list loaded and shown.
 *
 * Prints BENCH lines (docs/performance.md): the time to paint of the long
 * list against the short one (target <= 2x), the worst frame scrolling
 * (target <= 32 ms), and the memory. Asserts nothing about time: a missed
 * target is reported, not failed. Needs a display, as the GUI tests do:
 *
 *   build-aux/headless.sh meson test --benchmark -C BUILD notifications-list tokens-list -v
 *
 * GSK_RENDERER is the test environment's (cairo; see HEADLESS.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-bench.h"
#include "kbc-notification-row.h"
#include "kbc-notifications-page.h"
#include "kbc-test-gui.h"
#include "kbc-token-row.h"
#include "kbc-tokens-page.h"

#include <adwaita.h>
#include <stdio.h>

#define EMAIL         "bench@example.test"
#define PASSWORD      "Copper-Kettle-Morning-93"
#define FRAMES_TO_END 120
#define WHEEL_FRAMES  120
#define WHEEL_STEP_PX 60
#define FRAME_TARGET  32.0
#define RATIO_TARGET  2.0

typedef struct
{
  const char *name; /* "notifications" */
  const char *path; /* of its GET */
  guint small, large;
  void (*insert) (KbcTestServer *server, const char *email, guint count);
  KbcResource *(*resource) (KbcAccount *account);
  GtkWidget *(*new_page) (KbcAccount *account);
  /* The list widget in the page, and the type of its rows. */
  GtkWidget *(*list) (GtkWidget *page);
  GType (*row_type) (void);
  /* TRUE once the page has made what it makes of all @count items (it may
   * make them in steps after the first frame); NULL: at once. */
  gboolean (*complete) (GtkWidget *list, guint count);
} Kind;

static KbcResource *
notifications_of (KbcAccount *account)
{
  return KBC_RESOURCE (kbc_account_get_notifications (account));
}

static GtkWidget *
notifications_list (GtkWidget *page)
{
  return kbc_gui_template_child (page, KBC_TYPE_NOTIFICATIONS_PAGE, "list_view");
}

static KbcResource *
tokens_of (KbcAccount *account)
{
  return KBC_RESOURCE (kbc_account_get_tokens (account));
}

static GtkWidget *
tokens_list (GtkWidget *page)
{
  return kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "tokens_list");
}

/* The list view has every token among its items (besides the page's header
 * and footer items); it makes rows only for those in view. */
static gboolean
tokens_complete (GtkWidget *list, guint count)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));

  return g_list_model_get_n_items (model) >= count + 2;
}

static const Kind kinds[] = {
  { "notifications", "/manage/notifications", 10, 10000, kbc_bench_insert_notifications,
    notifications_of, kbc_notifications_page_new, notifications_list, kbc_notification_row_get_type,
    NULL },
  { "tokens", "/manage/current-user/tokens", 10, 1000, kbc_bench_insert_tokens, tokens_of,
    kbc_tokens_page_new, tokens_list, kbc_token_row_get_type, tokens_complete },
};

typedef struct
{
  double to_paint_ms;   /* answer read → first frame with rows */
  double loaded_ms;     /* answer read → the whole list in (loaded) */
  double complete_ms;   /* answer read → every row made, when in steps */
  double load_stall_ms; /* longest tick gap from the page's creation to then */
  double idle_gap_ms;   /* longest tick gap with nothing to do */
  double end_worst_ms, end_mean_ms;
  double wheel_worst_ms, wheel_mean_ms;
  guint end_frames;
  double rss_mib;
} Figures;

typedef struct
{
  const Kind *kind;
  KbcResource *resource;
  GtkWidget *list;
} Shown;

/* A row of the list has its place on screen: the first rows may come
 * before the whole list is in (a long list's head, KbcResource). Not
 * while a stack above it changes children: a cross-fade's first frame
 * paints the child it leaves and hardly the list. */
static gboolean
list_shown (gpointer data)
{
  Shown *shown = data;
  GtkWidget *row;

  row = kbc_gui_find_descendant (shown->list, shown->kind->row_type ());
  if (row == NULL || !gtk_widget_get_mapped (row) || gtk_widget_get_height (row) <= 0)
    return FALSE;
  for (GtkWidget *above = gtk_widget_get_parent (row); above != NULL;
       above = gtk_widget_get_parent (above))
    if (GTK_IS_STACK (above) && gtk_stack_get_transition_running (GTK_STACK (above)))
      return FALSE;
  return TRUE;
}

/* Scrolling driven by the frame clock: each frame moves the list on before
 * it is laid out, as kinetic scrolling does. */
typedef struct
{
  GtkAdjustment *adjustment;
  guint frame;
  guint n_frames;
  double step; /* px a frame; 0: reach the end in n_frames */
} Scroll;

static gboolean
scroll_tick (GtkWidget *widget, GdkFrameClock *frame_clock, gpointer user_data)
{
  Scroll *scroll = user_data;
  double end = gtk_adjustment_get_upper (scroll->adjustment) -
               gtk_adjustment_get_page_size (scroll->adjustment);

  if (scroll->frame >= scroll->n_frames)
    return G_SOURCE_REMOVE;
  scroll->frame++;
  if (scroll->step > 0)
    gtk_adjustment_set_value (scroll->adjustment,
                              gtk_adjustment_get_value (scroll->adjustment) + scroll->step);
  else
    gtk_adjustment_set_value (scroll->adjustment, end * scroll->frame / scroll->n_frames);
  return G_SOURCE_CONTINUE;
}

static void
scroll (GtkWidget *window,
        KbcBenchClock *clock,
        const char *what,
        GtkAdjustment *adjustment,
        double step,
        double *worst,
        double *mean,
        guint *frames)
{
  Scroll state = { adjustment, 0, step > 0 ? WHEEL_FRAMES : FRAMES_TO_END, step };

  kbc_bench_clock_reset (clock, what);
  gtk_widget_add_tick_callback (window, scroll_tick, &state, NULL);
  KBC_TEST_WAIT_FOR (state.frame >= state.n_frames);
  /* The frame of the last step. */
  {
    guint n = kbc_bench_clock_n_frames (clock);

    KBC_TEST_WAIT_FOR (kbc_bench_clock_n_frames (clock) > n);
  }
  *worst = kbc_bench_clock_longest_frame_ms (clock);
  *mean = kbc_bench_clock_mean_frame_ms (clock);
  if (frames != NULL)
    *frames = kbc_bench_clock_n_frames (clock);
}

static void
run (const Kind *kind, guint count, Figures *figures)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcAccount) account = NULL;
  g_autoptr (KbcBenchClock) clock = NULL;
  GtkWidget *window, *page, *scrolled;
  GtkAdjustment *adjustment;
  Shown shown = { kind, NULL, NULL };
  gint64 painted, answered;
  char *what;

  kbc_test_server_add_user (server, EMAIL, "Bench", PASSWORD);
  kind->insert (server, EMAIL, count);
  account = kbc_test_sign_in (server, EMAIL, PASSWORD);
  shown.resource = kind->resource (account);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
  gtk_window_present (GTK_WINDOW (window));
  kbc_gui_wait_drawn (window);
  clock = kbc_bench_clock_new (window);
  figures->idle_gap_ms = kbc_bench_clock_idle (clock, 500);

  /* The page asks for the list as it is built (notifications) or shown
   * (tokens). */
  kbc_bench_responses_reset ();
  kbc_bench_clock_reset (clock, "loading");
  page = kind->new_page (account);
  shown.list = kind->list (page);
  gtk_window_set_child (GTK_WINDOW (window), page);
  painted = kbc_bench_wait_painted (window, list_shown, &shown, "the list painted");
  answered = kbc_bench_response_time (kind->path);
  g_assert_cmpint (answered, >, 0);
  g_assert_cmpint (painted, >=, answered);
  figures->to_paint_ms = (painted - answered) / 1000.0;
  KBC_TEST_WAIT_FOR (kbc_resource_get_loaded (shown.resource) &&
                     !kbc_resource_get_loading (shown.resource));
  figures->loaded_ms = (g_get_monotonic_time () - answered) / 1000.0;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (shown.resource)), >=, count);

  /* The stall counts until the page has made everything, and a second
   * more for whatever it still does. */
  if (kind->complete != NULL)
    {
      KBC_TEST_WAIT_FOR (kind->complete (shown.list, count));
      figures->complete_ms = (g_get_monotonic_time () - answered) / 1000.0;
    }
  else
    figures->complete_ms = MAX (figures->to_paint_ms, figures->loaded_ms);
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

    KBC_TEST_WAIT_FOR (g_get_monotonic_time () >= until);
  }
  figures->load_stall_ms = kbc_bench_clock_longest_tick_gap_ms (clock);
  figures->rss_mib = kbc_bench_rss_mib ();

  scrolled = gtk_widget_get_ancestor (shown.list, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  what = g_strdup_printf ("%u %s, scrolling to the end", count, kind->name);
  scroll (window, clock, what, adjustment, 0, &figures->end_worst_ms, &figures->end_mean_ms,
          &figures->end_frames);
  g_free (what);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  kbc_bench_clock_idle (clock, 300);
  what = g_strdup_printf ("%u %s, scrolling %d px a frame", count, kind->name, WHEEL_STEP_PX);
  scroll (window, clock, what, adjustment, WHEEL_STEP_PX, &figures->wheel_worst_ms,
          &figures->wheel_mean_ms, NULL);
  g_free (what);

  printf ("%6u %s:\n"
          "  answer read to first rows painted: %7.1f ms (whole list in: %.1f ms; every row"
          " made: %.1f ms); longest tick gap"
          " while loading %6.1f ms (idle: %.1f ms)\n"
          "  scrolling to the end in %u frames: frame avg %5.1f ms, worst %5.1f ms\n"
          "  scrolling %d px a frame: frame avg %5.1f ms, worst %5.1f ms\n"
          "  RSS with the list shown: %.1f MiB\n",
          count, kind->name, figures->to_paint_ms, figures->loaded_ms, figures->complete_ms,
          figures->load_stall_ms, figures->idle_gap_ms, figures->end_frames, figures->end_mean_ms,
          figures->end_worst_ms, WHEEL_STEP_PX, figures->wheel_mean_ms, figures->wheel_worst_ms,
          figures->rss_mib);
  fflush (stdout);

  g_clear_pointer (&clock, kbc_bench_clock_free);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  const Kind *kind = NULL;
  Figures small = { 0 }, large = { 0 };
  g_autofree char *metric = NULL;

  kbc_bench_responses_watch ();
  g_test_init (&argc, &argv, NULL);
  adw_init ();
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (argc > 1 && g_str_equal (argv[1], kinds[i].name))
      kind = &kinds[i];
  if (kind == NULL)
    g_error ("usage: bench-lists notifications|tokens");

  printf ("The %s page (GSK_RENDERER=%s)\n", kind->name,
          g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "default");
  /* The first page of a process pays for what is done once (the
   * templates, the style, the fonts): a run before, not counted. */
  printf ("(warm-up, not counted)\n");
  run (kind, kind->small, &small);
  run (kind, kind->small, &small);
  run (kind, kind->large, &large);

  metric = g_strdup_printf ("%s: answer to first rows painted, %u vs %u", kind->name, kind->large,
                            kind->small);
  kbc_bench_line ("lists", metric, large.to_paint_ms, small.to_paint_ms, "ms", "<= 2x",
                  large.to_paint_ms <= RATIO_TARGET * small.to_paint_ms);
  g_free (metric);
  metric = g_strdup_printf ("%s: answer to the whole list in, %u vs %u", kind->name, kind->large,
                            kind->small);
  kbc_bench_line_untargeted ("lists", metric, large.loaded_ms, small.loaded_ms, "ms");
  g_free (metric);
  metric = g_strdup_printf ("%s: worst frame scrolling to the end, %u vs %u", kind->name,
                            kind->large, kind->small);
  kbc_bench_line ("lists", metric, large.end_worst_ms, small.end_worst_ms, "ms", "<= 32 ms",
                  large.end_worst_ms <= FRAME_TARGET);
  g_free (metric);
  metric = g_strdup_printf ("%s: worst frame wheel scrolling, %u vs %u", kind->name, kind->large,
                            kind->small);
  kbc_bench_line ("lists", metric, large.wheel_worst_ms, small.wheel_worst_ms, "ms", "<= 32 ms",
                  large.wheel_worst_ms <= FRAME_TARGET);
  g_free (metric);
  metric =
      g_strdup_printf ("%s: longest stall loading, %u vs %u", kind->name, kind->large, kind->small);
  kbc_bench_line ("lists", metric, large.load_stall_ms, small.load_stall_ms, "ms", "< 50 ms",
                  large.load_stall_ms < 50);
  g_free (metric);
  metric = g_strdup_printf ("RSS with %u %s shown vs %u", kind->large, kind->name, kind->small);
  kbc_bench_line_untargeted ("memory", metric, large.rss_mib, small.rss_mib, "MiB");
  g_free (metric);
  metric = g_strdup_printf ("VmHWM after %u %s", kind->large, kind->name);
  kbc_bench_line_untargeted ("memory", metric, kbc_bench_hwm_mib (), 0, "MiB");
  return 0;
}
