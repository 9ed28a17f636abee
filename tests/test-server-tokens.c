/* test-server-tokens.c: personal management tokens and the sessions in the same list,
 * over real HTTP against a real kbc-account-server
 *
 * GET·POST /manage/current-user/tokens and GET·DELETE …/{id}: every answer and
 * error, the bounds of expiresIn, the secret shown once and kept only as its
 * SHA-256 (searched for in the database files), lastUsed written at most once
 * a minute (time made to pass with `token age`, and no write seen by another
 * connection meanwhile), an expired token refused and still listed, another
 * user's token not there, and where a session signed in from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-store.h"
#include "kbc-server-tokens.h"
#include "kbc-test-utils.h"
#include "kbc-time.h"

#include <libsoup/soup.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <string.h>

#define EMAIL      "ada@example.test"
#define NAME       "Ada Lovelace"
#define PASSWORD   "Copper-Kettle-Morning-93"
#define OTHER      "grace@example.test"
#define USER_AGENT "KBC Account/1.0 (analytical-engine)"
#define TOKENS     "/manage/current-user/tokens"
#define YEAR       (365 * 24 * 3600)

typedef struct
{
  KbcTestServer *server;
  gint64 user_id;
  char *session; /* a desktop session of EMAIL, signed in with USER_AGENT */
} Fixture;

/* POST /manage/auth/login with @user_agent (NULL: none); returns the token. */
static char *
login_as (Fixture *fixture, const char *email, const char *user_agent)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) message = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri =
      g_strconcat (kbc_test_server_get_url (fixture->server), "/manage/auth/login", NULL);
  g_autofree char *json =
      g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email, PASSWORD);

  message = soup_message_new ("POST", uri);
  if (user_agent != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "User-Agent",
                                  user_agent);
  body = g_bytes_new (json, strlen (json));
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 201);

  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  fixture->user_id = kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  kbc_test_server_add_user (fixture->server, OTHER, "Grace Hopper", PASSWORD);
  fixture->session = login_as (fixture, EMAIL, USER_AGENT);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->session, g_free);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static KbcTestResponse *
request (Fixture *fixture,
         const char *method,
         const char *path,
         const char *token,
         const char *body)
{
  return kbc_test_server_request (fixture->server, method, path, token, body);
}

static KbcTestResponse *
create (Fixture *fixture, const char *token, const char *body)
{
  return request (fixture, "POST", TOKENS, token, body);
}

static guint
verify_status (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) response =
      request (fixture, "GET", "/manage/tokens/verify", token, NULL);

  return response->status;
}

static gint64
token_id (const char *token)
{
  return g_ascii_strtoll (token, NULL, 10);
}

static char *
item_path (gint64 id)
{
  return g_strdup_printf (TOKENS "/%" G_GINT64_FORMAT, id);
}

/* The list's element with @id, or NULL. */
static JsonObject *
find_in_list (KbcTestResponse *list, gint64 id)
{
  JsonArray *array;

  g_assert_cmpuint (list->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (list->json));
  array = json_node_get_array (list->json);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (json_object_get_int_member (object, "id") == id)
        return object;
    }
  return NULL;
}

static GDateTime *
get_time (JsonObject *object, const char *member)
{
  const char *text = json_object_get_string_member_with_default (object, member, NULL);

  return text != NULL ? kbc_time_parse (text) : NULL;
}

static gint64
get_unix (JsonObject *object, const char *member)
{
  g_autoptr (GDateTime) time = get_time (object, member);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

/* A token object has exactly the API's members, and ours. */
static void
assert_token_object (JsonObject *object, gboolean with_token)
{
  static const char *const members[] = { "id",      "description", "created",    "lastUsed",
                                         "expires", "isExpired",   "isDisabled", "isSessionToken",
                                         "type",    "scopes",      "client",     NULL };
  g_autoptr (GList) list = json_object_get_members (object);

  g_assert_cmpuint (g_list_length (list), ==,
                    g_strv_length ((GStrv) members) + (with_token ? 1 : 0));
  for (guint i = 0; members[i] != NULL; i++)
    if (!json_object_has_member (object, members[i]))
      g_error ("member %s is missing", members[i]);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "admin");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "scopes")), ==, 0);
  g_assert_false (json_object_get_boolean_member (object, "isDisabled"));
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4}$",
                                       json_object_get_string_member (object, "created"), 0, 0));
  if (with_token)
    g_assert_true (json_object_has_member (object, "token"));
}

