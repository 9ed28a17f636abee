/* test-world.c: invitations, join requests, promo codes, organizations and projects through core, against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-error.h"
#include "kbc-invitations.h"
#include "kbc-organizations.h"
#include "kbc-promo-codes.h"
#include "kbc-test-utils.h"

#include <sqlite3.h>
#include <string.h>

#define EMAIL    "world@example.com"
#define NAME     "Wanda World"
#define PASSWORD "Lantern-Violet-Harbour-58"

typedef struct
{
  KbcTestServer *server;
  KbcTestWorld world;
  KbcAccount *account;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  kbc_test_world_build (fixture->server, EMAIL, &fixture->world);
  fixture->account = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->account);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static gpointer
item (gpointer model, guint position)
{
  gpointer object = g_list_model_get_item (G_LIST_MODEL (model), position);

  /* The model keeps it alive for the test's purposes. */
  g_object_unref (object);
  return object;
}

static KbcInvitation *
find_invitation (KbcInvitations *invitations, gint64 id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (invitations)); i++)
    if (kbc_invitation_get_id (item (invitations, i)) == id)
      return item (invitations, i);
  return NULL;
}

static gboolean
accept (KbcInvitations *invitations, KbcInvitation *invitation, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_invitations_accept_async (invitations, invitation, NULL, kbc_test_on_done, &result);
  return kbc_invitations_accept_finish (invitations, kbc_test_wait_for (&result), error);
}

static gboolean
decline (KbcInvitations *invitations, KbcInvitation *invitation, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_invitations_decline_async (invitations, invitation, NULL, kbc_test_on_done, &result);
  return kbc_invitations_decline_finish (invitations, kbc_test_wait_for (&result), error);
}

static KbcProject *
load_project (KbcAccount *account, gint64 id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_account_load_project_async (account, id, NULL, kbc_test_on_done, &result);
  return kbc_account_load_project_finish (account, kbc_test_wait_for (&result), error);
}

static KbcProject *
redeem (KbcPromoCodes *codes, const char *code, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_promo_codes_redeem_async (codes, code, NULL, kbc_test_on_done, &result);
  return kbc_promo_codes_redeem_finish (codes, kbc_test_wait_for (&result), error);
}

/* The three kinds, each its own list, with what the page shows. */
static void
test_invitations_listed (Fixture *fixture, gconstpointer data)
{
  KbcInvitations *projects = kbc_account_get_invitations (fixture->account, KBC_INVITATION_PROJECT);
  KbcInvitations *organizations =
      kbc_account_get_invitations (fixture->account, KBC_INVITATION_ORGANIZATION);
  KbcInvitations *maintainers =
      kbc_account_get_invitations (fixture->account, KBC_INVITATION_MAINTAINER);
  g_autoptr (GError) error = NULL;
  KbcInvitation *ops;
  KbcInvitation *contoso;

  g_assert_true (kbc_account_get_invitations (fixture->account, KBC_INVITATION_PROJECT) ==
                 projects);
  g_assert_true (kbc_test_refresh (projects, &error));
  g_assert_no_error (error);
  g_assert_true (kbc_test_refresh (organizations, &error));
  g_assert_true (kbc_test_refresh (maintainers, &error));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (projects)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (organizations)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (maintainers)), ==, 1);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (projects)) == KBC_TYPE_INVITATION);

  ops = find_invitation (projects, fixture->world.invite_ops);
  g_assert_nonnull (ops);
  g_assert_cmpint (kbc_invitation_get_kind (ops), ==, KBC_INVITATION_PROJECT);
  g_assert_cmpint (kbc_invitation_get_target_id (ops), ==, fixture->world.acme_ops);
  g_assert_cmpstr (kbc_invitation_get_target_name (ops), ==, "Acme Ops");
  g_assert_cmpstr (kbc_invitation_get_role (ops), ==, "guest");
  g_assert_cmpstr (kbc_project_role_get_title ("guest"), ==, "Guest");
  g_assert_cmpstr (kbc_invitation_get_reason (ops), ==, "Help us with the quarterly numbers");
  g_assert_cmpstr (kbc_invitation_get_creator_name (ops), ==, "Martin Colleague");
  g_assert_cmpstr (kbc_invitation_get_creator_email (ops), ==, KBC_TEST_COLLEAGUE_EMAIL);
  g_assert_nonnull (kbc_invitation_get_created (ops));
  g_assert_nonnull (kbc_invitation_get_expires (ops));
  g_assert_true (
      g_date_time_compare (kbc_invitation_get_expires (ops), kbc_invitation_get_created (ops)) > 0);

  /* A refresh keeps the objects, and so the rows bound to them. */
  g_assert_true (kbc_test_refresh (projects, &error));
  g_assert_true (find_invitation (projects, fixture->world.invite_ops) == ops);

  contoso = item (organizations, 0);
  g_assert_cmpint (kbc_invitation_get_kind (contoso), ==, KBC_INVITATION_ORGANIZATION);
  g_assert_cmpstr (kbc_invitation_get_target_name (contoso), ==, "Contoso");
  g_assert_null (kbc_invitation_get_role (contoso));
  g_assert_cmpstr (kbc_invitation_get_target_name (item (maintainers, 0)), ==, "Partners");

  /* Declining is Keboola's for projects; ours elsewhere. */
  g_assert_true (kbc_invitations_can_decline (projects, FALSE));
  g_assert_false (kbc_invitations_can_decline (organizations, FALSE));
  g_assert_true (kbc_invitations_can_decline (organizations, TRUE));
}

