/* test-server-hardening-sessions.c: what issue 11's review found about
 * sessions and the files they live in, over real HTTP to a real
 * kbc-account-server: a password change ends pending MFA sign-ins, the idle
 * timeout of session tokens, private file modes, and a missing key file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-utils.h"
#include "kbc-totp.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#define EMAIL    "ada@example.test"
#define NAME     "Ada Lovelace"
#define PASSWORD "Copper-Kettle-Morning-93"
#define DAY      (24 * 3600)

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
post_login (Fixture *fixture, const char *password)
{
  g_autofree char *body =
      g_strdup_printf ("{\"email\": \"" EMAIL "\", \"password\": \"%s\"}", password);

  return kbc_test_server_request (fixture->server, "POST", "/manage/auth/login", NULL, body);
}

/* ---- a password change ends pending MFA sign-ins ---- */

/* Turns TOTP on for the user through @token; returns a recovery code. */
static char *
enable_totp (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) enrolled = NULL;
  g_autoptr (KbcTestResponse) activated = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *secret = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  gsize secret_len = 0;

  enrolled = kbc_test_server_request (fixture->server, "POST", "/manage/current-user/mfa/totp",
                                      token, "{\"currentPassword\": \"" PASSWORD "\"}");
  g_assert_cmpuint (enrolled->status, ==, 201);
  secret =
      kbc_totp_base32_decode (kbc_test_response_string (enrolled, "secret"), &secret_len, &error);
  g_assert_no_error (error);
  code = kbc_totp_code_at_step (secret, secret_len,
                                kbc_totp_step_at (g_get_real_time () / G_USEC_PER_SEC));
  body = g_strdup_printf ("{\"code\": \"%s\"}", code);
  activated = kbc_test_server_request (fixture->server, "POST",
                                       "/manage/current-user/mfa/totp/activate", token, body);
  g_assert_cmpuint (activated->status, ==, 200);
  return g_strdup (json_array_get_string_element (
      json_object_get_array_member (kbc_test_response_object (activated), "recoveryCodes"), 0));
}

static void
test_password_change_ends_tickets (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *code = enable_totp (fixture, token);
  g_autofree char *ticket = NULL;
  g_autofree char *body = NULL;
  g_autoptr (KbcTestResponse) started = NULL;
  g_autoptr (KbcTestResponse) changed = NULL;
  g_autoptr (KbcTestResponse) finished = NULL;

  /* Someone who had the old password waits at the second step… */
  started = post_login (fixture, PASSWORD);
  g_assert_cmpuint (started->status, ==, 200);
  ticket = g_strdup (kbc_test_response_string (started, "loginTicket"));

  /* …the owner changes the password… */
  changed = kbc_test_server_request (fixture->server, "PUT", "/manage/current-user/password", token,
                                     "{\"currentPassword\": \"" PASSWORD
                                     "\", \"newPassword\": \"Violet-Orchard-Signal-58\"}");
  g_assert_cmpuint (changed->status, ==, 204);

  /* …and the old password's sign-in cannot be finished, even with a code. */
  body = g_strdup_printf ("{\"loginTicket\": \"%s\", \"method\": \"recovery\", \"code\": \"%s\"}",
                          ticket, code);
  finished =
      kbc_test_server_request (fixture->server, "POST", "/manage/auth/login/mfa", NULL, body);
  g_assert_cmpuint (finished->status, ==, 401);
  g_assert_cmpstr (kbc_test_response_string (finished, "code"), ==, "loginTicketInvalid");
}

/* ---- the idle timeout ---- */

static char *
token_id (const char *token)
{
  return g_strndup (token, strchr (token, '-') - token);
}

static void
age (Fixture *fixture, const char *token, gint64 seconds)
{
  g_autofree char *id = token_id (token);
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
  g_autofree char *out = kbc_test_server_admin (fixture->server, NULL, "token", "age", "--id", id,
                                                "--seconds", text, NULL);
}

static guint
verify_status (Fixture *fixture, const char *token, char **code)
{
  g_autoptr (KbcTestResponse) response =
      kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);

  if (code != NULL)
    *code = response->status == 200 ? NULL : g_strdup (kbc_test_response_string (response, "code"));
  return response->status;
}

static gboolean
listed_expired (Fixture *fixture, const char *viewer, const char *token)
{
  g_autoptr (KbcTestResponse) list =
      kbc_test_server_request (fixture->server, "GET", "/manage/current-user/tokens", viewer, NULL);
  gint64 id = g_ascii_strtoll (token, NULL, 10);
  JsonArray *array;

  g_assert_cmpuint (list->status, ==, 200);
  array = json_node_get_array (list->json);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);

      if (json_object_get_int_member (item, "id") == id)
        return json_object_get_boolean_member (item, "isExpired");
    }
  g_error ("token %" G_GINT64_FORMAT " is not listed", id);
}

