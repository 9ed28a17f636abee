/* test-server-auth.c: sign-in, sign-out, /manage/tokens/verify and the
 * password, over real HTTP against a real kbc-account-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-utils.h"
#include "kbc-time.h"

#include <gio/gio.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <string.h>

#define EMAIL    "ada@example.test"
#define NAME     "Ada Lovelace"
#define PASSWORD "Copper-Kettle-Morning-93"
#define OTHER    "grace@example.test"

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

static KbcTestResponse *
post_login (Fixture *fixture, const char *email, const char *password)
{
  g_autofree char *body =
      g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email, password);

  return kbc_test_server_request (fixture->server, "POST", "/manage/auth/login", NULL, body);
}

static KbcTestResponse *
verify (Fixture *fixture, const char *token)
{
  return kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);
}

/* Keboola's error JSON: error, code, exceptionId (and errors[] when given). */
static void
assert_error_json (KbcTestResponse *response, guint status)
{
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (response->content_type, ==, "application/json");
  object = kbc_test_response_object (response);
  g_assert_true (json_object_has_member (object, "error"));
  g_assert_cmpstr (json_object_get_string_member (object, "error"), !=, "");
  g_assert_true (json_object_has_member (object, "code"));
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (object, "exceptionId"), "exception-"));
}

/* The errors[] keys, in order, joined by commas. */
static char *
error_keys (KbcTestResponse *response)
{
  JsonObject *object = kbc_test_response_object (response);
  g_autoptr (GString) keys = g_string_new (NULL);
  JsonArray *errors;

  if (!json_object_has_member (object, "errors"))
    return g_strdup ("");
  errors = json_object_get_array_member (object, "errors");
  for (guint i = 0; i < json_array_get_length (errors); i++)
    {
      JsonObject *entry = json_array_get_object_element (errors, i);

      g_assert_nonnull (json_object_get_string_member (entry, "message"));
      if (keys->len > 0)
        g_string_append_c (keys, ',');
      g_string_append (keys, json_object_get_string_member (entry, "key"));
    }
  return g_string_free (g_steal_pointer (&keys), FALSE);
}

/* The errors[] codes, in order, joined by commas ("-" for none). */
static char *
error_codes (KbcTestResponse *response)
{
  JsonObject *object = kbc_test_response_object (response);
  g_autoptr (GString) codes = g_string_new (NULL);
  JsonArray *errors = json_object_get_array_member (object, "errors");

  for (guint i = 0; i < json_array_get_length (errors); i++)
    {
      JsonObject *entry = json_array_get_object_element (errors, i);

      if (codes->len > 0)
        g_string_append_c (codes, ',');
      g_string_append (codes, json_object_has_member (entry, "code")
                                  ? json_object_get_string_member (entry, "code")
                                  : "-");
    }
  return g_string_free (g_steal_pointer (&codes), FALSE);
}

static void
assert_timestamp (JsonObject *object, const char *member)
{
  const char *text = json_object_get_string_member (object, member);
  g_autoptr (GDateTime) parsed = NULL;

  g_assert_nonnull (text);
  g_assert_true (
      g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4}$", text, 0, 0));
  parsed = kbc_time_parse (text);
  g_assert_nonnull (parsed);
}

