/* test-local-server.c: KbcLocalServer with the real kbc-account-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-local-server.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kbc-account.h"
#include "kbc-demo.h"
#include "kbc-error.h"
#include "kbc-test-gui.h"

typedef struct
{
  char *scratch;
  char *data_dir;
  KbcLocalServer *server;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->scratch = g_dir_make_tmp ("kbc-local-server-XXXXXX", NULL);
  g_assert_nonnull (fixture->scratch);
  fixture->data_dir = g_build_filename (fixture->scratch, "data", "app", NULL);
  fixture->server = kbc_local_server_new (fixture->data_dir);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_assert_finalize_object (fixture->server);
  kbc_gui_remove_tree (fixture->scratch);
  g_free (fixture->data_dir);
  g_free (fixture->scratch);
}

static char *
start (KbcLocalServer *server, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_local_server_start_async (server, NULL, kbc_test_on_done, &result);
  return kbc_local_server_start_finish (
      server, kbc_test_wait_for_result (&result, "the local server to start"), error);
}

static gboolean
port_closed (gpointer data)
{
  const char *url = data;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_uri (client, url, 0, NULL, NULL);
  return connection == NULL;
}

static void
test_start_and_stop (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *again = NULL;
  g_autofree char *db = g_build_filename (fixture->data_dir, "local.db", NULL);
  g_autoptr (GAsyncResult) first = NULL;
  g_autoptr (GAsyncResult) second = NULL;
  g_autofree char *url1 = NULL;
  g_autofree char *url2 = NULL;

  g_assert_false (kbc_local_server_get_running (fixture->server));
  g_assert_null (kbc_local_server_get_url (fixture->server));

  /* Two callers wait for the same start. */
  kbc_local_server_start_async (fixture->server, NULL, kbc_test_on_done, &first);
  kbc_local_server_start_async (fixture->server, NULL, kbc_test_on_done, &second);
  kbc_test_wait_for_result (&first, "the first start");
  kbc_test_wait_for_result (&second, "the second start");
  url1 = kbc_local_server_start_finish (fixture->server, first, &error);
  g_assert_no_error (error);
  url2 = kbc_local_server_start_finish (fixture->server, second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url1, ==, url2);
  g_assert_true (g_str_has_prefix (url1, "http://127.0.0.1:"));
  g_assert_true (kbc_local_server_get_running (fixture->server));
  g_assert_cmpstr (kbc_local_server_get_url (fixture->server), ==, url1);

  /* The database was created in the data directory and seeded: the demo
   * account signs in. */
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  g_assert_true (kbc_gui_api_login (url1, KBC_DEMO_EMAIL, KBC_DEMO_PASSWORD, &error));
  g_assert_no_error (error);

  /* Running: a start answers at once with the same URL. */
  again = start (fixture->server, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, url1);

  kbc_local_server_stop (fixture->server);
  g_assert_false (kbc_local_server_get_running (fixture->server));
  g_assert_null (kbc_local_server_get_url (fixture->server));
  kbc_test_wait_until (port_closed, url1, "the server to stop listening");

  /* The next start reuses the database: the demo account is still there. */
  url = start (fixture->server, &error);
  g_assert_no_error (error);
  g_assert_true (kbc_gui_api_login (url, KBC_DEMO_EMAIL, KBC_DEMO_PASSWORD, &error));
  g_assert_no_error (error);

  /* Disposing stops it too. */
  g_object_run_dispose (G_OBJECT (fixture->server));
  kbc_test_wait_until (port_closed, url, "the server to stop listening");
}

static void
test_missing_program (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *missing = g_build_filename (fixture->scratch, "no-such-server", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("KBC_ACCOUNT_SERVER"));

  g_setenv ("KBC_ACCOUNT_SERVER", missing, TRUE);
  url = start (fixture->server, &error);
  g_setenv ("KBC_ACCOUNT_SERVER", saved, TRUE);

  g_assert_null (url);
  g_assert_error (error, KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_false (kbc_local_server_get_running (fixture->server));
}

/* A stand-in program that creates the database fine and then fails to
 * serve, as a server with a broken database or a taken address would. */
static char *
write_failing_server (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (fixture->scratch, "failing-server", NULL);
  const char *script = "#!/bin/sh\n"
                       "case \"$1\" in\n"
                       "  init) touch \"$3\" ;;\n"
                       "  seed-demo) ;;\n"
                       "  serve) echo 'database is locked' >&2; exit 3 ;;\n"
                       "esac\n";

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);

  return path;
}

static void
test_server_exits (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *program = write_failing_server (fixture);
  g_autofree char *saved = g_strdup (g_getenv ("KBC_ACCOUNT_SERVER"));

  g_setenv ("KBC_ACCOUNT_SERVER", program, TRUE);
  url = start (fixture->server, &error);
  g_setenv ("KBC_ACCOUNT_SERVER", saved, TRUE);

  g_assert_null (url);
  g_assert_error (error, KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_EXITED);
  /* The server's own reason is in the message. */
  g_assert_nonnull (strstr (error->message, "database is locked"));
  g_assert_false (kbc_local_server_get_running (fixture->server));
}

static void
test_init_fails (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("KBC_ACCOUNT_SERVER"));
  g_autofree char *db = g_build_filename (fixture->data_dir, "local.db", NULL);

  g_setenv ("KBC_ACCOUNT_SERVER", "/bin/false", TRUE);
  url = start (fixture->server, &error);
  g_setenv ("KBC_ACCOUNT_SERVER", saved, TRUE);

  g_assert_null (url);
  g_assert_error (error, KBC_LOCAL_SERVER_ERROR, KBC_LOCAL_SERVER_ERROR_FAILED);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kbc/local-server/start-and-stop", Fixture, NULL, fixture_set_up,
              test_start_and_stop, fixture_tear_down);
  g_test_add ("/kbc/local-server/missing-program", Fixture, NULL, fixture_set_up,
              test_missing_program, fixture_tear_down);
  g_test_add ("/kbc/local-server/server-exits", Fixture, NULL, fixture_set_up, test_server_exits,
              fixture_tear_down);
  g_test_add ("/kbc/local-server/init-fails", Fixture, NULL, fixture_set_up, test_init_fails,
              fixture_tear_down);

  return g_test_run ();
}
