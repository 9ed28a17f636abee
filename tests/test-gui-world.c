/* test-gui-world.c: Invitations, the project page, Promo Codes and Organizations through the real window
 *
 * Against the real server with a small world (kbc_test_world_build()):
 * declines one project invitation and accepts another through the real
 * page and lands on the project's page; meets the refusal of an
 * organization that requires multi-factor authentication and follows it
 * to Account & Security; accepts an organization invitation; sees the
 * empty state. Redeems a wrong promo code (the refusal under the entry)
 * and a right one (the new project's page). Opens a project from
 * Organizations and reads its limits. The same pages at 360 px, and on
 * `serve --published-only` with a personal access token.
 *
 * With KBC_TEST_SHOTS_DIR set, it also saves PNGs of the pages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "kbc-invitations-page.h"
#include "kbc-invitations.h"
#include "kbc-notification-row.h"
#include "kbc-organizations-page.h"
#include "kbc-project-page.h"
#include "kbc-promo-codes-page.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"

#define EMAIL    "wanda.world@example.test"
#define NAME     "Wanda World"
#define PASSWORD "Quarry-Lantern-Meadow-27"

typedef struct
{
  KbcTestServer *server;
  const char *url;
  KbcTestWorld world;
  char *token; /* for the published-only server */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  kbc_gui_reset_settings ();
  fixture->server = data != NULL ? kbc_test_server_new_with_args ("--published-only", NULL)
                                 : kbc_test_server_new ();
  fixture->url = kbc_test_server_get_url (fixture->server);
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  kbc_test_world_build (fixture->server, EMAIL, &fixture->world);
  if (data != NULL)
    fixture->token = kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email", EMAIL,
                                            "--description", "Desktop", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* ---- helpers ---- */

static void
sign_in (Fixture *fixture, KbcWindow *window)
{
  kbc_gui_wait_view (window, "sign-in");
  if (fixture->token != NULL)
    kbc_gui_sign_in_with_token (window, fixture->url, fixture->token);
  else
    kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
}

static GtkListBoxRow *
sidebar_row (KbcWindow *window, const char *name)
{
  GtkListBox *sidebar = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "sidebar");
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (sidebar, i)) != NULL; i++)
    if (g_str_equal (gtk_widget_get_name (GTK_WIDGET (row)), name))
      return row;
  g_error ("no sidebar row %s", name);
}

/* Opens a page from the sidebar, as a click does. */
static GtkWidget *
open_page (KbcWindow *window, const char *name)
{
  GtkListBox *sidebar = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "sidebar");
  GtkListBoxRow *row = sidebar_row (window, name);
  GtkWidget *page = kbc_window_get_page (window, name);

  gtk_list_box_select_row (sidebar, row);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  kbc_gui_wait_drawn (page);
  return page;
}

static const char *
visible_page (KbcWindow *window)
{
  return gtk_stack_get_visible_child_name (
      kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_stack"));
}

static guint
n_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

static const char *
page_state (GtkWidget *page)
{
  return gtk_stack_get_visible_child_name (
      kbc_gui_template_child (page, KBC_TYPE_INVITATIONS_PAGE, "stack"));
}

/* The row of the invitation with @id in the page's list, or NULL. */
static GtkWidget *
invitation_row (GtkWidget *page, gint64 id)
{
  GtkListBox *list = kbc_gui_template_child (page, KBC_TYPE_INVITATIONS_PAGE, "invitations_list");
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      KbcInvitation *invitation = g_object_get_data (G_OBJECT (row), "item");

      if (kbc_invitation_get_id (invitation) == id)
        return GTK_WIDGET (row);
    }
  return NULL;
}