/* A 400 whose first field error is @key with @code. */
static void
assert_field_error (KbcTestResponse *response, const char *key, const char *code)
{
  JsonObject *object;
  JsonObject *first;

  g_assert_cmpuint (response->status, ==, 400);
  object = kbc_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "validationFailed");
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (object, "exceptionId"), "exception-"));
  first = json_array_get_object_element (json_object_get_array_member (object, "errors"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "key"), ==, key);
  g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (first, "message"), !=, "");
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==,
                   json_object_get_string_member (first, "message"));
}

static void
assert_not_found (KbcTestResponse *response)
{
  g_assert_cmpuint (response->status, ==, 404);
  g_assert_cmpstr (kbc_test_response_string (response, "code"), ==, "tokenNotFound");
  g_assert_cmpstr (kbc_test_response_string (response, "error"), !=, "");
}

/* ---- the list ---- */

static void
test_list (Fixture *fixture, gconstpointer data)
{
  g_autofree char *personal = kbc_test_server_admin (
      fixture->server, NULL, "token", "add", "--email", EMAIL, "--description", "CI deploys", NULL);
  g_autofree char *other = kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email",
                                                  OTHER, "--description", "Not Ada's", NULL);
  g_autofree char *bare = login_as (fixture, EMAIL, NULL);
  g_autoptr (KbcTestResponse) who = NULL;
  g_autoptr (KbcTestResponse) list = NULL;
  JsonArray *array;
  JsonObject *session;
  JsonObject *client;
  JsonObject *object;
  gint64 previous = G_MAXINT64;

  who = request (fixture, "GET", "/manage/tokens/verify", fixture->session, NULL);
  g_assert_cmpuint (who->status, ==, 200);
  list = request (fixture, "GET", TOKENS, fixture->session, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpstr (list->content_type, ==, "application/json");

  /* Ada's three tokens, newest first, not Grace's. */
  array = json_node_get_array (list->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 created;

      object = json_array_get_object_element (array, i);
      assert_token_object (object, FALSE);
      created = get_unix (object, "created");
      g_assert_cmpint (created, <=, previous);
      previous = created;
    }
  g_assert_null (find_in_list (list, token_id (other)));

  /* The session: when and where it signed in. */
  session = find_in_list (list, token_id (fixture->session));
  g_assert_nonnull (session);
  g_assert_true (json_object_get_boolean_member (session, "isSessionToken"));
  g_assert_false (json_object_get_boolean_member (session, "isExpired"));
  g_assert_cmpstr (json_object_get_string_member (session, "created"), ==,
                   kbc_test_response_string (who, "created"));
  client = json_object_get_object_member (session, "client");
  g_assert_cmpstr (json_object_get_string_member (client, "name"), ==, USER_AGENT);
  g_assert_cmpstr (json_object_get_string_member (client, "address"), ==, "127.0.0.1");

  /* A client that gave no name still has its address. */
  client = json_object_get_object_member (find_in_list (list, token_id (bare)), "client");
  g_assert_true (json_object_get_null_member (client, "name"));
  g_assert_cmpstr (json_object_get_string_member (client, "address"), ==, "127.0.0.1");

  /* The personal token: no client, never used. */
  object = find_in_list (list, token_id (personal));
  g_assert_nonnull (object);
  g_assert_false (json_object_get_boolean_member (object, "isSessionToken"));
  g_assert_cmpstr (json_object_get_string_member (object, "description"), ==, "CI deploys");
  g_assert_true (json_object_get_null_member (object, "client"));
  g_assert_true (json_object_get_null_member (object, "lastUsed"));

  /* The list needs a token; and its other methods are 405. */
  {
    g_autoptr (KbcTestResponse) anonymous = request (fixture, "GET", TOKENS, NULL, NULL);
    g_autoptr (KbcTestResponse) wrong = request (fixture, "PUT", TOKENS, fixture->session, "{}");

    g_assert_cmpuint (anonymous->status, ==, 401);
    g_assert_cmpuint (wrong->status, ==, 405);
  }
}

/* ---- creating ---- */

