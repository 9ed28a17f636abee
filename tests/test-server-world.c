/* test-server-world.c: maintainers, organizations, projects, members,
 * invitations, promo codes, limits and metrics: the operator subcommands
 * (run while `serve` runs on the same database) and the endpoints over real
 * HTTP against a real kbc-account-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-demo.h"
#include "kbc-test-db.h"
#include "kbc-test-utils.h"

#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>

#define EMAIL       "ada@example.test"
#define NAME        "Ada Lovelace"
#define PASSWORD    "Copper-Kettle-Morning-93"
#define OTHER_EMAIL "alan@example.test"
#define OTHER_NAME  "Alan Turing"

typedef struct
{
  KbcTestServer *server;
  gint64 user_id;
  gint64 other_id;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  fixture->user_id = kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->other_id = kbc_test_server_add_user (fixture->server, OTHER_EMAIL, OTHER_NAME, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* ---- helpers ---- */

/* The output of a command that must succeed: one id alone on one line. */
static gint64
admin_id (Fixture *fixture, const char *first_arg, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  gint64 id = 0;
  va_list ap;
  int status;

  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  while (args->len < 16)
    g_ptr_array_add (args, NULL);

  status = kbc_test_server_admin_full (
      fixture->server, NULL, &out, &err, args->pdata[0], args->pdata[1], args->pdata[2],
      args->pdata[3], args->pdata[4], args->pdata[5], args->pdata[6], args->pdata[7],
      args->pdata[8], args->pdata[9], args->pdata[10], args->pdata[11], args->pdata[12],
      args->pdata[13], args->pdata[14], NULL);
  if (status != 0)
    g_error ("%s %s failed: %s", first_arg, (const char *) args->pdata[1], err);
  g_assert_cmpint (strlen (out), >, 0);
  g_assert_null (strchr (out, '\n'));
  g_assert_true (g_ascii_string_to_signed (out, 10, 1, G_MAXINT64, &id, NULL));
  return id;
}

/* A command that must fail: exit status non-zero, one line on stderr that
 * contains @reason (the harness strips the final newline), nothing on stdout. */
#define ASSERT_REFUSED(fixture, reason, ...)                                                   \
  G_STMT_START                                                                                 \
  {                                                                                            \
    g_autofree char *out_ = NULL;                                                              \
    g_autofree char *err_ = NULL;                                                              \
    int status_ =                                                                              \
        kbc_test_server_admin_full ((fixture)->server, NULL, &out_, &err_, __VA_ARGS__, NULL); \
    g_assert_cmpint (status_, !=, 0);                                                          \
    g_assert_cmpstr (out_, ==, "");                                                            \
    g_assert_nonnull (strstr (err_, (reason)));                                                \
    g_assert_null (strchr (err_, '\n'));                                                       \
  }                                                                                            \
  G_STMT_END

/* One integer from the database (read-only, while `serve` holds it). */
static gint64
db_int (Fixture *fixture, const char *sql)
{
  return kbc_test_db_int (fixture->server, sql, NULL);
}

