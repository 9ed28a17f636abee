/* test-server-json.c: the JSON the server writes as text
 *
 * The token object of /manage/tokens/verify and of every sign-in is written
 * straight into text (kbc_json_text_*()), not through json-glib. These
 * cases check it against json-glib: hostile strings come back as they went
 * in, times are what GDateTime formats in four zones (one with summer time,
 * two with offsets in half and quarter hours), and the token object has
 * every member. In process, against the server's code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "kbc-server-auth.h"
#include "kbc-server-http.h"
#include "kbc-server-store.h"
#include "kbc-time.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* ["a", "b", …] with kbc_json_text_string(), read by json-glib. */
static void
check_strings (const char *const *strings, gsize n)
{
  g_autoptr (GString) text = g_string_new ("[");
  g_autoptr (JsonNode) node = NULL;
  JsonArray *array;

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      kbc_json_text_string (text, NULL, strings[i]);
    }
  g_string_append_c (text, ']');
  node = parse (text->str);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, n);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *expected = g_utf8_make_valid (strings[i], -1);

      g_assert_cmpstr (json_array_get_string_element (array, i), ==, expected);
    }
}

static void
test_strings (void)
{
  static const char *const strings[] = {
    "",
    "plain",
    "\"quoted\" and \\back\\slashed\\",
    "\n\r\t\b\f\x01\x1f end",
    "Příliš žluťoučký kůň 🐴",
    "\xe2\x80\xae reversed \xe2\x80\xac",
    "invalid \xff\xfe bytes \xc3",
    "</script><!--",
    "\x7f",
  };

  check_strings (strings, G_N_ELEMENTS (strings));
}

/* Random bytes 1–127 and some UTF-8: every one survives. */
static void
test_strings_random (void)
{
  for (int round = 0; round < 200; round++)
    {
      char *strings[8];

      for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
        {
          gsize len = g_test_rand_int_range (0, 40);
          GString *s = g_string_new (NULL);

          for (gsize j = 0; j < len; j++)
            {
              if (g_test_rand_int_range (0, 8) == 0)
                g_string_append_unichar (s, g_test_rand_int_range (0x80, 0xd7ff));
              else
                g_string_append_c (s, (char) g_test_rand_int_range (1, 128));
            }
          strings[i] = g_string_free (s, FALSE);
        }
      check_strings ((const char *const *) strings, G_N_ELEMENTS (strings));
      for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
        g_free (strings[i]);
    }
}

/* Members get their commas, and a nested object or array its own. */
static void
test_members (void)
{
  g_autoptr (GString) text = g_string_new ("{");
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;

  kbc_json_text_int (text, "id", G_MAXINT64);
  kbc_json_text_boolean (text, "yes", TRUE);
  kbc_json_text_member (text, "empty");
  g_string_append (text, "[]");
  kbc_json_text_member (text, "inner");
  g_string_append_c (text, '{');
  kbc_json_text_boolean (text, "no", FALSE);
  kbc_json_text_member (text, "none");
  kbc_json_text_string (text, NULL, NULL);
  kbc_json_text_string (text, "quote", "\"");
  g_string_append_c (text, '}');
  kbc_json_text_time (text, "never", 0);
  kbc_json_text_member (text, "a \"quoted\" name");
  g_string_append (text, "-1");
  g_string_append_c (text, '}');

  node = parse (text->str);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, G_MAXINT64);
  g_assert_true (json_object_get_boolean_member (object, "yes"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "empty")), ==, 0);
  g_assert_false (
      json_object_get_boolean_member (json_object_get_object_member (object, "inner"), "no"));
  g_assert_true (
      json_object_get_null_member (json_object_get_object_member (object, "inner"), "none"));
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "inner"), "quote"), ==,
      "\"");
  g_assert_true (json_object_get_null_member (object, "never"));
  g_assert_cmpint (json_object_get_int_member (object, "a \"quoted\" name"), ==, -1);
}

/* What the server formatted with GDateTime before. */
static char *
format_with_date_time (gint64 unix_time)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_local ();
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) time = NULL;

  if (unix_time <= 0)
    return NULL;
  utc = g_date_time_new_from_unix_utc (unix_time);
  time = utc != NULL ? g_date_time_to_timezone (utc, zone) : NULL;
  return time != NULL ? kbc_time_format (time) : NULL;
}

static void
check_time (gint64 unix_time)
{
  g_autofree char *expected = format_with_date_time (unix_time);
  g_autofree char *formatted = kbc_server_format_time (unix_time);
  g_autoptr (GString) text = g_string_new ("{");
  g_autoptr (JsonNode) node = NULL;

  g_assert_cmpstr (formatted, ==, expected);
  kbc_json_text_time (text, "t", unix_time);
  g_string_append_c (text, '}');
  node = parse (text->str);
  g_assert_cmpstr (
      json_object_get_string_member_with_default (json_node_get_object (node), "t", NULL), ==,
      expected);
}

