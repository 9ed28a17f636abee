/* test-server-profile.c: PATCH /manage/current-user {"name"} over real HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kbc-test-utils.h"

#define EMAIL    "pavla.profile@example.com"
#define NAME     "Pavla Profile"
#define PASSWORD "Lantern-Violet-Harbour-58"

static void
assert_field (KbcTestResponse *response, const char *code)
{
  JsonArray *errors;
  JsonObject *first;

  g_assert_cmpuint (response->status, ==, 400);
  errors = json_object_get_array_member (kbc_test_response_object (response), "errors");
  g_assert_nonnull (errors);
  first = json_array_get_object_element (errors, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "key"), ==, "name");
  g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, code);
}

static void
test_rename (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autofree char *token = NULL;
  g_autofree char *long_name = g_strnfill (256, 'a');
  g_autofree char *long_body = g_strdup_printf ("{\"name\": \"%s\"}", long_name);
  g_autoptr (KbcTestResponse) response = NULL;

  kbc_test_server_add_user (server, EMAIL, NAME, PASSWORD);
  token = kbc_test_server_login (server, EMAIL, PASSWORD);

  response = kbc_test_server_request (server, "PATCH", "/manage/current-user", token,
                                      "{\"name\": \"  Pavla Nová  \"}");
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (kbc_test_response_string (response, "name"), ==, "Pavla Nová");
  g_assert_cmpstr (kbc_test_response_string (response, "email"), ==, EMAIL);
  g_clear_pointer (&response, kbc_test_response_free);

  /* Who am I says so too. */
  response = kbc_test_server_request (server, "GET", "/manage/tokens/verify", token, NULL);
  g_assert_nonnull (strstr (response->body, "Pavla Nová"));
  g_clear_pointer (&response, kbc_test_response_free);

  response = kbc_test_server_request (server, "PATCH", "/manage/current-user", token,
                                      "{\"name\": \"   \"}");
  assert_field (response, "blank");
  g_clear_pointer (&response, kbc_test_response_free);

  response = kbc_test_server_request (server, "PATCH", "/manage/current-user", token, long_body);
  assert_field (response, "tooLong");
  g_clear_pointer (&response, kbc_test_response_free);

  response = kbc_test_server_request (server, "PATCH", "/manage/current-user", token,
                                      "{\"name\": \"Two\\nLines\"}");
  assert_field (response, "invalidCharacters");
  g_clear_pointer (&response, kbc_test_response_free);

  response =
      kbc_test_server_request (server, "PATCH", "/manage/current-user", token, "{\"name\": 42}");
  g_assert_cmpuint (response->status, ==, 400);
  g_clear_pointer (&response, kbc_test_response_free);

  /* Without a token: nothing changes. */
  response = kbc_test_server_request (server, "PATCH", "/manage/current-user", NULL,
                                      "{\"name\": \"Mallory\"}");
  g_assert_cmpuint (response->status, ==, 401);
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (server, "GET", "/manage/tokens/verify", token, NULL);
  g_assert_null (strstr (response->body, "Mallory"));
}

/* Keboola publishes no such call. */
static void
test_published_only (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new_with_args ("--published-only", NULL);
  g_autofree char *token = NULL;
  g_autoptr (KbcTestResponse) response = NULL;

  kbc_test_server_add_user (server, EMAIL, NAME, PASSWORD);
  token = kbc_test_server_admin (server, NULL, "token", "add", "--email", EMAIL, "--description",
                                 "Desktop", NULL);
  response = kbc_test_server_request (server, "PATCH", "/manage/current-user", token,
                                      "{\"name\": \"Pavla Nová\"}");
  g_assert_true (response->status == 404 || response->status == 405);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/server-profile/rename", test_rename);
  g_test_add_func ("/kbc/server-profile/published-only", test_published_only);

  return g_test_run ();
}
