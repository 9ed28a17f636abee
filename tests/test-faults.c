/* test-faults.c: the real server killed under the app, and what is left
 *
 * The server is stopped (SIGSTOP) so that a request is surely on its way,
 * then killed (SIGKILL: no handler runs, nothing is flushed) and started
 * again on the same port and database. A GET through the core must come
 * back by its retries; a POST must fail with words for people and must not
 * be sent again; writes the client saw acknowledged must all be in the
 * database, which SQLite must find sound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-client.h"
#include "kbc-error.h"
#include "kbc-json.h"
#include "kbc-test-db.h"
#include "kbc-test-utils.h"
#include "kbc-tokens.h"

#include <signal.h>
#include <string.h>

#define EMAIL    "faults@example.com"
#define NAME     "Fay Ults"
#define PASSWORD "Granite-Meadow-Lantern-73"

/* What the user reads when a change may or may not have been made. */
#define BROKEN_CHANGE                                                                       \
  "The connection to 127.0.0.1 broke before the server answered. Check whether the change " \
  "was made before you try again."

/* ---- the core's debug lines: attempts, and the restart at the retry ---- */

static GMutex log_lock;
static GString *log_text;
/* Set by a test: restarted at the first "Retrying GET" line. */
static KbcTestServer *restart_on_retry;

static GLogWriterOutput
capture_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      message = fields[i].value;

  if (message != NULL)
    {
      g_mutex_lock (&log_lock);
      g_string_append_printf (log_text, "%s\n", message);
      g_mutex_unlock (&log_lock);

      /* The client logs this just before it sets the retry's timer (on the
       * main thread): the server is back before the next attempt however
       * slow the machine is, and the GET is retried into it. */
      if (restart_on_retry != NULL && g_str_has_prefix (message, "Retrying GET"))
        {
          KbcTestServer *server = g_steal_pointer (&restart_on_retry);

          kbc_test_server_restart (server);
        }
    }

  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
log_clear (void)
{
  g_mutex_lock (&log_lock);
  g_string_truncate (log_text, 0);
  g_mutex_unlock (&log_lock);
}

/* How many lines of the core's log contain @needle. */
static guint
log_count (const char *needle)
{
  guint n = 0;

  g_mutex_lock (&log_lock);
  for (const char *p = log_text->str; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  g_mutex_unlock (&log_lock);

  return n;
}

/* How many request lines of the server's log (all its runs) contain @needle. */
static guint
server_log_count (KbcTestServer *server, const char *needle)
{
  g_autofree char *text = kbc_test_server_get_log (server);
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;

  return n;
}

/* ---- the database, read as SQLite sees it ---- */

/* ---- a request surely on its way ---- */

/* Whether a connection to 127.0.0.1:@port holds bytes the server has not
 * read (/proc/net/tcp: local address, state 01 established, rx_queue). A
 * stopped server's connections wait in its accept queue with the request. */
static gboolean
request_waiting (gpointer data)
{
  guint16 port = GPOINTER_TO_UINT (data);
  g_autofree char *text = NULL;
  g_autofree char *local = g_strdup_printf ("0100007F:%04X", port);
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr (GPtrArray) fields = g_ptr_array_new ();

      for (guint j = 0; f[j] != NULL; j++)
        if (*f[j] != '\0')
          g_ptr_array_add (fields, f[j]);
      /* sl local rem st tx_queue:rx_queue … */
      if (fields->len < 5 || !g_str_equal (fields->pdata[1], local) ||
          !g_str_equal (fields->pdata[3], "01"))
        continue;
      if (g_ascii_strtoull (strchr (fields->pdata[4], ':') + 1, NULL, 16) > 0)
        return TRUE;
    }

  return FALSE;
}

/* ---- the cases ---- */

