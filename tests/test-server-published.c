/* test-server-published.c: `serve --published-only`, the stand-in for a real
 * Keboola stack: its table of routes against Keboola's OpenAPI reference,
 * the filter on every module's routes, and what it answers over real HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-auth.h"
#include "kbc-server-http.h"
#include "kbc-server-keys.h"
#include "kbc-server-mfa.h"
#include "kbc-server-notifications.h"
#include "kbc-server-published.h"
#include "kbc-server-tokens.h"
#include "kbc-test-utils.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define EMAIL    "ada@example.test"
#define PASSWORD "Copper-Kettle-Morning-93"

/* "METHOD /path/{}/…": a method and a path whose segments in braces, of
 * whatever name, are all "{}". */
static char *
operation_key (const char *method, const char *path)
{
  g_autoptr (GRegex) placeholder = g_regex_new ("\\{[^/{}]*\\}", 0, 0, NULL);
  g_autofree char *upper = g_ascii_strup (method, -1);
  g_autofree char *normal = g_regex_replace_literal (placeholder, path, -1, 0, "{}", 0, NULL);

  return g_strdup_printf ("%s %s", upper, normal);
}

/* The operations of the reference: its "paths:" map, where each path is a
 * key indented by two spaces and its operations keys indented by four. */
static GHashTable *
read_reference (void)
{
  const char *path = g_getenv ("KBC_MANAGE_API_REFERENCE");
  g_autoptr (GHashTable) operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GRegex) path_line = g_regex_new ("^  (/\\S*):\\s*$", 0, 0, NULL);
  g_autoptr (GRegex) method_line =
      g_regex_new ("^    (get|put|post|delete|patch|head|options):\\s*$", 0, 0, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *current = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean in_paths = FALSE;

  g_assert_nonnull (path);
  g_test_message ("reference: %s", path);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      g_autoptr (GMatchInfo) match = NULL;

      /* A top-level key starts or ends the paths. */
      if (g_ascii_isalpha (line[0]))
        {
          in_paths = g_str_equal (line, "paths:");
          g_clear_pointer (&current, g_free);
          continue;
        }
      if (!in_paths)
        continue;

      if (g_str_has_prefix (line, "  ") && line[2] != ' ')
        {
          g_clear_pointer (&current, g_free);
          if (g_regex_match (path_line, line, 0, &match))
            current = g_match_info_fetch (match, 1);
        }
      else if (current != NULL && g_regex_match (method_line, line, 0, &match))
        {
          g_autofree char *method = g_match_info_fetch (match, 1);

          g_hash_table_add (operations, operation_key (method, current));
        }
    }

  return g_steal_pointer (&operations);
}

static void
test_table_in_reference (void)
{
  static const char *const methods[] = { "GET", "PUT", "POST", "DELETE", "PATCH", NULL };
  g_autoptr (GHashTable) reference = read_reference ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const KbcPublishedRoute *routes;
  gsize n_routes;

  /* The reading found the reference's operations (it has 131)… */
  g_test_message ("%u operations in the reference", g_hash_table_size (reference));
  g_assert_cmpuint (g_hash_table_size (reference), >, 100);
  g_assert_true (g_hash_table_contains (reference, "GET /manage/tokens/verify"));
  g_assert_true (g_hash_table_contains (reference, "DELETE /manage/projects/{}"));
  /* … and nothing of ours: sign-in, MFA and the password are not published. */
  g_assert_false (g_hash_table_contains (reference, "POST /manage/auth/login"));
  g_assert_false (g_hash_table_contains (reference, "GET /manage/auth/methods"));
  g_assert_false (g_hash_table_contains (reference, "GET /manage/current-user/mfa"));
  g_assert_false (g_hash_table_contains (reference, "PUT /manage/current-user/password"));

  /* Every entry of the table is an operation of the reference, once. */
  routes = kbc_server_published_routes (&n_routes);
  g_assert_cmpuint (n_routes, >, 0);
  for (gsize i = 0; i < n_routes; i++)
    {
      g_autofree char *key = operation_key (routes[i].method, routes[i].pattern);

      g_assert_true (g_strv_contains (methods, routes[i].method));
      if (!g_hash_table_contains (reference, key))
        g_error ("“%s” is not in Keboola's reference", key);
      if (!g_hash_table_add (seen, g_steal_pointer (&key)))
        g_error ("“%s %s” is in the table twice", routes[i].method, routes[i].pattern);
    }
}

