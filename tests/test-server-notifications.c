/* test-server-notifications.c: /manage/notifications, `notify`, and the
 * security notifications, over real HTTP against a real kbc-account-server
 *
 * Every security notification is made by doing the real thing over HTTP
 * (changing the password, setting up TOTP with codes from the core's
 * KbcTotp, registering a security key with the software key through the
 * app's own KbcFido), then read back from the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-demo.h"
#include "kbc-fido.h"
#include "kbc-soft-key.h"
#include "kbc-test-utils.h"
#include "kbc-totp.h"

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#define EMAIL       "ada@example.test"
#define NAME        "Ada Lovelace"
#define PASSWORD    "Copper-Kettle-Morning-93"
#define NEW_PW      "Another-Kettle-Evening-94"
#define OTHER_EMAIL "alan@example.test"
#define PATH        "/manage/notifications"
#define UNKNOWN_ID  "0b6a5c1e-3f43-4f3e-9d1a-6b0c2a1d9e77"

typedef struct
{
  KbcTestServer *server;
  gint64 user_id;
  char *token;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  fixture->user_id = kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
  g_clear_pointer (&fixture->token, g_free);
}

/* ---- helpers ---- */

static KbcTestResponse *
request (Fixture *fixture, const char *method, const char *path, const char *body)
{
  return kbc_test_server_request (fixture->server, method, path, fixture->token, body);
}

/* GET the list; asserts 200 and an ETag. */
static KbcTestResponse *
get_list_as (Fixture *fixture, const char *token)
{
  KbcTestResponse *response = kbc_test_server_request (fixture->server, "GET", PATH, token, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->content_type, ==, "application/json");
  g_assert_nonnull (response->etag);
  g_assert_true (response->json != NULL && JSON_NODE_HOLDS_ARRAY (response->json));
  return response;
}

static KbcTestResponse *
get_list (Fixture *fixture)
{
  return get_list_as (fixture, fixture->token);
}

static JsonArray *
items_of (KbcTestResponse *response)
{
  return json_node_get_array (response->json);
}

static KbcTestResponse *
get_if_none_match (Fixture *fixture, const char *etag)
{
  return kbc_test_server_request_with_headers (fixture->server, "GET", PATH, fixture->token, NULL,
                                               "If-None-Match", etag, NULL);
}

/* `notify` for one user; returns the new id. */
static char *
notify (Fixture *fixture, const char *email, const char *type, const char *title)
{
  char *id = kbc_test_server_admin (fixture->server, NULL, "notify", "--email", email, "--type",
                                    type, "--title", title, "--message", "Some *markdown*.", NULL);

  g_assert_true (g_uuid_string_is_valid (id));
  return id;
}

static KbcTestResponse *
mark (Fixture *fixture, const char *body)
{
  return request (fixture, "PUT", PATH, body);
}

static void
assert_ok (KbcTestResponse *response)
{
  if (response->status != 200)
    g_test_message ("unexpected answer %u: %s", response->status, response->body);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (kbc_test_response_string (response, "status"), ==, "ok");
}

/* 400 with errors[0] of @key (and @code when not NULL). */
static void
assert_invalid (KbcTestResponse *response, const char *key, const char *code)
{
  JsonObject *object;
  JsonArray *errors;
  JsonObject *first;

  if (response->status != 400)
    g_test_message ("unexpected answer %u: %s", response->status, response->body);
  g_assert_cmpuint (response->status, ==, 400);
  object = kbc_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "validationFailed");
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (object, "exceptionId"), "exception-"));
  errors = json_object_get_array_member (object, "errors");
  g_assert_nonnull (errors);
  g_assert_cmpuint (json_array_get_length (errors), >=, 1);
  first = json_array_get_object_element (errors, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "key"), ==, key);
  g_assert_nonnull (json_object_get_string_member (first, "message"));
  if (code != NULL)
    g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, code);
}

static JsonObject *
find_item (KbcTestResponse *list, const char *id)
{
  JsonArray *items = items_of (list);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "id"), id) == 0)
        return item;
    }
  return NULL;
}

static gboolean
is_read (Fixture *fixture, const char *id)
{
  g_autoptr (KbcTestResponse) list = get_list (fixture);
  JsonObject *item = find_item (list, id);

  g_assert_nonnull (item);
  return json_object_get_boolean_member (item, "isRead");
}

static guint
count_unread (KbcTestResponse *list)
{
  JsonArray *items = items_of (list);
  guint unread = 0;

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (!json_object_get_boolean_member (json_array_get_object_element (items, i), "isRead"))
      unread++;
  return unread;
}

