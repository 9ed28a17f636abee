/* test-server-cli.c: the kbc-account-server command line (init, serve,
 * seed-demo, user add, token add), also while `serve` runs on the same
 * database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-demo.h"
#include "kbc-test-utils.h"
#include "kbc-time.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#define PASSWORD "Copper-Kettle-Morning-93"

static void
assert_one_line_reason (const char *err, const char *topic)
{
  g_assert_nonnull (err);
  g_test_message ("stderr: %s", err);
  g_assert_true (g_str_has_prefix (err, "kbc-account-server: "));
  g_assert_null (strchr (err, '\n'));
  if (topic != NULL)
    g_assert_nonnull (strstr (err, topic));
}

static void
test_user_add (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *token = NULL;
  gint64 first;
  int status;

  status = kbc_test_server_admin_full (server, PASSWORD, &out, &err, "user", "add", "--email",
                                       "ada@example.test", "--name", "Ada Lovelace", NULL);
  g_assert_cmpint (status, ==, 0);
  /* The id, alone on its line. */
  g_assert_true (g_regex_match_simple ("^[0-9]+$", out, 0, 0));
  g_assert_cmpstr (err, ==, "");
  first = g_ascii_strtoll (out, NULL, 10);

  /* A password typed at a terminal ends with a newline, which is not part of it. */
  g_assert_cmpint (
      kbc_test_server_add_user (server, "grace@example.test", "Grace Hopper", PASSWORD "\n"), >,
      first);
  token = kbc_test_server_login (server, "grace@example.test", PASSWORD);
  g_assert_nonnull (token);
  g_clear_pointer (&token, g_free);

  /* Names may be any UTF-8. */
  g_assert_cmpint (kbc_test_server_add_user (server, "karel@example.test", "Karel Čapek", PASSWORD),
                   >, first);
  token = kbc_test_server_login (server, "ada@example.test", PASSWORD);
  g_assert_nonnull (token);
}

static void
test_user_add_bad_input (void)
{
  static const struct
  {
    const char *email;
    const char *name;
    const char *password;
    const char *topic;
  } cases[] = {
    { "ada@example.test", "Ada Again", PASSWORD, "email" }, /* taken */
    { "ADA@EXAMPLE.TEST", "Ada Again", PASSWORD, "email" }, /* taken, other case */
    { "not-an-email", "Nobody", PASSWORD, "email" },
    { "two@@example.test", "Nobody", PASSWORD, "email" },
    { "spa ce@example.test", "Nobody", PASSWORD, "email" },
    { "", "Nobody", PASSWORD, "email" },
    { "bob@example.test", "", PASSWORD, "name" },
    { "bob@example.test", "   ", PASSWORD, "name" },
    { "bob@example.test", "Bob", "", "password" },
    { "bob@example.test", "Bob", "short", "password" },
    { "bob@example.test", "Bob", "characteristics", "password" },
    { "bob@example.test", "Bob", "my-bob@example.test-pw", "password" },
  };
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();

  kbc_test_server_add_user (server, "ada@example.test", "Ada Lovelace", PASSWORD);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      status =
          kbc_test_server_admin_full (server, cases[i].password, &out, &err, "user", "add",
                                      "--email", cases[i].email, "--name", cases[i].name, NULL);
      g_assert_cmpint (status, !=, 0);
      g_assert_cmpstr (out, ==, "");
      assert_one_line_reason (err, cases[i].topic);
    }

  /* None of them was created. */
  {
    g_autoptr (KbcTestResponse) response = NULL;

    response = kbc_test_server_request (
        server, "POST", "/manage/auth/login", NULL,
        "{\"email\": \"bob@example.test\", \"password\": \"my-bob@example.test-pw\"}");
    g_assert_cmpuint (response->status, ==, 401);
  }
}

/* Seconds from now until the token's "expires". */
static gint64
expires_in (JsonObject *token)
{
  g_autoptr (GDateTime) expires = kbc_time_parse (json_object_get_string_member (token, "expires"));

  g_assert_nonnull (expires);
  return g_date_time_to_unix (expires) - g_get_real_time () / G_USEC_PER_SEC;
}