static void
test_create (Fixture *fixture, gconstpointer data)
{
  static const char *const endpoints[] = {
    "/manage/tokens/verify",
    "/manage/current-user/mfa",
    "/manage/current-user/mfa/devices",
    TOKENS,
  };
  g_autoptr (KbcTestResponse) created = NULL;
  g_autoptr (KbcTestResponse) list = NULL;
  g_autoptr (KbcTestResponse) who = NULL;
  g_autoptr (KbcTestResponse) item = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;
  const char *token;
  gint64 id;

  created = create (fixture, fixture->session,
                    "{\"description\": \"  Nightly export \", \"expiresIn\": 86400}");
  g_assert_cmpuint (created->status, ==, 201);
  object = kbc_test_response_object (created);
  assert_token_object (object, TRUE);
  token = json_object_get_string_member (object, "token");
  g_assert_true (g_regex_match_simple ("^[0-9]+-[A-Za-z0-9]{40}$", token, 0, 0));
  id = json_object_get_int_member (object, "id");
  g_assert_cmpint (id, ==, token_id (token));
  g_assert_cmpstr (json_object_get_string_member (object, "description"), ==, "Nightly export");
  g_assert_false (json_object_get_boolean_member (object, "isSessionToken"));
  g_assert_false (json_object_get_boolean_member (object, "isExpired"));
  g_assert_true (json_object_get_null_member (object, "lastUsed"));
  g_assert_true (json_object_get_null_member (object, "client"));
  g_assert_cmpint (get_unix (object, "expires") - get_unix (object, "created"), ==, 86400);

  /* It is listed, without its secret. */
  list = request (fixture, "GET", TOKENS, fixture->session, NULL);
  g_assert_nonnull (find_in_list (list, id));
  g_assert_false (json_object_has_member (find_in_list (list, id), "token"));
  g_assert_null (strstr (list->body, strchr (token, '-') + 1));

  /* A personal token works on every endpoint. */
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      g_autoptr (KbcTestResponse) response = request (fixture, "GET", endpoints[i], token, NULL);

      g_test_message ("GET %s", endpoints[i]);
      g_assert_cmpuint (response->status, ==, 200);
    }
  who = request (fixture, "GET", "/manage/tokens/verify", token, NULL);
  g_assert_false (
      json_object_get_boolean_member (kbc_test_response_object (who), "isSessionToken"));
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (kbc_test_response_object (who), "user"), "email"),
      ==, EMAIL);

  /* It may make tokens itself, and see its own detail, now used. */
  {
    g_autoptr (KbcTestResponse) again =
        create (fixture, token, "{\"description\": \"From a token\", \"expiresIn\": 3600}");
    g_assert_cmpuint (again->status, ==, 201);
  }
  path = item_path (id);
  item = request (fixture, "GET", path, token, NULL);
  g_assert_cmpuint (item->status, ==, 200);
  assert_token_object (kbc_test_response_object (item), FALSE);
  g_assert_cmpint (json_object_get_int_member (kbc_test_response_object (item), "id"), ==, id);
  g_assert_nonnull (kbc_test_response_string (item, "lastUsed"));
}

static void
test_expiry_bounds (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    gint64 seconds;
    gboolean accepted;
    const char *code;
  } bounds[] = {
    { 3599, FALSE, "tooShort" },    { 3600, TRUE, NULL },     { YEAR, TRUE, NULL },
    { YEAR + 1, FALSE, "tooLong" }, { 0, FALSE, "tooShort" }, { -3600, FALSE, "tooShort" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bounds); i++)
    {
      g_autofree char *body = g_strdup_printf (
          "{\"description\": \"Bound\", \"expiresIn\": %" G_GINT64_FORMAT "}", bounds[i].seconds);
      g_autoptr (KbcTestResponse) response = create (fixture, fixture->session, body);

      g_test_message ("expiresIn %" G_GINT64_FORMAT, bounds[i].seconds);
      if (bounds[i].accepted)
        {
          JsonObject *object = kbc_test_response_object (response);

          g_assert_cmpuint (response->status, ==, 201);
          g_assert_cmpint (get_unix (object, "expires") - get_unix (object, "created"), ==,
                           bounds[i].seconds);
        }
      else
        assert_field_error (response, "expiresIn", bounds[i].code);
    }
}