static char *
db_text (Fixture *fixture, const char *sql)
{
  sqlite3_stmt *stmt;
  sqlite3 *db;
  char *value;

  g_assert_cmpint (
      sqlite3_open_v2 (kbc_test_server_get_db (fixture->server), &db, SQLITE_OPEN_READONLY, NULL),
      ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* ---- the operator subcommands ---- */

static void
test_cli_world (Fixture *fixture, gconstpointer data)
{
  g_autofree char *maintainer = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *project = NULL;
  g_autofree char *text = NULL;
  gint64 m, o, o2, p;

  m = admin_id (fixture, "maintainer", "add", "--name", "  Keboola Partners  ", NULL);
  maintainer = g_strdup_printf ("%" G_GINT64_FORMAT, m);
  o = admin_id (fixture, "organization", "add", "--maintainer", maintainer, "--name", "Acme",
                "--mfa-required", "--auto-join", NULL);
  o2 =
      admin_id (fixture, "organization", "add", "--maintainer", maintainer, "--name", "Beta", NULL);
  g_assert_cmpint (o2, !=, o);
  organization = g_strdup_printf ("%" G_GINT64_FORMAT, o);
  p = admin_id (fixture, "project", "add", "--organization", organization, "--name", "Sales", NULL);
  project = g_strdup_printf ("%" G_GINT64_FORMAT, p);

  text = db_text (fixture, "SELECT name FROM maintainers");
  g_assert_cmpstr (text, ==, "Keboola Partners");
  g_assert_cmpint (db_int (fixture, "SELECT mfa_required + allow_auto_join FROM organizations"
                                    " WHERE name = 'Acme'"),
                   ==, 2);
  g_assert_cmpint (db_int (fixture, "SELECT mfa_required + allow_auto_join FROM organizations"
                                    " WHERE name = 'Beta'"),
                   ==, 0);
  g_assert_cmpint (db_int (fixture, "SELECT organization_id FROM projects"), ==, o);

  /* Memberships of each level are separate; member add prints the user id. */
  g_assert_cmpint (admin_id (fixture, "member", "add", "--email", EMAIL, "--project", project,
                             "--role", "guest", NULL),
                   ==, fixture->user_id);
  g_assert_cmpint (
      admin_id (fixture, "member", "add", "--email", EMAIL, "--organization", organization, NULL),
      ==, fixture->user_id);
  g_assert_cmpint (
      admin_id (fixture, "member", "add", "--email", OTHER_EMAIL, "--maintainer", maintainer, NULL),
      ==, fixture->other_id);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM project_members"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM organization_members"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM maintainer_members"), ==, 1);
  g_clear_pointer (&text, g_free);
  text = db_text (fixture, "SELECT role FROM project_members");
  g_assert_cmpstr (text, ==, "guest");
  /* Again: the same membership, the new role. */
  admin_id (fixture, "member", "add", "--email", EMAIL, "--project", project, "--role", "share",
            NULL);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM project_members"), ==, 1);
  g_clear_pointer (&text, g_free);
  text = db_text (fixture, "SELECT role FROM project_members");
  g_assert_cmpstr (text, ==, "share");

  /* Limits and metrics print the project's id; setting again replaces. */
  g_assert_cmpint (admin_id (fixture, "project", "set-limit", "--project", project, "--name",
                             "storage.dataSizeBytes", "--value", "1000", NULL),
                   ==, p);
  g_assert_cmpint (admin_id (fixture, "project", "set-metric", "--project", project, "--name",
                             "storage.dataSizeBytes", "--value", "10", NULL),
                   ==, p);
  admin_id (fixture, "project", "set-metric", "--project", project, "--name",
            "storage.dataSizeBytes", "--value", "20", NULL);
  g_assert_cmpint (db_int (fixture, "SELECT value FROM project_limits"), ==, 1000);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) || value FROM project_metrics"), ==, 120);
}

static void
test_cli_invite_and_promo (Fixture *fixture, gconstpointer data)
{
  g_autofree char *maintainer = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *project = NULL;
  g_autofree char *out = NULL;
  gint64 m, o, p, i1, i2, i3;

  m = admin_id (fixture, "maintainer", "add", "--name", "M", NULL);
  maintainer = g_strdup_printf ("%" G_GINT64_FORMAT, m);
  o = admin_id (fixture, "organization", "add", "--maintainer", maintainer, "--name", "O", NULL);
  organization = g_strdup_printf ("%" G_GINT64_FORMAT, o);
  p = admin_id (fixture, "project", "add", "--organization", organization, "--name", "P", NULL);
  project = g_strdup_printf ("%" G_GINT64_FORMAT, p);

  i1 = admin_id (fixture, "invite", "--email", EMAIL, "--project", project, "--role", "readOnly",
                 "--from", OTHER_EMAIL, "--reason", "Help with the pipeline", "--expires-in",
                 "7200", NULL);
  i2 = admin_id (fixture, "invite", "--email", EMAIL, "--organization", organization, NULL);
  /* Someone without an account yet may be invited. */
  i3 =
      admin_id (fixture, "invite", "--email", "new@example.test", "--maintainer", maintainer, NULL);
  g_assert_cmpint (i1, !=, i2);
  g_assert_cmpint (i2, !=, i3);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM invitations WHERE role = 'readOnly'"
                                    " AND reason = 'Help with the pipeline'"
                                    " AND expires - created = 7200 AND creator_id IS NOT NULL"),
                   ==, 1);
  /* A week by default; a project's role defaults to admin. */
  g_assert_cmpint (db_int (fixture, "SELECT expires - created FROM invitations"
                                    " WHERE organization_id IS NOT NULL"),
                   ==, 7 * 24 * 3600);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM invitations WHERE role IS NULL"), ==, 2);

  /* A promo code prints the code: it is its id. */
  g_assert_cmpint (kbc_test_server_admin_full (fixture->server, NULL, &out, NULL, "promo", "add",
                                               "--code", "HACK-2026", "--organization",
                                               organization, "--expiration-days", "30", NULL),
                   ==, 0);
  g_assert_cmpstr (out, ==, "HACK-2026");
  g_assert_cmpint (db_int (fixture, "SELECT expiration_days FROM promo_codes"), ==, 30);
  g_assert_cmpint (db_int (fixture, "SELECT used_by IS NULL FROM promo_codes"), ==, 1);
}

static void
test_cli_refusals (Fixture *fixture, gconstpointer data)
{
  admin_id (fixture, "maintainer", "add", "--name", "M", NULL);
  admin_id (fixture, "organization", "add", "--maintainer", "1", "--name", "O", NULL);
  admin_id (fixture, "project", "add", "--organization", "1", "--name", "P", NULL);

  ASSERT_REFUSED (fixture, "--name", "maintainer", "add");
  ASSERT_REFUSED (fixture, "name: must not be empty", "maintainer", "add", "--name", "  ");
  ASSERT_REFUSED (fixture, "there is no maintainer", "organization", "add", "--maintainer", "99",
                  "--name", "O");
  ASSERT_REFUSED (fixture, "maintainer: must be an id", "organization", "add", "--maintainer", "x",
                  "--name", "O");
  ASSERT_REFUSED (fixture, "there is no organization", "project", "add", "--organization", "99",
                  "--name", "P");
  ASSERT_REFUSED (fixture, "give one of", "member", "add", "--email", EMAIL);
  ASSERT_REFUSED (fixture, "give one of", "member", "add", "--email", EMAIL, "--project", "1",
                  "--organization", "1");
  ASSERT_REFUSED (fixture, "role: only a project", "member", "add", "--email", EMAIL,
                  "--organization", "1", "--role", "guest");
  ASSERT_REFUSED (fixture, "role: must be", "member", "add", "--email", EMAIL, "--project", "1",
                  "--role", "owner");
  ASSERT_REFUSED (fixture, "no user with this email", "member", "add", "--email",
                  "nobody@example.test", "--project", "1");
  ASSERT_REFUSED (fixture, "there is no project", "member", "add", "--email", EMAIL, "--project",
                  "99");
  ASSERT_REFUSED (fixture, "email:", "invite", "--email", "not-an-email", "--project", "1");
  ASSERT_REFUSED (fixture, "from: there is no user", "invite", "--email", EMAIL, "--project", "1",
                  "--from", "nobody@example.test");
  ASSERT_REFUSED (fixture, "expires-in", "invite", "--email", EMAIL, "--project", "1",
                  "--expires-in", "10");
  ASSERT_REFUSED (fixture, "there is no maintainer", "invite", "--email", EMAIL, "--maintainer",
                  "99");
  ASSERT_REFUSED (fixture, "code: must be", "promo", "add", "--code", "a b", "--organization", "1");
  ASSERT_REFUSED (fixture, "there is no organization", "promo", "add", "--code", "X",
                  "--organization", "99");
  ASSERT_REFUSED (fixture, "expiration-days", "promo", "add", "--code", "X", "--organization", "1",
                  "--expiration-days", "0");
  admin_id (fixture, "project", "set-limit", "--project", "1", "--name", "a", "--value", "1", NULL);
  {
    g_autofree char *out = kbc_test_server_admin (fixture->server, NULL, "promo", "add", "--code",
                                                  "X", "--organization", "1", NULL);
    g_assert_cmpstr (out, ==, "X");
  }
  ASSERT_REFUSED (fixture, "already exists", "promo", "add", "--code", "X", "--organization", "1");
  ASSERT_REFUSED (fixture, "there is no project", "project", "set-limit", "--project", "99",
                  "--name", "a", "--value", "1");
  ASSERT_REFUSED (fixture, "value: must be", "project", "set-metric", "--project", "1", "--name",
                  "a", "--value", "-1");
  ASSERT_REFUSED (fixture, "name: must be", "project", "set-metric", "--project", "1", "--name",
                  "a b", "--value", "1");

  /* Nothing was written by a refusal. */
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM maintainers"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM organizations"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM projects"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM invitations"), ==, 0);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM project_members"), ==, 0);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM promo_codes"), ==, 1);
}