/* Accepting makes the user a member (the project loads) and takes the
 * invitation off the list without another GET. */
static void
test_accept_project (Fixture *fixture, gconstpointer data)
{
  KbcInvitations *projects = kbc_account_get_invitations (fixture->account, KBC_INVITATION_PROJECT);
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcProject) project = NULL;
  g_autofree char *log = NULL;

  project = load_project (fixture->account, fixture->world.acme_ops, &error);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FORBIDDEN);
  g_assert_cmpstr (error->message, ==, "You are not a member of this project.");
  g_clear_error (&error);

  g_assert_true (kbc_test_refresh (projects, &error));
  g_assert_true (accept (projects, find_invitation (projects, fixture->world.invite_ops), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (projects)), ==, 1);
  g_assert_null (find_invitation (projects, fixture->world.invite_ops));

  project = load_project (fixture->account, fixture->world.acme_ops, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbc_project_get_name (project), ==, "Acme Ops");
  g_assert_cmpstr (kbc_project_get_organization_name (project), ==, "Acme");

  log = kbc_test_server_get_log (fixture->server);
  g_assert_nonnull (strstr (log, "PUT /manage/current-user/projects-invitations/"));
  g_assert_nonnull (strstr (log, " 202 "));
}

/* Into a project whose organization requires MFA: refused, said so, and
 * the invitation stays. */