static void
test_bad_input (Fixture *fixture, gconstpointer data)
{
  g_autofree char *long_name = g_strnfill (256, 'x');
  g_autofree char *longest = g_strnfill (255, 'x');
  g_autofree char *too_long =
      g_strdup_printf ("{\"description\": \"%s\", \"expiresIn\": 3600}", long_name);
  g_autofree char *just_right =
      g_strdup_printf ("{\"description\": \"%s\", \"expiresIn\": 3600}", longest);
  static const struct
  {
    const char *body;
    const char *key;
    const char *code;
  } cases[] = {
    /* No "never": a token always expires. */
    { "{\"description\": \"x\"}", "expiresIn", "required" },
    { "{\"description\": \"x\", \"expiresIn\": null}", "expiresIn", "required" },
    { "{\"description\": \"x\", \"expiresIn\": \"3600\"}", "expiresIn", "invalidType" },
    { "{\"description\": \"x\", \"expiresIn\": 3600.5}", "expiresIn", "invalidType" },
    { "{\"description\": \"x\", \"expiresIn\": true}", "expiresIn", "invalidType" },
    { "{\"description\": \"x\", \"expiresIn\": 1e30}", "expiresIn", "invalidType" },
    { "{\"expiresIn\": 3600}", "description", "required" },
    { "{\"description\": \"   \", \"expiresIn\": 3600}", "description", "blank" },
    { "{\"description\": 7, \"expiresIn\": 3600}", "description", "invalidType" },
    { "{\"description\": \"a\\nb\", \"expiresIn\": 3600}", "description", "invalidCharacters" },
    /* Both wrong: the description first, both listed. */
    { "{\"description\": \"\", \"expiresIn\": 1}", "description", "blank" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (KbcTestResponse) response = create (fixture, fixture->session, cases[i].body);

      g_test_message ("%s", cases[i].body);
      assert_field_error (response, cases[i].key, cases[i].code);
    }

  {
    g_autoptr (KbcTestResponse) both =
        create (fixture, fixture->session, "{\"description\": \"\", \"expiresIn\": 1}");
    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (kbc_test_response_object (both), "errors")),
                      ==, 2);
  }
  {
    g_autoptr (KbcTestResponse) response = create (fixture, fixture->session, too_long);
    assert_field_error (response, "description", "tooLong");
  }
  {
    g_autoptr (KbcTestResponse) response = create (fixture, fixture->session, just_right);
    g_assert_cmpuint (response->status, ==, 201);
  }
  {
    g_autoptr (KbcTestResponse) response = create (fixture, fixture->session, "not json");
    g_assert_cmpuint (response->status, ==, 400);
    g_assert_cmpstr (kbc_test_response_string (response, "code"), ==, "malformedJson");
  }
  {
    g_autoptr (KbcTestResponse) response = create (fixture, fixture->session, "[3600]");
    g_assert_cmpuint (response->status, ==, 400);
  }
  {
    g_autoptr (KbcTestResponse) response =
        create (fixture, NULL, "{\"description\": \"x\", \"expiresIn\": 3600}");
    g_assert_cmpuint (response->status, ==, 401);
  }

  /* Nothing of the refused ones was made: the session and the one good token. */
  {
    g_autoptr (KbcTestResponse) list = request (fixture, "GET", TOKENS, fixture->session, NULL);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (list->json)), ==, 2);
  }
}

/* ---- the secret ---- */

static gboolean
bytes_contain (const guint8 *haystack, gsize len, const char *needle)
{
  gsize needle_len = strlen (needle);

  for (gsize i = 0; needle_len <= len && i <= len - needle_len; i++)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_file_lacks (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return;
  if (bytes_contain ((const guint8 *) contents, len, needle))
    g_error ("%s holds a secret in plain text", path);
}

static void
test_secret_not_stored (Fixture *fixture, gconstpointer data)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autoptr (KbcTestResponse) created =
      create (fixture, fixture->session, "{\"description\": \"Hashed only\", \"expiresIn\": 3600}");
  const char *token = kbc_test_response_string (created, "token");
  const char *secret = strchr (token, '-') + 1;
  guint8 expected[SHA256_DIGEST_LENGTH];
  sqlite3_stmt *stmt;
  sqlite3 *db;

  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpuint (strlen (secret), ==, 40);
  /* Used once, so that its row was written again. */
  g_assert_cmpuint (verify_status (fixture, token), ==, 200);

  /* The row keeps SHA-256 of the secret… */
  SHA256 ((const guint8 *) secret, strlen (secret), expected);
  g_assert_cmpint (
      sqlite3_open_v2 (kbc_test_server_get_db (fixture->server), &db, SQLITE_OPEN_READONLY, NULL),
      ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT secret_hash FROM tokens WHERE id = ?1", -1, &stmt, NULL), ==,
      SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, token_id (token));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_bytes (stmt, 0), ==, SHA256_DIGEST_LENGTH);
  g_assert_cmpmem (sqlite3_column_blob (stmt, 0), SHA256_DIGEST_LENGTH, expected,
                   SHA256_DIGEST_LENGTH);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* …and no file of the database holds the secret, nor the session's. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path =
          g_strconcat (kbc_test_server_get_db (fixture->server), suffixes[i], NULL);

      assert_file_lacks (path, secret);
      assert_file_lacks (path, strchr (fixture->session, '-') + 1);
    }

  /* Nor the request log. */
  {
    g_autofree char *log = kbc_test_server_get_log (fixture->server);
    g_assert_null (strstr (log, secret));
  }
}