static void
test_matching (void)
{
  /* Placeholders match one segment, whatever their names. */
  g_assert_true (kbc_server_route_is_published ("GET", "/manage/tokens/verify"));
  g_assert_true (kbc_server_route_is_published ("GET", "/manage/projects/{}"));
  g_assert_true (kbc_server_route_is_published ("GET", "/manage/projects/{project_id}"));
  g_assert_true (kbc_server_route_is_published ("GET", "/manage/maintainers/{}/organizations"));
  g_assert_true (
      kbc_server_route_is_published ("DELETE", "/manage/current-user/projects-invitations/{}"));
  g_assert_true (kbc_server_route_is_published ("POST", "/manage/current-user/promo-codes"));

  /* The method, every segment and the length count. */
  g_assert_false (kbc_server_route_is_published ("POST", "/manage/tokens/verify"));
  g_assert_false (kbc_server_route_is_published ("get", "/manage/tokens/verify"));
  g_assert_false (kbc_server_route_is_published (
      "DELETE", "/manage/current-user/organizations-invitations/{}"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/projects"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/projects/{}/users"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/projects/123"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/projects/{}/"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/tokens/verify/"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/organizations"));
  g_assert_false (kbc_server_route_is_published ("POST", "/manage/auth/login"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/auth/methods"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/current-user/mfa"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/current-user/tokens"));
  g_assert_false (kbc_server_route_is_published ("GET", "/manage/notifications"));
  g_assert_false (kbc_server_route_is_published ("GET", ""));
}

/* The routes a server built with @published_only has, as operation keys. */
static GHashTable *
registered_routes (gboolean published_only)
{
  static const char *const db_files[] = { "", "-wal", "-shm", "-journal", ".key" };
  g_autofree char *dir = g_dir_make_tmp ("kbc-test-published-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "kbc.db", NULL);
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  KbcServerConfig config = { .quiet = TRUE, .published_only = published_only };
  g_autoptr (GError) error = NULL;
  KbcServer *server;
  KbcStore *store;

  store = kbc_store_open (db, &error);
  g_assert_no_error (error);
  server = kbc_server_new (store, &config);
  /* As cmd_serve() does. */
  kbc_server_auth_register (server);
  kbc_server_mfa_register (server);
  kbc_server_keys_register (server);
  kbc_server_notifications_register (server);
  kbc_server_tokens_register (server);

  for (guint i = 0; i < server->routes->len; i++)
    {
      const KbcRoute *route = &g_array_index (server->routes, KbcRoute, i);

      g_hash_table_add (keys, operation_key (route->method, route->pattern));
    }

  kbc_server_free (server);
  for (guint i = 0; i < G_N_ELEMENTS (db_files); i++)
    {
      g_autofree char *file = g_strconcat (db, db_files[i], NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
  return keys;
}

static void
test_registered_routes (void)
{
  g_autoptr (GHashTable) all = registered_routes (FALSE);
  g_autoptr (GHashTable) published = registered_routes (TRUE);
  GHashTableIter iter;
  const char *key;

  g_assert_true (g_hash_table_contains (all, "POST /manage/auth/login"));
  g_assert_true (g_hash_table_contains (all, "GET /manage/current-user/mfa"));
  g_assert_true (g_hash_table_contains (all, "GET /manage/notifications"));
  g_assert_true (g_hash_table_contains (all, "DELETE /manage/current-user/tokens/{}"));
  g_assert_false (g_hash_table_contains (published, "GET /manage/current-user/tokens"));

  /* Published-only has exactly the published routes of every module. */
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    {
      const char *space = strchr (key, ' ');
      g_autofree char *method = g_strndup (key, space - key);
      gboolean expected = kbc_server_route_is_published (method, space + 1);

      g_test_message ("%s: %s", key, expected ? "published" : "ours");
      g_assert_cmpint (g_hash_table_contains (published, key), ==, expected);
    }
  g_assert_true (g_hash_table_contains (published, "GET /manage/tokens/verify"));
  g_hash_table_iter_init (&iter, published);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    g_assert_true (g_hash_table_contains (all, key));
}

typedef struct
{
  const char *method;
  const char *path;
  gboolean with_token;
  const char *body;
  /* The normal server answers it (not 404): published-only is what hides it. */
  gboolean served;
} Endpoint;

/* Not in Keboola's reference: ours (sign-in, MFA, password, tokens,
 * notifications) and section B of API.md. Logout last: on the normal
 * server it revokes the token. */
static const Endpoint unpublished[] = {
  { "POST", "/manage/auth/login", FALSE,
    "{\"email\": \"" EMAIL "\", \"password\": \"" PASSWORD "\"}", TRUE },
  { "GET", "/manage/auth/methods", FALSE, NULL, TRUE },
  { "GET", "/manage/current-user/mfa", TRUE, NULL, TRUE },
  { "GET", "/manage/current-user/mfa/devices", TRUE, NULL, TRUE },
  { "POST", "/manage/current-user/mfa/totp", TRUE, "{\"currentPassword\": \"" PASSWORD "\"}",
    TRUE },
  { "PUT", "/manage/current-user/password", TRUE,
    "{\"currentPassword\": \"wrong\", \"newPassword\": \"Another-Kettle-Evening-94\"}", TRUE },
  { "GET", "/manage/current-user/tokens", TRUE, NULL, TRUE },
  { "POST", "/manage/current-user/tokens", TRUE, "{\"description\": \"x\", \"expiresIn\": 3600}",
    TRUE },
  { "GET", "/manage/current-user/tokens/1", TRUE, NULL, TRUE },
  { "GET", "/manage/notifications", TRUE, NULL, TRUE },
  { "PUT", "/manage/notifications", TRUE, "{\"allRead\": true}", TRUE },
  { "GET", "/manage/organizations", TRUE, NULL, FALSE },
  { "POST", "/manage/current-user/session-token", TRUE, "{}", FALSE },
  { "POST", "/manage/auth/logout", TRUE, NULL, TRUE },
};

/* 404 in Keboola's error JSON. */
static void
assert_not_found (KbcTestResponse *response)
{
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 404);
  g_assert_cmpstr (response->content_type, ==, "application/json");
  object = kbc_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), !=, "");
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "notFound");
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (object, "exceptionId"), "exception-"));
}

