/* test-server-hardening-input.c: what issue 11's review found about input,
 * over real HTTP (and raw sockets, for what no client library sends) to a
 * real kbc-account-server: NUL bytes in secrets, common passwords, libevent's
 * own error replies, request framing, the log, and the WebAuthn rp id
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-utils.h"

#include <gio/gio.h>
#include <string.h>

#define EMAIL    "ada@example.test"
#define NAME     "Ada Lovelace"
#define PASSWORD "Copper-Kettle-Morning-93"

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

/* Keboola's error JSON: error, code, exceptionId. */
static JsonObject *
assert_error_object (JsonNode *node)
{
  JsonObject *object;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "error", ""), !=, "");
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "code", ""), !=, "");
  g_assert_true (g_str_has_prefix (
      json_object_get_string_member_with_default (object, "exceptionId", ""), "exception-"));
  return object;
}

/* The errors[] codes of @key, joined by commas. */
static char *
field_codes (KbcTestResponse *response, const char *key)
{
  JsonObject *object = kbc_test_response_object (response);
  g_autoptr (GString) codes = g_string_new (NULL);
  JsonArray *errors;

  if (!json_object_has_member (object, "errors"))
    return g_strdup ("");
  errors = json_object_get_array_member (object, "errors");
  for (guint i = 0; i < json_array_get_length (errors); i++)
    {
      JsonObject *entry = json_array_get_object_element (errors, i);

      if (!g_str_equal (json_object_get_string_member (entry, "key"), key))
        continue;
      if (codes->len > 0)
        g_string_append_c (codes, ',');
      g_string_append (codes, json_object_get_string_member_with_default (entry, "code", "-"));
    }
  return g_string_free (g_steal_pointer (&codes), FALSE);
}

/* ---- NUL bytes ---- */

static void
test_nul_in_secrets (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *body;
    const char *key;
  } cases[] = {
    /* The right password and anything after a NUL: never the password. */
    { "{\"email\": \"" EMAIL "\", \"password\": \"" PASSWORD "\\u0000anything\"}", "password" },
    { "{\"email\": \"" EMAIL "\\u0000@evil.test\", \"password\": \"" PASSWORD "\"}", "email" },
    /* \\u0000 is a backslash and "u0000" as text: no NUL there. */
    { "{\"email\": \"" EMAIL "\", \"password\": \"x\\\\u0000\", \"n\": {\"deep\": \"\\u0000\"}}",
      "n" },
  };
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) change = NULL;
  g_autoptr (KbcTestResponse) still = NULL;
  g_autofree char *codes = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (KbcTestResponse) response = NULL;
      g_autofree char *key_codes = NULL;

      g_test_message ("body: %s", cases[i].body);
      response = kbc_test_server_request (fixture->server, "POST", "/manage/auth/login", NULL,
                                          cases[i].body);
      g_assert_cmpuint (response->status, ==, 400);
      assert_error_object (response->json);
      key_codes = field_codes (response, cases[i].key);
      g_assert_cmpstr (key_codes, ==, "invalidCharacters");
    }

  /* A new password is not cut either: "…\u0000" is refused, not stored as
   * its first part. */
  change = kbc_test_server_request (fixture->server, "PUT", "/manage/current-user/password", token,
                                    "{\"currentPassword\": \"" PASSWORD
                                    "\", \"newPassword\": \"Violet-Orchard-Signal-58"
                                    "\\u0000\"}");
  g_assert_cmpuint (change->status, ==, 400);
  codes = field_codes (change, "newPassword");
  g_assert_cmpstr (codes, ==, "invalidCharacters");
  still = kbc_test_server_request (fixture->server, "POST", "/manage/auth/login", NULL,
                                   "{\"email\": \"" EMAIL "\", \"password\": \"" PASSWORD "\"}");
  g_assert_cmpuint (still->status, ==, 201);
}

/* ---- common passwords ---- */

