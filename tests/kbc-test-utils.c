/* kbc-test-utils.c: shared test helpers: a real kbc-account-server for one test,
 * plain HTTP to it, and waiting for async results and conditions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-utils.h"

#include "kbc-resource.h"

#include "kbc-mfa.h"
#include "kbc-session.h"
#include "kbc-stack.h"
#include "kbc-totp.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define STOP_TIMEOUT_US (10 * G_USEC_PER_SEC)
/* ASAN_OPTIONS=exitcode=… of the sanitized build (tests/meson.build). */
#define KBC_TEST_LSAN_EXIT_CODE 23

struct _KbcTestServer
{
  char *dir;
  char *db;
  char *port_file;
  char *url;
  guint16 port;
  GPtrArray *serve_args; /* extra `serve` arguments */
  GSubprocess *process;
  SoupSession *session;

  /* The server's standard error: read by log_thread into log (and copied
   * to the test's stderr) until the server exits. */
  GMutex log_lock;
  GString *log;
  int log_fd; /* the read end, non-blocking; -1 when no server runs */
  GThread *log_thread;
};

static const char *
server_binary (void)
{
  const char *path = g_getenv ("KBC_ACCOUNT_SERVER");

  if (path == NULL || *path == '\0')
    g_error ("KBC_ACCOUNT_SERVER is not set: run the tests through meson");
  return path;
}

static int
run_admin (KbcTestServer *self, const char *stdin_text, char **out, char **err, va_list args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) server_binary ());
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, self->db);
  g_ptr_array_add (argv, NULL);

  /* A command may exit before it reads its standard input (`user add` with
   * a bad email): writing to the pipe then fails with EPIPE, and must not
   * raise SIGPIPE, which would kill the test. GSocket ignores SIGPIPE too,
   * but only once some test code has made a socket. */
  signal (SIGPIPE, SIG_IGN);

  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                   G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);

  /* Written here rather than by g_subprocess_communicate_utf8(), which
   * gives up on the first error and loses the output that says why the
   * command exited. A few bytes fit in the pipe: this does not block. */
  if (stdin_text != NULL &&
      !g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), stdin_text,
                                  strlen (stdin_text), NULL, NULL, &error))
    {
      /* The command did not read its input: its exit status and output
       * tell the test what happened. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
        g_assert_no_error (error);
      g_clear_error (&error);
    }

  /* No more input: the empty buffer closes standard input without writing. */
  g_subprocess_communicate_utf8 (process, "", NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);

  if (stdout_text != NULL)
    g_strchomp (stdout_text);
  if (stderr_text != NULL)
    g_strchomp (stderr_text);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);

  if (!g_subprocess_get_if_exited (process))
    return -1;
  return g_subprocess_get_exit_status (process);
}

char *
kbc_test_server_admin (KbcTestServer *self, const char *stdin_text, ...)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;
  int status;

  va_start (args, stdin_text);
  status = run_admin (self, stdin_text, &out, &err, args);
  va_end (args);

  if (status != 0)
    g_error ("kbc-account-server exited with %d: %s", status, err);
  return g_steal_pointer (&out);
}

int
kbc_test_server_admin_full (KbcTestServer *self,
                            const char *stdin_text,
                            char **out,
                            char **err,
                            ...)
{
  va_list args;
  int status;

  va_start (args, err);
  status = run_admin (self, stdin_text, out, err, args);
  va_end (args);
  return status;
}

gint64
kbc_test_server_admin_id (KbcTestServer *self, ...)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;
  gint64 id = 0;
  int status;

  va_start (args, self);
  status = run_admin (self, NULL, &out, &err, args);
  va_end (args);

  if (status != 0)
    g_error ("kbc-account-server exited with %d: %s", status, err);
  if (!g_ascii_string_to_signed (out, 10, 1, G_MAXINT64, &id, NULL))
    g_error ("kbc-account-server printed no id: %s", out);
  return id;
}