/* A button of an invitation's row by its visible label. */
static GtkWidget *
row_button (GtkWidget *row, const char *label)
{
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  GtkWidget *buttons = gtk_widget_get_last_child (box);

  for (GtkWidget *child = gtk_widget_get_first_child (buttons); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
      return child;
  return NULL;
}

static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static AdwMessageDialog *
wait_dialog (const char *heading)
{
  AdwMessageDialog *dialog;

  KBC_TEST_WAIT_FOR ((dialog = kbc_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  return dialog;
}

static void
respond (AdwMessageDialog *dialog, const char *response)
{
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  kbc_gui_unref_finalized (dialog);
}

static KbcProjectPage *
wait_project (KbcWindow *window, const char *name)
{
  KbcProjectPage *page = KBC_PROJECT_PAGE (kbc_window_get_page (window, "project"));

  KBC_TEST_WAIT_FOR (g_strcmp0 (visible_page (window), "project") == 0);
  KBC_TEST_WAIT_FOR (g_strcmp0 (kbc_project_page_get_title (page), name) == 0);
  kbc_gui_wait_drawn (GTK_WIDGET (page));
  g_assert_cmpstr (
      adw_window_title_get_title (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_title")),
      ==, name);
  return page;
}

static const char *
row_subtitle (KbcProjectPage *page, const char *row)
{
  AdwActionRow *action_row = kbc_gui_template_child (page, KBC_TYPE_PROJECT_PAGE, row);

  if (!gtk_widget_get_visible (GTK_WIDGET (action_row)))
    return NULL;
  return adw_action_row_get_subtitle (action_row);
}

static void
go_back (KbcWindow *window, const char *expected)
{
  click (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "project_back_button"));
  KBC_TEST_WAIT_FOR (g_strcmp0 (visible_page (window), expected) == 0);
  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (window, KBC_TYPE_WINDOW, "project_back_button")));
}

/* ---- invitations ---- */

static void
invitations (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *page, *row;
  GtkLabel *count;
  KbcProjectPage *project;
  AdwMessageDialog *dialog;

  sign_in (fixture, window);

  /* The count is in the sidebar before the page is opened (the window
   * builds the pages it does not show yet when idle). */
  KBC_TEST_WAIT_FOR ((count = g_object_get_data (G_OBJECT (sidebar_row (window, "invitations")),
                                                 "count-label")) != NULL);
  KBC_TEST_WAIT_FOR (g_strcmp0 (gtk_label_get_text (count), "4") == 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (count)));

  page = open_page (window, "invitations");
  KBC_TEST_WAIT_FOR (invitation_row (page, fixture->world.invite_ops) != NULL &&
                     invitation_row (page, fixture->world.invite_maintainer) != NULL);
  g_assert_cmpstr (page_state (page), ==, "list");
  row = invitation_row (page, fixture->world.invite_ops);
  g_assert_true (kbc_gui_has_label (row, "Acme Ops"));
  g_assert_true (kbc_gui_has_label (row, "Project · Guest"));
  g_assert_true (kbc_gui_has_label (row, "From Martin Colleague (" KBC_TEST_COLLEAGUE_EMAIL ")"));
  g_assert_true (kbc_gui_has_label (row, "Expires in 6 days") ||
                 kbc_gui_has_label (row, "Expires in 7 days"));
  g_assert_true (kbc_gui_has_label (row, "“Help us with the quarterly numbers”"));
  /* This server offers declining every kind. */
  g_assert_true (gtk_widget_get_visible (
      row_button (invitation_row (page, fixture->world.invite_contoso), "_Decline")));
  kbc_gui_save_shot (GTK_WIDGET (window), "invitations.png");

  /* Accept → a toast and the project's page. */
  click (row_button (row, "_Accept"));
  project = wait_project (window, "Acme Ops");
  g_assert_cmpstr (row_subtitle (project, "organization_row"), ==, "Acme");
  g_assert_cmpstr (row_subtitle (project, "role_row"), ==, "Guest");
  /* The server of this computer has no web page to open. */
  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (project, KBC_TYPE_PROJECT_PAGE, "open_button")));
  go_back (window, "invitations");
  KBC_TEST_WAIT_FOR (g_strcmp0 (gtk_label_get_text (count), "3") == 0);
  g_assert_null (invitation_row (page, fixture->world.invite_ops));

  /* Northwind requires MFA: the refusal offers Account & Security. */
  click (row_button (invitation_row (page, fixture->world.invite_northwind), "_Accept"));
  dialog = wait_dialog ("Multi-Factor Authentication Required");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Account & Security"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "security");
  kbc_gui_save_shot (GTK_WIDGET (dialog), "invitation-mfa-required.png");
  respond (dialog, "security");
  KBC_TEST_WAIT_FOR (g_strcmp0 (visible_page (window), "account") == 0);
  /* The invitation waits for the user to come back. */
  page = open_page (window, "invitations");
  row = invitation_row (page, fixture->world.invite_northwind);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_sensitive (row));

  /* Decline asks first; Cancel is the default and keeps it. */
  click (row_button (row, "_Decline"));
  dialog = wait_dialog ("Decline the Invitation to Northwind Core?");
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "decline"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  respond (dialog, "cancel");
  g_assert_nonnull (invitation_row (page, fixture->world.invite_northwind));
  click (row_button (invitation_row (page, fixture->world.invite_northwind), "_Decline"));
  respond (wait_dialog ("Decline the Invitation to Northwind Core?"), "decline");
  KBC_TEST_WAIT_FOR (invitation_row (page, fixture->world.invite_northwind) == NULL);

  /* The organization's: a member now; the maintainer's declined. */
  click (row_button (invitation_row (page, fixture->world.invite_contoso), "_Accept"));
  KBC_TEST_WAIT_FOR (invitation_row (page, fixture->world.invite_contoso) == NULL);
  g_assert_cmpstr (visible_page (window), ==, "invitations");
  click (row_button (invitation_row (page, fixture->world.invite_maintainer), "_Decline"));
  respond (wait_dialog ("Decline the Invitation to Partners?"), "decline");

  /* Nothing pending: the empty state, and no count. */
  KBC_TEST_WAIT_FOR (g_strcmp0 (page_state (page), "empty") == 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (count)));
  kbc_gui_save_shot (GTK_WIDGET (window), "invitations-empty.png");

  /* The organization accepted shows on Organizations. */
  page = open_page (window, "organizations");
  KBC_TEST_WAIT_FOR (kbc_gui_has_label (page, "Contoso"));

  kbc_gui_sign_out (window);
}