/* The type and secret hash the database keeps for token @id. */
static void
stored_token (KbcTestServer *server, gint64 id, char **type, guint8 hash[SHA256_DIGEST_LENGTH])
{
  sqlite3_stmt *stmt;
  sqlite3 *db;

  g_assert_cmpint (
      sqlite3_open_v2 (kbc_test_server_get_db (server), &db, SQLITE_OPEN_READONLY, NULL), ==,
      SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT type, secret_hash FROM tokens WHERE id = ?1", -1,
                                       &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *type = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_assert_cmpint (sqlite3_column_bytes (stmt, 1), ==, SHA256_DIGEST_LENGTH);
  memcpy (hash, sqlite3_column_blob (stmt, 1), SHA256_DIGEST_LENGTH);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_token_add (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *short_lived = NULL;
  g_autofree char *long_lived = NULL;
  g_autofree char *session = NULL;
  g_autofree char *type = NULL;
  g_autoptr (KbcTestResponse) who = NULL;
  g_autoptr (KbcTestResponse) mfa = NULL;
  g_autoptr (KbcTestResponse) session_who = NULL;
  guint8 stored[SHA256_DIGEST_LENGTH];
  guint8 expected[SHA256_DIGEST_LENGTH];
  JsonObject *object;
  JsonObject *user;
  gint64 user_id;
  gint64 id;
  int status;

  /* Made while the server runs on the same database. */
  user_id = kbc_test_server_add_user (server, "ada@example.test", "Ada Lovelace", PASSWORD);
  status = kbc_test_server_admin_full (server, NULL, &out, &err, "token", "add", "--email",
                                       "ada@example.test", "--description", "Nightly export", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (err, ==, "");
  /* The token alone on its line: "<id>-<40 alphanumerics>". */
  g_assert_true (g_regex_match_simple ("^[0-9]+-[A-Za-z0-9]{40}$", out, 0, 0));
  id = g_ascii_strtoll (out, NULL, 10);

  /* The server takes it at once, as the reference's personal token. */
  who = kbc_test_server_request (server, "GET", "/manage/tokens/verify", out, NULL);
  g_assert_cmpuint (who->status, ==, 200);
  object = kbc_test_response_object (who);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "admin");
  g_assert_false (json_object_get_boolean_member (object, "isSessionToken"));
  g_assert_false (json_object_get_boolean_member (object, "isExpired"));
  g_assert_false (json_object_get_boolean_member (object, "isDisabled"));
  g_assert_cmpstr (json_object_get_string_member (object, "description"), ==, "Nightly export");
  /* 30 days unless told otherwise. */
  g_assert_cmpint (expires_in (object), >, 30 * 24 * 3600 - 120);
  g_assert_cmpint (expires_in (object), <=, 30 * 24 * 3600);
  user = json_object_get_object_member (object, "user");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, user_id);
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, "ada@example.test");

  /* It works on the other endpoints too. */
  mfa = kbc_test_server_request (server, "GET", "/manage/current-user/mfa", out, NULL);
  g_assert_cmpuint (mfa->status, ==, 200);

  /* Only the hash of the secret is kept, and the row is a personal token. */
  stored_token (server, id, &type, stored);
  g_assert_cmpstr (type, ==, "admin");
  SHA256 ((const guint8 *) strchr (out, '-') + 1, 40, expected);
  g_assert_cmpmem (stored, sizeof stored, expected, sizeof expected);

  /* The bounds of --expires-in are allowed; every token is new. */
  short_lived = kbc_test_server_admin (server, NULL, "token", "add", "--email", "ADA@example.test",
                                       "--description", "An hour", "--expires-in", "3600", NULL);
  long_lived = kbc_test_server_admin (server, NULL, "token", "add", "--email", "ada@example.test",
                                      "--description", "A year", "--expires-in", "31536000", NULL);
  g_assert_cmpstr (short_lived, !=, out);
  g_assert_cmpstr (long_lived, !=, short_lived);
  {
    g_autoptr (KbcTestResponse) hour =
        kbc_test_server_request (server, "GET", "/manage/tokens/verify", short_lived, NULL);
    g_autoptr (KbcTestResponse) year =
        kbc_test_server_request (server, "GET", "/manage/tokens/verify", long_lived, NULL);

    g_assert_cmpuint (hour->status, ==, 200);
    g_assert_cmpint (expires_in (kbc_test_response_object (hour)), >, 3600 - 120);
    g_assert_cmpint (expires_in (kbc_test_response_object (hour)), <=, 3600);
    g_assert_cmpuint (year->status, ==, 200);
    g_assert_cmpint (expires_in (kbc_test_response_object (year)), >, 31536000 - 120);
    g_assert_cmpint (expires_in (kbc_test_response_object (year)), <=, 31536000);
  }

  /* A session of the same user is told apart by isSessionToken alone. */
  session = kbc_test_server_login (server, "ada@example.test", PASSWORD);
  session_who = kbc_test_server_request (server, "GET", "/manage/tokens/verify", session, NULL);
  g_assert_cmpuint (session_who->status, ==, 200);
  g_assert_cmpstr (kbc_test_response_string (session_who, "type"), ==, "admin");
  g_assert_true (
      json_object_get_boolean_member (kbc_test_response_object (session_who), "isSessionToken"));
}

