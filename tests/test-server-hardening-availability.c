/* test-server-hardening-availability.c: what issue 11's review found about
 * availability, over real HTTP to a real kbc-account-server, with clients on
 * several loopback addresses (127.0.0.2, 127.0.0.3: all of 127/8 is
 * loopback): a flood of sign-ins, lockouts, the backoff, the limit across
 * two processes, failing closed when the database cannot be written, and
 * TOTP activation counted like sign-ins
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* prlimit() */
#include "config.h"

#include "kbc-test-utils.h"
#include "kbc-totp.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define EMAIL    "ada@example.test"
#define NAME     "Ada Lovelace"
#define PASSWORD "Copper-Kettle-Morning-93"
#define WRONG_PW "Not-The-Password-1"
#define FLOODER  "127.0.0.2"
#define OWNER    "127.0.0.3"
/* The sign-ins one flood sends at once: twice the server's queue. */
#define FLOOD 64

typedef struct
{
  KbcTestServer *server;
  gint64 user_id;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  fixture->user_id = kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* A client on the loopback address @from, with a connection per request. */
static SoupSession *
client_on (const char *from)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (from);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (address, 0);

  return soup_session_new_with_options ("local-address", local, "max-conns", 256,
                                        "max-conns-per-host", 256, "timeout", 30, NULL);
}

static SoupMessage *
login_message (const char *url, const char *email, const char *password)
{
  g_autofree char *uri = g_strconcat (url, "/manage/auth/login", NULL);
  g_autofree char *body =
      g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email, password);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  SoupMessage *message = soup_message_new ("POST", uri);

  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  return message;
}

/* One sign-in from @session; its status, and Retry-After in @retry_after
 * (may be NULL; 0 without one). */
static guint
login_from (SoupSession *session,
            const char *url,
            const char *email,
            const char *password,
            guint *retry_after)
{
  g_autoptr (SoupMessage) message = login_message (url, email, password);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  const char *retry;

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  retry = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  if (retry_after != NULL)
    *retry_after = retry != NULL ? g_ascii_strtoull (retry, NULL, 10) : 0;
  return soup_message_get_status (message);
}

/* Sign-ins sent at once and answered in any order. */
typedef struct
{
  guint sent;
  guint answered;
  guint by_status[600];
  gboolean retry_after_on_429; /* every 429 had one */
} Burst;

typedef struct
{
  Burst *burst;
  SoupMessage *message;
} BurstItem;

static void
burst_answered (GObject *source, GAsyncResult *result, gpointer data)
{
  BurstItem *item = data;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  status = MIN (soup_message_get_status (item->message), G_N_ELEMENTS (item->burst->by_status) - 1);
  item->burst->by_status[status]++;
  if (status == 429 &&
      soup_message_headers_get_one (soup_message_get_response_headers (item->message),
                                    "Retry-After") == NULL)
    item->burst->retry_after_on_429 = FALSE;
  item->burst->answered++;
  g_object_unref (item->message);
  g_free (item);
}

static void
burst_send (Burst *burst,
            SoupSession *session,
            const char *url,
            const char *email,
            const char *password)
{
  BurstItem *item = g_new0 (BurstItem, 1);

  item->burst = burst;
  item->message = login_message (url, email, password);
  burst->sent++;
  soup_session_send_and_read_async (session, item->message, G_PRIORITY_DEFAULT, NULL,
                                    burst_answered, item);
}

/* ---- one client cannot block sign-in for everyone ---- */