void
kbc_test_world_build (KbcTestServer *self, const char *email, KbcTestWorld *world)
{
  char m[24], acme[24], north[24], contoso[24], sales[24], ops[24], core[24];

  kbc_test_server_add_user (self, KBC_TEST_COLLEAGUE_EMAIL, "Martin Colleague",
                            "Colleague-Lantern-Harbour-77");

#define SET(buffer, value) g_snprintf (buffer, sizeof buffer, "%" G_GINT64_FORMAT, (value))
  world->maintainer =
      kbc_test_server_admin_id (self, "maintainer", "add", "--name", "Partners", NULL);
  SET (m, world->maintainer);
  world->acme = kbc_test_server_admin_id (self, "organization", "add", "--maintainer", m, "--name",
                                          "Acme", "--auto-join", NULL);
  SET (acme, world->acme);
  world->northwind = kbc_test_server_admin_id (self, "organization", "add", "--maintainer", m,
                                               "--name", "Northwind", "--mfa-required", NULL);
  SET (north, world->northwind);
  world->contoso = kbc_test_server_admin_id (self, "organization", "add", "--maintainer", m,
                                             "--name", "Contoso", NULL);
  SET (contoso, world->contoso);
  world->acme_sales = kbc_test_server_admin_id (self, "project", "add", "--organization", acme,
                                                "--name", "Acme Sales", NULL);
  SET (sales, world->acme_sales);
  world->acme_ops = kbc_test_server_admin_id (self, "project", "add", "--organization", acme,
                                              "--name", "Acme Ops", NULL);
  SET (ops, world->acme_ops);
  world->northwind_core = kbc_test_server_admin_id (self, "project", "add", "--organization", north,
                                                    "--name", "Northwind Core", NULL);
  SET (core, world->northwind_core);
#undef SET

  kbc_test_server_admin_id (self, "member", "add", "--email", email, "--maintainer", m, NULL);
  kbc_test_server_admin_id (self, "member", "add", "--email", email, "--organization", acme, NULL);
  kbc_test_server_admin_id (self, "member", "add", "--email", email, "--organization", north, NULL);
  kbc_test_server_admin_id (self, "member", "add", "--email", email, "--project", sales, "--role",
                            "admin", NULL);

  kbc_test_server_admin_id (self, "project", "set-limit", "--project", sales, "--name",
                            "storage.dataSizeBytes", "--value", "100000000000", NULL);
  kbc_test_server_admin_id (self, "project", "set-metric", "--project", sales, "--name",
                            "storage.dataSizeBytes", "--value", "42000000000", NULL);
  kbc_test_server_admin_id (self, "project", "set-limit", "--project", sales, "--name",
                            "kbc.adminsCount", "--value", "5", NULL);
  kbc_test_server_admin_id (self, "project", "set-metric", "--project", sales, "--name",
                            "kbc.adminsCount", "--value", "7", NULL);

  world->invite_ops = kbc_test_server_admin_id (
      self, "invite", "--email", email, "--project", ops, "--role", "guest", "--reason",
      "Help us with the quarterly numbers", "--from", KBC_TEST_COLLEAGUE_EMAIL, NULL);
  world->invite_northwind =
      kbc_test_server_admin_id (self, "invite", "--email", email, "--project", core, "--from",
                                KBC_TEST_COLLEAGUE_EMAIL, NULL);
  world->invite_contoso =
      kbc_test_server_admin_id (self, "invite", "--email", email, "--organization", contoso,
                                "--from", KBC_TEST_COLLEAGUE_EMAIL, NULL);
  world->invite_maintainer =
      kbc_test_server_admin_id (self, "invite", "--email", email, "--maintainer", m, "--from",
                                KBC_TEST_COLLEAGUE_EMAIL, NULL);

  g_free (kbc_test_server_admin (self, NULL, "promo", "add", "--code", KBC_TEST_PROMO_CODE,
                                 "--organization", acme, "--expiration-days", "30", NULL));
}