typedef struct
{
  KbcTestServer *server;
  KbcAccount *account;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->account = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  log_clear ();
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  restart_on_retry = NULL;
  g_clear_object (&fixture->account);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* Stops the server, so that what is sent now waits unread. */
static void
server_freeze (Fixture *fixture)
{
  g_assert_cmpint (kill (kbc_test_server_get_pid (fixture->server), SIGSTOP), ==, 0);
}

/* Once the request is in the server's queue: kill -9. */
static void
server_kill_with_request (Fixture *fixture)
{
  guint16 port = kbc_test_server_get_port (fixture->server);

  kbc_test_wait_until (request_waiting, GUINT_TO_POINTER (port),
                       "the request in the stopped server's queue");
  g_assert_cmpint (kill (kbc_test_server_get_pid (fixture->server), SIGKILL), ==, 0);
}

/* A GET whose server dies under it is retried into the server that comes
 * back on the same port: the list loads, after exactly two attempts. */
static void
test_killed_get (Fixture *fixture, gconstpointer data)
{
  KbcTokens *tokens = kbc_account_get_tokens (fixture->account);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  guint before = server_log_count (fixture->server, "GET /manage/current-user/tokens");

  server_freeze (fixture);
  restart_on_retry = fixture->server;
  kbc_resource_refresh_async (KBC_RESOURCE (tokens), NULL, kbc_test_on_done, &result);
  server_kill_with_request (fixture);

  g_assert_true (
      kbc_resource_refresh_finish (KBC_RESOURCE (tokens), kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_null (restart_on_retry);
  g_assert_true (kbc_resource_get_loaded (KBC_RESOURCE (tokens)));
  /* The session token is in the list the new server sent. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tokens)), ==, 1);
  g_assert_null (kbc_resource_get_error (KBC_RESOURCE (tokens)));

  g_assert_cmpuint (log_count ("GET /manage/current-user/tokens (attempt 1)"), ==, 1);
  g_assert_cmpuint (log_count ("GET /manage/current-user/tokens (attempt 2)"), ==, 1);
  g_assert_cmpuint (log_count ("GET /manage/current-user/tokens (attempt 3)"), ==, 0);
  /* The killed server never answered it; the new one did, once. */
  g_assert_cmpuint (server_log_count (fixture->server, "GET /manage/current-user/tokens 200"), ==,
                    before + 1);
}

static KbcNewToken *
create_token (KbcTokens *tokens, const char *description, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_tokens_create_async (tokens, description, 3600, NULL, kbc_test_on_done, &result);
  return kbc_tokens_create_finish (tokens, kbc_test_wait_for (&result), error);
}

/* A POST whose server dies under it fails with words that say the change
 * may have been made, and is never sent again; the next one works once the
 * server is back. */
static void
test_killed_post (Fixture *fixture, gconstpointer data)
{
  KbcTokens *tokens = kbc_account_get_tokens (fixture->account);
  const char *count_sql = "SELECT count(*) FROM tokens WHERE description = ?1";
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (KbcNewToken) created = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (kbc_test_refresh (tokens, &error));
  g_assert_no_error (error);

  server_freeze (fixture);
  kbc_tokens_create_async (tokens, "CI deploy", 3600, NULL, kbc_test_on_done, &result);
  server_kill_with_request (fixture);

  created = kbc_tokens_create_finish (tokens, kbc_test_wait_for (&result), &error);
  g_assert_null (created);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==, BROKEN_CHANGE);
  g_clear_error (&error);
  /* Tried once, never again on its own. */
  g_assert_cmpuint (log_count ("POST /manage/current-user/tokens (attempt 1)"), ==, 1);
  g_assert_cmpuint (log_count ("POST /manage/current-user/tokens (attempt 2)"), ==, 0);
  g_assert_cmpuint (log_count ("Retrying POST"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tokens)), ==, 1);

  /* While it is down, a POST never gets anywhere, and says so. */
  created = create_token (tokens, "CI deploy", &error);
  g_assert_null (created);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==, "Could not reach 127.0.0.1. Check your connection.");
  g_clear_error (&error);

  /* Back on the same database: the killed server had not made it, and
   * nothing made it since. */
  kbc_test_server_restart (fixture->server);
  g_assert_cmpint (kbc_test_db_int (fixture->server, count_sql, "CI deploy"), ==, 0);
  g_assert_cmpuint (server_log_count (fixture->server, "POST /manage/current-user/tokens"), ==, 0);

  /* The same account goes on. */
  created = create_token (tokens, "CI deploy", &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpint (kbc_test_db_int (fixture->server, count_sql, "CI deploy"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tokens)), ==, 2);
  kbc_test_db_assert_integrity (fixture->server);
}

/* ---- kill -9 in a stream of writes ---- */

#define STREAM_IN_FLIGHT  8
#define STREAM_KILL_AFTER 60 /* acknowledged writes */
#define STREAM_NOTICES    400

typedef struct
{
  KbcTestServer *server;
  KbcClient *client;
  GPtrArray *notices; /* UUIDs to mark read, one a request */
  guint next_notice;
  guint next_token;
  guint in_flight;
  gboolean killed;
  GArray *acked_tokens;  /* ids from 201 */
  GPtrArray *acked_read; /* UUIDs marked read (204/200) */
  guint failed;
} Stream;

typedef struct
{
  Stream *stream;
  char *notice; /* NULL for a token */
} Write;