/* ---- over HTTP ---- */

/* A personal token of @email (no sign-in: argon2 is not needed here). */
static char *
token_for (Fixture *fixture, const char *email)
{
  return kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email", email,
                                "--description", "test", NULL);
}

static void
db_exec (Fixture *fixture, const char *sql)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (kbc_test_server_get_db (fixture->server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* The sorted member names of @object, comma-separated. */
static char *
member_names (JsonObject *object)
{
  g_autoptr (GList) names = json_object_get_members (object);
  g_autoptr (GString) out = g_string_new (NULL);

  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    g_string_append_printf (out, "%s%s", out->len > 0 ? "," : "", (const char *) l->data);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static KbcTestResponse *
get_ok (Fixture *fixture, const char *path, const char *token)
{
  KbcTestResponse *response = kbc_test_server_request (fixture->server, "GET", path, token, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (response->json);
  return response;
}

static void
assert_error (KbcTestResponse *response, guint status, const char *message)
{
  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (kbc_test_response_string (response, "error"), ==, message);
  g_assert_cmpstr (kbc_test_response_string (response, "status"), ==, "error");
}

/* A maintainer, an organization under it and a project in that; ids out. */
static void
make_world (Fixture *fixture, gboolean mfa_required, gint64 *m, gint64 *o, gint64 *p)
{
  g_autofree char *ms = NULL;
  g_autofree char *os = NULL;

  *m = admin_id (fixture, "maintainer", "add", "--name", "Partners", NULL);
  ms = id_text (*m);
  *o = admin_id (fixture, "organization", "add", "--maintainer", ms, "--name", "Acme",
                 mfa_required ? "--mfa-required" : NULL, NULL);
  os = id_text (*o);
  *p = admin_id (fixture, "project", "add", "--organization", os, "--name", "Sales", NULL);
}

#define INV_PATH "/manage/current-user/projects-invitations"

static void
test_project_invitations (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *other_token = token_for (fixture, OTHER_EMAIL);
  g_autofree char *ps = NULL;
  g_autofree char *names = NULL;
  g_autofree char *path1 = NULL;
  g_autofree char *path2 = NULL;
  g_autofree char *path3 = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  JsonArray *array;
  JsonObject *item;
  gint64 m, o, p, i1, i2, i3;

  make_world (fixture, FALSE, &m, &o, &p);
  ps = id_text (p);
  i1 = admin_id (fixture, "invite", "--email", EMAIL, "--project", ps, "--role", "guest", "--from",
                 OTHER_EMAIL, "--reason", "Help us", NULL);
  i2 = admin_id (fixture, "invite", "--email", EMAIL, "--project", ps, NULL);
  i3 = admin_id (fixture, "invite", "--email", EMAIL, "--project", ps, NULL);
  path1 = g_strdup_printf (INV_PATH "/%" G_GINT64_FORMAT, i1);
  path2 = g_strdup_printf (INV_PATH "/%" G_GINT64_FORMAT, i2);
  path3 = g_strdup_printf (INV_PATH "/%" G_GINT64_FORMAT, i3);
  /* An expired one is not listed, nor found. */
  {
    g_autofree char *sql = g_strdup_printf (
        "UPDATE invitations SET expires = created - 1 WHERE id = %" G_GINT64_FORMAT, i3);
    db_exec (fixture, sql);
  }

  response = get_ok (fixture, INV_PATH, token);
  array = json_node_get_array (response->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  /* Newest first. */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "id"), ==,
                   i2);
  item = json_array_get_object_element (array, 1);
  names = member_names (item);
  g_assert_cmpstr (names, ==, "created,creator,expires,id,project,reason,role");
  g_assert_cmpint (json_object_get_int_member (item, "id"), ==, i1);
  g_assert_cmpstr (json_object_get_string_member (item, "role"), ==, "guest");
  g_assert_cmpstr (json_object_get_string_member (item, "reason"), ==, "Help us");
  g_assert_nonnull (json_object_get_string_member (item, "created"));
  g_assert_nonnull (json_object_get_string_member (item, "expires"));
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (item, "project"), "id"), ==, p);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (item, "project"), "name"), ==,
      "Sales");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (item, "creator"), "email"), ==,
      OTHER_EMAIL);
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (item, "creator"), "id"), ==,
      fixture->other_id);
  /* The operator's invitation has no creator, and the default role. */
  item = json_array_get_object_element (array, 0);
  g_assert_true (json_object_get_null_member (item, "creator"));
  g_assert_cmpstr (json_object_get_string_member (item, "role"), ==, "admin");
  g_clear_pointer (&response, kbc_test_response_free);

  /* Another user sees none of them and cannot touch them. */
  response = get_ok (fixture, INV_PATH, other_token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 0);
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "GET", path1, other_token, NULL);
  assert_error (response, 404, "Invitation not found");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "PUT", path1, other_token, NULL);
  assert_error (response, 404, "Invitation not found");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "DELETE", path1, other_token, NULL);
  assert_error (response, 404, "Invitation not found");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "GET", path3, token, NULL);
  assert_error (response, 404, "Invitation not found");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "GET", INV_PATH "/abc", token, NULL);
  g_assert_cmpuint (response->status, ==, 404);
  g_clear_pointer (&response, kbc_test_response_free);

  /* Detail. */
  response = get_ok (fixture, path1, token);
  g_assert_cmpint (json_object_get_int_member (kbc_test_response_object (response), "id"), ==, i1);
  g_clear_pointer (&response, kbc_test_response_free);

  /* Accept: 202 without a body; a project member with the invitation's role. */
  response = kbc_test_server_request (fixture->server, "PUT", path1, token, NULL);
  g_assert_cmpuint (response->status, ==, 202);
  g_assert_cmpstr (response->body, ==, "");
  g_clear_pointer (&response, kbc_test_response_free);
  {
    g_autofree char *role = db_text (fixture, "SELECT role FROM project_members");
    g_assert_cmpstr (role, ==, "guest");
  }
  g_assert_cmpint (db_int (fixture, "SELECT user_id FROM project_members"), ==, fixture->user_id);
  /* Only the project: no organization membership comes with it. */
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM organization_members"), ==, 0);
  response = kbc_test_server_request (fixture->server, "PUT", path1, token, NULL);
  assert_error (response, 404, "Invitation not found");
  g_clear_pointer (&response, kbc_test_response_free);

  /* Decline: 204, and it is gone. */
  response = kbc_test_server_request (fixture->server, "DELETE", path2, token, NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, INV_PATH, token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 0);
  g_clear_pointer (&response, kbc_test_response_free);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM project_members"), ==, 1);

  /* Without a token: 401. */
  response = kbc_test_server_request (fixture->server, "GET", INV_PATH, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 401);
}