static void
test_times_in_zone (gconstpointer data)
{
  const char *zone = data;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  /* The server reads its zone once: a process for each. */
  g_setenv ("TZ", zone, TRUE);
  check_time (0);
  check_time (-1);
  check_time (1);
  check_time (G_GINT64_CONSTANT (253402300799)); /* 9999-12-31T23:59:59Z */
  check_time (G_GINT64_CONSTANT (253402300800));
  check_time (G_MAXINT64);
  /* Around the summer time changes of 2026 in Prague. */
  for (gint64 t = 1774742400 - 7200; t < 1774742400 + 7200; t += 599)
    check_time (t);
  for (gint64 t = 1792890000 - 7200; t < 1792890000 + 7200; t += 599)
    check_time (t);
  for (int i = 0; i < 2000; i++)
    check_time ((gint64) g_test_rand_double_range (1, 4102444800)); /* to 2100 */
}

/* The token object: every member, with the secret only when given. */
static void
test_token (void)
{
  KbcToken token = {
    .id = 42,
    .type = (char *) "session",
    .description = (char *) "Signed in from \"Prague\"",
    .created = 1764590000,
    .last_used = 0,
    .expires = 1764590000 + 3600,
  };
  KbcUser user = {
    .id = 7,
    .email = (char *) "anna@example.test",
    .name = (char *) "Anna \\ Nováková",
    .can_access_logs = TRUE,
    .features = (char *) "[\"ui-devel-preview\", \"early-adopter-preview\"]",
  };
  const char *secret = "7-1234567890abcdefghijklmnopqrstuvwxyzABCD";

  for (int with_secret = 0; with_secret < 2; with_secret++)
    {
      g_autoptr (GString) text =
          kbc_auth_token_text (&token, &user, TRUE, with_secret ? secret : NULL, 1764590000 + 60);
      g_autoptr (JsonNode) node = parse (text->str);
      JsonObject *object = json_node_get_object (node);
      JsonObject *creator = json_object_get_object_member (object, "creator");
      JsonObject *owner = json_object_get_object_member (object, "user");
      JsonArray *features = json_object_get_array_member (owner, "features");
      g_autofree char *created = kbc_server_format_time (token.created);
      g_autofree char *expires = kbc_server_format_time (token.expires);

      g_assert_cmpint (json_object_get_int_member (object, "id"), ==, 42);
      g_assert_cmpstr (json_object_get_string_member (object, "description"), ==,
                       token.description);
      g_assert_cmpstr (json_object_get_string_member (object, "created"), ==, created);
      g_assert_true (json_object_get_null_member (object, "lastUsed"));
      g_assert_cmpstr (json_object_get_string_member (object, "expires"), ==, expires);
      g_assert_true (json_object_get_boolean_member (object, "isSessionToken"));
      g_assert_false (json_object_get_boolean_member (object, "isExpired"));
      g_assert_false (json_object_get_boolean_member (object, "isDisabled"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "scopes")), ==,
                        0);
      g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "admin");
      g_assert_cmpint (json_object_get_int_member (creator, "id"), ==, 7);
      g_assert_cmpstr (json_object_get_string_member (creator, "name"), ==, user.name);
      g_assert_cmpint (json_object_get_int_member (owner, "id"), ==, 7);
      g_assert_cmpstr (json_object_get_string_member (owner, "name"), ==, user.name);
      g_assert_cmpstr (json_object_get_string_member (owner, "email"), ==, user.email);
      g_assert_true (json_object_get_boolean_member (owner, "mfaEnabled"));
      g_assert_true (json_object_get_boolean_member (owner, "canAccessLogs"));
      g_assert_false (json_object_get_boolean_member (owner, "isSuperAdmin"));
      g_assert_cmpuint (json_array_get_length (features), ==, 2);
      g_assert_cmpstr (json_array_get_string_element (features, 1), ==, "early-adopter-preview");
      if (with_secret)
        {
          g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ok");
          g_assert_cmpstr (json_object_get_string_member (object, "token"), ==, secret);
          g_assert_cmpuint (json_object_get_size (object), ==, 14);
        }
      else
        {
          g_assert_false (json_object_has_member (object, "token"));
          g_assert_false (json_object_has_member (object, "status"));
          g_assert_cmpuint (json_object_get_size (object), ==, 12);
        }
    }

  /* Features that are not an array (someone's hand in the database) go
   * out as []. */
  user.features = (char *) "{\"not\": \"an array\"}";
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GString) text = kbc_auth_token_text (&token, &user, FALSE, NULL, token.created);
      g_autoptr (JsonNode) node = parse (text->str);
      JsonObject *owner = json_object_get_object_member (json_node_get_object (node), "user");

      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (owner, "features")),
                        ==, 0);
      user.features = (char *) "not JSON";
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/server-json/strings", test_strings);
  g_test_add_func ("/kbc/server-json/strings-random", test_strings_random);
  g_test_add_func ("/kbc/server-json/members", test_members);
  g_test_add_data_func ("/kbc/server-json/times/utc", "UTC", test_times_in_zone);
  g_test_add_data_func ("/kbc/server-json/times/prague", "Europe/Prague", test_times_in_zone);
  g_test_add_data_func ("/kbc/server-json/times/st-johns", "America/St_Johns", test_times_in_zone);
  g_test_add_data_func ("/kbc/server-json/times/kathmandu", "Asia/Kathmandu", test_times_in_zone);
  g_test_add_func ("/kbc/server-json/token", test_token);

  return g_test_run ();
}