static void
test_invitations (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (invitations, fixture);
}

/* ---- promo codes ---- */

static void
promo_codes (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *page, *entry, *focus;
  GtkLabel *error_label;
  GtkListBox *used_list;
  KbcProjectPage *project;

  sign_in (fixture, window);
  page = open_page (window, "promo-codes");
  entry = kbc_gui_template_child (page, KBC_TYPE_PROMO_CODES_PAGE, "code_row");
  error_label = kbc_gui_template_child (page, KBC_TYPE_PROMO_CODES_PAGE, "error_label");
  used_list = kbc_gui_template_child (page, KBC_TYPE_PROMO_CODES_PAGE, "used_list");

  /* The focus is where the user types. */
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, entry));
  /* Nothing to send yet. */
  g_assert_false (gtk_widget_is_sensitive (
      kbc_gui_template_child (page, KBC_TYPE_PROMO_CODES_PAGE, "apply_button")));

  /* A wrong code: Keboola's refusal, in words, under the entry; the code stays. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "NOPE-123");
  click (kbc_gui_template_child (page, KBC_TYPE_PROMO_CODES_PAGE, "apply_button"));
  KBC_TEST_WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==,
                   "There is no promo code “NOPE-123”. Check it for typos.");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "NOPE-123");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  kbc_gui_save_shot (GTK_WIDGET (window), "promo-code-wrong.png");

  /* Correcting it clears the error; Enter sends. */
  gtk_editable_set_text (GTK_EDITABLE (entry), KBC_TEST_PROMO_CODE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_signal_emit_by_name (entry, "entry-activated");
  project = wait_project (window, NAME " (" KBC_TEST_PROMO_CODE ")");
  g_assert_cmpstr (row_subtitle (project, "organization_row"), ==, "Acme");
  g_assert_cmpstr (row_subtitle (project, "role_row"), ==, "Administrator");
  g_assert_cmpstr (row_subtitle (project, "type_row"), ==, "Proof of concept");
  g_assert_cmpstr (row_subtitle (project, "expires_row"), !=, "Never");
  kbc_gui_save_shot (GTK_WIDGET (window), "promo-code-project.png");

  /* Back: the code is among the ones used, and opens its project again. */
  go_back (window, "promo-codes");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_cmpuint (n_rows (used_list), ==, 1);
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (used_list), KBC_TEST_PROMO_CODE));
  g_signal_emit_by_name (used_list, "row-activated", gtk_list_box_get_row_at_index (used_list, 0));
  wait_project (window, NAME " (" KBC_TEST_PROMO_CODE ")");
  go_back (window, "promo-codes");

  /* Used already. */
  gtk_editable_set_text (GTK_EDITABLE (entry), KBC_TEST_PROMO_CODE);
  click (kbc_gui_template_child (page, KBC_TYPE_PROMO_CODES_PAGE, "apply_button"));
  KBC_TEST_WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==,
                   "The promo code “" KBC_TEST_PROMO_CODE "” has been used already.");

  kbc_gui_sign_out (window);
}

