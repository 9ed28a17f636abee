/* test-server-load.c: 200 connections at once for 30 s against the real server
 *
 * One libsoup session with room for 200 connections keeps 200 requests in
 * flight for 30 seconds: GET /manage/tokens/verify, GET
 * /manage/notifications, POST /manage/current-user/tokens and PUT
 * /manage/notifications {"read": [id]}, in turn. Every answer must be the
 * expected one (no error, no 429, no 503), and afterwards every write the
 * client saw acknowledged must be in the database.
 *
 * The server's flood limits (HACKING.md, "Server hardening") count only
 * credential checks (sign-in, passwords, codes) per client address; none of
 * these requests makes one, so all 200 connections come from 127.0.0.1 and
 * nothing is loosened. Only the count of errors is asserted, never a speed:
 * a slow machine makes fewer requests, not a failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-db.h"
#include "kbc-test-utils.h"

#include <libsoup/soup.h>
#include <string.h>

#define EMAIL       "load@example.com"
#define NAME        "Lo Ad"
#define PASSWORD    "Harbour-Quill-Meadow-4821"
#define CONNECTIONS 200
#define SECONDS     30
#define NOTICES     300
/* Far above any answer's wait on a loaded machine; a request that takes
 * longer counts as an error. */
#define REQUEST_TIMEOUT 60

typedef enum
{
  KIND_VERIFY,
  KIND_NOTIFICATIONS,
  KIND_CREATE_TOKEN,
  KIND_MARK_READ,
  N_KINDS
} Kind;

static const char *const kind_names[] = { "GET verify", "GET notifications", "POST token",
                                          "PUT read" };

typedef struct
{
  KbcTestServer *server;
  SoupSession *session;
  char *token;
  GPtrArray *notices; /* UUIDs of unread notifications */
  guint next_notice;
  gint64 deadline;
  guint sent;
  guint in_flight;
  guint answered[N_KINDS];
  guint errors;
  GString *first_errors;
  GArray *acked_tokens;   /* ids from 201 */
  GHashTable *acked_read; /* UUIDs marked read (200) */
  guint peak_connections;
  guint peak_in_flight;
} Load;

typedef struct
{
  Load *load;
  Kind kind;
  char *notice;
  SoupMessage *message;
} Item;

static void load_error (Load *load, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
load_error (Load *load, const char *format, ...)
{
  va_list args;

  load->errors++;
  if (load->errors > 10)
    return;
  va_start (args, format);
  g_string_append_vprintf (load->first_errors, format, args);
  va_end (args);
  g_string_append_c (load->first_errors, '\n');
}

static void load_send (Load *load);

static void
on_answered (GObject *source, GAsyncResult *result, gpointer data)
{
  Item *item = data;
  Load *load = item->load;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  guint expected = item->kind == KIND_CREATE_TOKEN ? 201 : 200;
  guint status;

  load->in_flight--;
  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  status = soup_message_get_status (item->message);
  if (body == NULL)
    load_error (load, "%s: %s", kind_names[item->kind], error->message);
  else if (status != expected)
    load_error (load, "%s: HTTP %u: %.*s", kind_names[item->kind], status,
                (int) MIN (g_bytes_get_size (body), 200),
                (const char *) g_bytes_get_data (body, NULL));
  else if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                        g_bytes_get_size (body), &error))
    load_error (load, "%s: not JSON: %s", kind_names[item->kind], error->message);
  else
    {
      JsonNode *root = json_parser_get_root (parser);

      load->answered[item->kind]++;
      if (item->kind == KIND_CREATE_TOKEN)
        {
          gint64 id = 0;

          if (JSON_NODE_HOLDS_OBJECT (root))
            id = json_object_get_int_member_with_default (json_node_get_object (root), "id", 0);
          if (id <= 0)
            load_error (load, "POST token: no id in the answer");
          else
            g_array_append_val (load->acked_tokens, id);
        }
      else if (item->kind == KIND_MARK_READ)
        g_hash_table_add (load->acked_read, g_steal_pointer (&item->notice));
    }

  g_clear_object (&item->message);
  g_free (item->notice);
  g_free (item);

  if (g_get_monotonic_time () < load->deadline)
    load_send (load);
}

static void
load_send (Load *load)
{
  g_autofree char *uri = NULL;
  g_autofree char *body = NULL;
  Item *item = g_new0 (Item, 1);
  const char *method = "GET";
  const char *path;

  item->load = load;
  item->kind = load->sent++ % N_KINDS;
  switch (item->kind)
    {
      case KIND_VERIFY:
        path = "/manage/tokens/verify";
        break;
      case KIND_NOTIFICATIONS:
        path = "/manage/notifications";
        break;
      case KIND_CREATE_TOKEN:
        method = "POST";
        path = "/manage/current-user/tokens";
        body = g_strdup_printf ("{\"description\": \"load %u\", \"expiresIn\": 3600}", load->sent);
        break;
      case KIND_MARK_READ:
      default:
        method = "PUT";
        path = "/manage/notifications";
        item->notice = g_strdup (load->notices->pdata[load->next_notice++ % load->notices->len]);
        body = g_strdup_printf ("{\"read\": [\"%s\"]}", item->notice);
        break;
    }

  uri = g_strconcat (kbc_test_server_get_url (load->server), path, NULL);
  item->message = soup_message_new (method, uri);
  soup_message_headers_replace (soup_message_get_request_headers (item->message),
                                "X-KBC-ManageApiToken", load->token);
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (item->message, "application/json", bytes);
    }

  load->in_flight++;
  load->peak_in_flight = MAX (load->peak_in_flight, load->in_flight);
  soup_session_send_and_read_async (load->session, item->message, G_PRIORITY_DEFAULT, NULL,
                                    on_answered, item);
}