gint64
kbc_test_server_add_user (KbcTestServer *self,
                          const char *email,
                          const char *name,
                          const char *password)
{
  g_autofree char *out = NULL;
  gint64 id;

  out =
      kbc_test_server_admin (self, password, "user", "add", "--email", email, "--name", name, NULL);
  id = g_ascii_strtoll (out, NULL, 10);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gboolean
process_running (KbcTestServer *self)
{
  /* GLib's worker thread reaps the child; the identifier is gone after. */
  return self->process != NULL && g_subprocess_get_identifier (self->process) != NULL;
}

/* A test that aborts must not leave its server behind (holding the test's
 * output pipe open, so the harness would wait for it). */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Moves what the pipe holds into the log. Called with log_lock held, so
 * that kbc_test_server_get_log() sees all the server has written. TRUE at
 * the end of the stream. */
static gboolean
drain_log (KbcTestServer *self)
{
  char buf[4096];

  for (;;)
    {
      ssize_t n = read (self->log_fd, buf, sizeof buf);

      if (n > 0)
        {
          g_string_append_len (self->log, buf, n);
          /* The test's output keeps showing the server's lines. */
          if (write (STDERR_FILENO, buf, n) < 0)
            {
              /* Nowhere to say it. */
            }
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
    }
}

static gpointer
log_thread (gpointer data)
{
  KbcTestServer *self = data;
  gboolean done = FALSE;

  while (!done)
    {
      struct pollfd fd = { .fd = self->log_fd, .events = POLLIN };

      if (poll (&fd, 1, -1) < 0 && errno != EINTR)
        break;
      g_mutex_lock (&self->log_lock);
      done = drain_log (self);
      g_mutex_unlock (&self->log_lock);
    }
  return NULL;
}

/* After the server exited: the rest of its output, then no more pipe. */
static void
stop_log (KbcTestServer *self)
{
  g_clear_pointer (&self->log_thread, g_thread_join);
  if (self->log_fd >= 0)
    {
      close (self->log_fd);
      self->log_fd = -1;
    }
}

char *
kbc_test_server_get_log (KbcTestServer *self)
{
  char *text;

  g_mutex_lock (&self->log_lock);
  if (self->log_fd >= 0)
    drain_log (self);
  text = g_strndup (self->log->str, self->log->len);
  g_mutex_unlock (&self->log_lock);
  return text;
}

/* Starts `serve` on @port (0: any) and waits for the port file. FALSE when
 * the server exited instead (e.g. the port was taken). */
static gboolean
start (KbcTestServer *self, guint16 port)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  gint64 deadline;
  int log_pipe[2];

  g_unlink (self->port_file);

  g_ptr_array_add (argv, g_strdup (server_binary ()));
  g_ptr_array_add (argv, g_strdup ("serve"));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (self->db));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup_printf ("127.0.0.1:%u", port));
  g_ptr_array_add (argv, g_strdup ("--port-file"));
  g_ptr_array_add (argv, g_strdup (self->port_file));
  for (guint i = 0; i < self->serve_args->len; i++)
    g_ptr_array_add (argv, g_strdup (self->serve_args->pdata[i]));
  g_ptr_array_add (argv, NULL);

  /* Standard output is the TAP stream: the server's lines go to stderr.
   * Its standard error (the request log) comes through a pipe. */
  g_assert_true (g_unix_open_pipe (log_pipe, FD_CLOEXEC, &error));
  g_assert_true (g_unix_set_fd_nonblocking (log_pipe[0], TRUE, &error));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  g_subprocess_launcher_take_stderr_fd (launcher, log_pipe[1]);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->process =
      g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* Our copy of the write end closes with the launcher: the pipe ends
   * when the server does. */
  g_clear_object (&launcher);
  self->log_fd = log_pipe[0];
  self->log_thread = g_thread_new ("server-log", log_thread, self);

  /* Polled without the main loop: a restart in the middle of a GUI test
   * dispatches nothing. */
  deadline = g_get_monotonic_time () + kbc_test_wait_seconds () * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (self->port_file, &text, NULL, NULL))
        {
          guint64 value = 0;

          if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
            g_error ("port file holds “%s”", text);
          self->port = value;
          g_free (self->url);
          self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
          return TRUE;
        }

      if (!process_running (self))
        {
          g_clear_object (&self->process);
          stop_log (self);
          return FALSE;
        }
      g_usleep (10 * 1000);
    }

  g_error ("Gave up waiting for kbc-account-server to listen (after %u s)",
           kbc_test_wait_seconds ());
  return FALSE;
}

static KbcTestServer *
server_new (GPtrArray *serve_args)
{
  KbcTestServer *self = g_new0 (KbcTestServer, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  self->dir = g_dir_make_tmp ("kbc-test-server-XXXXXX", &error);
  g_assert_no_error (error);
  self->db = g_build_filename (self->dir, "kbc.db", NULL);
  self->port_file = g_build_filename (self->dir, "port", NULL);
  self->serve_args = serve_args;
  g_mutex_init (&self->log_lock);
  self->log = g_string_new (NULL);
  self->log_fd = -1;

  out = kbc_test_server_admin (self, NULL, "init", NULL);
  if (!start (self, 0))
    g_error ("kbc-account-server exited before it listened");
  return self;
}

KbcTestServer *
kbc_test_server_new (void)
{
  return server_new (g_ptr_array_new_with_free_func (g_free));
}

KbcTestServer *
kbc_test_server_new_with_args (const char *first_arg, ...)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (arg));
  va_end (ap);

  return server_new (args);
}