static void
assert_members (JsonObject *object, const char *const *expected)
{
  g_autoptr (GList) members = json_object_get_members (object);

  g_assert_cmpuint (g_list_length (members), ==, g_strv_length ((GStrv) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    if (!json_object_has_member (object, expected[i]))
      g_error ("member %s is missing", expected[i]);
}

static void
test_login_and_verify (Fixture *fixture, gconstpointer data)
{
  static const char *const token_members[] = { "id",        "description", "created",
                                               "lastUsed",  "expires",     "isSessionToken",
                                               "isExpired", "isDisabled",  "scopes",
                                               "type",      "creator",     "user",
                                               NULL };
  static const char *const user_members[] = { "id",           "name",     "email",
                                              "mfaEnabled",   "features", "canAccessLogs",
                                              "isSuperAdmin", NULL };
  static const char *const creator_members[] = { "id", "name", NULL };
  g_autoptr (KbcTestResponse) login = NULL;
  g_autoptr (KbcTestResponse) who = NULL;
  g_autoptr (GDateTime) created = NULL;
  g_autoptr (GDateTime) expires = NULL;
  JsonObject *object;
  JsonObject *user;
  const char *token;

  login = post_login (fixture, EMAIL, PASSWORD);
  g_assert_cmpuint (login->status, ==, 201);
  object = kbc_test_response_object (login);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ok");
  token = json_object_get_string_member (object, "token");
  g_assert_true (g_regex_match_simple ("^[0-9]+-[A-Za-z0-9]{40}$", token, 0, 0));
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==,
                   g_ascii_strtoll (token, NULL, 10));
  /* A session is the reference's "admin" token; isSessionToken says which. */
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "admin");
  g_assert_true (json_object_get_boolean_member (object, "isSessionToken"));

  who = verify (fixture, token);
  g_assert_cmpuint (who->status, ==, 200);
  object = kbc_test_response_object (who);
  assert_members (object, token_members);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==,
                   g_ascii_strtoll (token, NULL, 10));
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "admin");
  g_assert_true (json_object_get_boolean_member (object, "isSessionToken"));
  g_assert_false (json_object_get_boolean_member (object, "isExpired"));
  g_assert_false (json_object_get_boolean_member (object, "isDisabled"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "scopes")), ==, 0);
  assert_timestamp (object, "created");
  assert_timestamp (object, "lastUsed");
  assert_timestamp (object, "expires");

  /* Sessions live 14 days. */
  created = kbc_time_parse (json_object_get_string_member (object, "created"));
  expires = kbc_time_parse (json_object_get_string_member (object, "expires"));
  g_assert_cmpint (g_date_time_difference (expires, created) / G_TIME_SPAN_SECOND, ==,
                   14 * 24 * 3600);

  assert_members (json_object_get_object_member (object, "creator"), creator_members);
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (object, "creator"), "id"), ==,
      fixture->user_id);

  user = json_object_get_object_member (object, "user");
  assert_members (user, user_members);
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, fixture->user_id);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, NAME);
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, EMAIL);
  g_assert_false (json_object_get_boolean_member (user, "mfaEnabled"));
  g_assert_false (json_object_get_boolean_member (user, "isSuperAdmin"));
  g_assert_false (json_object_get_boolean_member (user, "canAccessLogs"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (user, "features")));
}

static void
test_email_case_insensitive (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) login = post_login (fixture, "ADA@Example.TEST", PASSWORD);

  g_assert_cmpuint (login->status, ==, 201);
}

static void
test_wrong_credentials (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) wrong_password = post_login (fixture, EMAIL, "Not-The-Password-1");
  g_autoptr (KbcTestResponse) wrong_email = post_login (fixture, "nobody@example.test", PASSWORD);

  assert_error_json (wrong_password, 401);
  assert_error_json (wrong_email, 401);
  /* One message for both: the answer does not tell whether the account exists. */
  g_assert_cmpstr (kbc_test_response_string (wrong_password, "error"), ==,
                   kbc_test_response_string (wrong_email, "error"));
  g_assert_cmpstr (kbc_test_response_string (wrong_password, "code"), ==,
                   kbc_test_response_string (wrong_email, "code"));
  g_assert_null (strstr (wrong_password->body, "token"));
}

static void
test_rate_limit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) limited = NULL;
  g_autoptr (KbcTestResponse) still_limited = NULL;
  g_autoptr (KbcTestResponse) other = NULL;
  guint64 retry_after = 0;

  kbc_test_server_add_user (fixture->server, OTHER, "Grace Hopper", PASSWORD);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (KbcTestResponse) response = post_login (fixture, EMAIL, "Not-The-Password-1");
      assert_error_json (response, 401);
      g_assert_null (response->retry_after);
    }

  /* The eleventh attempt is refused even with the right password. */
  limited = post_login (fixture, EMAIL, PASSWORD);
  assert_error_json (limited, 429);
  g_assert_nonnull (limited->retry_after);
  g_assert_true (
      g_ascii_string_to_unsigned (limited->retry_after, 10, 1, 15 * 60, &retry_after, NULL));

  /* The limit is per account, whatever the case of the email. */
  still_limited = post_login (fixture, "Ada@Example.test", "Not-The-Password-1");
  assert_error_json (still_limited, 429);
  other = post_login (fixture, OTHER, PASSWORD);
  g_assert_cmpuint (other->status, ==, 201);
}