static void
test_mfa_required (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *ps = NULL;
  g_autofree char *path = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  gint64 m, o, p, i;

  make_world (fixture, TRUE, &m, &o, &p);
  ps = id_text (p);
  i = admin_id (fixture, "invite", "--email", EMAIL, "--project", ps, NULL);
  path = g_strdup_printf (INV_PATH "/%" G_GINT64_FORMAT, i);

  response = kbc_test_server_request (fixture->server, "PUT", path, token, NULL);
  assert_error (response, 400,
                "Project requires users to have multi-factor authentication enabled");
  g_clear_pointer (&response, kbc_test_response_free);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM project_members"), ==, 0);
  /* Still pending: it can be accepted once MFA is on. */
  response = get_ok (fixture, path, token);
}

static void
test_other_invitations (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *ms = NULL;
  g_autofree char *os = NULL;
  g_autofree char *names = NULL;
  g_autofree char *org_path = NULL;
  g_autofree char *m_path = NULL;
  g_autofree char *cross_path = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  JsonObject *item;
  gint64 m, o, p, io, im;

  make_world (fixture, FALSE, &m, &o, &p);
  ms = id_text (m);
  os = id_text (o);
  io = admin_id (fixture, "invite", "--email", EMAIL, "--organization", os, "--from", OTHER_EMAIL,
                 NULL);
  im = admin_id (fixture, "invite", "--email", EMAIL, "--maintainer", ms, NULL);
  org_path =
      g_strdup_printf ("/manage/current-user/organizations-invitations/%" G_GINT64_FORMAT, io);
  m_path = g_strdup_printf ("/manage/current-user/maintainers-invitations/%" G_GINT64_FORMAT, im);
  /* An organization's invitation is not a project's. */
  cross_path = g_strdup_printf (INV_PATH "/%" G_GINT64_FORMAT, io);

  response = get_ok (fixture, "/manage/current-user/organizations-invitations", token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 1);
  item = json_array_get_object_element (json_node_get_array (response->json), 0);
  names = member_names (item);
  g_assert_cmpstr (names, ==, "created,creator,id,organization");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (item, "organization"), "name"),
      ==, "Acme");
  g_clear_pointer (&response, kbc_test_response_free);
  g_clear_pointer (&names, g_free);

  response = get_ok (fixture, "/manage/current-user/maintainers-invitations", token);
  item = json_array_get_object_element (json_node_get_array (response->json), 0);
  names = member_names (item);
  g_assert_cmpstr (names, ==, "created,creator,id,maintainer");
  g_clear_pointer (&response, kbc_test_response_free);

  response = kbc_test_server_request (fixture->server, "GET", cross_path, token, NULL);
  g_assert_cmpuint (response->status, ==, 404);
  g_clear_pointer (&response, kbc_test_response_free);

  response = get_ok (fixture, org_path, token);
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "PUT", org_path, token, NULL);
  g_assert_cmpuint (response->status, ==, 202);
  g_assert_cmpstr (response->body, ==, "");
  g_clear_pointer (&response, kbc_test_response_free);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM organization_members"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM project_members"), ==, 0);

  response = kbc_test_server_request (fixture->server, "DELETE", m_path, token, NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, kbc_test_response_free);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM maintainer_members"), ==, 0);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM invitations"), ==, 0);
}

static void
assert_refused (Fixture *fixture,
                const char *path,
                const char *token,
                guint status,
                const char *message)
{
  g_autoptr (KbcTestResponse) response =
      kbc_test_server_request (fixture->server, "GET", path, token, NULL);

  assert_error (response, status, message);
}