static void
test_token_add_bad_input (void)
{
  static const struct
  {
    const char *email;
    const char *description;
    const char *expires_in;
    const char *topic;
  } cases[] = {
    { "nobody@example.test", "Export", NULL, "email" },
    { "not-an-email", "Export", NULL, "email" },
    { NULL, "Export", NULL, "--email" },
    { "ada@example.test", "", NULL, "description" },
    { "ada@example.test", "   ", NULL, "description" },
    { "ada@example.test", "two\nlines", NULL, "description" },
    { "ada@example.test", NULL, NULL, "--description" },
    { "ada@example.test", "Export", "3599", "expires-in" },
    { "ada@example.test", "Export", "0", "expires-in" },
    { "ada@example.test", "Export", "-3600", "expires-in" },
    { "ada@example.test", "Export", "31536001", "expires-in" },
    { "ada@example.test", "Export", "an hour", "expires-in" },
    { "ada@example.test", "Export", "3600s", "expires-in" },
    { "ada@example.test", "Export", "", "expires-in" },
  };
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  sqlite3_stmt *stmt;
  sqlite3 *db;

  kbc_test_server_add_user (server, "ada@example.test", "Ada Lovelace", PASSWORD);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      g_ptr_array_add (args, (gpointer) "token");
      g_ptr_array_add (args, (gpointer) "add");
      if (cases[i].email != NULL)
        {
          g_ptr_array_add (args, (gpointer) "--email");
          g_ptr_array_add (args, (gpointer) cases[i].email);
        }
      if (cases[i].description != NULL)
        {
          g_ptr_array_add (args, (gpointer) "--description");
          g_ptr_array_add (args, (gpointer) cases[i].description);
        }
      if (cases[i].expires_in != NULL)
        {
          g_ptr_array_add (args, (gpointer) "--expires-in");
          g_ptr_array_add (args, (gpointer) cases[i].expires_in);
        }
      while (args->len < 8)
        g_ptr_array_add (args, NULL);

      status = kbc_test_server_admin_full (server, NULL, &out, &err, args->pdata[0], args->pdata[1],
                                           args->pdata[2], args->pdata[3], args->pdata[4],
                                           args->pdata[5], args->pdata[6], args->pdata[7], NULL);
      g_assert_cmpint (status, !=, 0);
      g_assert_cmpstr (out, ==, "");
      assert_one_line_reason (err, cases[i].topic);
    }

  /* None of them made a token. */
  g_assert_cmpint (
      sqlite3_open_v2 (kbc_test_server_get_db (server), &db, SQLITE_OPEN_READONLY, NULL), ==,
      SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM tokens", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_usage_errors (void)
{
  static const char *const cases[][4] = {
    { "frobnicate", NULL },
    { "user", NULL },
    { "user", "remove", NULL },
    { "user", "add", "--no-such-option", NULL },
    { "serve", "--listen", "nonsense", NULL },
    { "init", "extra-argument", NULL },
  };
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      status = kbc_test_server_admin_full (server, NULL, &out, &err, cases[i][0], cases[i][1],
                                           cases[i][2], cases[i][3], NULL);
      g_assert_cmpint (status, !=, 0);
      assert_one_line_reason (err, NULL);
    }
}

static void
test_seed_demo (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autofree char *first = kbc_test_server_admin (server, NULL, "seed-demo", NULL);
  g_autofree char *second = kbc_test_server_admin (server, NULL, "seed-demo", NULL);
  g_autofree char *token = NULL;
  g_autoptr (KbcTestResponse) who = NULL;
  JsonObject *user;

  /* Idempotent: the same account, the same id. */
  g_assert_true (g_regex_match_simple ("^[0-9]+$", first, 0, 0));
  g_assert_cmpstr (first, ==, second);

  token = kbc_test_server_login (server, KBC_DEMO_EMAIL, KBC_DEMO_PASSWORD);
  who = kbc_test_server_request (server, "GET", "/manage/tokens/verify", token, NULL);
  g_assert_cmpuint (who->status, ==, 200);
  user = json_object_get_object_member (kbc_test_response_object (who), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, KBC_DEMO_EMAIL);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, KBC_DEMO_NAME);
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, g_ascii_strtoll (first, NULL, 10));
}