static void
test_common_passwords_refused (Fixture *fixture, gconstpointer data)
{
  static const char *const common[] = {
    "password1234",      /* the list, trailing digits stripped */
    "P@ssw0rd1234",      /* substitutions undone */
    "passwordpassword",  /* a word repeated */
    "Welcome2024!",      /* trailing digits and a symbol */
    "Qwertyuiop123",     /* the list, in another case */
    "Football!Football", /* repeated, with a symbol between */
  };
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) fine = NULL;
  g_autofree char *err = NULL;
  int status;

  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    {
      g_autofree char *body = g_strdup_printf (
          "{\"currentPassword\": \"" PASSWORD "\", \"newPassword\": \"%s\"}", common[i]);
      g_autoptr (KbcTestResponse) response = NULL;
      g_autofree char *codes = NULL;
      g_auto (GStrv) each = NULL;

      g_test_message ("new password: %s", common[i]);
      response = kbc_test_server_request (fixture->server, "PUT", "/manage/current-user/password",
                                          token, body);
      g_assert_cmpuint (response->status, ==, 400);
      codes = field_codes (response, "newPassword");
      each = g_strsplit (codes, ",", -1);
      g_assert_true (g_strv_contains ((const char *const *) each, "common"));
    }

  /* The operator's `user add` keeps the same policy. */
  status = kbc_test_server_admin_full (fixture->server, "P@ssw0rd1234", NULL, &err, "user", "add",
                                       "--email", "grace@example.test", "--name", "Grace", NULL);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "common"));

  /* A passphrase is still fine. */
  fine = kbc_test_server_request (fixture->server, "PUT", "/manage/current-user/password", token,
                                  "{\"currentPassword\": \"" PASSWORD
                                  "\", \"newPassword\": \"Violet-Orchard-Signal-58\"}");
  g_assert_cmpuint (fine->status, ==, 204);
}

/* ---- libevent's own replies ---- */

typedef struct
{
  guint status;
  GHashTable *headers; /* lower-case name → value */
  JsonNode *json;
  gsize consumed; /* bytes of the raw text this response took */
} RawResponse;

static void
raw_response_free (RawResponse *response)
{
  g_clear_pointer (&response->headers, g_hash_table_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawResponse, raw_response_free)

/* Parses one HTTP response at the start of @text (status line, headers,
 * Content-Length body); NULL when there is none. */
static RawResponse *
parse_response (const char *text, gsize len)
{
  g_autoptr (RawResponse) response = g_new0 (RawResponse, 1);
  g_auto (GStrv) lines = NULL;
  g_autofree char *head = NULL;
  const char *end = g_strstr_len (text, len, "\r\n\r\n");
  const char *length_text;
  guint64 length = 0;

  if (end == NULL)
    return NULL;
  head = g_strndup (text, end - text);
  lines = g_strsplit (head, "\r\n", -1);
  /* HTTP/1.1 or 1.0, never the 0.0 libevent leaves for a request line it
   * could not read. */
  if (!g_regex_match_simple ("^HTTP/1\\.[01] \\d{3} ", lines[0], 0, 0))
    return NULL;
  response->status = g_ascii_strtoull (strchr (lines[0], ' ') + 1, NULL, 10);
  response->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      g_assert_nonnull (colon);
      g_hash_table_replace (response->headers, g_ascii_strdown (lines[i], colon - lines[i]),
                            g_strstrip (g_strdup (colon + 1)));
    }
  length_text = g_hash_table_lookup (response->headers, "content-length");
  if (length_text != NULL)
    length = g_ascii_strtoull (length_text, NULL, 10);
  response->consumed = end + 4 - text;
  if (length > 0 && response->consumed + length <= len)
    {
      g_autofree char *body = g_strndup (text + response->consumed, length);

      response->json = json_from_string (body, NULL);
      response->consumed += length;
    }
  else if (length_text == NULL)
    {
      /* Until the close. */
      g_autofree char *body = g_strndup (text + response->consumed, len - response->consumed);

      response->json = json_from_string (body, NULL);
      response->consumed = len;
    }
  return g_steal_pointer (&response);
}

/* Sends @request and expects exactly one response, a JSON error with
 * @status, and the connection closed after it. */