static void
test_session_idle_timeout (Fixture *fixture, gconstpointer data)
{
  g_autofree char *idle = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *used = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *viewer = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *personal = kbc_test_server_admin (fixture->server, NULL, "token", "add",
                                                     "--email", EMAIL, "--description", "CI", NULL);
  g_autofree char *code = NULL;

  /* Six days without use: still a session. */
  age (fixture, idle, 6 * DAY);
  g_assert_cmpuint (verify_status (fixture, idle, NULL), ==, 200);

  /* Seven days without use (well within the 14-day lifetime): expired,
   * and listed as such until deleted. */
  age (fixture, used, 7 * DAY + 120);
  g_assert_cmpuint (verify_status (fixture, used, &code), ==, 401);
  g_assert_cmpstr (code, ==, "tokenExpired");
  g_assert_true (listed_expired (fixture, viewer, used));
  g_assert_false (listed_expired (fixture, viewer, viewer));

  /* The use two steps ago counts: six more idle days after it are fine. */
  age (fixture, idle, 6 * DAY);
  g_assert_cmpuint (verify_status (fixture, idle, NULL), ==, 200);

  /* A personal token has its own expiry and no idle timeout. */
  age (fixture, personal, 8 * DAY);
  g_assert_cmpuint (verify_status (fixture, personal, NULL), ==, 200);
}

/* ---- the files ---- */

static guint
mode_of (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
assert_refused (Fixture *fixture, const char *needle)
{
  g_autofree char *err = NULL;
  int status;

  status = kbc_test_server_admin_full (fixture->server, NULL, NULL, &err, "serve", "--listen",
                                       "127.0.0.1:0", NULL);
  g_test_message ("serve: %s", err);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, needle));
}

static void
test_files_private (Fixture *fixture, gconstpointer data)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", ".key" };
  const char *db = kbc_test_server_get_db (fixture->server);
  g_autofree char *key = g_strconcat (db, ".key", NULL);
  g_autofree char *want_db = NULL;
  g_autofree char *want_key = NULL;
  g_autofree char *token = NULL;
  mode_t old_umask;

  /* Whatever the umask, everything the server makes is the owner's. */
  old_umask = umask (0);
  kbc_test_server_restart (fixture->server);
  token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  umask (old_umask);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      g_test_message ("%s", path);
      g_assert_cmpuint (mode_of (path), ==, 0600);
    }

  /* Files others can read are refused, with the command that fixes it. */
  kbc_test_server_stop (fixture->server);
  want_db = g_strdup_printf ("chmod 600 %s", db);
  g_assert_cmpint (g_chmod (db, 0644), ==, 0);
  assert_refused (fixture, want_db);
  g_assert_cmpint (g_chmod (db, 0600), ==, 0);

  want_key = g_strdup_printf ("chmod 600 %s", key);
  g_assert_cmpint (g_chmod (key, 0640), ==, 0);
  assert_refused (fixture, want_key);
  g_assert_cmpint (g_chmod (key, 0600), ==, 0);

  kbc_test_server_restart (fixture->server);
}

static void
test_missing_key_file (Fixture *fixture, gconstpointer data)
{
  const char *db = kbc_test_server_get_db (fixture->server);
  g_autofree char *key = g_strconcat (db, ".key", NULL);
  g_autofree char *saved = g_strconcat (db, ".saved-key", NULL);
  g_autofree char *token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *code = enable_totp (fixture, token);
  g_autofree char *err = NULL;
  int status;

  kbc_test_server_stop (fixture->server);
  g_assert_cmpint (g_rename (key, saved), ==, 0);

  /* Never a silent new key: the sealed TOTP secrets would be lost. */
  assert_refused (fixture, "is missing; TOTP secrets cannot be read");
  g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));
  status = kbc_test_server_admin_full (fixture->server, NULL, NULL, &err, "init", NULL);
  g_assert_cmpint (status, !=, 0);
  g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));

  /* With its key back, the database serves as before. */
  g_assert_cmpint (g_rename (saved, key), ==, 0);
  kbc_test_server_restart (fixture->server);
  {
    g_autoptr (KbcTestResponse) started = post_login (fixture, PASSWORD);
    g_assert_cmpuint (started->status, ==, 200);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                    \
  g_test_add ("/kbc/server-hardening-sessions/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("password-change-ends-tickets", test_password_change_ends_tickets);
  ADD ("session-idle-timeout", test_session_idle_timeout);
  ADD ("files-private", test_files_private);
  ADD ("missing-key-file", test_missing_key_file);

#undef ADD

  return g_test_run ();
}
