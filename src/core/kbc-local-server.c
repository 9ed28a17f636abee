/* kbc-local-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-local-server.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* Seeding hashes a password and the first start creates the database: give
 * a slow machine time, but do not let a hung child keep the user waiting. */
#define START_TIMEOUT_SECONDS 30
#define PORT_FILE_POLL_MS     100

typedef enum
{
  STATE_STOPPED,
  STATE_STARTING,
  STATE_RUNNING,
} State;

struct _KbcLocalServer
{
  GObject parent_instance;

  char *data_dir;
  char *program;
  char *db_path;
  char *port_file;

  State state;
  char *url;

  /* One run of `serve` (or of the admin commands before it). */
  GCancellable *cancellable;
  GSubprocess *subprocess;
  GSubprocess *admin; /* `init` or `seed-demo`, before `serve` */
  GDataInputStream *stdout_stream;
  GDataInputStream *stderr_stream;
  char *last_error_line;
  char *last_port_text;
  guint poll_id;
  guint timeout_id;
  gboolean child_exited;
  gboolean stderr_done;

  GPtrArray *waiters; /* GTask */
};

G_DEFINE_FINAL_TYPE (KbcLocalServer, kbc_local_server, G_TYPE_OBJECT)
G_DEFINE_QUARK (kbc - local - server - error - quark, kbc_local_server_error)

enum
{
  PROP_0,
  PROP_DATA_DIR,
  PROP_URL,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (KbcLocalServer *self, State state, const char *url)
{
  gboolean was_running = self->state == STATE_RUNNING;

  self->state = state;
  if (g_strcmp0 (self->url, url) != 0)
    {
      g_free (self->url);
      self->url = g_strdup (url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
    }
  if (was_running != (state == STATE_RUNNING))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* Ends the current run: the child gets SIGTERM, pending I/O is cancelled. */
static void
end_run (KbcLocalServer *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->timeout_id, g_source_remove);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->subprocess != NULL && !self->child_exited)
    g_subprocess_send_signal (self->subprocess, SIGTERM);

  /* A database half created is no database: the next start creates it anew. */
  if (self->admin != NULL)
    {
      g_subprocess_force_exit (self->admin);
      g_unlink (self->db_path);
    }
  g_clear_object (&self->admin);
  g_clear_object (&self->subprocess);
  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->stderr_stream);
  g_clear_pointer (&self->last_port_text, g_free);

  if (self->port_file != NULL)
    g_unlink (self->port_file);
}

static void
complete_waiters (KbcLocalServer *self, const GError *error)
{
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (self->url), g_free);
    }
}

static void
fail_start (KbcLocalServer *self, GError *error)
{
  g_autoptr (GError) owned = error;

  g_debug ("The local server did not start: %s", error->message);
  end_run (self);
  set_state (self, STATE_STOPPED, NULL);
  complete_waiters (self, error);
}

static void
server_ready (KbcLocalServer *self, const char *url)
{
  if (self->state != STATE_STARTING)
    return;

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_debug ("The local server listens on %s", url);
  set_state (self, STATE_RUNNING, url);
  complete_waiters (self, NULL);
}

/* The server's last line on stderr is its one-line reason for failing. */
static char *
dup_reason (KbcLocalServer *self)
{
  if (self->last_error_line != NULL && self->last_error_line[0] != '\0')
    return g_strdup (self->last_error_line);

  if (self->subprocess != NULL && g_subprocess_get_if_signaled (self->subprocess))
    /* Translators: %d is a signal number, such as 9. */
    return g_strdup_printf (_ ("killed by signal %d"),
                            g_subprocess_get_term_sig (self->subprocess));

  if (self->subprocess != NULL && g_subprocess_get_if_exited (self->subprocess))
    /* Translators: %d is the exit status of a program, such as 1. */
    return g_strdup_printf (_ ("exit status %d"), g_subprocess_get_exit_status (self->subprocess));

  return g_strdup (_ ("no reason given"));
}

/* Reports the end of the child once both its exit and the end of its
 * stderr are seen, so the reason it printed is not lost. */
static void
check_child_gone (KbcLocalServer *self)
{
  g_autofree char *reason = NULL;

  if (!self->child_exited || !self->stderr_done)
    return;

  reason = dup_reason (self);

  if (self->state == STATE_STARTING)
    {
      fail_start (self, g_error_new (KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_EXITED,
                                     /* Translators: %s is the server's reason, in English. */
                                     _ ("The local server stopped unexpectedly: %s"), reason));
    }
  else if (self->state == STATE_RUNNING)
    {
      g_warning ("The local server stopped: %s", reason);
      end_run (self);
      set_state (self, STATE_STOPPED, NULL);
    }
}