static void
test_accept_mfa_required (Fixture *fixture, gconstpointer data)
{
  KbcInvitations *projects = kbc_account_get_invitations (fixture->account, KBC_INVITATION_PROJECT);
  g_autoptr (GError) error = NULL;

  g_assert_true (kbc_test_refresh (projects, &error));
  g_assert_false (
      accept (projects, find_invitation (projects, fixture->world.invite_northwind), &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_true (kbc_invitations_error_is_mfa_required (error));
  g_assert_nonnull (strstr (error->message, "requires multi-factor authentication"));
  g_assert_nonnull (find_invitation (projects, fixture->world.invite_northwind));
  g_clear_error (&error);

  /* With MFA on, the same invitation goes through. */
  g_strfreev (kbc_test_enable_totp (fixture->account, PASSWORD, NULL));
  g_assert_true (
      accept (projects, find_invitation (projects, fixture->world.invite_northwind), &error));
  g_assert_no_error (error);
}

/* Declining removes it; declining one that has gone is no error. */
static void
test_decline (Fixture *fixture, gconstpointer data)
{
  KbcInvitations *projects = kbc_account_get_invitations (fixture->account, KBC_INVITATION_PROJECT);
  KbcInvitations *organizations =
      kbc_account_get_invitations (fixture->account, KBC_INVITATION_ORGANIZATION);
  g_autoptr (KbcInvitation) ops = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (kbc_test_refresh (projects, &error));
  ops = g_object_ref (find_invitation (projects, fixture->world.invite_ops));
  g_assert_true (decline (projects, ops, &error));
  g_assert_no_error (error);
  g_assert_null (find_invitation (projects, fixture->world.invite_ops));
  g_assert_true (decline (projects, ops, &error));
  g_assert_no_error (error);

  /* The organization's (our extension). */
  g_assert_true (kbc_test_refresh (organizations, &error));
  g_assert_true (decline (organizations, item (organizations, 0), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (organizations)), ==, 0);

  /* Accepting one that has gone says so. */
  g_assert_false (accept (projects, ops, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "The invitation is no longer valid.");
}

/* An organization invitation accepted: the organization is the user's. */
static void
test_accept_organization (Fixture *fixture, gconstpointer data)
{
  KbcInvitations *organizations =
      kbc_account_get_invitations (fixture->account, KBC_INVITATION_ORGANIZATION);
  KbcOrganizations *mine = kbc_account_get_organizations (fixture->account);
  g_autoptr (GError) error = NULL;

  g_assert_true (kbc_test_refresh (mine, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mine)), ==, 2);
  g_assert_true (kbc_test_refresh (organizations, &error));
  g_assert_true (accept (organizations, item (organizations, 0), &error));
  g_assert_no_error (error);
  g_assert_true (kbc_test_refresh (mine, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mine)), ==, 3);
}

/* Organizations with their flags and projects; maintainers. */
static void
test_organizations (Fixture *fixture, gconstpointer data)
{
  KbcOrganizations *organizations = kbc_account_get_organizations (fixture->account);
  KbcMaintainers *maintainers = kbc_account_get_maintainers (fixture->account);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KbcOrganization *acme = NULL;
  KbcOrganization *northwind = NULL;
  GListModel *projects;

  g_assert_true (kbc_test_refresh (organizations, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (organizations)); i++)
    {
      KbcOrganization *organization = item (organizations, i);

      if (kbc_organization_get_id (organization) == fixture->world.acme)
        acme = organization;
      else if (kbc_organization_get_id (organization) == fixture->world.northwind)
        northwind = organization;
    }
  g_assert_nonnull (acme);
  g_assert_nonnull (northwind);
  g_assert_cmpstr (kbc_organization_get_name (acme), ==, "Acme");
  g_assert_true (kbc_organization_get_allow_auto_join (acme));
  g_assert_false (kbc_organization_get_mfa_required (acme));
  g_assert_true (kbc_organization_get_mfa_required (northwind));
  g_assert_false (kbc_organization_get_projects_loaded (acme));

  kbc_organizations_load_projects_async (organizations, acme, NULL, kbc_test_on_done, &result);
  g_assert_true (
      kbc_organizations_load_projects_finish (organizations, kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_true (kbc_organization_get_projects_loaded (acme));
  projects = kbc_organization_get_projects (acme);
  g_assert_cmpuint (g_list_model_get_n_items (projects), ==, 2);
  g_assert_cmpstr (kbc_project_get_name (item (projects, 0)), ==, "Acme Ops");
  g_assert_cmpstr (kbc_project_get_name (item (projects, 1)), ==, "Acme Sales");
  g_assert_false (kbc_project_get_is_complete (item (projects, 0)));

  /* A refresh keeps the objects, and so their projects. */
  g_assert_true (kbc_test_refresh (organizations, &error));
  g_assert_true (kbc_organization_get_projects_loaded (acme));
  g_assert_cmpuint (g_list_model_get_n_items (projects), ==, 2);

  g_assert_true (kbc_test_refresh (maintainers, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (maintainers)), ==, 1);
  g_assert_cmpstr (kbc_maintainer_get_name (item (maintainers, 0)), ==, "Partners");
}

/* A project in full: its organization and its limits against metrics. */
static void
test_project_limits (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *storage_text = NULL;
  g_autofree char *users_text = NULL;
  g_autofree char *url = NULL;
  KbcProjectLimit *storage;
  KbcProjectLimit *users;
  GListModel *limits;

  project = load_project (fixture->account, fixture->world.acme_sales, &error);
  g_assert_no_error (error);
  g_assert_true (kbc_project_get_is_complete (project));
  g_assert_cmpint (kbc_project_get_organization_id (project), ==, fixture->world.acme);
  limits = kbc_project_get_limits (project);
  g_assert_cmpuint (g_list_model_get_n_items (limits), ==, 2);

  /* Storage first, as Keboola's own page has it. */
  storage = item (limits, 0);
  g_assert_cmpstr (kbc_project_limit_get_name (storage), ==, "storage.dataSizeBytes");
  g_assert_cmpstr (kbc_project_limit_get_title (storage), ==, "Storage");
  g_assert_true (kbc_project_limit_get_is_bytes (storage));
  g_assert_cmpfloat_with_epsilon (kbc_project_limit_get_fraction (storage), 0.42, 1e-9);
  g_assert_false (kbc_project_limit_get_is_exceeded (storage));
  storage_text = kbc_project_limit_describe (storage);
  g_assert_cmpstr (storage_text, ==, "42.0\u00a0GB of 100.0\u00a0GB");

  users = item (limits, 1);
  g_assert_cmpstr (kbc_project_limit_get_title (users), ==, "Project users");
  g_assert_true (kbc_project_limit_get_is_exceeded (users));
  g_assert_cmpfloat_with_epsilon (kbc_project_limit_get_fraction (users), 1.4, 1e-9);
  users_text = kbc_project_limit_describe (users);
  g_assert_cmpstr (users_text, ==, "7 of 5");

  /* The server of this computer has no web page; a stack has. */
  g_assert_null (kbc_project_get_web_url (7, kbc_test_server_get_url (fixture->server)));
  url = kbc_project_get_web_url (7, "https://connection.eu-central-1.keboola.com/");
  g_assert_cmpstr (url, ==, "https://connection.eu-central-1.keboola.com/admin/projects/7");
}

/* A code makes a new project; a wrong or used code is refused in words. */
static void
test_promo_codes (Fixture *fixture, gconstpointer data)
{
  KbcPromoCodes *codes = kbc_account_get_promo_codes (fixture->account);
  g_autoptr (KbcProject) project = NULL;
  g_autoptr (KbcProject) again = NULL;
  g_autoptr (GError) error = NULL;
  KbcPromoCode *used;

  g_assert_true (kbc_test_refresh (codes, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (codes)), ==, 0);

  g_assert_null (redeem (codes, "   ", &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  g_assert_null (redeem (codes, "NO-SUCH-CODE", &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==,
                   "There is no promo code “NO-SUCH-CODE”. Check it for typos.");
  /* Keboola's own text stays at hand. */
  g_assert_cmpstr (kbc_api_error_get_server_message (error), ==,
                   "Promo Code NO-SUCH-CODE doen't exists");
  g_clear_error (&error);

  project = redeem (codes, " " KBC_TEST_PROMO_CODE "\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbc_project_get_name (project), ==, NAME " (" KBC_TEST_PROMO_CODE ")");
  g_assert_cmpstr (kbc_project_get_organization_name (project), ==, "Acme");
  g_assert_true (kbc_project_get_is_complete (project));
  g_assert_nonnull (kbc_project_get_expires (project));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (codes)), ==, 1);
  used = item (codes, 0);
  g_assert_cmpstr (kbc_promo_code_get_code (used), ==, KBC_TEST_PROMO_CODE);
  g_assert_cmpint (kbc_promo_code_get_project_id (used), ==, kbc_project_get_id (project));

  again = redeem (codes, KBC_TEST_PROMO_CODE, &error);
  g_assert_null (again);
  g_assert_cmpstr (error->message, ==, "The promo code “HACK-2026” has been used already.");
  g_clear_error (&error);

  /* What the server lists matches what was added in place. */
  g_assert_true (kbc_test_refresh (codes, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (codes)), ==, 1);
  g_assert_cmpstr (kbc_promo_code_get_project_name (item (codes, 0)), ==,
                   NAME " (" KBC_TEST_PROMO_CODE ")");
}

/* The user's access requests, each withdrawn. */
static void
test_join_requests (Fixture *fixture, gconstpointer data)
{
  KbcJoinRequests *requests = kbc_account_get_join_requests (fixture->account);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  KbcJoinRequest *request;
  sqlite3 *db;

  sql = g_strdup_printf ("INSERT INTO join_requests (project_id, user_id, reason, created, expires)"
                         " SELECT %" G_GINT64_FORMAT ", id, 'I run the reports', 100, NULL"
                         " FROM users WHERE email = '" EMAIL "'",
                         fixture->world.acme_ops);
  g_assert_cmpint (sqlite3_open (kbc_test_server_get_db (fixture->server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (kbc_test_refresh (requests, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (requests)), ==, 1);
  request = item (requests, 0);
  g_assert_cmpstr (kbc_join_request_get_project_name (request), ==, "Acme Ops");
  g_assert_cmpstr (kbc_join_request_get_reason (request), ==, "I run the reports");

  kbc_join_requests_cancel_async (requests, request, NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_join_requests_cancel_finish (requests, kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (requests)), ==, 0);
  g_assert_true (kbc_test_refresh (requests, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (requests)), ==, 0);
}

/* Malformed answers skip the item or fail the refresh, never crash. */
static void
test_parsers (void)
{
  g_autoptr (JsonNode) no_id = json_from_string ("{\"name\": \"x\"}", NULL);
  g_autoptr (JsonNode) odd =
      json_from_string ("{\"id\": 3, \"name\": 5, \"limits\": {\"a\": 1, \"b\": {\"value\": \"x\"},"
                        " \"c\": {\"value\": 9}}, \"metrics\": [], \"organization\": \"no\"}",
                        NULL);
  g_autoptr (JsonNode) invitation = json_from_string (
      "{\"id\": 1, \"project\": {\"id\": 2}, \"creator\": null, \"role\": \"\"}", NULL);
  g_autoptr (KbcProject) project = NULL;
  g_autoptr (KbcInvitation) parsed = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_null (kbc_project_new_from_json (no_id, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (kbc_invitation_new_from_json (KBC_INVITATION_ORGANIZATION, invitation, &error));
  g_clear_error (&error);

  project = kbc_project_new_from_json (odd, &error);
  g_assert_no_error (error);
  g_assert_null (kbc_project_get_name (project));
  g_assert_cmpint (kbc_project_get_organization_id (project), ==, 0);
  /* "b" has a value of the wrong type: read as 0; "a" is no object. */
  g_assert_cmpuint (g_list_model_get_n_items (kbc_project_get_limits (project)), ==, 2);

  parsed = kbc_invitation_new_from_json (KBC_INVITATION_PROJECT, invitation, &error);
  g_assert_no_error (error);
  g_assert_null (kbc_invitation_get_role (parsed));
  g_assert_null (kbc_invitation_get_creator_name (parsed));
  g_assert_null (kbc_invitation_get_target_name (parsed));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/world/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("invitations/listed", test_invitations_listed);
  ADD ("invitations/accept-project", test_accept_project);
  ADD ("invitations/accept-mfa-required", test_accept_mfa_required);
  ADD ("invitations/decline", test_decline);
  ADD ("invitations/accept-organization", test_accept_organization);
  ADD ("organizations", test_organizations);
  ADD ("project-limits", test_project_limits);
  ADD ("promo-codes", test_promo_codes);
  ADD ("join-requests", test_join_requests);
#undef ADD
  g_test_add_func ("/kbc/world/parsers", test_parsers);

  return g_test_run ();
}