static void
assert_one_json_error (Fixture *fixture, const char *request, gsize len, guint status)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (RawResponse) response = NULL;
  gboolean closed = FALSE;
  gsize size;
  const char *text;

  bytes = kbc_test_raw_exchange (kbc_test_server_get_port (fixture->server), NULL, request, len,
                                 2000, &closed);
  text = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, >, 0);
  response = parse_response (text, size);
  if (response == NULL)
    g_error ("not an HTTP response: %.*s", (int) MIN (size, 200), text);
  g_test_message ("%u %s", response->status,
                  (char *) g_hash_table_lookup (response->headers, "content-type"));
  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (g_hash_table_lookup (response->headers, "content-type"), ==, "application/json");
  assert_error_object (response->json);
  /* Nothing after it (no smuggled second answer), and the connection is
   * closed. */
  g_assert_cmpuint (response->consumed, ==, size);
  g_assert_true (closed);
}

static void
test_libevent_errors_json (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GString) long_uri = g_string_new ("GET /manage/");
  g_autoptr (GString) long_header =
      g_string_new ("GET /manage/auth/methods HTTP/1.1\r\nHost: x\r\n");
  g_autoptr (GString) big_body = g_string_new (NULL);
  g_autoptr (KbcTestResponse) alive = NULL;
  const char *garbage = "\x01\x02 not http at all\r\n\r\n";
  const char *expect = "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n"
                       "Content-Length: 2\r\n\r\n{}";
  const char *method = "TRACE /manage/auth/methods HTTP/1.1\r\nHost: x\r\n\r\n";
  const char *bad_version = "GET /manage/auth/methods HTTP/9.x\r\nHost: x\r\n\r\n";
  /* No method: found by fuzzing the router, answered "HTTP/0.0 400". */
  const char *no_method = "urrent-user HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";

  assert_one_json_error (fixture, garbage, strlen (garbage), 400);
  assert_one_json_error (fixture, bad_version, strlen (bad_version), 400);
  assert_one_json_error (fixture, no_method, strlen (no_method), 400);
  assert_one_json_error (fixture, expect, strlen (expect), 417);
  assert_one_json_error (fixture, method, strlen (method), 501);

  /* A body over libevent's 1 MiB limit: 413, before it is read. */
  g_string_printf (big_body,
                   "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: %u\r\n\r\n",
                   2 * 1024 * 1024);
  assert_one_json_error (fixture, big_body->str, big_body->len, 413);

  /* A request line, or headers, over the 16 KiB limit. */
  while (long_uri->len < 20 * 1024)
    g_string_append (long_uri, "aaaaaaaaaaaaaaaa");
  g_string_append (long_uri, " HTTP/1.1\r\nHost: x\r\n\r\n");
  assert_one_json_error (fixture, long_uri->str, long_uri->len, 400);
  g_string_append (long_header, "X-Filler: ");
  while (long_header->len < 20 * 1024)
    g_string_append (long_header, "aaaaaaaaaaaaaaaa");
  g_string_append (long_header, "\r\n\r\n");
  assert_one_json_error (fixture, long_header->str, long_header->len, 400);

  alive = kbc_test_server_request (fixture->server, "GET", "/manage/auth/methods", NULL, NULL);
  g_assert_cmpuint (alive->status, ==, 200);
}

/* ---- framing ---- */

static void
test_content_length_smuggling (Fixture *fixture, gconstpointer data)
{
  /* Each carries a second request behind the first body: a proxy reading
   * the other Content-Length would see it as part of the first. */
#define SMUGGLED "GET /manage/auth/methods HTTP/1.1\r\nHost: x\r\n\r\n"
  static const char *const requests[] = {
    "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
    "Content-Length: 49\r\n\r\n{}" SMUGGLED,
    "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
    "Content-Length: 2\r\n\r\n{}" SMUGGLED,
    "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\n{}" SMUGGLED,
    "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2 0\r\n\r\n{}" SMUGGLED,
    "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: -2\r\n\r\n{}" SMUGGLED,
    "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 0x2\r\n\r\n{}" SMUGGLED,
    "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
    "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" SMUGGLED,
    "POST /manage/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    "Transfer-Encoding: identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n" SMUGGLED,
  };
#undef SMUGGLED

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_test_message ("request %u", i);
      assert_one_json_error (fixture, requests[i], strlen (requests[i]), 400);
    }
}

/* ---- the log ---- */