static void
test_flood_keeps_sign_in_open (Fixture *fixture, gconstpointer data)
{
  const char *url = kbc_test_server_get_url (fixture->server);
  g_autoptr (SoupSession) flooder = client_on (FLOODER);
  g_autoptr (SoupSession) owner = client_on (OWNER);
  Burst flood = { .retry_after_on_429 = TRUE };
  Burst user = { .retry_after_on_429 = TRUE };
  gint64 start = g_get_monotonic_time ();

  /* Random accounts, so that no per-account limit stops them. */
  for (guint i = 0; i < FLOOD; i++)
    {
      g_autofree char *email = g_strdup_printf ("flood-%u-%08x@example.test", i, g_random_int ());

      burst_send (&flood, flooder, url, email, WRONG_PW);
    }
  /* The flood is on the wire before the real sign-in. */
  KBC_TEST_WAIT_FOR (flood.answered > 0);
  burst_send (&user, owner, url, EMAIL, PASSWORD);
  KBC_TEST_WAIT_FOR (user.answered == 1);
  g_test_message ("the real sign-in took %.1f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (user.by_status[201], ==, 1);

  KBC_TEST_WAIT_FOR (flood.answered == flood.sent);
  g_test_message ("flood: %u × 401, %u × 429, %u × 503", flood.by_status[401], flood.by_status[429],
                  flood.by_status[503]);
  /* The flooder is told to slow down, not the server to be busy… */
  g_assert_cmpuint (flood.by_status[429], >, 0);
  g_assert_true (flood.retry_after_on_429);
  g_assert_cmpuint (flood.by_status[503], ==, 0);
  g_assert_cmpuint (flood.by_status[401] + flood.by_status[429], ==, FLOOD);
  /* …and it never had more than its share hashing. */
  g_assert_cmpuint (flood.by_status[401], <, FLOOD / 2);
}

/* ---- anyone cannot lock an account ---- */

static void
test_lockout_per_address (Fixture *fixture, gconstpointer data)
{
  const char *url = kbc_test_server_get_url (fixture->server);
  g_autoptr (SoupSession) attacker = client_on (FLOODER);
  g_autoptr (SoupSession) owner = client_on (OWNER);
  guint retry_after = 0;

  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (login_from (attacker, url, EMAIL, WRONG_PW, NULL), ==, 401);

  /* The attacker's address waits, briefly: a backoff, not a 15-minute
   * lock… */
  g_assert_cmpuint (login_from (attacker, url, EMAIL, PASSWORD, &retry_after), ==, 429);
  g_assert_cmpuint (retry_after, >=, 1);
  g_assert_cmpuint (retry_after, <=, 2);

  /* …and the owner, elsewhere, is not locked out. */
  g_assert_cmpuint (login_from (owner, url, EMAIL, PASSWORD, NULL), ==, 201);
}

static void
test_backoff_grows_and_resets (Fixture *fixture, gconstpointer data)
{
  const char *url = kbc_test_server_get_url (fixture->server);
  g_autoptr (SoupSession) client = client_on (FLOODER);
  guint first = 0;
  guint second = 0;
  guint passed;
  gint64 start;

  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (login_from (client, url, EMAIL, WRONG_PW, NULL), ==, 401);
  g_assert_cmpuint (login_from (client, url, EMAIL, WRONG_PW, &first), ==, 429);
  g_assert_cmpuint (first, <=, 2);

  /* After the wait one more try is made, and the next wait is longer: 4 s
   * after that failure, less what has passed since it. */
  g_usleep (first * G_USEC_PER_SEC + 100 * 1000);
  start = g_get_monotonic_time ();
  g_assert_cmpuint (login_from (client, url, EMAIL, WRONG_PW, NULL), ==, 401);
  g_assert_cmpuint (login_from (client, url, EMAIL, WRONG_PW, &second), ==, 429);
  passed = (g_get_monotonic_time () - start + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  g_test_message ("waits: %u s, then %u s (%u s later)", first, second, passed);
  g_assert_cmpuint (second, <=, 4);
  /* Within a second at most one second of the wait is gone: more than the
   * first wait's 2 s is left. (A slower machine proves nothing here.) */
  if (passed <= 1)
    g_assert_cmpuint (second, >=, 3);

  /* The right password after the wait, and the slate is clean: ten free
   * failures again. */
  g_usleep (second * G_USEC_PER_SEC + 100 * 1000);
  g_assert_cmpuint (login_from (client, url, EMAIL, PASSWORD, NULL), ==, 201);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (login_from (client, url, EMAIL, WRONG_PW, NULL), ==, 401);
}

/* ---- the limit holds across processes ---- */

static void
die_with_test (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* A second `serve` on @server's database; its URL in @url. It dies with
 * the test, so that a failed test does not leave it holding the test's
 * output open. */
static GSubprocess *
serve_again (KbcTestServer *server, char **url)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GError) error = NULL;
  g_autofree char *port_file = g_strconcat (kbc_test_server_get_db (server), ".port2", NULL);
  g_autofree char *digits = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KBC_ACCOUNT_SERVER"), "serve",
                                         "--db", kbc_test_server_get_db (server), "--listen",
                                         "127.0.0.1:0", "--port-file", port_file, "--quiet", NULL);
  g_assert_no_error (error);
  KBC_TEST_WAIT_FOR (g_file_get_contents (port_file, &digits, NULL, NULL));
  *url = g_strdup_printf ("http://127.0.0.1:%s", digits);
  return process;
}