KbcTestServer *
kbc_test_server_new_demo (void)
{
  KbcTestServer *self = kbc_test_server_new ();
  g_autofree char *id = kbc_test_server_admin (self, NULL, "seed-demo", NULL);

  g_assert_cmpint (g_ascii_strtoll (id, NULL, 10), >, 0);
  return self;
}

void
kbc_test_server_stop (KbcTestServer *self)
{
  gint64 deadline;

  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  deadline = g_get_monotonic_time () + STOP_TIMEOUT_US;
  while (process_running (self) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);

  if (process_running (self))
    {
      g_test_message ("kbc-account-server ignored SIGTERM; killing it");
      g_subprocess_force_exit (self->process);
    }
  g_subprocess_wait (self->process, NULL, NULL);
  /* In the sanitized build, a server that leaked (or that AddressSanitizer
   * stopped) exits with this code (ASAN_OPTIONS in tests/meson.build). */
  if (g_subprocess_get_if_exited (self->process) &&
      g_subprocess_get_exit_status (self->process) == KBC_TEST_LSAN_EXIT_CODE)
    g_error ("kbc-account-server: a sanitizer reported an error; its report is in the log above");
  g_clear_object (&self->process);
  stop_log (self);
  /* Connections to the old process are dead. */
  g_clear_object (&self->session);
}

void
kbc_test_server_restart (KbcTestServer *self)
{
  kbc_test_server_stop (self);
  if (!start (self, self->port) && !start (self, 0))
    g_error ("kbc-account-server did not restart");
}

void
kbc_test_server_free (KbcTestServer *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) dir = NULL;
  g_autoptr (GFileEnumerator) children = NULL;

  if (self == NULL)
    return;

  kbc_test_server_stop (self);

  dir = g_file_new_for_path (self->dir);
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autofree char *path = g_build_filename (self->dir, g_file_info_get_name (info), NULL);
          g_unlink (path);
          g_object_unref (info);
        }
    }
  g_rmdir (self->dir);

  g_clear_object (&self->session);
  g_ptr_array_unref (self->serve_args);
  g_free (self->dir);
  g_free (self->db);
  g_free (self->port_file);
  g_free (self->url);
  g_string_free (self->log, TRUE);
  g_mutex_clear (&self->log_lock);
  g_free (self);
}

const char *
kbc_test_server_get_url (KbcTestServer *self)
{
  return self->url;
}

const char *
kbc_test_server_get_db (KbcTestServer *self)
{
  return self->db;
}

guint16
kbc_test_server_get_port (KbcTestServer *self)
{
  return self->port;
}

/* ---- HTTP ---- */

void
kbc_test_response_free (KbcTestResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->body);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response->retry_after);
  g_free (response->allow);
  g_free (response->content_type);
  g_free (response->etag);
  g_free (response);
}

JsonObject *
kbc_test_response_object (KbcTestResponse *response)
{
  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    g_error ("expected a JSON object, got (%u) “%s”", response->status, response->body);
  return json_node_get_object (response->json);
}

const char *
kbc_test_response_string (KbcTestResponse *response, const char *member)
{
  JsonObject *object = kbc_test_response_object (response);

  if (!json_object_has_member (object, member))
    return NULL;
  return json_object_get_string_member (object, member);
}

GPid
kbc_test_server_get_pid (KbcTestServer *self)
{
  const char *id = self->process != NULL ? g_subprocess_get_identifier (self->process) : NULL;

  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

GBytes *
kbc_test_raw_exchange (guint16 port,
                       const char *from,
                       const char *request,
                       gsize len,
                       guint quiet_ms,
                       gboolean *closed)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) server = g_inet_socket_address_new (loopback, port);
  g_autoptr (GByteArray) received = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  gsize sent = 0;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (from != NULL)
    {
      g_autoptr (GInetAddress) local = g_inet_address_new_from_string (from);
      g_autoptr (GSocketAddress) local_address = g_inet_socket_address_new (local, 0);

      g_assert_nonnull (local);
      g_socket_bind (socket, local_address, FALSE, &error);
      g_assert_no_error (error);
    }
  g_socket_connect (socket, server, NULL, &error);
  g_assert_no_error (error);

  /* The server may answer and close before it has read everything. */
  while (sent < len)
    {
      gssize n = g_socket_send (socket, request + sent, len - sent, NULL, &error);

      if (n < 0)
        break;
      sent += n;
    }
  g_clear_error (&error);

  *closed = FALSE;
  g_socket_set_timeout (socket, 0);
  for (;;)
    {
      char buf[4096];
      gssize n;

      if (!g_socket_condition_timed_wait (socket, G_IO_IN, (gint64) quiet_ms * 1000, NULL, NULL))
        break;
      n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      if (n <= 0)
        {
          /* A reset after the answer is a close too. */
          *closed = TRUE;
          break;
        }
      g_byte_array_append (received, (const guint8 *) buf, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&received));
}