static void
child_exited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcLocalServer *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->child_exited = TRUE;
  check_child_gone (self);
}

static void read_next_line (KbcLocalServer *self, GDataInputStream *stream);

static void
handle_stdout_line (KbcLocalServer *self, const char *line)
{
  const char *prefix = "listening on ";
  g_autofree char *url = NULL;

  if (!g_str_has_prefix (line, prefix))
    return;

  url = g_strstrip (g_strdup (line + strlen (prefix)));
  if (g_str_has_prefix (url, "http://"))
    server_ready (self, url);
}

static void
read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDataInputStream *stream = G_DATA_INPUT_STREAM (source);
  KbcLocalServer *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  gboolean is_stderr;

  line = g_data_input_stream_read_line_finish_utf8 (stream, result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  is_stderr = stream == self->stderr_stream;

  if (line == NULL)
    {
      if (error != NULL)
        g_debug ("Reading from the local server failed: %s", error->message);
      if (is_stderr)
        {
          self->stderr_done = TRUE;
          check_child_gone (self);
        }
      return;
    }

  if (is_stderr)
    {
      g_debug ("kbc-account-server: %s", line);
      g_free (self->last_error_line);
      self->last_error_line = g_strdup (line);
    }
  else
    {
      handle_stdout_line (self, line);
    }

  read_next_line (self, stream);
}

static void
read_next_line (KbcLocalServer *self, GDataInputStream *stream)
{
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, self->cancellable, read_line_cb,
                                       self);
}

/* The port file holds the port, digits only. It is trusted once two polls
 * read the same digits, so a file caught half-written is never used. */
static gboolean
poll_port_file_cb (gpointer user_data)
{
  KbcLocalServer *self = user_data;
  g_autofree char *text = NULL;
  guint64 port = 0;

  if (!g_file_get_contents (self->port_file, &text, NULL, NULL))
    return G_SOURCE_CONTINUE;

  g_strstrip (text);
  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &port, NULL))
    return G_SOURCE_CONTINUE;

  if (g_strcmp0 (text, self->last_port_text) == 0)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%" G_GUINT64_FORMAT, port);

      self->poll_id = 0;
      server_ready (self, url);
      return G_SOURCE_REMOVE;
    }

  g_free (self->last_port_text);
  self->last_port_text = g_steal_pointer (&text);
  return G_SOURCE_CONTINUE;
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  KbcLocalServer *self = user_data;

  self->timeout_id = 0;
  fail_start (self, g_error_new (KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_TIMED_OUT,
                                 /* Translators: %d is a number of seconds. */
                                 ngettext ("The local server did not start within %d second.",
                                           "The local server did not start within %d seconds.",
                                           START_TIMEOUT_SECONDS),
                                 START_TIMEOUT_SECONDS));
  return G_SOURCE_REMOVE;
}

#ifdef __linux__
/* The server must not outlive the app, even when the app crashes. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

static void
spawn_serve (KbcLocalServer *self)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *runtime_dir = NULL;
  g_autofree char *port_name = NULL;
  const char *argv[] = { self->program, "serve",       "--db", self->db_path, "--listen",
                         "127.0.0.1:0", "--port-file", NULL,   NULL };

  runtime_dir = g_build_filename (g_get_user_runtime_dir (), APP_ID, NULL);
  if (g_mkdir_with_parents (runtime_dir, 0700) != 0)
    {
      int saved_errno = errno;

      fail_start (self, g_error_new (KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_FAILED,
                                     /* Translators: %s is a folder, then the reason. */
                                     _ ("Could not create the folder “%s”: %s"), runtime_dir,
                                     g_strerror (saved_errno)));
      return;
    }

  /* Per app process: a second instance (tests) must not read our port. */
  port_name = g_strdup_printf ("local-server-%d.port", (int) getpid ());
  g_free (self->port_file);
  self->port_file = g_build_filename (runtime_dir, port_name, NULL);
  g_unlink (self->port_file);
  argv[7] = self->port_file;

  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