static void
test_rate_limit_unknown_account (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) limited = NULL;

  /* Unknown accounts are limited the same way, so 429 reveals nothing. */
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (KbcTestResponse) response = post_login (fixture, "nobody@example.test", "x");
      assert_error_json (response, 401);
    }
  limited = post_login (fixture, "nobody@example.test", "x");
  assert_error_json (limited, 429);
  g_assert_nonnull (limited->retry_after);
}

static void
test_bad_bodies (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *body;
    const char *keys;
  } cases[] = {
    { "{\"email\": ", NULL },
    { "not json at all", NULL },
    { "[1, 2, 3]", NULL },
    { "\"a string\"", NULL },
    { "", NULL },
    { "{}", "email,password" },
    { "{\"email\": \"" EMAIL "\"}", "password" },
    { "{\"password\": \"x\"}", "email" },
    { "{\"email\": 42, \"password\": \"x\"}", "email" },
    { "{\"email\": \"" EMAIL "\", \"password\": [\"x\"]}", "password" },
    { "{\"email\": null, \"password\": {\"a\": 1}}", "email,password" },
    { "{\"email\": \"\", \"password\": \"\"}", "email,password" },
    { "{\"email\": true, \"password\": 1.5}", "email,password" },
  };
  g_autoptr (GString) big = g_string_new ("{\"email\": \"");
  g_autoptr (KbcTestResponse) oversized = NULL;
  g_autoptr (KbcTestResponse) alive = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (KbcTestResponse) response = NULL;
      g_autofree char *keys = NULL;

      g_test_message ("body: %s", cases[i].body);
      response = kbc_test_server_request (fixture->server, "POST", "/manage/auth/login", NULL,
                                          cases[i].body);
      assert_error_json (response, 400);
      keys = error_keys (response);
      g_assert_cmpstr (keys, ==, cases[i].keys != NULL ? cases[i].keys : "");
    }

  /* 100 KiB: over the 64 KiB cap. */
  while (big->len < 100 * 1024)
    g_string_append (big, "aaaaaaaaaaaaaaaa");
  g_string_append (big, "\", \"password\": \"x\"}");
  oversized =
      kbc_test_server_request (fixture->server, "POST", "/manage/auth/login", NULL, big->str);
  assert_error_json (oversized, 400);

  /* None of that hurt the server. */
  alive = post_login (fixture, EMAIL, PASSWORD);
  g_assert_cmpuint (alive->status, ==, 201);
}

static void
test_routes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) unknown = NULL;
  g_autoptr (KbcTestResponse) outside = NULL;
  g_autoptr (KbcTestResponse) wrong_method = NULL;
  g_autoptr (KbcTestResponse) wrong_method2 = NULL;

  unknown = kbc_test_server_request (fixture->server, "GET", "/manage/no-such-thing", NULL, NULL);
  assert_error_json (unknown, 404);
  outside = kbc_test_server_request (fixture->server, "GET", "/", NULL, NULL);
  assert_error_json (outside, 404);

  wrong_method =
      kbc_test_server_request (fixture->server, "DELETE", "/manage/tokens/verify", NULL, NULL);
  assert_error_json (wrong_method, 405);
  g_assert_cmpstr (wrong_method->allow, ==, "GET");

  wrong_method2 =
      kbc_test_server_request (fixture->server, "GET", "/manage/auth/login", NULL, NULL);
  assert_error_json (wrong_method2, 405);
  g_assert_cmpstr (wrong_method2->allow, ==, "POST");
}

static void
test_methods (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) anonymous = NULL;
  g_autoptr (KbcTestResponse) signed_in = NULL;
  g_autoptr (KbcTestResponse) wrong_method = NULL;

  /* Asked before signing in: no token needed, and one is no different. */
  anonymous = kbc_test_server_request (fixture->server, "GET", "/manage/auth/methods", NULL, NULL);
  g_assert_cmpuint (anonymous->status, ==, 200);
  g_assert_cmpstr (anonymous->content_type, ==, "application/json");
  g_assert_cmpstr (anonymous->body, ==, "{\"methods\":[\"password\",\"token\"]}");

  signed_in = kbc_test_server_request (fixture->server, "GET", "/manage/auth/methods", token, NULL);
  g_assert_cmpuint (signed_in->status, ==, 200);
  g_assert_cmpstr (signed_in->body, ==, anonymous->body);

  wrong_method =
      kbc_test_server_request (fixture->server, "POST", "/manage/auth/methods", NULL, "{}");
  assert_error_json (wrong_method, 405);
  g_assert_cmpstr (wrong_method->allow, ==, "GET");
}