/* This process's established connections to the server (/proc/net/tcp:
 * remote address 127.0.0.1:PORT, state 01). */
static guint
count_connections (guint16 port)
{
  g_autofree char *text = NULL;
  g_autofree char *remote = g_strdup_printf ("0100007F:%04X", port);
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr (GPtrArray) fields = g_ptr_array_new ();

      for (guint j = 0; f[j] != NULL; j++)
        if (*f[j] != '\0')
          g_ptr_array_add (fields, f[j]);
      /* sl local rem st … */
      if (fields->len >= 4 && g_str_equal (fields->pdata[2], remote) &&
          g_str_equal (fields->pdata[3], "01"))
        n++;
    }

  return n;
}

static gboolean
on_sample (gpointer data)
{
  Load *load = data;

  load->peak_connections =
      MAX (load->peak_connections, count_connections (kbc_test_server_get_port (load->server)));
  return G_SOURCE_CONTINUE;
}

static gboolean
load_over (gpointer data)
{
  Load *load = data;

  return g_get_monotonic_time () >= load->deadline && load->in_flight == 0;
}

/* ---- the database ---- */

/* Every acknowledged write is in the database. */
static void
assert_writes_kept (Load *load)
{
  sqlite3 *db = kbc_test_db_open (load->server, FALSE);
  sqlite3_stmt *token = NULL;
  sqlite3_stmt *read = NULL;
  GHashTableIter iter;
  gpointer uuid;

  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM tokens WHERE id = ?1", -1, &token, NULL), ==,
      SQLITE_OK);
  for (guint i = 0; i < load->acked_tokens->len; i++)
    {
      sqlite3_bind_int64 (token, 1, g_array_index (load->acked_tokens, gint64, i));
      g_assert_cmpint (sqlite3_step (token), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int64 (token, 0), ==, 1);
      sqlite3_reset (token);
    }

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM notifications WHERE uuid = ?1"
                                       " AND read_at IS NOT NULL",
                                       -1, &read, NULL),
                   ==, SQLITE_OK);
  g_hash_table_iter_init (&iter, load->acked_read);
  while (g_hash_table_iter_next (&iter, &uuid, NULL))
    {
      sqlite3_bind_text (read, 1, uuid, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (read), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int64 (read, 0), ==, 1);
      sqlite3_reset (read);
    }

  sqlite3_finalize (token);
  sqlite3_finalize (read);
  sqlite3_close (db);
}

static void
test_load (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (GArray) acked_tokens = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GHashTable) acked_read = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) first_errors = g_string_new (NULL);
  g_autoptr (GPtrArray) notices = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autofree char *token = NULL;
  KbcTestWait wait;
  guint sample;
  guint total = 0;
  Load load = { 0 };

  kbc_test_server_add_user (server, EMAIL, NAME, PASSWORD);
  token = kbc_test_server_login (server, EMAIL, PASSWORD);
  notices = kbc_test_db_insert_notifications (server, EMAIL, NOTICES);
  session = soup_session_new_with_options ("max-conns", CONNECTIONS, "max-conns-per-host",
                                           CONNECTIONS, "timeout", REQUEST_TIMEOUT, NULL);

  load.server = server;
  load.session = session;
  load.token = token;
  load.notices = notices;
  load.first_errors = first_errors;
  load.acked_tokens = acked_tokens;
  load.acked_read = acked_read;
  load.deadline = g_get_monotonic_time () + SECONDS * G_USEC_PER_SEC;

  sample = g_timeout_add (500, on_sample, &load);
  for (guint i = 0; i < CONNECTIONS; i++)
    load_send (&load);

  /* The run's own 30 s, then the usual wait for the last answers. */
  while (g_get_monotonic_time () < load.deadline)
    g_main_context_iteration (NULL, TRUE);
  kbc_test_wait_begin (&wait);
  while (!load_over (&load))
    kbc_test_wait_iterate (&wait, "the last answers of the load");
  kbc_test_wait_end (&wait);
  g_source_remove (sample);

  for (guint k = 0; k < N_KINDS; k++)
    {
      g_test_message ("%s: %u answered", kind_names[k], load.answered[k]);
      total += load.answered[k];
    }
  g_test_message ("%u requests in %d s on up to %u connections at once; %u errors", total, SECONDS,
                  load.peak_connections, load.errors);
  if (load.errors > 0)
    g_test_message ("first errors:\n%s", first_errors->str);

  g_assert_cmpuint (load.errors, ==, 0);
  /* The load was what it says: 200 requests in flight at once, each on a
   * connection of its own (max-conns), which the kernel showed open. A
   * sample of /proc/net/tcp can fall between one connection closing and
   * its replacement opening (199 was seen), so it must show 95% of them. */
  g_assert_cmpuint (load.peak_in_flight, >=, CONNECTIONS);
  g_assert_cmpuint (load.peak_connections, >=, CONNECTIONS - CONNECTIONS / 20);
  for (guint k = 0; k < N_KINDS; k++)
    g_assert_cmpuint (load.answered[k], >, 0);

  assert_writes_kept (&load);
  g_assert_cmpuint (acked_tokens->len, ==, load.answered[KIND_CREATE_TOKEN]);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/server-load/200-connections", test_load);

  return g_test_run ();
}