/* The newest security notification, checked for its shape; NULL when
 * there is none. Owned by @list. */
static JsonObject *
newest_security (KbcTestResponse *list)
{
  JsonArray *items = items_of (list);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "type"), "security"))
        {
          g_assert_false (json_object_get_boolean_member (item, "isRead"));
          g_assert_cmpstr (json_object_get_string_member (item, "title"), !=, "");
          g_assert_cmpstr (json_object_get_string_member (item, "message"), !=, "");
          g_assert_true (json_object_get_null_member (item, "project"));
          return item;
        }
    }
  return NULL;
}

static const char *
event_of (JsonObject *item)
{
  return json_object_get_string_member (json_object_get_object_member (item, "payload"), "event");
}

/* The events of the security notifications, newest first, joined by ",". */
static char *
security_events (Fixture *fixture)
{
  g_autoptr (KbcTestResponse) list = get_list (fixture);
  JsonArray *items = items_of (list);
  g_autoptr (GString) events = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (!g_str_equal (json_object_get_string_member (item, "type"), "security"))
        continue;
      g_string_append_printf (events, "%s%s", events->len > 0 ? "," : "", event_of (item));
    }
  return g_strdup (events->str);
}

/* The message of the newest security notification. */
static char *
newest_security_message (Fixture *fixture)
{
  g_autoptr (KbcTestResponse) list = get_list (fixture);
  JsonObject *item = newest_security (list);

  g_assert_nonnull (item);
  return g_strdup (json_object_get_string_member (item, "message"));
}

/* ---- the list and its ETag ---- */

static void
test_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) empty = get_list (fixture);
  g_autoptr (KbcTestResponse) list = NULL;
  g_autoptr (KbcTestResponse) no_token = NULL;
  g_autofree char *first = NULL;
  g_autofree char *limit = NULL;
  JsonObject *item;
  JsonObject *project;

  g_assert_cmpuint (json_array_get_length (items_of (empty)), ==, 0);

  first = notify (fixture, EMAIL, "common", "First");
  limit =
      kbc_test_server_admin (fixture->server, NULL, "notify", "--email", EMAIL, "--type", "limit",
                             "--title", "Storage limit exceeded", "--message", "Over **100 GB**.",
                             "--project", "42", "--limit", "storage.dataSizeBytes", NULL);
  g_assert_true (g_uuid_string_is_valid (limit));

  /* Newest first, with every field of the contract. */
  list = get_list (fixture);
  g_assert_cmpuint (json_array_get_length (items_of (list)), ==, 2);
  item = json_array_get_object_element (items_of (list), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, limit);
  g_assert_cmpstr (json_object_get_string_member (item, "type"), ==, "limit");
  g_assert_false (json_object_get_boolean_member (item, "isRead"));
  g_assert_cmpstr (json_object_get_string_member (item, "title"), ==, "Storage limit exceeded");
  g_assert_cmpstr (json_object_get_string_member (item, "message"), ==, "Over **100 GB**.");
  g_assert_nonnull (json_object_get_string_member (item, "created"));
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (item, "payload"), "limit"), ==,
      "storage.dataSizeBytes");
  project = json_object_get_object_member (item, "project");
  g_assert_nonnull (project);
  g_assert_cmpint (json_object_get_int_member (project, "id"), ==, 42);
  /* Projects come with a later issue: the name is not known yet. */
  g_assert_true (json_object_get_null_member (project, "name"));

  item = json_array_get_object_element (items_of (list), 1);
  g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, first);
  g_assert_cmpstr (json_object_get_string_member (item, "type"), ==, "common");
  g_assert_true (json_object_get_null_member (item, "project"));
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (item, "payload")), ==, 0);

  no_token = kbc_test_server_request (fixture->server, "GET", PATH, NULL, NULL);
  g_assert_cmpuint (no_token->status, ==, 401);
}