static void
test_bad_tokens (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *forged = g_strdup (token);
  g_autoptr (KbcTestResponse) missing = verify (fixture, NULL);
  g_autoptr (KbcTestResponse) garbage = verify (fixture, "garbage");
  g_autoptr (KbcTestResponse) no_such = NULL;
  g_autoptr (KbcTestResponse) wrong_secret = NULL;
  char *last = forged + strlen (forged) - 1;

  assert_error_json (missing, 401);
  assert_error_json (garbage, 401);
  no_such = verify (fixture, "999999-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  assert_error_json (no_such, 401);

  /* The right id with one character of the secret changed. */
  *last = *last == 'a' ? 'b' : 'a';
  wrong_secret = verify (fixture, forged);
  assert_error_json (wrong_secret, 401);
}

static void
test_expired_token (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *id = g_strndup (token, strchr (token, '-') - token);
  g_autofree char *out = NULL;
  g_autoptr (KbcTestResponse) before = verify (fixture, token);
  g_autoptr (KbcTestResponse) after = NULL;

  g_assert_cmpuint (before->status, ==, 200);

  /* `token expire` is the operator's way to end a token now (documented in
   * --help); the server checks expiry the same way for a natural end. */
  out = kbc_test_server_admin (fixture->server, NULL, "token", "expire", "--id", id, NULL);
  g_assert_cmpstr (out, ==, id);

  after = verify (fixture, token);
  assert_error_json (after, 401);
  g_assert_cmpstr (kbc_test_response_string (after, "code"), ==, "tokenExpired");
}

static void
test_logout (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *other = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) logout = NULL;
  g_autoptr (KbcTestResponse) after = NULL;
  g_autoptr (KbcTestResponse) again = NULL;
  g_autoptr (KbcTestResponse) untouched = NULL;
  g_autoptr (KbcTestResponse) anonymous = NULL;

  logout = kbc_test_server_request (fixture->server, "POST", "/manage/auth/logout", token, NULL);
  g_assert_cmpuint (logout->status, ==, 204);
  g_assert_cmpuint (logout->body_len, ==, 0);

  after = verify (fixture, token);
  assert_error_json (after, 401);
  again = kbc_test_server_request (fixture->server, "POST", "/manage/auth/logout", token, NULL);
  assert_error_json (again, 401);
  anonymous = kbc_test_server_request (fixture->server, "POST", "/manage/auth/logout", NULL, NULL);
  assert_error_json (anonymous, 401);

  /* Only the calling token is revoked. */
  untouched = verify (fixture, other);
  g_assert_cmpuint (untouched->status, ==, 200);
}

static KbcTestResponse *
put_password (Fixture *fixture, const char *token, const char *current, const char *new_password)
{
  g_autofree char *body = g_strdup_printf ("{\"currentPassword\": \"%s\", \"newPassword\": \"%s\"}",
                                           current, new_password);

  return kbc_test_server_request (fixture->server, "PUT", "/manage/current-user/password", token,
                                  body);
}

static void
test_password_change (Fixture *fixture, gconstpointer data)
{
  const char *new_password = "Violet-Orchard-Signal-58";
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *other = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) changed = NULL;
  g_autoptr (KbcTestResponse) caller = NULL;
  g_autoptr (KbcTestResponse) revoked = NULL;
  g_autoptr (KbcTestResponse) old_login = NULL;
  g_autoptr (KbcTestResponse) new_login = NULL;

  changed = put_password (fixture, token, PASSWORD, new_password);
  g_assert_cmpuint (changed->status, ==, 204);

  /* The calling session stays; the user's other sessions are revoked. */
  caller = verify (fixture, token);
  g_assert_cmpuint (caller->status, ==, 200);
  revoked = verify (fixture, other);
  assert_error_json (revoked, 401);

  old_login = post_login (fixture, EMAIL, PASSWORD);
  assert_error_json (old_login, 401);
  new_login = post_login (fixture, EMAIL, new_password);
  g_assert_cmpuint (new_login->status, ==, 201);
}