#endif

  self->subprocess = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (self->subprocess == NULL)
    {
      fail_start (self,
                  g_error_new (KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_FAILED,
                               /* Translators: %s is the reason, from the system. */
                               _ ("The local server could not be started: %s"), error->message));
      return;
    }

  self->child_exited = FALSE;
  self->stderr_done = FALSE;
  g_clear_pointer (&self->last_error_line, g_free);

  self->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->subprocess));
  self->stderr_stream = g_data_input_stream_new (g_subprocess_get_stderr_pipe (self->subprocess));
  read_next_line (self, self->stdout_stream);
  read_next_line (self, self->stderr_stream);

  g_subprocess_wait_async (self->subprocess, self->cancellable, child_exited_cb, self);

  self->poll_id = g_timeout_add (PORT_FILE_POLL_MS, poll_port_file_cb, self);
  self->timeout_id = g_timeout_add_seconds (START_TIMEOUT_SECONDS, start_timeout_cb, self);
}

static void run_admin (KbcLocalServer *self, const char *command, GAsyncReadyCallback callback);

/* The last non-empty line of an admin command's stderr: its reason. */
static char *
last_line (const char *text)
{
  g_auto (GStrv) lines = NULL;

  if (text == NULL)
    return g_strdup (_ ("no reason given"));

  lines = g_strsplit (text, "\n", -1);
  for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--)
    if (g_strstrip (lines[i])[0] != '\0')
      return g_strdup (lines[i]);

  return g_strdup (_ ("no reason given"));
}

static gboolean
admin_finish (KbcLocalServer *self,
              GSubprocess *subprocess,
              GAsyncResult *result,
              gboolean *cancelled)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err_text = NULL;
  g_autofree char *reason = NULL;

  *cancelled = FALSE;
  if (!g_subprocess_communicate_utf8_finish (subprocess, result, NULL, &err_text, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          *cancelled = TRUE;
          return FALSE;
        }
      reason = g_strdup (error->message);
    }
  else if (g_subprocess_get_successful (subprocess))
    {
      g_clear_object (&self->admin);
      return TRUE;
    }
  else
    {
      reason = last_line (err_text);
    }

  g_clear_object (&self->admin);
  g_unlink (self->db_path);
  fail_start (self, g_error_new (KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_FAILED,
                                 /* Translators: %s is the server's reason, in English. */
                                 _ ("The local server could not create its database: %s"), reason));
  return FALSE;
}

static void
seed_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcLocalServer *self = user_data;
  gboolean cancelled;

  if (admin_finish (self, G_SUBPROCESS (source), result, &cancelled))
    spawn_serve (self);
}

static void
init_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcLocalServer *self = user_data;
  gboolean cancelled;

  if (admin_finish (self, G_SUBPROCESS (source), result, &cancelled))
    run_admin (self, "seed-demo", seed_done_cb);
}

static void
run_admin (KbcLocalServer *self, const char *command, GAsyncReadyCallback callback)
{
  g_autoptr (GSubprocess) subprocess = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { self->program, command, "--db", self->db_path, NULL };

  subprocess = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (subprocess == NULL)
    {
      fail_start (self,
                  g_error_new (KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_FAILED,
                               _ ("The local server could not be started: %s"), error->message));
      return;
    }

  g_set_object (&self->admin, subprocess);
  g_subprocess_communicate_utf8_async (subprocess, NULL, self->cancellable, callback, self);
}

static char *
find_program (GError **error)
{
  const char *env = g_getenv ("KBC_ACCOUNT_SERVER");
  g_autofree char *program = NULL;

  program = g_strdup (env != NULL && env[0] != '\0' ? env : BINDIR "/kbc-account-server");
  if (!g_file_test (program, G_FILE_TEST_IS_EXECUTABLE) ||
      g_file_test (program, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_NOT_FOUND,
                   /* Translators: %s is the path of a program. */
                   _ ("The local server program “%s” is not installed."), program);
      return NULL;
    }

  return g_steal_pointer (&program);
}

static void
begin_start (KbcLocalServer *self)
{
  g_autoptr (GError) error = NULL;

  set_state (self, STATE_STARTING, NULL);
  self->cancellable = g_cancellable_new ();

  g_free (self->program);
  self->program = find_program (&error);
  if (self->program == NULL)
    {
      fail_start (self, g_steal_pointer (&error));
      return;
    }

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      fail_start (self, g_error_new (KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_FAILED,
                                     _ ("Could not create the folder “%s”: %s"), self->data_dir,
                                     g_strerror (saved_errno)));
      return;
    }

  if (g_file_test (self->db_path, G_FILE_TEST_EXISTS))
    spawn_serve (self);
  else
    run_admin (self, "init", init_done_cb);
}

