/* test-server-world.c: maintainers, organizations, projects, members,
 * invitations, promo codes, limits and metrics: the operator subcommands
 * (run while `serve` runs on the same database) and the endpoints over real
 * HTTP against a real kbc-account-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-utils.h"

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
  sqlite3_stmt *stmt;
  sqlite3 *db;
  gint64 value;

  g_assert_cmpint (
      sqlite3_open_v2 (kbc_test_server_get_db (fixture->server), &db, SQLITE_OPEN_READONLY, NULL),
      ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/server-world/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("cli/world", test_cli_world);
  ADD ("cli/invite-and-promo", test_cli_invite_and_promo);
  ADD ("cli/refusals", test_cli_refusals);

#undef ADD

  return g_test_run ();
}