static KbcTestResponse *
request_valist (KbcTestServer *self,
                const char *method,
                const char *path,
                const char *token,
                const char *body,
                const char *first_header,
                va_list headers_args)
{
  g_autoptr (SoupMessage) message = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  SoupMessageHeaders *headers;
  KbcTestResponse *response;
  gconstpointer data;
  gsize len;

  if (self->session == NULL)
    self->session = soup_session_new_with_options ("timeout", 30, NULL);

  message = soup_message_new (method, uri);
  g_assert_nonnull (message);
  if (token != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "X-KBC-ManageApiToken", token);
  for (const char *name = first_header; name != NULL; name = va_arg (headers_args, const char *))
    soup_message_headers_replace (soup_message_get_request_headers (message), name,
                                  va_arg (headers_args, const char *));
  if (body != NULL)
    {
      g_autoptr (GBytes) request_body = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (message, "application/json", request_body);
    }

  bytes = soup_session_send_and_read (self->session, message, NULL, &error);
  g_assert_no_error (error);

  response = g_new0 (KbcTestResponse, 1);
  response->status = soup_message_get_status (message);
  data = g_bytes_get_data (bytes, &len);
  response->body = g_strndup (data != NULL ? data : "", len);
  response->body_len = len;
  headers = soup_message_get_response_headers (message);
  response->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  response->allow = g_strdup (soup_message_headers_get_one (headers, "Allow"));
  response->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  response->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  if (len > 0)
    response->json = json_from_string (response->body, NULL);
  return response;
}

static KbcTestResponse *
request_with_headers (KbcTestServer *self,
                      const char *method,
                      const char *path,
                      const char *token,
                      const char *body,
                      const char *first_header,
                      ...)
{
  KbcTestResponse *response;
  va_list args;

  va_start (args, first_header);
  response = request_valist (self, method, path, token, body, first_header, args);
  va_end (args);
  return response;
}

KbcTestResponse *
kbc_test_server_request (KbcTestServer *self,
                         const char *method,
                         const char *path,
                         const char *token,
                         const char *body)
{
  return request_with_headers (self, method, path, token, body, NULL);
}

KbcTestResponse *
kbc_test_server_request_with_headers (KbcTestServer *self,
                                      const char *method,
                                      const char *path,
                                      const char *token,
                                      const char *body,
                                      const char *first_header,
                                      ...)
{
  KbcTestResponse *response;
  va_list args;

  va_start (args, first_header);
  response = request_valist (self, method, path, token, body, first_header, args);
  va_end (args);
  return response;
}

char *
kbc_test_server_login (KbcTestServer *self, const char *email, const char *password)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  g_autofree char *body = NULL;
  const char *token;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  body = json_to_string (node, FALSE);

  response = kbc_test_server_request (self, "POST", "/manage/auth/login", NULL, body);
  if (response->status != 201)
    g_error ("sign-in as %s failed: %u %s", email, response->status, response->body);
  token = kbc_test_response_string (response, "token");
  g_assert_nonnull (token);
  return g_strdup (token);
}

/* ---- waiting ---- */

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* KBC_TEST_WAIT_SECONDS, times KBC_TEST_WAIT_SCALE (1 to 10) where the
 * build is slower on purpose: the sanitized build sets 3, as it triples
 * meson's timeouts (tests/meson.build). */
guint
kbc_test_wait_seconds (void)
{
  static guint seconds;

  if (seconds == 0)
    {
      const char *scale = g_getenv ("KBC_TEST_WAIT_SCALE");
      guint64 n = 1;

      if (scale != NULL && !g_ascii_string_to_unsigned (scale, 10, 1, 10, &n, NULL))
        n = 1;
      seconds = KBC_TEST_WAIT_SECONDS * (guint) n;
    }
  return seconds;
}