/* ---- one token: read, delete ---- */

static void
test_get_and_delete (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) created =
      create (fixture, fixture->session, "{\"description\": \"Short-lived\", \"expiresIn\": 7200}");
  const char *token = kbc_test_response_string (created, "token");
  gint64 id = token_id (token);
  g_autofree char *path = item_path (id);
  g_autofree char *grace = login_as (fixture, OTHER, USER_AGENT);
  g_autofree char *second = login_as (fixture, EMAIL, "Another desktop");
  g_autofree char *second_path = item_path (token_id (second));
  static const char *const bad_ids[] = { "abc", "0", "-1", "1.0", "99999999999999999999", "%20" };

  g_assert_cmpuint (verify_status (fixture, token), ==, 200);

  /* The detail. */
  {
    g_autoptr (KbcTestResponse) item = request (fixture, "GET", path, fixture->session, NULL);
    g_assert_cmpuint (item->status, ==, 200);
    assert_token_object (kbc_test_response_object (item), FALSE);
    g_assert_cmpstr (kbc_test_response_string (item, "description"), ==, "Short-lived");
  }

  /* Another user's token is not there, for reading or deleting, and stays usable. */
  {
    g_autoptr (KbcTestResponse) read = request (fixture, "GET", path, grace, NULL);
    g_autoptr (KbcTestResponse) gone = request (fixture, "DELETE", path, grace, NULL);
    assert_not_found (read);
    assert_not_found (gone);
    g_assert_cmpuint (verify_status (fixture, token), ==, 200);
  }
  {
    g_autofree char *grace_path = item_path (token_id (grace));
    g_autoptr (KbcTestResponse) read = request (fixture, "GET", grace_path, token, NULL);
    g_autoptr (KbcTestResponse) gone = request (fixture, "DELETE", grace_path, token, NULL);
    assert_not_found (read);
    assert_not_found (gone);
    g_assert_cmpuint (verify_status (fixture, grace), ==, 200);
  }

  /* Ids that are none. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autofree char *bad = g_strdup_printf (TOKENS "/%s", bad_ids[i]);
      g_autoptr (KbcTestResponse) read = request (fixture, "GET", bad, fixture->session, NULL);

      g_test_message ("GET %s", bad);
      g_assert_cmpuint (read->status, ==, 404);
    }

  /* Deleting: 204, then it is refused and gone. */
  {
    g_autoptr (KbcTestResponse) deleted = request (fixture, "DELETE", path, fixture->session, NULL);
    g_autoptr (KbcTestResponse) again = NULL;
    g_autoptr (KbcTestResponse) read = NULL;
    g_autoptr (KbcTestResponse) list = NULL;

    g_assert_cmpuint (deleted->status, ==, 204);
    g_assert_cmpuint (deleted->body_len, ==, 0);
    g_assert_cmpuint (verify_status (fixture, token), ==, 401);
    again = request (fixture, "DELETE", path, fixture->session, NULL);
    assert_not_found (again);
    read = request (fixture, "GET", path, fixture->session, NULL);
    assert_not_found (read);
    list = request (fixture, "GET", TOKENS, fixture->session, NULL);
    g_assert_null (find_in_list (list, id));
  }

  /* Another session of the user is revoked the same way. */
  {
    g_autoptr (KbcTestResponse) deleted =
        request (fixture, "DELETE", second_path, fixture->session, NULL);

    g_assert_cmpuint (deleted->status, ==, 204);
    g_assert_cmpuint (verify_status (fixture, second), ==, 401);
    g_assert_cmpuint (verify_status (fixture, fixture->session), ==, 200);
  }

  /* Without a token: 401 before anything else. */
  {
    g_autoptr (KbcTestResponse) anonymous = request (fixture, "DELETE", second_path, NULL, NULL);
    g_assert_cmpuint (anonymous->status, ==, 401);
  }
}