static void
test_promo_codes (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (promo_codes, fixture);
}

/* ---- organizations and a project's limits ---- */

/* The group titled @title under @root, or NULL. */
static GtkWidget *
find_group (GtkWidget *root, const char *title)
{
  if (ADW_IS_PREFERENCES_GROUP (root) &&
      g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_group (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkListBox *
projects_list_of (GtkWidget *page, const char *organization)
{
  GtkWidget *group = find_group (page, organization);

  return group != NULL ? g_object_get_data (G_OBJECT (group), "projects-list") : NULL;
}

static void
organizations (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *page;
  GtkListBox *projects;
  GtkListBox *limits;
  KbcProjectPage *project;
  GtkListBoxRow *row;

  sign_in (fixture, window);

  /* The limit crossed while the world was made came as a notification,
   * which opens its project. */
  page = open_page (window, "notifications");
  KBC_TEST_WAIT_FOR (kbc_gui_find_descendant (page, KBC_TYPE_NOTIFICATION_ROW) != NULL);
  click (kbc_gui_template_child (kbc_gui_find_descendant (page, KBC_TYPE_NOTIFICATION_ROW),
                                 KBC_TYPE_NOTIFICATION_ROW, "project_button"));
  wait_project (window, "Acme Sales");
  go_back (window, "notifications");

  page = open_page (window, "organizations");
  KBC_TEST_WAIT_FOR (kbc_gui_has_label (page, "Acme") && kbc_gui_has_label (page, "Northwind") &&
                     kbc_gui_has_label (page, "Acme Sales"));
  g_assert_true (kbc_gui_has_label (page, "Partners"));
  g_assert_true (kbc_gui_has_label (page, "Multi-factor authentication required"));
  g_assert_true (kbc_gui_has_label (page, "Members can join its projects by themselves"));
  kbc_gui_save_shot (GTK_WIDGET (window), "organizations.png");

  projects = projects_list_of (page, "Acme");
  g_assert_nonnull (projects);
  g_assert_cmpuint (n_rows (projects), ==, 2);
  row = gtk_list_box_get_row_at_index (projects, 1);
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (row), "Acme Sales"));
  g_signal_emit_by_name (row, "activate");

  project = wait_project (window, "Acme Sales");
  g_assert_null (row_subtitle (project, "role_row"));
  limits = kbc_gui_template_child (project, KBC_TYPE_PROJECT_PAGE, "limits_list");
  g_assert_cmpuint (n_rows (limits), ==, 2);
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (limits), "Storage"));
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (limits), "42.0\u00a0GB of 100.0\u00a0GB"));
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (limits), "7 of 5"));
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (limits), "Exceeded"));
  g_assert_nonnull (kbc_gui_find_descendant (GTK_WIDGET (limits), GTK_TYPE_LEVEL_BAR));
  kbc_gui_save_shot (GTK_WIDGET (window), "project.png");

  /* At 360 px, the project and the pages that open it still fit. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  for (const char *const *name = (const char *const[]){ "project", "organizations", NULL }; *name;
       name++)
    {
      int minimum = 0;

      gtk_widget_measure (kbc_window_get_page (window, *name), GTK_ORIENTATION_HORIZONTAL, -1,
                          &minimum, NULL, NULL, NULL);
      g_assert_cmpint (minimum, <=, 360);
    }
  kbc_gui_wait_drawn (GTK_WIDGET (project));
  kbc_gui_save_shot (GTK_WIDGET (window), "project-narrow.png");
  go_back (window, "organizations");

  kbc_gui_sign_out (window);
}

static void
test_organizations (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (organizations, fixture);
}

/* ---- narrow ---- */