void
kbc_test_wait_begin (KbcTestWait *wait)
{
  wait->deadline = g_get_monotonic_time () + kbc_test_wait_seconds () * G_USEC_PER_SEC;
  /* Wakes the main context so that the deadline and conditions no source
   * reports are checked. */
  wait->ticker = g_timeout_add (20, tick_cb, NULL);
}

void
kbc_test_wait_iterate (KbcTestWait *wait, const char *what)
{
  if (g_get_monotonic_time () > wait->deadline)
    g_error ("Gave up waiting for %s (after %u s)", what, kbc_test_wait_seconds ());
  g_main_context_iteration (NULL, TRUE);
}

void
kbc_test_wait_end (KbcTestWait *wait)
{
  g_clear_handle_id (&wait->ticker, g_source_remove);
}

void
kbc_test_wait_until (KbcTestCondition condition, gpointer data, const char *what)
{
  KbcTestWait wait;

  kbc_test_wait_begin (&wait);
  while (!condition (data))
    kbc_test_wait_iterate (&wait, what);
  kbc_test_wait_end (&wait);
}

void
kbc_test_on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
kbc_test_wait_for_result (GAsyncResult **slot, const char *what)
{
  kbc_test_wait_until (has_result, slot, what);
  return *slot;
}

/* ---- the app's core, signed in ---- */

static KbcAccount *
sign_in (KbcTestServer *self, const char *email, const char *password, const char *recovery_code)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) second = NULL;
  g_autoptr (GError) error = NULL;
  KbcLoginResult login;

  kbc_session_sign_in_async (session, KBC_STACK_CUSTOM, kbc_test_server_get_url (self), email,
                             password, NULL, kbc_test_on_done, &result);
  login = kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), &error);
  g_assert_no_error (error);

  if (recovery_code != NULL)
    {
      g_assert_cmpint (login, ==, KBC_LOGIN_MFA_REQUIRED);
      kbc_session_sign_in_code_async (session, "recovery", recovery_code, NULL, kbc_test_on_done,
                                      &second);
      g_assert_true (
          kbc_session_sign_in_code_finish (session, kbc_test_wait_for (&second), &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_cmpint (login, ==, KBC_LOGIN_SIGNED_IN);
    }

  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_IN);
  return g_object_ref (kbc_session_get_account (session));
}

KbcAccount *
kbc_test_sign_in (KbcTestServer *self, const char *email, const char *password)
{
  return sign_in (self, email, password, NULL);
}

KbcAccount *
kbc_test_sign_in_with_code (KbcTestServer *self,
                            const char *email,
                            const char *password,
                            const char *recovery_code)
{
  return sign_in (self, email, password, recovery_code);
}

GStrv
kbc_test_enable_totp (KbcAccount *account, const char *password, char **secret)
{
  KbcMfa *mfa = kbc_account_get_mfa (account);
  g_autoptr (GAsyncResult) enrolled = NULL;
  g_autoptr (GAsyncResult) activated = NULL;
  g_autoptr (KbcTotpEnrolment) enrolment = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *key = NULL;
  g_autofree char *code = NULL;
  gsize key_len = 0;
  GStrv codes;

  kbc_mfa_enrol_totp_async (mfa, password, FALSE, NULL, kbc_test_on_done, &enrolled);
  enrolment = kbc_mfa_enrol_totp_finish (mfa, kbc_test_wait_for (&enrolled), &error);
  g_assert_no_error (error);

  key = kbc_totp_base32_decode (enrolment->secret, &key_len, &error);
  g_assert_no_error (error);
  code = kbc_totp_code_at (key, key_len, g_get_real_time () / G_USEC_PER_SEC);
  kbc_mfa_activate_totp_async (mfa, code, NULL, kbc_test_on_done, &activated);
  codes = kbc_mfa_activate_totp_finish (mfa, kbc_test_wait_for (&activated), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (codes), >, 0);

  if (secret != NULL)
    *secret = g_strdup (enrolment->secret);
  return codes;
}

void
kbc_test_count (guint *counter)
{
  (*counter)++;
}

gboolean
kbc_test_refresh (gpointer resource, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  g_assert_true (KBC_IS_RESOURCE (resource));
  kbc_resource_refresh_async (resource, NULL, kbc_test_on_done, &result);
  return kbc_resource_refresh_finish (resource, kbc_test_wait_for (&result), error);
}