/* ---- expiry ---- */

static void
test_expired (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) created =
      create (fixture, fixture->session, "{\"description\": \"Expiring\", \"expiresIn\": 3600}");
  const char *token = kbc_test_response_string (created, "token");
  gint64 id = token_id (token);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *path = item_path (id);
  g_autofree char *out = NULL;

  g_assert_cmpuint (verify_status (fixture, token), ==, 200);
  out = kbc_test_server_admin (fixture->server, NULL, "token", "expire", "--id", id_text, NULL);

  /* Refused, as expired… */
  {
    g_autoptr (KbcTestResponse) who =
        request (fixture, "GET", "/manage/tokens/verify", token, NULL);
    g_assert_cmpuint (who->status, ==, 401);
    g_assert_cmpstr (kbc_test_response_string (who, "code"), ==, "tokenExpired");
  }
  {
    g_autoptr (KbcTestResponse) list = request (fixture, "GET", TOKENS, token, NULL);
    g_assert_cmpuint (list->status, ==, 401);
  }

  /* …and still listed, marked so, until deleted. */
  {
    g_autoptr (KbcTestResponse) list = request (fixture, "GET", TOKENS, fixture->session, NULL);
    JsonObject *object = find_in_list (list, id);

    g_assert_nonnull (object);
    g_assert_true (json_object_get_boolean_member (object, "isExpired"));
  }
  {
    g_autoptr (KbcTestResponse) item = request (fixture, "GET", path, fixture->session, NULL);
    g_assert_true (json_object_get_boolean_member (kbc_test_response_object (item), "isExpired"));
  }
  {
    g_autoptr (KbcTestResponse) deleted = request (fixture, "DELETE", path, fixture->session, NULL);
    g_autoptr (KbcTestResponse) list = request (fixture, "GET", TOKENS, fixture->session, NULL);

    g_assert_cmpuint (deleted->status, ==, 204);
    g_assert_null (find_in_list (list, id));
  }
}

/* ---- lastUsed ---- */

static gint64
data_version (sqlite3 *db)
{
  sqlite3_stmt *stmt;
  gint64 version;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA data_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* lastUsed of @token as verify shows it, in Unix time. */
static gint64
last_used (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) who = request (fixture, "GET", "/manage/tokens/verify", token, NULL);

  g_assert_cmpuint (who->status, ==, 200);
  return get_unix (kbc_test_response_object (who), "lastUsed");
}

static void
age (Fixture *fixture, const char *token, const char *seconds)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, token_id (token));
  g_autofree char *out = kbc_test_server_admin (fixture->server, NULL, "token", "age", "--id", id,
                                                "--seconds", seconds, NULL);

  g_assert_cmpstr (out, ==, id);
}