static void
narrow (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;

  sign_in (fixture, window);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  for (const char *const *name =
           (const char *const[]){ "invitations", "promo-codes", "organizations", NULL };
       *name; name++)
    {
      GtkWidget *page = open_page (window, *name);
      int minimum = 0;

      if (g_str_equal (*name, "invitations"))
        KBC_TEST_WAIT_FOR (invitation_row (page, fixture->world.invite_ops) != NULL);
      gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      g_assert_cmpint (minimum, <=, 360);
    }
  open_page (window, "invitations");
  kbc_gui_save_shot (GTK_WIDGET (window), "invitations-narrow.png");

  kbc_gui_sign_out (window);
}

static void
test_narrow (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (narrow, fixture);
}

/* ---- a stack that publishes only Keboola's API ---- */

static void
published_only (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *page, *entry;
  GtkLabel *error_label;

  sign_in (fixture, window);

  /* Invitations: all listed; declining only where Keboola publishes it. */
  page = open_page (window, "invitations");
  KBC_TEST_WAIT_FOR (invitation_row (page, fixture->world.invite_ops) != NULL &&
                     invitation_row (page, fixture->world.invite_contoso) != NULL);
  g_assert_true (gtk_widget_get_visible (
      row_button (invitation_row (page, fixture->world.invite_ops), "_Decline")));
  g_assert_false (gtk_widget_get_visible (
      row_button (invitation_row (page, fixture->world.invite_contoso), "_Decline")));
  click (row_button (invitation_row (page, fixture->world.invite_ops), "_Accept"));
  wait_project (window, "Acme Ops");
  go_back (window, "invitations");

  /* Promo codes. */
  page = open_page (window, "promo-codes");
  entry = kbc_gui_template_child (page, KBC_TYPE_PROMO_CODES_PAGE, "code_row");
  error_label = kbc_gui_template_child (page, KBC_TYPE_PROMO_CODES_PAGE, "error_label");
  gtk_editable_set_text (GTK_EDITABLE (entry), "NOPE-123");
  g_signal_emit_by_name (entry, "entry-activated");
  KBC_TEST_WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==,
                   "There is no promo code “NOPE-123”. Check it for typos.");
  gtk_editable_set_text (GTK_EDITABLE (entry), KBC_TEST_PROMO_CODE);
  g_signal_emit_by_name (entry, "entry-activated");
  wait_project (window, NAME " (" KBC_TEST_PROMO_CODE ")");

  /* Organizations, found through the maintainers (Keboola publishes no
   * list of the user's own). */
  page = open_page (window, "organizations");
  KBC_TEST_WAIT_FOR (kbc_gui_has_label (page, "Acme Sales") &&
                     kbc_gui_has_label (page, "Northwind"));

  kbc_gui_sign_out (window);
}

static void
test_published_only (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (published_only, fixture);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func, data) \
  g_test_add ("/kbc/gui/world/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("invitations", test_invitations, NULL);
  ADD ("promo-codes", test_promo_codes, NULL);
  ADD ("organizations", test_organizations, NULL);
  ADD ("narrow", test_narrow, NULL);
  ADD ("published-only", test_published_only, "published-only");
#undef ADD

  return g_test_run ();
}