static void
test_password_rules (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *current;
    const char *new_password;
    const char *keys;
    const char *codes;
  } cases[] = {
    /* wrong current password */
    { "Not-The-Password-1", "Violet-Orchard-Signal-58", "currentPassword", "currentPasswordWrong" },
    /* shorter than 12 */
    { PASSWORD, "Sh0rt-pw", "newPassword", "tooShort" },
    /* the email, or its local part */
    { PASSWORD, "xx-ada@example.test-xx", "newPassword", "containsEmail" },
    { PASSWORD, "Strong-ADA-Harbor-77", "newPassword", "containsEmail" },
    /* a dictionary word */
    { PASSWORD, "characteristics", "newPassword", "dictionary" },
    /* the same as the old one */
    { PASSWORD, PASSWORD, "newPassword", "samePassword" },
    /* several at once: each broken rule is its own entry */
    { "Not-The-Password-1", "ada", "currentPassword,newPassword,newPassword",
      "currentPasswordWrong,tooShort,containsEmail" },
  };
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) missing = NULL;
  g_autoptr (KbcTestResponse) still = NULL;
  g_autofree char *missing_keys = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (KbcTestResponse) response = NULL;
      g_autofree char *keys = NULL;
      g_autofree char *codes = NULL;

      g_test_message ("new password: %s", cases[i].new_password);
      response = put_password (fixture, token, cases[i].current, cases[i].new_password);
      assert_error_json (response, 400);
      keys = error_keys (response);
      g_assert_cmpstr (keys, ==, cases[i].keys);
      codes = error_codes (response);
      g_assert_cmpstr (codes, ==, cases[i].codes);
    }

  missing = kbc_test_server_request (fixture->server, "PUT", "/manage/current-user/password", token,
                                     "{\"newPassword\": 5}");
  assert_error_json (missing, 400);
  missing_keys = error_keys (missing);
  g_assert_cmpstr (missing_keys, ==, "currentPassword,newPassword");

  /* Nothing changed. */
  still = post_login (fixture, EMAIL, PASSWORD);
  g_assert_cmpuint (still->status, ==, 201);
}

static gboolean
bytes_contain (const guint8 *data, gsize len, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= len && i <= len - n; i++)
    if (memcmp (data + i, needle, n) == 0)
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
test_token_stored_hashed (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  const char *secret = strchr (token, '-') + 1;
  const char *db_path = kbc_test_server_get_db (fixture->server);
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  guint8 expected[SHA256_DIGEST_LENGTH];
  gboolean hash_found = FALSE;
  sqlite3_stmt *stmt;
  sqlite3 *db;

  SHA256 ((const guint8 *) secret, strlen (secret), expected);

  /* Every value of every table, read through SQLite… */
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  g_assert_cmpuint (tables->len, >, 0);

  for (guint i = 0; i < tables->len; i++)
    {
      /* Table names come from sqlite_master, not from input. */
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", (char *) tables->pdata[i]);

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        for (int column = 0; column < sqlite3_column_count (stmt); column++)
          {
            const guint8 *value = sqlite3_column_blob (stmt, column);
            int len = sqlite3_column_bytes (stmt, column);

            if (value == NULL)
              continue;
            g_assert_false (bytes_contain (value, len, secret));
            if (len == SHA256_DIGEST_LENGTH && memcmp (value, expected, len) == 0)
              hash_found = TRUE;
          }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);

  /* …only its SHA-256 is kept… */
  g_assert_true (hash_found);

  /* …and not in the raw files either (pages not yet checkpointed). */
  assert_file_lacks (db_path, secret);
  assert_file_lacks (wal_path, secret);
  assert_file_lacks (db_path, PASSWORD);
  assert_file_lacks (wal_path, PASSWORD);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/server-auth/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  /* Two groups, run as two meson tests (-p) so that each stays short. */
  ADD ("session/login-and-verify", test_login_and_verify);
  ADD ("session/email-case-insensitive", test_email_case_insensitive);
  ADD ("session/methods", test_methods);
  ADD ("session/bad-tokens", test_bad_tokens);
  ADD ("session/expired-token", test_expired_token);
  ADD ("session/logout", test_logout);
  ADD ("session/token-stored-hashed", test_token_stored_hashed);
  ADD ("session/password-change", test_password_change);
  ADD ("session/password-rules", test_password_rules);
  ADD ("limits/wrong-credentials", test_wrong_credentials);
  ADD ("limits/rate-limit", test_rate_limit);
  ADD ("limits/rate-limit-unknown-account", test_rate_limit_unknown_account);
  ADD ("limits/bad-bodies", test_bad_bodies);
  ADD ("limits/routes", test_routes);

#undef ADD

  return g_test_run ();
}