static void
test_organizations (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *other_token = token_for (fixture, OTHER_EMAIL);
  g_autofree char *ms = NULL;
  g_autofree char *os = NULL;
  g_autofree char *o2s = NULL;
  g_autofree char *ps = NULL;
  g_autofree char *names = NULL;
  g_autofree char *path = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  JsonArray *array;
  JsonObject *object;
  gint64 m, o, o2, p, q;

  make_world (fixture, TRUE, &m, &o, &p);
  ms = id_text (m);
  os = id_text (o);
  ps = id_text (p);
  o2 = admin_id (fixture, "organization", "add", "--maintainer", ms, "--name", "Other", NULL);
  o2s = id_text (o2);
  q = admin_id (fixture, "project", "add", "--organization", os, "--name", "Marketing", NULL);
  admin_id (fixture, "member", "add", "--email", EMAIL, "--organization", os, NULL);
  admin_id (fixture, "member", "add", "--email", OTHER_EMAIL, "--maintainer", ms, NULL);

  /* Mine: the organizations I am a member of. */
  response = get_ok (fixture, "/manage/organizations", token);
  array = json_node_get_array (response->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, o);
  g_assert_true (json_object_get_boolean_member (object, "mfaRequired"));
  g_assert_false (json_object_get_boolean_member (object, "allowAutoJoin"));
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, "/manage/organizations", other_token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 0);
  g_clear_pointer (&response, kbc_test_response_free);

  /* Detail with its projects, by name. */
  path = g_strdup_printf ("/manage/organizations/%s", os);
  response = get_ok (fixture, path, token);
  object = kbc_test_response_object (response);
  names = member_names (object);
  g_assert_cmpstr (names, ==,
                   "activityCenterProjectId,allowAutoJoin,created,crmId,id,mfaRequired,name,"
                   "projects");
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Acme");
  array = json_object_get_array_member (object, "projects");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "id"), ==,
                   q);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 1), "id"), ==,
                   p);
  g_clear_pointer (&response, kbc_test_response_free);

  /* A maintainer's member sees its organizations; nobody else does. */
  response = get_ok (fixture, path, other_token);
  g_clear_pointer (&response, kbc_test_response_free);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/manage/organizations/%s", o2s);
  assert_refused (fixture, path, token, 403, "You don't have access to the organization");
  response = get_ok (fixture, path, other_token);
  g_clear_pointer (&response, kbc_test_response_free);
  assert_refused (fixture, "/manage/organizations/9999", token, 404, "Organization not found");

  /* Its projects in the project shape. */
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/manage/organizations/%s/projects", os);
  response = get_ok (fixture, path, token);
  array = json_node_get_array (response->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  object = json_array_get_object_element (array, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Sales");
  g_assert_true (json_object_has_member (object, "limits"));
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (object, "organization"), "id"), ==,
      o);
  g_clear_pointer (&response, kbc_test_response_free);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/manage/organizations/%s/projects", o2s);
  assert_refused (fixture, path, token, 403, "You don't have access to the organization");

  /* Maintainers. */
  response = get_ok (fixture, "/manage/maintainers", token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 0);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, "/manage/maintainers", other_token);
  array = json_node_get_array (response->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "name"),
                   ==, "Partners");
  g_clear_pointer (&response, kbc_test_response_free);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/manage/maintainers/%s", ms);
  assert_refused (fixture, path, token, 403, "You don't have access to the maintainer");
  response = get_ok (fixture, path, other_token);
  g_assert_cmpint (json_object_get_int_member (kbc_test_response_object (response), "id"), ==, m);
  g_clear_pointer (&response, kbc_test_response_free);
  assert_refused (fixture, "/manage/maintainers/9999", other_token, 404, "Maintainer not found");
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/manage/maintainers/%s/organizations", ms);
  assert_refused (fixture, path, token, 403, "You don't have access to the maintainer");
  response = get_ok (fixture, path, other_token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 2);
}

static void
test_project (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *other_token = token_for (fixture, OTHER_EMAIL);
  g_autofree char *ps = NULL;
  g_autofree char *os = NULL;
  g_autofree char *path = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  JsonObject *object;
  JsonObject *limit;
  gint64 m, o, p;

  make_world (fixture, FALSE, &m, &o, &p);
  ps = id_text (p);
  os = id_text (o);
  path = g_strdup_printf ("/manage/projects/%s", ps);
  admin_id (fixture, "project", "set-limit", "--project", ps, "--name", "kbc.adminsCount",
            "--value", "10", NULL);
  admin_id (fixture, "project", "set-metric", "--project", ps, "--name", "kbc.adminsCount",
            "--value", "3", NULL);

  /* An organization member who is not in the project may not read it. */
  admin_id (fixture, "member", "add", "--email", OTHER_EMAIL, "--organization", os, NULL);
  assert_refused (fixture, path, other_token, 403, "You don't have access to the project");
  assert_refused (fixture, path, token, 403, "You don't have access to the project");
  assert_refused (fixture, "/manage/projects/9999", token, 404, "Project not found");

  admin_id (fixture, "member", "add", "--email", EMAIL, "--project", ps, NULL);
  response = get_ok (fixture, path, token);
  object = kbc_test_response_object (response);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, p);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Sales");
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "production");
  g_assert_cmpstr (json_object_get_string_member (object, "defaultBackend"), ==, "snowflake");
  g_assert_true (json_object_get_null_member (object, "expires"));
  g_assert_false (json_object_get_boolean_member (object, "isDisabled"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "features")), ==,
                    0);
  limit = json_object_get_object_member (json_object_get_object_member (object, "limits"),
                                         "kbc.adminsCount");
  g_assert_cmpstr (json_object_get_string_member (limit, "name"), ==, "kbc.adminsCount");
  g_assert_cmpint (json_object_get_int_member (limit, "value"), ==, 10);
  limit = json_object_get_object_member (json_object_get_object_member (object, "metrics"),
                                         "kbc.adminsCount");
  g_assert_cmpint (json_object_get_int_member (limit, "value"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (object, "organization"), "name"),
                   ==, "Acme");
}

#define PROMO_PATH "/manage/current-user/promo-codes"

