/* bench-startup.c: how fast does the app come up with a saved session?
 *
 * The real kbc-account, started as a user starts it (`kbc-account --local`,
 * a session saved in the keyring, the local server's database already made),
 * against a bare libadwaita window (bench-bare-window.c: a header bar and a
 * preferences page) in the same run, alternately, with the same renderer and
 * the same display. For each: the time from exec to the first frame of the
 * window, for the app also to the first frame of the Account page with the
 * user and the MFA state (kbc-startup-mark.c), and the peak resident memory
 * (VmHWM) a second later. The local server answers before the cached
 * profile is due (KBC_WINDOW_CACHED_PROFILE_DELAY_MS): the bench counts the
 * starts that showed it all the same. Medians of RUNS starts each; the figures as ratios to
 * the bare window. Asserts nothing about time (a benchmark, not a test).
 * Needs a display and a keyring, as the GUI tests do:
 *
 *   build-aux/headless.sh meson test --benchmark -C BUILD start-up -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-demo.h"
#include "kbc-keyring.h"
#include "kbc-local-server.h"
#include "kbc-session.h"
#include "kbc-stack.h"
#include "kbc-test-utils.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define RUNS 7

typedef struct
{
  double first_frame_ms;
  double cached_ms; /* the app's cached profile painted */
  double ready_ms;  /* the app's Account page; the bare window's first frame */
  double peak_rss_mb;
} Start;

/* VmHWM of @pid in MB, or -1. */
static double
peak_rss_mb (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

/* Starts @argv, reads its marks until @last, then its peak memory, then
 * stops it. */
static Start
run_once (const char *const *argv, const char *last)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  Start start = { -1, -1, -1, -1 };
  gint64 exec_us;

  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* KBC_BENCH_DEBUG adds log domains, whose lines are echoed: where a
   * start spends its time. */
  g_subprocess_launcher_setenv (
      launcher, "G_MESSAGES_DEBUG",
      g_getenv ("KBC_BENCH_DEBUG") != NULL ? g_getenv ("KBC_BENCH_DEBUG") : "KbcStartup", TRUE);

  exec_us = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      const char *mark;
      char name[32];
      gint64 at_us;

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("%s ended before its mark “%s”", argv[0], last);
      if (g_getenv ("KBC_BENCH_DEBUG") != NULL)
        g_printerr ("  %s\n", line);
      if ((mark = strstr (line, "mark ")) == NULL ||
          sscanf (mark, "mark %31s %" G_GINT64_FORMAT, name, &at_us) != 2)
        {
          g_printerr ("  %s: %s\n", argv[0], line);
          continue;
        }

      if (g_str_equal (name, "first-frame"))
        start.first_frame_ms = (at_us - exec_us) / 1000.0;
      if (g_str_equal (name, "cached-profile"))
        start.cached_ms = (at_us - exec_us) / 1000.0;
      if (g_str_equal (name, last))
        {
          start.ready_ms = (at_us - exec_us) / 1000.0;
          break;
        }
    }

  /* The peak of the start, with what the app does right after it (its
   * other pages, built when idle). */
  g_usleep (1000 * 1000);
  start.peak_rss_mb = peak_rss_mb (g_subprocess_get_identifier (process));
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  return start;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (Start *starts, gsize offset)
{
  double values[RUNS];

  for (guint i = 0; i < RUNS; i++)
    values[i] = *(double *) ((char *) &starts[i] + offset);
  qsort (values, RUNS, sizeof (double), cmp_double);
  return values[RUNS / 2];
}

static void
bench_line (const char *metric,
            double value,
            double baseline,
            const char *unit,
            double target,
            const char *target_text)
{
  double ratio = value / baseline;

  printf ("BENCH\tstart-up\t%s\t%.1f %s\t%.1f %s\t%.2f\t%s\t%s\n", metric, value, unit, baseline,
          unit, ratio, target_text, ratio <= target ? "ok" : "MISSED");
}