/* A server with a user and a personal token for them. */
static KbcTestServer *
server_with_token (gboolean published_only, char **token)
{
  KbcTestServer *server = published_only ? kbc_test_server_new_with_args ("--published-only", NULL)
                                         : kbc_test_server_new ();

  kbc_test_server_add_user (server, EMAIL, "Ada Lovelace", PASSWORD);
  *token = kbc_test_server_admin (server, NULL, "token", "add", "--email", EMAIL, "--description",
                                  "Stand-in for a stack", NULL);
  return server;
}

static void
test_http (void)
{
  g_autofree char *token = NULL;
  g_autofree char *normal_token = NULL;
  g_autofree char *log = NULL;
  g_autoptr (KbcTestServer) server = server_with_token (TRUE, &token);
  g_autoptr (KbcTestServer) normal = server_with_token (FALSE, &normal_token);
  g_autoptr (KbcTestResponse) who = NULL;
  g_autoptr (KbcTestResponse) wrong_method = NULL;
  JsonObject *object;
  JsonObject *user;

  /* A personal token verifies, as on a real stack. */
  who = kbc_test_server_request (server, "GET", "/manage/tokens/verify", token, NULL);
  g_assert_cmpuint (who->status, ==, 200);
  object = kbc_test_response_object (who);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "admin");
  g_assert_false (json_object_get_boolean_member (object, "isSessionToken"));
  user = json_object_get_object_member (object, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, EMAIL);

  /* A published path keeps its methods: another one is 405, as anywhere. */
  wrong_method = kbc_test_server_request (server, "DELETE", "/manage/tokens/verify", token, NULL);
  g_assert_cmpuint (wrong_method->status, ==, 405);
  g_assert_cmpstr (wrong_method->allow, ==, "GET");

  /* What is not published is not there, token or not; the normal server
   * answers what it has. */
  for (guint i = 0; i < G_N_ELEMENTS (unpublished); i++)
    {
      const Endpoint *endpoint = &unpublished[i];
      g_autoptr (KbcTestResponse) hidden = NULL;
      g_autoptr (KbcTestResponse) anonymous = NULL;
      g_autoptr (KbcTestResponse) served = NULL;

      g_test_message ("%s %s", endpoint->method, endpoint->path);
      hidden = kbc_test_server_request (server, endpoint->method, endpoint->path,
                                        endpoint->with_token ? token : NULL, endpoint->body);
      assert_not_found (hidden);
      anonymous =
          kbc_test_server_request (server, endpoint->method, endpoint->path, NULL, endpoint->body);
      assert_not_found (anonymous);

      served = kbc_test_server_request (normal, endpoint->method, endpoint->path,
                                        endpoint->with_token ? normal_token : NULL, endpoint->body);
      g_test_message ("normal server: %u", served->status);
      if (endpoint->served)
        g_assert_cmpuint (served->status, !=, 404);
    }

  /* The token still works (logout was not served), and no password was
   * checked: the log has the sign-in as a 404. */
  {
    g_autoptr (KbcTestResponse) again =
        kbc_test_server_request (server, "GET", "/manage/tokens/verify", token, NULL);
    g_assert_cmpuint (again->status, ==, 200);
  }
  log = kbc_test_server_get_log (server);
  g_assert_nonnull (strstr (log, "POST /manage/auth/login 404 "));
  g_assert_null (strstr (log, "POST /manage/auth/login 2"));
  g_assert_null (strstr (log, "POST /manage/auth/login 401"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/server-published/table-in-reference", test_table_in_reference);
  g_test_add_func ("/kbc/server-published/matching", test_matching);
  g_test_add_func ("/kbc/server-published/registered-routes", test_registered_routes);
  g_test_add_func ("/kbc/server-published/http", test_http);

  return g_test_run ();
}