static void
test_limit_across_processes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (SoupSession) attacker = client_on (FLOODER);
  g_autoptr (SoupSession) owner = client_on (OWNER);
  g_autoptr (GSubprocess) second = NULL;
  g_autofree char *second_url = NULL;
  const char *first_url = kbc_test_server_get_url (fixture->server);
  guint checked = 0;

  second = serve_again (fixture->server, &second_url);

  /* Waves of wrong passwords at both processes at once, until the limit
   * answers: exactly its ten are checked, whichever process took them.
   * (Later waves could find the 2-second backoff over on a slow machine.) */
  for (guint wave = 0; wave < 10; wave++)
    {
      Burst burst = { .retry_after_on_429 = TRUE };

      for (guint i = 0; i < 4; i++)
        {
          burst_send (&burst, attacker, first_url, EMAIL, WRONG_PW);
          burst_send (&burst, attacker, second_url, EMAIL, WRONG_PW);
        }
      KBC_TEST_WAIT_FOR (burst.answered == burst.sent);
      g_test_message ("wave %u: %u × 401, %u × 429", wave, burst.by_status[401],
                      burst.by_status[429]);
      g_assert_cmpuint (burst.by_status[401] + burst.by_status[429], ==, burst.sent);
      checked += burst.by_status[401];
      if (burst.by_status[429] > 0)
        break;
    }
  g_assert_cmpuint (checked, ==, 10);

  /* The owner elsewhere signs in through either. */
  g_assert_cmpuint (login_from (owner, second_url, EMAIL, PASSWORD, NULL), ==, 201);

  g_subprocess_send_signal (second, SIGTERM);
  g_subprocess_wait (second, NULL, NULL);
}

/* ---- the limit fails closed ---- */

static void
set_file_size_limit (GPid pid, rlim_t limit)
{
  struct rlimit value;

  g_assert_cmpint (prlimit (pid, RLIMIT_FSIZE, NULL, &value), ==, 0);
  value.rlim_cur = limit;
  g_assert_cmpint (prlimit (pid, RLIMIT_FSIZE, &value, NULL), ==, 0);
}

static void
test_fails_closed (Fixture *fixture, gconstpointer data)
{
  const char *url = kbc_test_server_get_url (fixture->server);
  g_autoptr (SoupSession) client = client_on (OWNER);
  GPid pid = kbc_test_server_get_pid (fixture->server);
  guint retry_after = 0;

  g_assert_cmpuint (login_from (client, url, EMAIL, PASSWORD, NULL), ==, 201);

  /* The server may write no byte more to any file: as with a full disk,
   * or a database made read-only under it. */
  g_assert_cmpint (pid, >, 0);
  set_file_size_limit (pid, 0);

  /* A check that cannot be counted is not made: the same 503 for the right
   * password and a wrong one, never 401 or 201. */
  g_assert_cmpuint (login_from (client, url, EMAIL, PASSWORD, &retry_after), ==, 503);
  g_assert_cmpuint (retry_after, >, 0);
  g_assert_cmpuint (login_from (client, url, EMAIL, WRONG_PW, NULL), ==, 503);
  g_assert_cmpuint (login_from (client, url, "nobody@example.test", WRONG_PW, NULL), ==, 503);

  set_file_size_limit (pid, RLIM_INFINITY);
  g_assert_cmpuint (login_from (client, url, EMAIL, WRONG_PW, NULL), ==, 401);
  g_assert_cmpuint (login_from (client, url, EMAIL, PASSWORD, NULL), ==, 201);
}

