/* fuzz-server-router.c: whole HTTP requests through the server's router
 *
 * The real server of `kbc-account-server serve` (every module's routes, the
 * demo account and its world from `seed-demo`, on a temporary database)
 * listens on a loopback port in this process; each input is sent to it over
 * a fresh loopback connection and the event loop runs until the server has
 * answered and closed it. A server that does not answer within
 * REPLY_TIMEOUT_S is a bug too: the target aborts.
 *
 * The input is a request as written on the wire, less the framing the
 * harness owns:
 *   METHOD PATH            the request line (HTTP/1.1 is added)
 *   Name: value            any headers, up to an empty line
 *
 *   body                   the rest
 * KBC_FUZZ_ROUTER_SHOW=1 prints the status line of each answer.
 * "@TOKEN@" anywhere is replaced by a valid token of the demo user, so the
 * fuzzer reaches the authenticated routes (seeds send it as
 * X-KBC-ManageApiToken). Content-Length, Transfer-Encoding and Connection
 * headers of the input are dropped: the harness sends the body's length and
 * "Connection: close". When the token is gone (the fuzzer deleted it or
 * signed out), a new one is issued.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <glib/gstdio.h>

#include "kbc-demo.h"
#include "kbc-server-admin.h"
#include "kbc-server-auth.h"
#include "kbc-server-http.h"
#include "kbc-server-keys.h"
#include "kbc-server-mfa.h"
#include "kbc-server-notifications.h"
#include "kbc-server-profile.h"
#include "kbc-server-tokens.h"
#include "kbc-server-world.h"

#include "kbc-fuzz.h"

#define REPLY_TIMEOUT_S 20

static char *scratch;
static KbcServer *server;
static guint16 port;
static gint64 user_id;
static gint64 token_id;
static char *token;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
remove_scratch (void)
{
  static const char *const names[] = { "db", "db-wal", "db-shm", "db.key" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (scratch, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (scratch);
}

static void
issue_token (void)
{
  g_autoptr (GError) error = NULL;
  gint64 now = kbc_server_now ();

  g_free (token);
  token = kbc_auth_issue_token (server->store, user_id, KBC_TOKEN_TYPE_ADMIN, "fuzz", now,
                                now + 365 * 24 * 3600, &token_id, &error);
  g_assert_no_error (error);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcUser) user = NULL;
  g_autofree char *db = NULL;
  KbcServerConfig config = { .quiet = TRUE };
  KbcStore *store;
  char *seed_argv[5];

  kbc_fuzz_init ();
  kbc_server_keep_log_writer = TRUE;
  scratch = g_dir_make_tmp ("kbc-fuzz-router-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_scratch);
  db = g_build_filename (scratch, "db", NULL);

  /* The demo account and its world, as `kbc-account-server seed-demo`. */
  seed_argv[0] = (char *) "kbc-account-server";
  seed_argv[1] = (char *) "seed-demo";
  seed_argv[2] = (char *) "--db";
  seed_argv[3] = db;
  seed_argv[4] = NULL;
  g_assert_cmpint (kbc_server_main (4, seed_argv), ==, 0);

  store = kbc_store_open (db, &error);
  g_assert_no_error (error);
  user = kbc_store_user_by_email (store, KBC_DEMO_EMAIL, &error);
  g_assert_no_error (error);
  g_assert (user != NULL);
  user_id = user->id;

  /* As cmd_serve() builds it. */
  server = kbc_server_new (store, &config);
  kbc_server_auth_register (server);
  kbc_server_mfa_register (server);
  kbc_server_keys_register (server);
  kbc_server_tokens_register (server);
  kbc_server_profile_register (server);
  kbc_server_notifications_register (server);
  kbc_server_world_register (server);
  port = kbc_server_listen (server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);

  issue_token ();
  return 0;
}

/* The request as sent: see the top of the file. */
static GString *
build_request (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GString) input = NULL;
  GString *request;
  const char *head_end;
  const char *body;
  g_auto (GStrv) lines = NULL;
  g_autofree char *head = NULL;
  gsize body_len;

  /* g_strndup() stops at a NUL: the rest of the input is not sent. */
  input = g_string_new (text);
  g_string_replace (input, "@TOKEN@", token, 0);

  head_end = strstr (input->str, "\n\n");
  if (head_end != NULL)
    body = head_end + 2;
  else
    body = input->str + input->len;
  body_len = input->str + input->len - body;

  head = g_strndup (input->str, (head_end != NULL ? head_end : body) - input->str);
  lines = g_strsplit (head, "\n", -1);
  request = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (i == 0)
        {
          g_string_append_printf (request, "%s HTTP/1.1\r\nHost: 127.0.0.1\r\n", line);
          continue;
        }
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0 ||
          g_ascii_strncasecmp (line, "Transfer-Encoding:", 18) == 0 ||
          g_ascii_strncasecmp (line, "Connection:", 11) == 0 ||
          g_ascii_strncasecmp (line, "Host:", 5) == 0 || len == 0)
        continue;
      g_string_append_printf (request, "%s\r\n", line);
    }
  g_string_append_printf (request, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_len);
  g_string_append (request, "Connection: close\r\n\r\n");
  g_string_append_len (request, body, body_len);
  return request;
}