typedef struct
{
  KbcTestServer *server;
  guint index;
  gint64 id;
} AddJob;

static gpointer
add_user_thread (gpointer data)
{
  AddJob *job = data;
  g_autofree char *email = g_strdup_printf ("user%u@example.test", job->index);

  job->id = kbc_test_server_add_user (job->server, email, "Parallel User", PASSWORD);
  return NULL;
}

static void
test_while_serving (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autofree char *token = NULL;
  g_autofree char *second = NULL;
  GThread *threads[4];
  AddJob jobs[4];
  gint64 id;

  /* The server holds the database open (and a session in it) … */
  id = kbc_test_server_add_user (server, "ada@example.test", "Ada Lovelace", PASSWORD);
  token = kbc_test_server_login (server, "ada@example.test", PASSWORD);

  /* … while several commands write to it at once … */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      jobs[i].server = server;
      jobs[i].index = i;
      jobs[i].id = 0;
      threads[i] = g_thread_new ("user-add", add_user_thread, &jobs[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (jobs[i].id, >, id);
      for (guint j = 0; j < i; j++)
        g_assert_cmpint (jobs[i].id, !=, jobs[j].id);
    }

  /* … and the server sees their work at once, and still serves its own. */
  second = kbc_test_server_login (server, "user2@example.test", PASSWORD);
  g_assert_nonnull (second);
  {
    g_autoptr (KbcTestResponse) who =
        kbc_test_server_request (server, "GET", "/manage/tokens/verify", token, NULL);
    g_assert_cmpuint (who->status, ==, 200);
  }
}

static void
test_serve_output (void)
{
  g_autoptr (KbcTestServer) fixture = kbc_test_server_new ();
  g_autofree char *port_file = g_strconcat (kbc_test_server_get_db (fixture), ".port2", NULL);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *digits = NULL;
  g_autofree char *expected = NULL;

  /* A second server on the same database, watched from outside. */
  process =
      g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("KBC_ACCOUNT_SERVER"),
                        "serve", "--db", kbc_test_server_get_db (fixture), "--listen",
                        "127.0.0.1:0", "--port-file", port_file, "--quiet", NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_regex_match_simple ("^listening on http://127\\.0\\.0\\.1:[0-9]+$", line, 0, 0));

  /* The port file exists once the line is printed: digits only. */
  KBC_TEST_WAIT_FOR (g_file_get_contents (port_file, &digits, NULL, NULL));
  g_assert_nonnull (digits);
  g_assert_true (g_regex_match_simple ("^[0-9]+$", digits, 0, 0));
  expected = g_strconcat ("listening on http://127.0.0.1:", digits, NULL);
  g_assert_cmpstr (line, ==, expected);

  /* SIGTERM: a clean exit. */
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_unlink (port_file);
}

/* The lines of the request log, without GLib's prefix: "METHOD PATH STATUS N ms". */
static GPtrArray *
request_log (KbcTestServer *server)
{
  g_autofree char *log = kbc_test_server_get_log (server);
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);
  g_autoptr (GRegex) line_regex =
      g_regex_new ("^KbcServer-Message: [0-9:.]+: ([A-Z]+ \\S+ [0-9]{3} [0-9.]+ ms)$", 0, 0, NULL);
  GPtrArray *requests = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) match = NULL;

      if (g_regex_match (line_regex, lines[i], 0, &match))
        g_ptr_array_add (requests, g_match_info_fetch (match, 1));
      else if (*lines[i] != '\0')
        g_test_message ("not a request line: %s", lines[i]);
    }
  return requests;
}

static void
assert_logged (GPtrArray *requests, const char *request)
{
  for (guint i = 0; i < requests->len; i++)
    if (g_str_has_prefix (requests->pdata[i], request))
      return;
  g_error ("no “%s” in the request log", request);
}