static void
test_etag (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) first = get_list (fixture);
  g_autoptr (KbcTestResponse) same = NULL;
  g_autoptr (KbcTestResponse) weak = NULL;
  g_autoptr (KbcTestResponse) star = NULL;
  g_autoptr (KbcTestResponse) listed = NULL;
  g_autoptr (KbcTestResponse) other = NULL;
  g_autoptr (KbcTestResponse) after_notify = NULL;
  g_autoptr (KbcTestResponse) after_read = NULL;
  g_autoptr (KbcTestResponse) read_again = NULL;
  g_autoptr (KbcTestResponse) after_read_again = NULL;
  g_autoptr (KbcTestResponse) after_other_user = NULL;
  g_autoptr (KbcTestResponse) after_all = NULL;
  g_autoptr (KbcTestResponse) marked = NULL;
  g_autoptr (KbcTestResponse) marked_again = NULL;
  g_autoptr (KbcTestResponse) all = NULL;
  g_autofree char *weak_tag = NULL;
  g_autofree char *list_tag = NULL;
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;
  g_autofree char *others = NULL;

  g_assert_true (first->etag[0] == '"');

  /* A matching If-None-Match: 304, no body, the same ETag. */
  same = get_if_none_match (fixture, first->etag);
  g_assert_cmpuint (same->status, ==, 304);
  g_assert_cmpuint (same->body_len, ==, 0);
  g_assert_cmpstr (same->etag, ==, first->etag);
  weak_tag = g_strconcat ("W/", first->etag, NULL);
  weak = get_if_none_match (fixture, weak_tag);
  g_assert_cmpuint (weak->status, ==, 304);
  star = get_if_none_match (fixture, "*");
  g_assert_cmpuint (star->status, ==, 304);
  list_tag = g_strdup_printf ("\"nope\", %s", first->etag);
  listed = get_if_none_match (fixture, list_tag);
  g_assert_cmpuint (listed->status, ==, 304);
  other = get_if_none_match (fixture, "\"nope\"");
  g_assert_cmpuint (other->status, ==, 200);
  g_assert_cmpstr (other->etag, ==, first->etag);

  /* A new notification changes it. */
  id = notify (fixture, EMAIL, "global", "Maintenance");
  after_notify = get_if_none_match (fixture, first->etag);
  g_assert_cmpuint (after_notify->status, ==, 200);
  g_assert_cmpstr (after_notify->etag, !=, first->etag);
  g_assert_cmpuint (json_array_get_length (items_of (after_notify)), ==, 1);

  /* So does marking it read… */
  body = g_strdup_printf ("{\"read\": [\"%s\"]}", id);
  marked = mark (fixture, body);
  assert_ok (marked);
  after_read = get_if_none_match (fixture, after_notify->etag);
  g_assert_cmpuint (after_read->status, ==, 200);
  g_assert_cmpstr (after_read->etag, !=, after_notify->etag);

  /* …but marking it read again changes nothing. */
  marked_again = mark (fixture, body);
  assert_ok (marked_again);
  after_read_again = get_if_none_match (fixture, after_read->etag);
  g_assert_cmpuint (after_read_again->status, ==, 304);

  /* Another user's notifications are not this list. */
  kbc_test_server_add_user (fixture->server, OTHER_EMAIL, "Alan Turing", PASSWORD);
  others = notify (fixture, OTHER_EMAIL, "common", "Not Ada's");
  after_other_user = get_if_none_match (fixture, after_read->etag);
  g_assert_cmpuint (after_other_user->status, ==, 304);

  /* allRead with one unread changes it. */
  g_free (notify (fixture, EMAIL, "common", "Another"));
  g_clear_pointer (&after_read_again, kbc_test_response_free);
  after_read_again = get_list (fixture);
  all = mark (fixture, "{\"allRead\": true}");
  assert_ok (all);
  after_all = get_if_none_match (fixture, after_read_again->etag);
  g_assert_cmpuint (after_all->status, ==, 200);
  g_assert_cmpuint (count_unread (after_all), ==, 0);
}

/* ---- marking read ---- */

static void
test_mark_read (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = notify (fixture, EMAIL, "common", "A");
  g_autofree char *b = notify (fixture, EMAIL, "global", "B");
  g_autofree char *c = notify (fixture, EMAIL, "common", "C");
  g_autofree char *body = NULL;
  g_autofree char *upper = NULL;
  g_autoptr (KbcTestResponse) one = NULL;
  g_autoptr (KbcTestResponse) none = NULL;
  g_autoptr (KbcTestResponse) upper_case = NULL;
  g_autoptr (KbcTestResponse) all = NULL;
  g_autoptr (KbcTestResponse) list = NULL;
  g_autoptr (KbcTestResponse) all_false = NULL;

  body = g_strdup_printf ("{\"read\": [\"%s\"]}", a);
  one = mark (fixture, body);
  assert_ok (one);
  g_assert_true (is_read (fixture, a));
  g_assert_false (is_read (fixture, b));
  g_assert_false (is_read (fixture, c));

  /* Ids are UUIDs, whatever their case; an empty list is nothing to do. */
  upper = g_ascii_strup (b, -1);
  g_free (body);
  body = g_strdup_printf ("{\"read\": [\"%s\"]}", upper);
  upper_case = mark (fixture, body);
  assert_ok (upper_case);
  g_assert_true (is_read (fixture, b));
  none = mark (fixture, "{\"read\": []}");
  assert_ok (none);
  g_assert_false (is_read (fixture, c));

  /* allRead false asks for nothing: the ids must then be given. */
  all_false = mark (fixture, "{\"allRead\": false}");
  assert_invalid (all_false, "read", NULL);

  all = mark (fixture, "{\"allRead\": true}");
  assert_ok (all);
  list = get_list (fixture);
  g_assert_cmpuint (json_array_get_length (items_of (list)), ==, 3);
  g_assert_cmpuint (count_unread (list), ==, 0);
}

