/* bench-server-verify.c: does password hashing stall other requests?
 *
 * Measures GET /manage/tokens/verify latency on a real kbc-account-server,
 * first alone, then while other clients sign in as fast as they can (every
 * sign-in is an argon2id hash of ~170 ms on the server's worker pool). If the
 * hashing ran on the event loop, each verify would wait for a hash; on the
 * pool it is answered at once. Prints the figures and the loaded/idle ratio;
 * it asserts nothing about time (it is a benchmark, not a test).
 *
 *   meson test --benchmark -C BUILD server-verify-latency -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-utils.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#define EMAIL          "bench@example.test"
#define PASSWORD       "Copper-Kettle-Morning-93"
#define RUN_SECONDS    4
#define N_LOGIN_THREAD 4

typedef struct
{
  const char *url;
  gint stop;
  gint logins;
  GArray *login_ms;
  GMutex lock;
} Load;

static double
elapsed_ms (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

static guint
send_message (SoupSession *session, SoupMessage *message)
{
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (message);
}

static gpointer
login_loop (gpointer data)
{
  Load *load = data;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (load->url, "/manage/auth/login", NULL);
  static const char body[] = "{\"email\": \"" EMAIL "\", \"password\": \"" PASSWORD "\"}";

  while (!g_atomic_int_get (&load->stop))
    {
      g_autoptr (SoupMessage) message = soup_message_new ("POST", uri);
      g_autoptr (GBytes) bytes = g_bytes_new_static (body, strlen (body));
      gint64 start = g_get_monotonic_time ();
      double ms;

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
      g_assert_cmpuint (send_message (session, message), ==, 201);
      ms = elapsed_ms (start);
      g_atomic_int_inc (&load->logins);
      g_mutex_lock (&load->lock);
      g_array_append_val (load->login_ms, ms);
      g_mutex_unlock (&load->lock);
    }
  return NULL;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values, double p)
{
  guint index;

  g_array_sort (values, compare_double);
  index = MIN (values->len - 1, (guint) (p * values->len));
  return g_array_index (values, double, index);
}

/* Sequential verifies for @seconds. */
static GArray *
measure_verify (const char *url, const char *token, double seconds)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (url, "/manage/tokens/verify", NULL);
  GArray *latencies = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autoptr (SoupMessage) message = soup_message_new ("GET", uri);
      gint64 start;
      double ms;

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "X-KBC-ManageApiToken", token);
      start = g_get_monotonic_time ();
      g_assert_cmpuint (send_message (session, message), ==, 200);
      ms = elapsed_ms (start);
      g_array_append_val (latencies, ms);
    }
  return latencies;
}

int
main (int argc, char **argv)
{
  g_autoptr (KbcTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autoptr (GArray) idle = NULL;
  g_autoptr (GArray) loaded = NULL;
  GThread *threads[N_LOGIN_THREAD];
  Load load = { 0 };
  double idle_p50, idle_p99, loaded_p50, loaded_p99, loaded_max, login_p50;
  int logins_before;
  int logins_during;

  g_test_init (&argc, &argv, NULL);

  server = kbc_test_server_new_with_args ("--quiet", NULL);
  kbc_test_server_add_user (server, EMAIL, "Bench User", PASSWORD);
  token = kbc_test_server_login (server, EMAIL, PASSWORD);

  /* Warm up connections and caches. */
  g_array_unref (measure_verify (kbc_test_server_get_url (server), token, 0.5));
  idle = measure_verify (kbc_test_server_get_url (server), token, RUN_SECONDS);

  load.url = kbc_test_server_get_url (server);
  load.login_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_mutex_init (&load.lock);
  for (guint i = 0; i < N_LOGIN_THREAD; i++)
    threads[i] = g_thread_new ("login", login_loop, &load);

  /* Let the hash queue fill up. */
  KBC_TEST_WAIT_FOR (g_atomic_int_get (&load.logins) >= N_LOGIN_THREAD);

  logins_before = g_atomic_int_get (&load.logins);
  loaded = measure_verify (kbc_test_server_get_url (server), token, RUN_SECONDS);
  logins_during = g_atomic_int_get (&load.logins) - logins_before;

  g_atomic_int_set (&load.stop, 1);
  for (guint i = 0; i < N_LOGIN_THREAD; i++)
    g_thread_join (threads[i]);

  idle_p50 = percentile (idle, 0.50);
  idle_p99 = percentile (idle, 0.99);
  loaded_p50 = percentile (loaded, 0.50);
  loaded_p99 = percentile (loaded, 0.99);
  loaded_max = percentile (loaded, 1.0);
  login_p50 = percentile (load.login_ms, 0.50);

  printf ("GET /manage/tokens/verify, one client, sequential, %d s per run\n", RUN_SECONDS);
  printf ("  idle:                         %5u requests  p50 %6.2f ms  p99 %6.2f ms\n", idle->len,
          idle_p50, idle_p99);
  printf (
      "  with %d clients signing in:    %5u requests  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n",
      N_LOGIN_THREAD, loaded->len, loaded_p50, loaded_p99, loaded_max);
  printf ("  sign-ins meanwhile: %d (%.1f/s; each %.0f ms p50 end to end, argon2id t=3 m=64MiB "
          "p=1, 2 hash threads)\n",
          logins_during, logins_during / (double) RUN_SECONDS, login_p50);
  printf ("  ratio loaded/idle: p50 %.2f, p99 %.2f; loaded p99 / sign-in p50: %.3f\n",
          loaded_p50 / idle_p50, loaded_p99 / idle_p99, loaded_p99 / login_p50);

  g_array_unref (load.login_ms);
  g_mutex_clear (&load.lock);
  return 0;
}