static void
test_request_log (void)
{
  /* TOKEN stands for the token. */
  static const char *const secret_paths[] = {
    "/manage/tokens/verify?token=TOKEN",
    "/manage/tokens/verify?password=Hunter-Two-Hunter-2",
    "/manage/tokens/verify%3Fpassword=Hunter-Two-Hunter-2",
    "/manage/current-user/tokens/TOKEN",
    "/manage/current-user/tokens/TOKEN/x",
    "/manage/injected%0AGET%20/fake%20200%200.1%20ms",
    "/manage/users/ada@example.test",
  };
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autofree char *token = NULL;
  g_autofree char *log = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (KbcTestResponse) login = NULL;
  const char *secret;

  kbc_test_server_add_user (server, "ada@example.test", "Ada Lovelace", PASSWORD);
  token = kbc_test_server_login (server, "ada@example.test", PASSWORD);
  secret = strchr (token, '-') + 1;
  login = kbc_test_server_request (server, "POST", "/manage/auth/login", NULL,
                                   "{\"email\": \"ada@example.test\", \"password\": \"wrong\"}");
  g_assert_cmpuint (login->status, ==, 401);

  for (guint i = 0; i < G_N_ELEMENTS (secret_paths); i++)
    {
      g_autoptr (GString) path = g_string_new (secret_paths[i]);
      g_autoptr (KbcTestResponse) response = NULL;

      g_string_replace (path, "TOKEN", token, 0);
      response = kbc_test_server_request (server, "GET", path->str, token, NULL);

      g_assert_cmpuint (response->status, !=, 0);
    }

  /* Every answered request is in the log already (the line is written
   * before the answer leaves), on standard error, one line each. */
  requests = request_log (server);
  g_assert_cmpuint (requests->len, ==, 2 + G_N_ELEMENTS (secret_paths));
  assert_logged (requests, "POST /manage/auth/login 201 ");
  assert_logged (requests, "POST /manage/auth/login 401 ");
  assert_logged (requests, "GET /manage/tokens/verify 200 ");
  assert_logged (requests, "GET /manage/current-user/tokens/");
  assert_logged (requests, "GET /manage/injected... 404 ");
  assert_logged (requests, "GET /manage/users/ada... 404 ");

  /* No query string, no secret, not even one put into the path. */
  log = kbc_test_server_get_log (server);
  g_assert_null (strchr (log, '?'));
  g_assert_null (strstr (log, "%3F"));
  g_assert_null (strstr (log, "fake"));
  g_assert_null (strstr (log, secret));
  g_assert_null (strstr (log, "Hunter"));
  g_assert_null (strstr (log, "password"));
  g_assert_null (strstr (log, "wrong"));
  g_assert_null (strstr (log, "example.test"));

  /* --quiet: no request log. */
  {
    g_autoptr (KbcTestServer) quiet = kbc_test_server_new_with_args ("--quiet", NULL);
    g_autoptr (KbcTestResponse) response =
        kbc_test_server_request (quiet, "GET", "/manage/tokens/verify", NULL, NULL);
    g_autoptr (GPtrArray) none = NULL;

    g_assert_cmpuint (response->status, ==, 401);
    none = request_log (quiet);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

static void
test_restart (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autofree char *token = NULL;
  g_autoptr (KbcTestResponse) after = NULL;
  guint16 port = kbc_test_server_get_port (server);

  kbc_test_server_add_user (server, "ada@example.test", "Ada Lovelace", PASSWORD);
  token = kbc_test_server_login (server, "ada@example.test", PASSWORD);

  /* Sessions live in the database: they survive a restart. */
  kbc_test_server_restart (server);
  g_test_message ("port %u, then %u", port, kbc_test_server_get_port (server));
  after = kbc_test_server_request (server, "GET", "/manage/tokens/verify", token, NULL);
  g_assert_cmpuint (after->status, ==, 200);
}

static void
test_database (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  const char *path = kbc_test_server_get_db (server);
  g_autofree char *key_path = g_strconcat (path, ".key", NULL);
  g_autofree char *out = NULL;
  struct stat st;
  sqlite3_stmt *stmt;
  sqlite3 *db;

  /* init again is harmless (the migrations are already applied). */
  out = kbc_test_server_admin (server, NULL, "init", NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 2);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* The database and its key are the user's alone. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 32);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/server-cli/user-add", test_user_add);
  g_test_add_func ("/kbc/server-cli/user-add-bad-input", test_user_add_bad_input);
  g_test_add_func ("/kbc/server-cli/token-add", test_token_add);
  g_test_add_func ("/kbc/server-cli/token-add-bad-input", test_token_add_bad_input);
  g_test_add_func ("/kbc/server-cli/usage-errors", test_usage_errors);
  g_test_add_func ("/kbc/server-cli/seed-demo", test_seed_demo);
  g_test_add_func ("/kbc/server-cli/while-serving", test_while_serving);
  g_test_add_func ("/kbc/server-cli/serve-output", test_serve_output);
  g_test_add_func ("/kbc/server-cli/request-log", test_request_log);
  g_test_add_func ("/kbc/server-cli/restart", test_restart);
  g_test_add_func ("/kbc/server-cli/database", test_database);

  return g_test_run ();
}