static void stream_send (Stream *stream);

static void
on_write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Write *write = user_data;
  Stream *stream = write->stream;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);

  stream->in_flight--;
  if (node == NULL)
    {
      /* Only the kill may make a write fail. */
      g_assert_true (stream->killed);
      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
      stream->failed++;
    }
  else if (write->notice != NULL)
    g_ptr_array_add (stream->acked_read, g_steal_pointer (&write->notice));
  else
    {
      gint64 id = kbc_json_get_int (json_node_get_object (node), "id", 0);

      g_assert_cmpint (id, >, 0);
      g_array_append_val (stream->acked_tokens, id);
    }
  g_free (write->notice);
  g_free (write);

  if (!stream->killed && stream->acked_tokens->len + stream->acked_read->len >= STREAM_KILL_AFTER)
    {
      /* Mid-stream: the other writes are on their way. */
      g_assert_cmpint (kill (kbc_test_server_get_pid (stream->server), SIGKILL), ==, 0);
      stream->killed = TRUE;
    }
  if (!stream->killed)
    stream_send (stream);
}

/* A token and a notification marked read, in turn. */
static void
stream_send (Stream *stream)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  Write *write = g_new0 (Write, 1);
  gboolean token = (stream->next_token + stream->next_notice) % 2 == 0 ||
                   stream->next_notice == stream->notices->len;

  write->stream = stream;
  json_builder_begin_object (builder);
  if (token)
    {
      g_autofree char *description = g_strdup_printf ("stream %u", stream->next_token++);

      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, description);
      json_builder_set_member_name (builder, "expiresIn");
      json_builder_add_int_value (builder, 3600);
    }
  else
    {
      write->notice = g_strdup (stream->notices->pdata[stream->next_notice++]);
      json_builder_set_member_name (builder, "read");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, write->notice);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  stream->in_flight++;
  kbc_client_request_async (stream->client, token ? "POST" : "PUT",
                            token ? "/manage/current-user/tokens" : "/manage/notifications", body,
                            NULL, on_write_done, write);
}

static gboolean
stream_done (gpointer data)
{
  Stream *stream = data;

  return stream->killed && stream->in_flight == 0;
}

static void
test_kill_during_writes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (GPtrArray) notices =
      kbc_test_db_insert_notifications (fixture->server, EMAIL, STREAM_NOTICES);
  g_autoptr (GArray) acked_tokens = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) acked_read = g_ptr_array_new_with_free_func (g_free);
  Stream stream = {
    .server = fixture->server,
    .notices = notices,
    .acked_tokens = acked_tokens,
    .acked_read = acked_read,
  };

  client = kbc_client_new (kbc_test_server_get_url (fixture->server), &error);
  g_assert_no_error (error);
  kbc_client_set_token (client, token);
  stream.client = client;

  for (guint i = 0; i < STREAM_IN_FLIGHT; i++)
    stream_send (&stream);
  kbc_test_wait_until (stream_done, &stream, "the stream of writes to end at the kill");
  g_test_message ("acknowledged: %u tokens, %u notifications read; %u writes failed",
                  acked_tokens->len, acked_read->len, stream.failed);
  g_assert_cmpuint (acked_tokens->len, >, 0);
  g_assert_cmpuint (acked_read->len, >, 0);

  /* The database as the next server finds it: sound, and holding every
   * write the client was told had been made. */
  kbc_test_server_restart (fixture->server);
  kbc_test_db_assert_integrity (fixture->server);
  for (guint i = 0; i < acked_tokens->len; i++)
    {
      g_autofree char *id =
          g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (acked_tokens, gint64, i));

      g_assert_cmpint (
          kbc_test_db_int (fixture->server,
                           "SELECT count(*) FROM tokens WHERE id = CAST(?1 AS INTEGER)", id),
          ==, 1);
    }
  for (guint i = 0; i < acked_read->len; i++)
    g_assert_cmpint (kbc_test_db_int (fixture->server,
                                      "SELECT count(*) FROM notifications WHERE uuid = ?1"
                                      " AND read_at IS NOT NULL",
                                      acked_read->pdata[i]),
                     ==, 1);

  /* And the server serves on from it. */
  {
    g_autoptr (KbcTestResponse) response =
        kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);

    g_assert_cmpuint (response->status, ==, 200);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_log_set_debug_enabled (TRUE);

#define ADD(path, func) \
  g_test_add ("/kbc/faults/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("killed-get", test_killed_get);
  ADD ("killed-post", test_killed_post);
  ADD ("kill-during-writes", test_kill_during_writes);

#undef ADD

  return g_test_run ();
}