typedef struct
{
  GString *reply;
  gboolean closed;
  gboolean timed_out;
} Exchange;

static void
on_readable (evutil_socket_t fd, short what, void *user_data)
{
  Exchange *exchange = user_data;
  char buffer[4096];
  ssize_t n;

  for (;;)
    {
      n = read (fd, buffer, sizeof buffer);
      if (n > 0)
        {
          g_string_append_len (exchange->reply, buffer, n);
          continue;
        }
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
      /* EOF, or a reset: the server is done with this connection. */
      exchange->closed = TRUE;
      event_base_loopbreak (server->base);
      return;
    }
}

static void
on_timeout (evutil_socket_t fd, short what, void *user_data)
{
  Exchange *exchange = user_data;

  exchange->timed_out = TRUE;
  event_base_loopbreak (server->base);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GString) request = NULL;
  g_autoptr (GString) reply = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  struct sockaddr_in address = { 0 };
  struct timeval timeout = { REPLY_TIMEOUT_S, 0 };
  struct linger no_linger = { 1, 0 };
  Exchange exchange = { reply, FALSE, FALSE };
  struct event *readable;
  struct event *timer;
  KbcToken *current;
  gsize sent = 0;
  int fd;

  /* The request line is one line of text. */
  if (size == 0 || memchr (data, '\n', size) == NULL)
    return 0;

  request = build_request (data, size);

  fd = socket (AF_INET, SOCK_STREAM, 0);
  g_assert (fd >= 0);
  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  /* Closing with a reset leaves no TIME_WAIT behind: tens of thousands
   * of connections a minute would use up the loopback ports. */
  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger), ==, 0);
  while (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      g_assert (errno == EADDRNOTAVAIL || errno == EAGAIN || errno == EINTR);
      g_usleep (1000);
    }
  g_assert_cmpint (fcntl (fd, F_SETFL, O_NONBLOCK), ==, 0);

  readable = event_new (server->base, fd, EV_READ | EV_PERSIST, on_readable, &exchange);
  timer = evtimer_new (server->base, on_timeout, &exchange);
  event_add (readable, NULL);
  event_add (timer, &timeout);

  /* Writes what the socket takes, letting the server read the rest. */
  while (!exchange.closed && !exchange.timed_out)
    {
      if (sent < request->len)
        {
          ssize_t n = write (fd, request->str + sent, request->len - sent);

          if (n > 0)
            sent += n;
          else if (n < 0 && errno != EAGAIN && errno != EINTR)
            sent = request->len; /* the server hung up early: fine */
          event_base_loop (server->base, EVLOOP_NONBLOCK);
          continue;
        }
      event_base_dispatch (server->base);
    }

  event_free (readable);
  event_free (timer);
  close (fd);

  if (exchange.timed_out)
    {
      g_printerr ("no answer in %d s to:\n%s\n", REPLY_TIMEOUT_S, request->str);
      abort ();
    }
  /* Every request gets an HTTP answer. */
  if (!g_str_has_prefix (reply->str, "HTTP/1.1 "))
    {
      g_printerr ("no HTTP answer to:\n%s\nbut:\n%s\n", request->str, reply->str);
      abort ();
    }

  /* For writing seeds: KBC_FUZZ_ROUTER_SHOW=1 prints each answer's status. */
  if (g_getenv ("KBC_FUZZ_ROUTER_SHOW") != NULL)
    {
      g_autofree char *line = g_strndup (reply->str, strcspn (reply->str, "\r\n"));

      g_printerr ("%.*s -> %s\n", (int) strcspn (request->str, "\r\n"), request->str, line);
    }

  current = kbc_store_token_by_id (server->store, token_id, &error);
  if (current == NULL || current->disabled ||
      (current->expires != 0 && current->expires <= kbc_server_now ()))
    issue_token ();
  g_clear_pointer (&current, kbc_token_free);
  return 0;
}