static void
test_bad_input (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = notify (fixture, EMAIL, "common", "A");
  g_autoptr (GString) many = g_string_new ("{\"read\": [");
  static const struct
  {
    const char *body;
    const char *key;
    const char *code;
  } cases[] = {
    { "{}", "read", NULL },
    { "{\"read\": null}", "read", NULL },
    { "{\"read\": \"" UNKNOWN_ID "\"}", "read", NULL },
    { "{\"read\": [42]}", "read", "invalidId" },
    { "{\"read\": [\"not-a-uuid\"]}", "read", "invalidId" },
    { "{\"read\": [\"" UNKNOWN_ID "\"]}", "read", "notFound" },
    { "{\"allRead\": \"yes\"}", "allRead", NULL },
    { "{\"allRead\": 1}", "allRead", NULL },
  };
  g_autoptr (KbcTestResponse) mixed = NULL;
  g_autoptr (KbcTestResponse) too_many = NULL;
  g_autoptr (KbcTestResponse) not_json = NULL;
  g_autoptr (KbcTestResponse) no_token = NULL;
  g_autoptr (KbcTestResponse) list = NULL;
  g_autofree char *body = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (KbcTestResponse) response = mark (fixture, cases[i].body);

      g_test_message ("%s", cases[i].body);
      assert_invalid (response, cases[i].key, cases[i].code);
    }

  /* One unknown id and nothing is marked, not even the good ones. */
  body = g_strdup_printf ("{\"read\": [\"%s\", \"" UNKNOWN_ID "\"]}", a);
  mixed = mark (fixture, body);
  assert_invalid (mixed, "read", "notFound");
  g_assert_nonnull (strstr (mixed->body, UNKNOWN_ID));
  g_assert_false (is_read (fixture, a));

  for (guint i = 0; i < 1001; i++)
    g_string_append_printf (many, "%s\"%s\"", i > 0 ? ", " : "", a);
  g_string_append (many, "]}");
  too_many = mark (fixture, many->str);
  assert_invalid (too_many, "read", "tooMany");
  g_assert_false (is_read (fixture, a));

  not_json = mark (fixture, "read everything");
  g_assert_cmpuint (not_json->status, ==, 400);
  no_token = kbc_test_server_request (fixture->server, "PUT", PATH, NULL, "{\"allRead\": true}");
  g_assert_cmpuint (no_token->status, ==, 401);

  list = get_list (fixture);
  g_assert_cmpuint (count_unread (list), ==, 1);
}

static void
test_other_user (Fixture *fixture, gconstpointer data)
{
  g_autofree char *other_token = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *body = NULL;
  g_autoptr (KbcTestResponse) touched = NULL;
  g_autoptr (KbcTestResponse) all = NULL;
  g_autoptr (KbcTestResponse) my_list = NULL;
  g_autoptr (KbcTestResponse) their_list = NULL;

  kbc_test_server_add_user (fixture->server, OTHER_EMAIL, "Alan Turing", PASSWORD);
  other_token = kbc_test_server_login (fixture->server, OTHER_EMAIL, PASSWORD);
  mine = notify (fixture, EMAIL, "common", "Ada's");
  theirs = notify (fixture, OTHER_EMAIL, "common", "Alan's");

  /* Another user's id is as unknown as one that never was. */
  body = g_strdup_printf ("{\"read\": [\"%s\"]}", theirs);
  touched = mark (fixture, body);
  assert_invalid (touched, "read", "notFound");

  /* Marking all of mine read leaves theirs alone. */
  all = mark (fixture, "{\"allRead\": true}");
  assert_ok (all);

  my_list = get_list (fixture);
  g_assert_cmpuint (json_array_get_length (items_of (my_list)), ==, 1);
  g_assert_nonnull (find_item (my_list, mine));
  g_assert_null (find_item (my_list, theirs));
  their_list = get_list_as (fixture, other_token);
  g_assert_cmpuint (json_array_get_length (items_of (their_list)), ==, 1);
  g_assert_nonnull (find_item (their_list, theirs));
  g_assert_cmpuint (count_unread (their_list), ==, 1);
}