static void
test_promo_codes (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *other_token = token_for (fixture, OTHER_EMAIL);
  g_autofree char *os = NULL;
  g_autofree char *names = NULL;
  g_autofree char *path = NULL;
  g_autofree char *code = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  JsonObject *object;
  JsonArray *array;
  gint64 m, o, p, project_id;

  make_world (fixture, FALSE, &m, &o, &p);
  os = id_text (o);
  code = kbc_test_server_admin (fixture->server, NULL, "promo", "add", "--code", "HACK-1",
                                "--organization", os, "--expiration-days", "30", NULL);
  g_assert_cmpstr (code, ==, "HACK-1");

  /* Keboola's words for each refusal. */
  response =
      kbc_test_server_request (fixture->server, "POST", PROMO_PATH, token, "{\"code\": \"NOPE\"}");
  assert_error (response, 400, "Promo Code NOPE doen't exists");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "POST", PROMO_PATH, token,
                                      "{\"code\": \"HACK-1\"}");
  assert_error (response, 400, "Only organization members can create new projects");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "POST", PROMO_PATH, token, "{}");
  g_assert_cmpuint (response->status, ==, 400);
  g_clear_pointer (&response, kbc_test_response_free);

  /* A member redeems it: a new project, named after the user and the code. */
  admin_id (fixture, "member", "add", "--email", EMAIL, "--organization", os, NULL);
  response = kbc_test_server_request (fixture->server, "POST", PROMO_PATH, token,
                                      "{\"code\": \"HACK-1\"}");
  g_assert_cmpuint (response->status, ==, 201);
  object = kbc_test_response_object (response);
  project_id = json_object_get_int_member (object, "id");
  g_assert_cmpint (project_id, !=, p);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, NAME " (HACK-1)");
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "poc");
  g_assert_nonnull (json_object_get_string_member (object, "expires"));
  g_assert_true (json_object_has_member (object, "limits"));
  g_assert_true (json_object_has_member (object, "metrics"));
  g_assert_true (json_object_has_member (object, "features"));
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (object, "organization"), "id"), ==,
      o);
  g_clear_pointer (&response, kbc_test_response_free);
  g_assert_cmpint (db_int (fixture, "SELECT expires - created FROM projects WHERE type = 'poc'"),
                   ==, 30 * 24 * 3600);

  /* The user is its admin, so may read it. */
  path = g_strdup_printf ("/manage/projects/%" G_GINT64_FORMAT, project_id);
  response = get_ok (fixture, path, token);
  g_clear_pointer (&response, kbc_test_response_free);

  /* Once only. */
  response = kbc_test_server_request (fixture->server, "POST", PROMO_PATH, token,
                                      "{\"code\": \"HACK-1\"}");
  assert_error (response, 400, "Promo code HACK-1 is already used.");
  g_clear_pointer (&response, kbc_test_response_free);

  /* The codes I used. */
  response = get_ok (fixture, PROMO_PATH, token);
  array = json_node_get_array (response->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  names = member_names (object);
  g_assert_cmpstr (names, ==, "code,project,usedAt");
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "HACK-1");
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (object, "project"), "id"), ==,
      project_id);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, PROMO_PATH, other_token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 0);
}

/* Wrong codes are limited like sign-in failures: 10 in 15 minutes, then
 * 429 with Retry-After, for that user only. */
static void
test_promo_rate_limit (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *other_token = token_for (fixture, OTHER_EMAIL);
  g_autoptr (KbcTestResponse) response = NULL;

  for (guint i = 0; i < 10; i++)
    {
      response = kbc_test_server_request (fixture->server, "POST", PROMO_PATH, token,
                                          "{\"code\": \"GUESS\"}");
      assert_error (response, 400, "Promo Code GUESS doen't exists");
      g_clear_pointer (&response, kbc_test_response_free);
    }
  response =
      kbc_test_server_request (fixture->server, "POST", PROMO_PATH, token, "{\"code\": \"GUESS\"}");
  g_assert_cmpuint (response->status, ==, 429);
  g_assert_nonnull (response->retry_after);
  g_clear_pointer (&response, kbc_test_response_free);

  response = kbc_test_server_request (fixture->server, "POST", PROMO_PATH, other_token,
                                      "{\"code\": \"GUESS\"}");
  assert_error (response, 400, "Promo Code GUESS doen't exists");
}

#define RACERS 20

/* 20 redemptions of one code at once, each on its own connection, all
 * sent before any answer is read: exactly one 201. */
static void
test_promo_concurrent (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *os = NULL;
  g_autofree char *request = NULL;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  GSocketConnection *connections[RACERS];
  const char *body = "{\"code\": \"RACE\"}";
  guint created = 0, used = 0;
  gint64 m, o, p;

  make_world (fixture, FALSE, &m, &o, &p);
  os = id_text (o);
  g_free (kbc_test_server_admin (fixture->server, NULL, "promo", "add", "--code", "RACE",
                                 "--organization", os, NULL));
  admin_id (fixture, "member", "add", "--email", EMAIL, "--organization", os, NULL);

  request = g_strdup_printf ("POST " PROMO_PATH " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "X-KBC-ManageApiToken: %s\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                             token, strlen (body), body);
  for (guint i = 0; i < RACERS; i++)
    {
      g_autoptr (GError) error = NULL;

      connections[i] = g_socket_client_connect_to_host (
          client, "127.0.0.1", kbc_test_server_get_port (fixture->server), NULL, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < RACERS; i++)
    {
      g_autoptr (GError) error = NULL;

      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connections[i])),
                                 request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < RACERS; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GString) answer = g_string_new (NULL);
      char buffer[4096];
      gssize n;

      while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connections[i])),
                                       buffer, sizeof buffer, NULL, &error)) > 0)
        g_string_append_len (answer, buffer, n);
      g_assert_no_error (error);
      if (g_str_has_prefix (answer->str, "HTTP/1.1 201"))
        created++;
      else if (g_str_has_prefix (answer->str, "HTTP/1.1 400") &&
               strstr (answer->str, "Promo code RACE is already used.") != NULL)
        used++;
      g_object_unref (connections[i]);
    }

  g_assert_cmpuint (created, ==, 1);
  g_assert_cmpuint (used, ==, RACERS - 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM projects"), ==, 2);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM project_members"), ==, 1);
}

#define JOIN_PATH "/manage/current-user/projects-join-requests"

/* DESIGN.md has no operator command for join requests (users make them in
 * Keboola's web): the test writes them into the database. */