void
kbc_local_server_start_async (KbcLocalServer *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KBC_IS_LOCAL_SERVER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_local_server_start_async);

  if (self->state == STATE_RUNNING)
    {
      g_task_return_pointer (task, g_strdup (self->url), g_free);
      return;
    }

  g_ptr_array_add (self->waiters, g_steal_pointer (&task));

  if (self->state == STATE_STOPPED)
    begin_start (self);
}

char *
kbc_local_server_start_finish (KbcLocalServer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_LOCAL_SERVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_local_server_start_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kbc_local_server_stop (KbcLocalServer *self)
{
  State state;

  g_return_if_fail (KBC_IS_LOCAL_SERVER (self));

  state = self->state;
  if (state == STATE_STOPPED)
    return;

  end_run (self);
  set_state (self, STATE_STOPPED, NULL);

  if (state == STATE_STARTING)
    {
      g_autoptr (GError) error =
          g_error_new_literal (KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_FAILED,
                               _ ("The local server was stopped."));
      complete_waiters (self, error);
    }
}

const char *
kbc_local_server_get_data_dir (KbcLocalServer *self)
{
  g_return_val_if_fail (KBC_IS_LOCAL_SERVER (self), NULL);

  return self->data_dir;
}

const char *
kbc_local_server_get_url (KbcLocalServer *self)
{
  g_return_val_if_fail (KBC_IS_LOCAL_SERVER (self), NULL);

  return self->url;
}

gboolean
kbc_local_server_get_running (KbcLocalServer *self)
{
  g_return_val_if_fail (KBC_IS_LOCAL_SERVER (self), FALSE);

  return self->state == STATE_RUNNING;
}

KbcLocalServer *
kbc_local_server_new (const char *data_dir)
{
  return g_object_new (KBC_TYPE_LOCAL_SERVER, "data-dir", data_dir, NULL);
}

static void
kbc_local_server_constructed (GObject *object)
{
  KbcLocalServer *self = KBC_LOCAL_SERVER (object);

  G_OBJECT_CLASS (kbc_local_server_parent_class)->constructed (object);

  if (self->data_dir == NULL)
    self->data_dir = g_build_filename (g_get_user_data_dir (), APP_ID, NULL);
  self->db_path = g_build_filename (self->data_dir, "local.db", NULL);
}

static void
kbc_local_server_dispose (GObject *object)
{
  KbcLocalServer *self = KBC_LOCAL_SERVER (object);

  kbc_local_server_stop (self);

  G_OBJECT_CLASS (kbc_local_server_parent_class)->dispose (object);
}

static void
kbc_local_server_finalize (GObject *object)
{
  KbcLocalServer *self = KBC_LOCAL_SERVER (object);

  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_free (self->data_dir);
  g_free (self->program);
  g_free (self->db_path);
  g_free (self->port_file);
  g_free (self->url);
  g_free (self->last_error_line);
  g_free (self->last_port_text);

  G_OBJECT_CLASS (kbc_local_server_parent_class)->finalize (object);
}

static void
kbc_local_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcLocalServer *self = KBC_LOCAL_SERVER (object);

  switch (prop_id)
    {
      case PROP_DATA_DIR:
        g_value_set_string (value, self->data_dir);
        break;

      case PROP_URL:
        g_value_set_string (value, self->url);
        break;

      case PROP_RUNNING:
        g_value_set_boolean (value, self->state == STATE_RUNNING);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_local_server_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  KbcLocalServer *self = KBC_LOCAL_SERVER (object);

  switch (prop_id)
    {
      case PROP_DATA_DIR:
        self->data_dir = g_value_dup_string (value);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_local_server_class_init (KbcLocalServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = kbc_local_server_constructed;
  object_class->dispose = kbc_local_server_dispose;
  object_class->finalize = kbc_local_server_finalize;
  object_class->get_property = kbc_local_server_get_property;
  object_class->set_property = kbc_local_server_set_property;

  properties[PROP_DATA_DIR] =
      g_param_spec_string ("data-dir", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] = g_param_spec_string (
      "url", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
      g_param_spec_boolean ("running", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_local_server_init (KbcLocalServer *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}