/* ---- the operator command ---- */

static void
test_notify_cli (Fixture *fixture, gconstpointer data)
{
  g_autofree char *other_token = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *project = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (KbcTestResponse) mine = NULL;
  g_autoptr (KbcTestResponse) theirs = NULL;
  JsonObject *item;

  kbc_test_server_add_user (fixture->server, OTHER_EMAIL, "Alan Turing", PASSWORD);
  other_token = kbc_test_server_login (fixture->server, OTHER_EMAIL, PASSWORD);

  /* --all: one notification per user, one id a line. */
  ids = kbc_test_server_admin (fixture->server, NULL, "notify", "--all", "--type", "global",
                               "--title", "Maintenance on Saturday", "--message",
                               "Read-only from **08:00**.\n\n- one\n- two", NULL);
  lines = g_strsplit (ids, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_uuid_string_is_valid (lines[0]));
  g_assert_true (g_uuid_string_is_valid (lines[1]));
  g_assert_cmpstr (lines[0], !=, lines[1]);

  mine = get_list (fixture);
  theirs = get_list_as (fixture, other_token);
  g_assert_cmpuint (json_array_get_length (items_of (mine)), ==, 1);
  g_assert_cmpuint (json_array_get_length (items_of (theirs)), ==, 1);
  item = json_array_get_object_element (items_of (mine), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "type"), ==, "global");
  g_assert_cmpstr (json_object_get_string_member (item, "message"), ==,
                   "Read-only from **08:00**.\n\n- one\n- two");
  g_assert_true (
      g_strv_contains ((const char *const *) lines, json_object_get_string_member (item, "id")));

  /* --email with a project. */
  project = kbc_test_server_admin (fixture->server, NULL, "notify", "--email", OTHER_EMAIL,
                                   "--type", "common", "--title", "  Spaces around  ", "--message",
                                   "M", "--project", "7", NULL);
  g_assert_true (g_uuid_string_is_valid (project));
  g_clear_pointer (&theirs, kbc_test_response_free);
  theirs = get_list_as (fixture, other_token);
  item = json_array_get_object_element (items_of (theirs), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, project);
  g_assert_cmpstr (json_object_get_string_member (item, "title"), ==, "Spaces around");
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (item, "project"), "id"), ==, 7);
}