static void
test_log_lines_escaped (Fixture *fixture, gconstpointer data)
{
  static const char *const paths[] = {
    "/manage/%0D%0AKbcServer-Message:%20forged%20line",
    "/manage/tokens/%1B%5B31mred%1B%5B0m",
    "/manage/%E2%80%AEreversed",
    "/manage/%C2%85next-line",
  };
  const char *raw = "GET /manage/\x1b[2J\r\x0b HTTP/1.1\r\nHost: x\r\n\r\n";
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (KbcTestResponse) agent = NULL;
  g_autofree char *log = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean closed;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (KbcTestResponse) response =
          kbc_test_server_request (fixture->server, "GET", paths[i], NULL, NULL);
      g_assert_cmpuint (response->status, ==, 404);
    }
  bytes = kbc_test_raw_exchange (kbc_test_server_get_port (fixture->server), NULL, raw,
                                 strlen (raw), 500, &closed);
  agent = kbc_test_server_request_with_headers (fixture->server, "POST", "/manage/auth/login", NULL,
                                                "{\"email\": \"" EMAIL
                                                "\", \"password\": \"" PASSWORD "\"}",
                                                "User-Agent", "Evil\x1b[2J\tAgent\x7f", NULL);
  g_assert_cmpuint (agent->status, ==, 201);

  /* Every line is one log line, and no control character other than the
   * line ends reaches it. */
  log = kbc_test_server_get_log (fixture->server);
  for (const char *p = log; *p != '\0'; p++)
    if ((*p != '\n' && g_ascii_iscntrl (*p)) ||
        ((guchar) p[0] == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] < 0xa0))
      g_error ("a control character (0x%02x) in the log: %s", (guchar) *p, log);
  g_assert_null (strstr (log, "\xe2\x80\xae"));
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && !g_str_has_prefix (lines[i], "KbcServer-Message: ") &&
        !g_str_has_prefix (lines[i], "listening on "))
      g_error ("a log line that is not one: %s", lines[i]);
  g_assert_null (strstr (log, "\nKbcServer-Message: forged"));
}

/* ---- the WebAuthn relying party id ---- */

static char *
registration_rp_id (KbcTestServer *server, const char *token, const char *host)
{
  g_autoptr (KbcTestResponse) response = kbc_test_server_request_with_headers (
      server, "POST", "/manage/current-user/mfa/u2f/registrations", token,
      "{\"name\": \"Key\", \"currentPassword\": \"" PASSWORD "\"}", "Host", host, NULL);
  JsonObject *public_key;

  g_assert_cmpuint (response->status, ==, 201);
  public_key = json_object_get_object_member (kbc_test_response_object (response), "publicKey");
  return g_strdup (
      json_object_get_string_member (json_object_get_object_member (public_key, "rp"), "id"));
}

static void
test_rp_id_configured (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *evil = registration_rp_id (fixture->server, token, "evil.example");
  g_autofree char *named = NULL;
  g_autofree char *named_token = NULL;
  g_autofree char *err = NULL;
  g_autoptr (KbcTestServer) configured = NULL;
  int status;

  /* Whatever Host the client claims, the options name the server's rp id. */
  g_assert_cmpstr (evil, ==, "localhost");

  configured = kbc_test_server_new_with_args ("--rp-id", "accounts.example.test", NULL);
  kbc_test_server_add_user (configured, EMAIL, NAME, PASSWORD);
  named_token = kbc_test_server_login (configured, EMAIL, PASSWORD);
  named = registration_rp_id (configured, named_token, "127.0.0.1");
  g_assert_cmpstr (named, ==, "accounts.example.test");

  /* Away from loopback, "localhost" would be wrong: the operator names it. */
  status = kbc_test_server_admin_full (fixture->server, NULL, NULL, &err, "serve", "--listen",
                                       "0.0.0.0:0", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "--rp-id"));
  g_clear_pointer (&err, g_free);
  status = kbc_test_server_admin_full (fixture->server, NULL, NULL, &err, "serve", "--rp-id",
                                       "Not A Host", NULL);
  g_assert_cmpint (status, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                 \
  g_test_add ("/kbc/server-hardening-input/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("nul-in-secrets", test_nul_in_secrets);
  ADD ("common-passwords-refused", test_common_passwords_refused);
  ADD ("libevent-errors-json", test_libevent_errors_json);
  ADD ("content-length-smuggling", test_content_length_smuggling);
  ADD ("log-lines-escaped", test_log_lines_escaped);
  ADD ("rp-id-configured", test_rp_id_configured);

#undef ADD

  return g_test_run ();
}