static void
test_join_requests (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *other_token = token_for (fixture, OTHER_EMAIL);
  g_autofree char *sql = NULL;
  g_autofree char *names = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  JsonArray *array;
  JsonObject *object;
  gint64 m, o, p;

  make_world (fixture, FALSE, &m, &o, &p);
  sql = g_strdup_printf (
      "INSERT INTO join_requests (id, project_id, user_id, reason, created, expires) VALUES"
      " (1, %1$" G_GINT64_FORMAT ", %2$" G_GINT64_FORMAT ", 'temporary test', 100, NULL),"
      " (2, %1$" G_GINT64_FORMAT ", %2$" G_GINT64_FORMAT ", '', 200, 32503680000),"
      " (3, %1$" G_GINT64_FORMAT ", %2$" G_GINT64_FORMAT ", 'expired', 300, 400),"
      " (4, %1$" G_GINT64_FORMAT ", %3$" G_GINT64_FORMAT ", 'not mine', 500, NULL)",
      p, fixture->user_id, fixture->other_id);
  db_exec (fixture, sql);

  response = get_ok (fixture, JOIN_PATH, token);
  array = json_node_get_array (response->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "id"), ==,
                   2);
  object = json_array_get_object_element (array, 1);
  names = member_names (object);
  g_assert_cmpstr (names, ==, "created,expires,id,project,reason");
  g_assert_cmpstr (json_object_get_string_member (object, "reason"), ==, "temporary test");
  g_assert_true (json_object_get_null_member (object, "expires"));
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "project"), "name"), ==,
      "Sales");
  g_clear_pointer (&response, kbc_test_response_free);

  response = get_ok (fixture, JOIN_PATH "/1", token);
  g_assert_cmpint (json_object_get_int_member (kbc_test_response_object (response), "id"), ==, 1);
  g_clear_pointer (&response, kbc_test_response_free);
  assert_refused (fixture, JOIN_PATH "/3", token, 404, "Join request not found");
  assert_refused (fixture, JOIN_PATH "/4", token, 404, "Join request not found");
  assert_refused (fixture, JOIN_PATH "/1", other_token, 404, "Join request not found");

  /* Cancel: 204, and another user's cannot be. */
  response = kbc_test_server_request (fixture->server, "DELETE", JOIN_PATH "/4", token, NULL);
  assert_error (response, 404, "Join request not found");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (fixture->server, "DELETE", JOIN_PATH "/1", token, NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, JOIN_PATH, token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 1);
  g_clear_pointer (&response, kbc_test_response_free);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM join_requests"), ==, 3);
}

/* `serve --published-only` serves section A: the three lists, detail and
 * accept; our DELETE of an organization's or maintainer's invitation is
 * not published (405: the path is, with other methods). */
static void
test_published_only (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new_with_args ("--published-only", NULL);
  Fixture fixture_ = { server, 0, 0 };
  Fixture *fixture = &fixture_;
  g_autofree char *token = NULL;
  g_autofree char *ps = NULL;
  g_autofree char *os = NULL;
  g_autofree char *path = NULL;
  g_autofree char *org_path = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  gint64 m, o, p, i, io;

  fixture->user_id = kbc_test_server_add_user (server, EMAIL, NAME, PASSWORD);
  token = token_for (fixture, EMAIL);
  make_world (fixture, FALSE, &m, &o, &p);
  ps = id_text (p);
  os = id_text (o);
  i = admin_id (fixture, "invite", "--email", EMAIL, "--project", ps, NULL);
  io = admin_id (fixture, "invite", "--email", EMAIL, "--organization", os, NULL);
  path = g_strdup_printf (INV_PATH "/%" G_GINT64_FORMAT, i);
  org_path =
      g_strdup_printf ("/manage/current-user/organizations-invitations/%" G_GINT64_FORMAT, io);

  response = get_ok (fixture, INV_PATH, token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 1);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, "/manage/current-user/maintainers-invitations", token);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, org_path, token);
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (server, "DELETE", org_path, token, NULL);
  g_assert_cmpuint (response->status, ==, 405);
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (server, "PUT", org_path, token, NULL);
  g_assert_cmpuint (response->status, ==, 202);
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (server, "DELETE", path, token, NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, kbc_test_response_free);

  /* The world's reads, but not section B's list of my organizations. */
  admin_id (fixture, "member", "add", "--email", EMAIL, "--project", ps, NULL);
  admin_id (fixture, "member", "add", "--email", EMAIL, "--maintainer", "1", NULL);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/manage/projects/%s", ps);
  response = get_ok (fixture, path, token);
  g_clear_pointer (&response, kbc_test_response_free);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/manage/organizations/%s/projects", os);
  response = get_ok (fixture, path, token);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, "/manage/maintainers/1/organizations", token);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, PROMO_PATH, token);
  g_clear_pointer (&response, kbc_test_response_free);
  response = get_ok (fixture, JOIN_PATH, token);
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (server, "DELETE", JOIN_PATH "/1", token, NULL);
  assert_error (response, 404, "Join request not found");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (server, "POST", PROMO_PATH, token, "{\"code\": \"X\"}");
  assert_error (response, 400, "Promo Code X doen't exists");
  g_clear_pointer (&response, kbc_test_response_free);
  response = kbc_test_server_request (server, "GET", "/manage/organizations", token, NULL);
  g_assert_cmpuint (response->status, ==, 404);
  g_clear_pointer (&response, kbc_test_response_free);

  /* Fixture's server is the autoptr's. */
  fixture->server = NULL;
}

/* set-metric above the limit of its name: one `limit` notification per
 * project member per crossing. */