static void
test_last_used_throttled (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email",
                                                  EMAIL, "--description", "Busy", NULL);
  gint64 first;
  gint64 version;
  sqlite3 *db;

  /* The first use is written. */
  first = last_used (fixture, token);

  /* Uses within the minute are reads: no other connection sees a write. */
  g_assert_cmpint (
      sqlite3_open_v2 (kbc_test_server_get_db (fixture->server), &db, SQLITE_OPEN_READONLY, NULL),
      ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  version = data_version (db);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (last_used (fixture, token), ==, first);
  g_assert_cmpint (data_version (db), ==, version);
  sqlite3_close (db);

  /* 20 seconds later (as far as the token knows): still not written. */
  age (fixture, token, "20");
  g_assert_cmpint (last_used (fixture, token), ==, first - 20);

  /* A minute after the last write: the use is written again. */
  age (fixture, token, "41");
  g_assert_cmpint (last_used (fixture, token), >=, first);

  /* The list shows the same. */
  {
    g_autoptr (KbcTestResponse) list = request (fixture, "GET", TOKENS, fixture->session, NULL);
    g_assert_cmpint (get_unix (find_in_list (list, token_id (token)), "lastUsed"), >=, first);
  }

  /* Aging a token that is not there fails, naming it. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (kbc_test_server_admin_full (fixture->server, NULL, &out, &err, "token", "age",
                                                 "--id", "999999", "--seconds", "5", NULL),
                     !=, 0);
    g_assert_nonnull (strstr (err, "999999"));
  }
}

/* ---- where sessions come from ---- */

static void
test_client_name (void)
{
  g_autofree char *long_agent = g_strnfill (300, 'a');
  g_autofree char *capped = kbc_tokens_client_name (long_agent);
  g_autofree char *spaced = kbc_tokens_client_name ("  KBC\tAccount \r\n  1.0  ");
  g_autofree char *spoofed = kbc_tokens_client_name ("Firefox\u202E\u200Bxe.exe");
  g_autofree char *broken = kbc_tokens_client_name ("caf\xe9 client");
  g_autofree char *markup = kbc_tokens_client_name ("<b>bold</b> &amp;");
  g_autofree char *blank = kbc_tokens_client_name (" \t ");

  g_assert_null (kbc_tokens_client_name (NULL));
  g_assert_null (blank);
  g_assert_cmpuint (g_utf8_strlen (capped, -1), ==, KBC_TOKEN_MAX_CLIENT_NAME);
  g_assert_cmpstr (spaced, ==, "KBC Account 1.0");
  g_assert_cmpstr (spoofed, ==, "Firefoxxe.exe");
  g_assert_true (g_utf8_validate (broken, -1, NULL));
  g_assert_true (g_str_has_prefix (broken, "caf"));
  g_assert_true (g_str_has_suffix (broken, " client"));
  /* Kept as text: whoever shows it does not parse it. */
  g_assert_cmpstr (markup, ==, "<b>bold</b> &amp;");
}

static void
test_new_client (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcStore) store = NULL;
  g_autofree char *again = NULL;
  g_autofree char *bidi = NULL;
  g_autoptr (KbcTestResponse) list = NULL;
  gboolean known = TRUE;

  store = kbc_store_open (kbc_test_server_get_db (fixture->server), &error);
  g_assert_no_error (error);

  /* The fixture's sign-in recorded its client, and only for Ada. */
  g_assert_true (
      kbc_store_client_known (store, fixture->user_id, USER_AGENT, "127.0.0.1", &known, &error));
  g_assert_true (known);
  g_assert_true (kbc_store_client_known (store, fixture->user_id, "Other App/2.0", "127.0.0.1",
                                         &known, &error));
  g_assert_false (known);
  g_assert_true (
      kbc_store_client_known (store, fixture->user_id, USER_AGENT, "192.0.2.7", &known, &error));
  g_assert_false (known);
  g_assert_true (kbc_store_client_known (store, fixture->user_id + 1, USER_AGENT, "127.0.0.1",
                                         &known, &error));
  g_assert_false (known);

  /* A new client becomes known by signing in. */
  again = login_as (fixture, EMAIL, "Other App/2.0");
  g_assert_true (kbc_store_client_known (store, fixture->user_id, "Other App/2.0", "127.0.0.1",
                                         &known, &error));
  g_assert_true (known);

  /* Recording tells first from later. */
  {
    gboolean first_time = FALSE;

    g_assert_true (kbc_store_client_record (store, fixture->user_id, "Test/1", "192.0.2.7", 1000,
                                            &first_time, &error));
    g_assert_true (first_time);
    g_assert_true (kbc_store_client_record (store, fixture->user_id, "Test/1", "192.0.2.7", 2000,
                                            &first_time, &error));
    g_assert_false (first_time);
    g_assert_no_error (error);
  }

  /* A name is cleaned before it is kept, whatever the client sends. */
  bidi = login_as (fixture, EMAIL, "Evil\u202Egnp.exe  \t<i>x</i>");
  list = request (fixture, "GET", TOKENS, fixture->session, NULL);
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (find_in_list (list, token_id (bidi)), "client"), "name"),
      ==, "Evilgnp.exe <i>x</i>");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/server-tokens/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("list", test_list);
  ADD ("create", test_create);
  ADD ("expiry-bounds", test_expiry_bounds);
  ADD ("bad-input", test_bad_input);
  ADD ("secret-not-stored", test_secret_not_stored);
  ADD ("get-and-delete", test_get_and_delete);
  ADD ("expired", test_expired);
  ADD ("last-used-throttled", test_last_used_throttled);
  ADD ("new-client", test_new_client);
  g_test_add_func ("/kbc/server-tokens/client-name", test_client_name);

#undef ADD

  return g_test_run ();
}