static void
test_notify_cli_bad_input (Fixture *fixture, gconstpointer data)
{
  g_autofree char *long_title = g_strnfill (256, 't');
  g_autofree char *long_message = g_strnfill (10001, 'm');
  g_autoptr (KbcTestResponse) list = NULL;
  const char *const base[] = { "--type", "common", "--title", "T", "--message", "M" };
  static const struct
  {
    int status;
    const char *reason; /* a part of the one line on stderr */
    const char *args[12];
  } cases[] = {
    { 2, "--email E or --all", { "--type", "common", "--title", "T", "--message", "M" } },
    { 2,
      "--email E or --all",
      { "--email", EMAIL, "--all", "--type", "common", "--title", "T", "--message", "M" } },
    { 2, "--type", { "--email", EMAIL, "--title", "T", "--message", "M" } },
    { 2, "--title", { "--email", EMAIL, "--type", "common", "--message", "M" } },
    { 2, "--message", { "--email", EMAIL, "--type", "common", "--title", "T" } },
    { 1, "type:", { "--email", EMAIL, "--type", "security", "--title", "T", "--message", "M" } },
    { 1, "type:", { "--email", EMAIL, "--type", "bogus", "--title", "T", "--message", "M" } },
    { 1, "title:", { "--email", EMAIL, "--type", "common", "--title", "  ", "--message", "M" } },
    { 1,
      "title:",
      { "--email", EMAIL, "--type", "common", "--title", "two\nlines", "--message", "M" } },
    { 1, "message:", { "--email", EMAIL, "--type", "common", "--title", "T", "--message", " \n" } },
    { 1,
      "message:",
      { "--email", EMAIL, "--type", "common", "--title", "T", "--message", "bell\a" } },
    { 1,
      "project:",
      { "--email", EMAIL, "--type", "common", "--title", "T", "--message", "M", "--project",
        "abc" } },
    { 1,
      "project:",
      { "--email", EMAIL, "--type", "common", "--title", "T", "--message", "M", "--project",
        "0" } },
    { 1,
      "limit:",
      { "--email", EMAIL, "--type", "common", "--title", "T", "--message", "M", "--limit",
        "storage" } },
    { 1, "project:", { "--email", EMAIL, "--type", "limit", "--title", "T", "--message", "M" } },
    { 1,
      "limit:",
      { "--email", EMAIL, "--type", "limit", "--title", "T", "--message", "M", "--project", "1",
        "--limit", "no spaces" } },
    { 1,
      "email:",
      { "--email", "nobody@example.test", "--type", "common", "--title", "T", "--message", "M" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *const *args = cases[i].args;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      g_test_message ("case %u: %s", i, cases[i].reason);
      /* The unused tail of args is NULL: the first NULL ends the list. */
      status = kbc_test_server_admin_full (fixture->server, NULL, &out, &err, "notify", args[0],
                                           args[1], args[2], args[3], args[4], args[5], args[6],
                                           args[7], args[8], args[9], args[10], args[11], NULL);
      g_assert_cmpint (status, ==, cases[i].status);
      g_assert_cmpstr (out, ==, "");
      g_assert_nonnull (strstr (err, cases[i].reason));
      /* One line (the helper drops its line break). */
      g_assert_null (strchr (err, '\n'));
    }

  /* Too long, built at run time. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (kbc_test_server_admin_full (fixture->server, NULL, &out, &err, "notify",
                                                 "--email", EMAIL, base[0], base[1], base[2],
                                                 long_title, base[4], base[5], NULL),
                     ==, 1);
    g_assert_nonnull (strstr (err, "title:"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (kbc_test_server_admin_full (fixture->server, NULL, &out, &err, "notify",
                                                 "--email", EMAIL, base[0], base[1], base[2],
                                                 base[3], base[4], long_message, NULL),
                     ==, 1);
    g_assert_nonnull (strstr (err, "message:"));
  }

  /* Nothing was sent. */
  list = get_list (fixture);
  g_assert_cmpuint (json_array_get_length (items_of (list)), ==, 0);
}

static void
test_seed_demo (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new_demo ();
  g_autofree char *token = NULL;
  g_autofree char *again = NULL;
  g_autoptr (KbcTestResponse) list = NULL;
  g_autoptr (KbcTestResponse) same = NULL;
  g_autoptr (GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *items;
  guint n_items;

  token = kbc_test_server_login (server, KBC_DEMO_EMAIL, KBC_DEMO_PASSWORD);
  list = kbc_test_server_request (server, "GET", PATH, token, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  items = json_node_get_array (list->json);
  n_items = json_array_get_length (items);
  for (guint i = 0; i < n_items; i++)
    g_hash_table_add (types, (gpointer) json_object_get_string_member (
                                 json_array_get_object_element (items, i), "type"));
  g_assert_true (g_hash_table_contains (types, "common"));
  g_assert_true (g_hash_table_contains (types, "limit"));
  g_assert_true (g_hash_table_contains (types, "global"));
  g_assert_true (g_hash_table_contains (types, "security"));
  g_assert_cmpuint (count_unread (list), >, 0);
  g_assert_cmpuint (count_unread (list), <, n_items);

  /* Seeding again adds nothing. */
  again = kbc_test_server_admin (server, NULL, "seed-demo", NULL);
  same = kbc_test_server_request_with_headers (server, "GET", PATH, token, NULL, "If-None-Match",
                                               list->etag, NULL);
  g_assert_cmpuint (same->status, ==, 304);
}

/* ---- security notifications ---- */

/* The current TOTP step, at least 3 s before the next one. */
static gint64
safe_step (void)
{
  for (;;)
    {
      gint64 now_us = g_get_real_time ();
      gint64 into_step_us = now_us % (KBC_TOTP_PERIOD * G_USEC_PER_SEC);

      if (into_step_us <= (KBC_TOTP_PERIOD - 3) * G_USEC_PER_SEC)
        return kbc_totp_step_at (now_us / G_USEC_PER_SEC);
      g_usleep (KBC_TOTP_PERIOD * G_USEC_PER_SEC - into_step_us + 100 * 1000);
    }
}

static void
enable_totp (Fixture *fixture)
{
  g_autoptr (KbcTestResponse) enrolled = NULL;
  g_autoptr (KbcTestResponse) activated = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *secret = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  gsize secret_len = 0;

  enrolled = request (fixture, "POST", "/manage/current-user/mfa/totp",
                      "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (enrolled->status, ==, 201);
  secret =
      kbc_totp_base32_decode (kbc_test_response_string (enrolled, "secret"), &secret_len, &error);
  g_assert_no_error (error);
  code = kbc_totp_code_at_step (secret, secret_len, safe_step ());
  body = g_strdup_printf ("{\"code\": \"%s\"}", code);
  activated = request (fixture, "POST", "/manage/current-user/mfa/totp/activate", body);
  g_assert_cmpuint (activated->status, ==, 200);
}

static void
test_security_password (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) wrong = NULL;
  g_autoptr (KbcTestResponse) changed = NULL;
  g_autofree char *events = NULL;
  g_autofree char *after = NULL;

  /* A refused change sends nothing. */
  wrong =
      request (fixture, "PUT", "/manage/current-user/password",
               "{\"currentPassword\": \"Not-The-Password-1\", \"newPassword\": \"" NEW_PW "\"}");
  g_assert_cmpuint (wrong->status, ==, 400);
  events = security_events (fixture);
  g_assert_cmpstr (events, ==, "");

  changed = request (fixture, "PUT", "/manage/current-user/password",
                     "{\"currentPassword\": \"" PASSWORD "\", \"newPassword\": \"" NEW_PW "\"}");
  g_assert_cmpuint (changed->status, ==, 204);
  after = security_events (fixture);
  g_assert_cmpstr (after, ==, "passwordChanged");
}

static void
test_security_totp (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) codes = NULL;
  g_autoptr (KbcTestResponse) removed = NULL;
  g_autoptr (KbcTestResponse) disabled = NULL;
  g_autoptr (KbcTestResponse) disabled_again = NULL;
  g_autoptr (KbcTestResponse) enrolled = NULL;
  g_autoptr (KbcTestResponse) pending_removed = NULL;
  g_autofree char *events = NULL;

  /* Enrolling alone is no factor yet, and removing a pending one is no
   * removal. */
  enrolled = request (fixture, "POST", "/manage/current-user/mfa/totp",
                      "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (enrolled->status, ==, 201);
  pending_removed =
      kbc_test_server_request (fixture->server, "DELETE", "/manage/current-user/mfa/totp",
                               fixture->token, "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (pending_removed->status, ==, 204);
  events = security_events (fixture);
  g_assert_cmpstr (events, ==, "");

  enable_totp (fixture);
  codes = request (fixture, "POST", "/manage/current-user/mfa/recovery-codes",
                   "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (codes->status, ==, 200);
  removed = request (fixture, "DELETE", "/manage/current-user/mfa/totp",
                     "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (removed->status, ==, 204);
  enable_totp (fixture);
  disabled = request (fixture, "DELETE", "/manage/current-user/mfa",
                      "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (disabled->status, ==, 204);
  /* Disabling what is off is no change. */
  disabled_again = request (fixture, "DELETE", "/manage/current-user/mfa",
                            "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (disabled_again->status, ==, 204);

  g_free (events);
  events = security_events (fixture);
  g_assert_cmpstr (events, ==,
                   "mfaDisabled,mfaTotpEnabled,mfaTotpRemoved,recoveryCodesRegenerated,"
                   "mfaTotpEnabled");
}

static JsonNode *
key_register (JsonNode *options)
{
  g_autoptr (KbcFido) fido = kbc_fido_new ();
  g_autoptr (GAsyncResult) done = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *credential;

  kbc_fido_register_async (fido, options, "localhost", NULL, NULL, kbc_test_on_done, &done);
  credential = kbc_fido_register_finish (fido, kbc_test_wait_for (&done), &error);
  g_assert_no_error (error);
  return credential;
}

/* Registers the plugged soft key as @name; returns the device id. */
static gint64
register_key (Fixture *fixture, const char *name)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) start_body = NULL;
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (KbcTestResponse) started = NULL;
  g_autoptr (KbcTestResponse) finished = NULL;
  g_autofree char *text = NULL;
  g_autofree char *credential_text = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "currentPassword");
  json_builder_add_string_value (builder, PASSWORD);
  json_builder_end_object (builder);
  start_body = json_builder_get_root (builder);
  text = json_to_string (start_body, FALSE);
  started = request (fixture, "POST", "/manage/current-user/mfa/u2f/registrations", text);
  g_assert_cmpuint (started->status, ==, 201);
  object = kbc_test_response_object (started);

  credential = key_register (json_object_get_member (object, "publicKey"));
  credential_text = json_to_string (credential, FALSE);
  body = g_strdup_printf ("{\"credential\": %s}", credential_text);
  path = g_strdup_printf ("/manage/current-user/mfa/u2f/registrations/%s",
                          json_object_get_string_member (object, "registrationId"));
  finished = request (fixture, "POST", path, body);
  g_assert_cmpuint (finished->status, ==, 201);
  return json_object_get_int_member (kbc_test_response_object (finished), "id");
}

static void
test_security_keys (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcTestResponse) removed = NULL;
  g_autoptr (KbcTestResponse) wrong = NULL;
  g_autofree char *events = NULL;
  g_autofree char *added_message = NULL;
  g_autofree char *removed_message = NULL;
  g_autofree char *path = NULL;
  gint64 id;

  /* A name that is markdown reads as itself, never as a link. */
  id = register_key (fixture, "[Phish](https://evil.example) *key*");
  events = security_events (fixture);
  g_assert_cmpstr (events, ==, "u2fDeviceAdded");
  added_message = newest_security_message (fixture);
  g_test_message ("%s", added_message);
  g_assert_nonnull (
      strstr (added_message, "\\[Phish\\]\\(https\\:\\/\\/evil\\.example\\) \\*key\\*"));

  /* A refused removal sends nothing. */
  path = g_strdup_printf ("/manage/current-user/mfa/devices/%" G_GINT64_FORMAT, id);
  wrong = request (fixture, "DELETE", path, "{\"currentPassword\": \"Not-The-Password-1\"}");
  g_assert_cmpuint (wrong->status, ==, 400);
  removed = request (fixture, "DELETE", path, "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (removed->status, ==, 204);

  g_free (events);
  events = security_events (fixture);
  g_assert_cmpstr (events, ==, "u2fDeviceRemoved,u2fDeviceAdded");
  removed_message = newest_security_message (fixture);
  g_assert_nonnull (strstr (removed_message, "\\[Phish\\]"));
}

/* ---- the schema ---- */

static void
test_schema (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = notify (fixture, EMAIL, "common", "Stored");
  sqlite3_stmt *stmt;
  sqlite3 *db;

  g_assert_cmpint (
      sqlite3_open_v2 (kbc_test_server_get_db (fixture->server), &db, SQLITE_OPEN_READONLY, NULL),
      ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 5);
  sqlite3_finalize (stmt);

  /* Only what the operator or the server itself sends is a notification. */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM notifications n JOIN"
                                       " notification_versions v USING (user_id)",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Signs in with @user_agent as the client's name; returns the status. */
static guint
login_as_client (Fixture *fixture, const char *user_agent)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) message = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url =
      g_strconcat (kbc_test_server_get_url (fixture->server), "/manage/auth/login", NULL);
  const char *json = "{\"email\": \"" EMAIL "\", \"password\": \"" PASSWORD "\"}";

  message = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (message), "User-Agent",
                                user_agent);
  body = g_bytes_new_static (json, strlen (json));
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (message);
}

/* A sign-in from a client the account never used, and a personal token
 * made: both are told. The first sign-in of an account, and the same
 * client again, are not. */
static void
test_security_new_client_and_token (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) created = NULL;
  g_autofree char *events = NULL;
  g_autofree char *message = NULL;

  /* The fixture signed in once already (the first client). */
  g_assert_cmpuint (login_as_client (fixture, "Elsewhere App/2.0"), ==, 201);
  events = security_events (fixture);
  g_assert_cmpstr (events, ==, "newClientSignIn");
  message = newest_security_message (fixture);
  g_assert_nonnull (strstr (message, "**Elsewhere App"));

  g_clear_pointer (&events, g_free);
  g_assert_cmpuint (login_as_client (fixture, "Elsewhere App/2.0"), ==, 201);
  events = security_events (fixture);
  g_assert_cmpstr (events, ==, "newClientSignIn");

  created = request (fixture, "POST", "/manage/current-user/tokens",
                     "{\"description\": \"Nightly *export*\", \"expiresIn\": 3600}");
  g_assert_cmpuint (created->status, ==, 201);
  g_clear_pointer (&events, g_free);
  events = security_events (fixture);
  g_assert_cmpstr (events, ==, "personalTokenCreated,newClientSignIn");
  g_clear_pointer (&message, g_free);
  message = newest_security_message (fixture);
  g_assert_nonnull (strstr (message, "Nightly \\*export\\*"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  kbc_soft_key_install_provider ();

#define ADD(path, func)                                                               \
  g_test_add ("/kbc/server-notifications/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("list", test_list);
  ADD ("etag", test_etag);
  ADD ("mark-read", test_mark_read);
  ADD ("bad-input", test_bad_input);
  ADD ("other-user", test_other_user);
  ADD ("notify-cli", test_notify_cli);
  ADD ("notify-cli-bad-input", test_notify_cli_bad_input);
  g_test_add_func ("/kbc/server-notifications/seed-demo", test_seed_demo);
  ADD ("security/password", test_security_password);
  ADD ("security/new-client-and-token", test_security_new_client_and_token);
  ADD ("security/totp", test_security_totp);
  ADD ("security/keys", test_security_keys);
  ADD ("schema", test_schema);

#undef ADD

  return g_test_run ();
}