static void
no_file_writes (gpointer data)
{
  struct rlimit value = { 0, 0 };

  getrlimit (RLIMIT_FSIZE, &value);
  value.rlim_cur = 0;
  setrlimit (RLIMIT_FSIZE, &value);
}

static void
test_serve_refuses_unwritable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GAsyncResult *result = NULL;

  kbc_test_server_stop (fixture->server);

  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, no_file_writes, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KBC_ACCOUNT_SERVER"), "serve",
                                         "--db", kbc_test_server_get_db (fixture->server),
                                         "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);

  /* It must end by itself, with the reason; a server that listens instead
   * is stopped after the wait and fails the test. */
  g_subprocess_communicate_utf8_async (process, NULL, NULL, kbc_test_on_done, &result);
  {
    KbcTestWait wait;

    kbc_test_wait_begin (&wait);
    while (result == NULL && g_get_monotonic_time () < wait.deadline - 10 * G_USEC_PER_SEC)
      g_main_context_iteration (NULL, TRUE);
    kbc_test_wait_end (&wait);
  }
  if (result == NULL)
    {
      g_subprocess_force_exit (process);
      KBC_TEST_WAIT_FOR (result != NULL);
      g_error ("serve started on a database it cannot write");
    }
  g_subprocess_communicate_utf8_finish (process, result, &out, &err, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_test_message ("serve: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);
  g_assert_nonnull (strstr (err, "cannot be written"));
  g_assert_null (strstr (out, "listening"));
}

/* ---- TOTP activation counts attempts ---- */

static void
test_totp_activation_limited (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) enrolled = NULL;
  g_autoptr (KbcTestResponse) limited = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *secret = NULL;
  g_autofree char *right = NULL;
  g_autofree char *body = NULL;
  gsize secret_len = 0;
  gint64 step = kbc_totp_step_at (g_get_real_time () / G_USEC_PER_SEC);

  enrolled = kbc_test_server_request (fixture->server, "POST", "/manage/current-user/mfa/totp",
                                      token, "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (enrolled->status, ==, 201);
  secret =
      kbc_totp_base32_decode (kbc_test_response_string (enrolled, "secret"), &secret_len, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (KbcTestResponse) wrong = NULL;
      g_autofree char *guess = NULL;
      gboolean valid;

      /* A guess that is none of the codes of the window. */
      do
        {
          g_clear_pointer (&guess, g_free);
          guess = g_strdup_printf ("%06u", g_random_int_range (0, 1000000));
          valid = FALSE;
          for (gint64 delta = -2; delta <= 2; delta++)
            {
              g_autofree char *real = kbc_totp_code_at_step (secret, secret_len, step + delta);
              valid = valid || g_str_equal (real, guess);
            }
        }
      while (valid);
      g_clear_pointer (&body, g_free);
      body = g_strdup_printf ("{\"code\": \"%s\"}", guess);
      wrong = kbc_test_server_request (fixture->server, "POST",
                                       "/manage/current-user/mfa/totp/activate", token, body);
      g_assert_cmpuint (wrong->status, ==, 400);
      g_assert_cmpstr (kbc_test_response_string (wrong, "code"), ==, "invalidAuthenticationCode");
    }

  /* Ten wrong codes: even the right one waits now. */
  right = kbc_totp_code_at_step (secret, secret_len,
                                 kbc_totp_step_at (g_get_real_time () / G_USEC_PER_SEC));
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"code\": \"%s\"}", right);
  limited = kbc_test_server_request (fixture->server, "POST",
                                     "/manage/current-user/mfa/totp/activate", token, body);
  g_assert_cmpuint (limited->status, ==, 429);
  g_assert_nonnull (limited->retry_after);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                        \
  g_test_add ("/kbc/server-hardening-availability/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("flood-keeps-sign-in-open", test_flood_keeps_sign_in_open);
  ADD ("lockout-per-address", test_lockout_per_address);
  ADD ("backoff-grows-and-resets", test_backoff_grows_and_resets);
  ADD ("limit-across-processes", test_limit_across_processes);
  ADD ("fails-closed", test_fails_closed);
  ADD ("serve-refuses-unwritable", test_serve_refuses_unwritable);
  ADD ("totp-activation-limited", test_totp_activation_limited);

#undef ADD

  return g_test_run ();
}