static void
test_limit_crossing (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = token_for (fixture, EMAIL);
  g_autofree char *ps = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  JsonObject *object;
  gint64 m, o, p;
  const char *sql = "SELECT count(*) FROM notifications WHERE type = 'limit'";

#define SET_METRIC(value)                                                                   \
  admin_id (fixture, "project", "set-metric", "--project", ps, "--name", "kbc.adminsCount", \
            "--value", value, NULL)

  make_world (fixture, FALSE, &m, &o, &p);
  ps = id_text (p);
  admin_id (fixture, "member", "add", "--email", EMAIL, "--project", ps, NULL);
  admin_id (fixture, "member", "add", "--email", OTHER_EMAIL, "--project", ps, NULL);

  /* No limit: nothing to cross. */
  SET_METRIC ("500");
  g_assert_cmpint (db_int (fixture, sql), ==, 0);
  admin_id (fixture, "project", "set-limit", "--project", ps, "--name", "kbc.adminsCount",
            "--value", "100", NULL);
  SET_METRIC ("50");
  SET_METRIC ("100");
  g_assert_cmpint (db_int (fixture, sql), ==, 0);
  SET_METRIC ("150");
  g_assert_cmpint (db_int (fixture, sql), ==, 2);
  SET_METRIC ("200");
  g_assert_cmpint (db_int (fixture, sql), ==, 2);
  SET_METRIC ("80");
  SET_METRIC ("101");
  g_assert_cmpint (db_int (fixture, sql), ==, 4);

#undef SET_METRIC

  response = get_ok (fixture, "/manage/notifications", token);
  object = json_array_get_object_element (json_node_get_array (response->json), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "limit");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "payload"), "limit"),
      ==, "kbc.adminsCount");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "project"), "name"), ==,
      "Sales");
  g_assert_nonnull (strstr (json_object_get_string_member (object, "message"), "Sales"));
  g_clear_pointer (&response, kbc_test_response_free);

  /* `notify --project` names a project the server has. */
  g_free (kbc_test_server_admin (fixture->server, NULL, "notify", "--email", EMAIL, "--type",
                                 "common", "--title", "Hello", "--message", "Hi", "--project", ps,
                                 NULL));
  response = get_ok (fixture, "/manage/notifications", token);
  object = json_array_get_object_element (json_node_get_array (response->json), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Hello");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "project"), "name"), ==,
      "Sales");
}

/* seed-demo: the demo account's world, once. */
static void
test_seed_demo (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new_demo ();
  Fixture fixture_ = { server, 0, 0 };
  Fixture *fixture = &fixture_;
  g_autofree char *token = token_for (fixture, KBC_DEMO_EMAIL);
  g_autofree char *again = NULL;
  g_autoptr (KbcTestResponse) response = NULL;
  JsonArray *array;
  JsonObject *object;
  gint64 mfa_project = 0;

  response = get_ok (fixture, INV_PATH, token);
  array = json_node_get_array (response->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      object = json_array_get_object_element (array, i);
      g_assert_cmpstr (
          json_object_get_string_member (json_object_get_object_member (object, "creator"), "name"),
          ==, "Martin Colleague");
      if (g_str_equal (json_object_get_string_member (
                           json_object_get_object_member (object, "project"), "name"),
                       "Northwind Forecasting"))
        mfa_project = json_object_get_int_member (object, "id");
    }
  g_assert_cmpint (mfa_project, !=, 0);
  g_clear_pointer (&response, kbc_test_response_free);

  /* Northwind requires MFA, which the demo account has not set up. */
  {
    g_autofree char *path = g_strdup_printf (INV_PATH "/%" G_GINT64_FORMAT, mfa_project);

    response = kbc_test_server_request (server, "PUT", path, token, NULL);
    assert_error (response, 400,
                  "Project requires users to have multi-factor authentication enabled");
    g_clear_pointer (&response, kbc_test_response_free);
  }

  response = get_ok (fixture, "/manage/current-user/organizations-invitations", token);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (response->json)), ==, 1);
  g_clear_pointer (&response, kbc_test_response_free);

  response = get_ok (fixture, "/manage/organizations", token);
  array = json_node_get_array (response->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_true (
      json_object_get_boolean_member (json_array_get_object_element (array, 1), "mfaRequired"));
  g_clear_pointer (&response, kbc_test_response_free);

  response = get_ok (fixture, "/manage/projects/1", token);
  object = json_object_get_object_member (kbc_test_response_object (response), "limits");
  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  object = json_object_get_object_member (kbc_test_response_object (response), "metrics");
  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  g_clear_pointer (&response, kbc_test_response_free);

  /* The notifications about projects name the demo's, which open. */
  {
    guint about_projects = 0;

    response = get_ok (fixture, "/manage/notifications", token);
    array = json_node_get_array (response->json);
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *project =
            json_object_get_object_member (json_array_get_object_element (array, i), "project");
        g_autofree char *path = NULL;
        g_autoptr (KbcTestResponse) detail = NULL;

        if (project == NULL)
          continue;
        about_projects++;
        path = g_strdup_printf ("/manage/projects/%" G_GINT64_FORMAT,
                                json_object_get_int_member (project, "id"));
        detail = get_ok (fixture, path, token);
        g_assert_cmpstr (json_object_get_string_member (kbc_test_response_object (detail), "name"),
                         ==, json_object_get_string_member (project, "name"));
      }
    g_assert_cmpuint (about_projects, ==, 3);
    g_clear_pointer (&response, kbc_test_response_free);
  }

  /* Once: a second seed-demo adds nothing. */
  again = kbc_test_server_admin (server, NULL, "seed-demo", NULL);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM projects"), ==, 5);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM invitations"), ==, 3);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM maintainers"), ==, 1);

  /* The unused promo code. */
  response =
      kbc_test_server_request (server, "POST", PROMO_PATH, token, "{\"code\": \"DEMO-HACKATHON\"}");
  g_assert_cmpuint (response->status, ==, 201);
  g_clear_pointer (&response, kbc_test_response_free);

  fixture->server = NULL;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/server-world/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("cli/world", test_cli_world);
  ADD ("cli/invite-and-promo", test_cli_invite_and_promo);
  ADD ("cli/refusals", test_cli_refusals);
  ADD ("http/project-invitations", test_project_invitations);
  ADD ("http/mfa-required", test_mfa_required);
  ADD ("http/other-invitations", test_other_invitations);
  ADD ("http/organizations", test_organizations);
  ADD ("http/project", test_project);
  ADD ("http/promo-codes", test_promo_codes);
  ADD ("http/promo-concurrent", test_promo_concurrent);
  ADD ("http/promo-rate-limit", test_promo_rate_limit);
  ADD ("http/join-requests", test_join_requests);
  ADD ("limit-crossing", test_limit_crossing);
  g_test_add_func ("/kbc/server-world/http/published-only", test_published_only);
  g_test_add_func ("/kbc/server-world/seed-demo", test_seed_demo);

#undef ADD

  return g_test_run ();
}