/* A session saved as the app saves it: signed in once to the local server,
 * which made its database and the demo account on its first start. */
static void
save_session (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (KbcLocalServer) local = kbc_local_server_new (NULL);
  g_autoptr (KbcSession) session = kbc_session_new (settings, local);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_sign_in_async (session, KBC_STACK_LOCAL, NULL, KBC_DEMO_EMAIL, KBC_DEMO_PASSWORD,
                             NULL, kbc_test_on_done, &result);
  g_assert_cmpint (kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), &error), ==,
                   KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);

  /* The token reaches the keyring after the sign-in answers. */
  for (guint tries = 0;; tries++)
    {
      g_autoptr (GAsyncResult) lookup = NULL;
      g_autofree char *token = NULL;

      kbc_keyring_lookup_async (kbc_stack_get_keyring_key (KBC_STACK_LOCAL, NULL), KBC_DEMO_EMAIL,
                                NULL, kbc_test_on_done, &lookup);
      token = kbc_keyring_lookup_finish (kbc_test_wait_for (&lookup), NULL, NULL);
      if (token != NULL)
        break;
      g_assert_cmpuint (tries, <, 100);
      g_usleep (50 * 1000);
    }
  g_clear_object (&result);
  kbc_local_server_stop (local);
  g_settings_sync ();
}

int
main (int argc, char **argv)
{
  g_autofree char *app = NULL;
  g_autofree char *bare = NULL;
  Start apps[RUNS], bares[RUNS];
  guint cached = 0;

  /* The app reads its saved session from the settings' file, as it does
   * on a desktop; the bench writes it there the same way. */
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_test_init (&argc, &argv, NULL);

  app = g_build_filename (g_getenv ("MESON_BUILD_ROOT"), "src", "kbc-account", NULL);
  bare = g_test_build_filename (G_TEST_BUILT, "bench-bare-window", NULL);

  save_session ();

  /* One start of each first, not counted: the files they read come from
   * the disk once, and then from the cache for both. */
  run_once ((const char *[]){ bare, NULL }, "first-frame");
  run_once ((const char *[]){ app, "--local", NULL }, "account-ready");

  for (guint i = 0; i < RUNS; i++)
    {
      bares[i] = run_once ((const char *[]){ bare, NULL }, "first-frame");
      apps[i] = run_once ((const char *[]){ app, "--local", NULL }, "account-ready");
      if (apps[i].cached_ms >= 0)
        cached++;
      printf ("# run %u: bare %.0f ms, %.0f MB; app first frame %.0f ms, Account page %.0f ms, "
              "%.0f MB%s\n",
              i + 1, bares[i].first_frame_ms, bares[i].peak_rss_mb, apps[i].first_frame_ms,
              apps[i].ready_ms, apps[i].peak_rss_mb,
              apps[i].cached_ms >= 0 ? " (the cached profile first)" : "");
    }
  printf ("# %u of %d starts showed the cached profile before the Account page\n", cached, RUNS);

  printf ("# medians of %d starts each, renderer %s\n", RUNS, g_getenv ("GSK_RENDERER"));
  bench_line ("first frame", median (apps, G_STRUCT_OFFSET (Start, first_frame_ms)),
              median (bares, G_STRUCT_OFFSET (Start, first_frame_ms)), "ms", 1.2, "<= 1.2x");
  bench_line ("Account page loaded", median (apps, G_STRUCT_OFFSET (Start, ready_ms)),
              median (bares, G_STRUCT_OFFSET (Start, first_frame_ms)), "ms", 1.5, "<= 1.5x");
  bench_line ("peak RSS", median (apps, G_STRUCT_OFFSET (Start, peak_rss_mb)),
              median (bares, G_STRUCT_OFFSET (Start, peak_rss_mb)), "MB", 1.2, "<= 1.2x");
  return 0;
}
