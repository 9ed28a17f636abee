/* test-gui-profile.c: the Account page's profile: the stack signed in to, and the name edited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "kbc-account-page.h"
#include "kbc-auth-methods.h"
#include "kbc-profile-group.h"
#include "kbc-sign-in-page.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"

#define EMAIL    "pavla.profile@example.test"
#define NAME     "Pavla Profile"
#define PASSWORD "Quarry-Lantern-Meadow-27"

typedef struct
{
  KbcTestServer *server;
  char *token; /* for the published-only server */
} Fixture;

static KbcProfileGroup *
profile_of (KbcWindow *window)
{
  GtkWidget *page = kbc_window_get_page (window, "account");

  kbc_gui_wait_drawn (page);
  return KBC_PROFILE_GROUP (kbc_gui_find_descendant (page, KBC_TYPE_PROFILE_GROUP));
}

static gboolean
methods_loaded (gpointer data)
{
  return kbc_resource_get_loaded (KBC_RESOURCE (data)) ||
         kbc_resource_get_error (KBC_RESOURCE (data)) != NULL ||
         !kbc_resource_get_offered (KBC_RESOURCE (data));
}

static void
edit_name (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  const char *url = kbc_test_server_get_url (fixture->server);
  KbcAccount *account;
  KbcProfileGroup *profile;
  AdwActionRow *stack_row;
  GtkWidget *entry;
  g_autofree char *expected_stack = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, url, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  account = kbc_session_get_account (kbc_application_get_session (app));
  profile = profile_of (window);

  /* Where the user is signed in. */
  stack_row = kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "stack_row");
  expected_stack = g_strdup_printf ("This computer · 127.0.0.1:%d", g_uri_get_port (uri));
  g_assert_cmpstr (adw_action_row_get_subtitle (stack_row), ==, expected_stack);

  /* This server lets the name be changed. */
  kbc_test_wait_until (methods_loaded, kbc_account_get_auth_methods (account), "the methods");
  entry = kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "name_entry_row");
  g_assert_true (gtk_widget_get_visible (entry));
  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "name_row")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, NAME);

  /* Empty: refused, the field says so, the name stays. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "   ");
  g_signal_emit_by_name (entry, "apply");
  KBC_TEST_WAIT_FOR (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (kbc_account_get_user_name (account), ==, NAME);
  g_assert_true (gtk_widget_is_sensitive (entry));

  gtk_editable_set_text (GTK_EDITABLE (entry), "Pavla Nová");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_signal_emit_by_name (entry, "apply");
  KBC_TEST_WAIT_FOR (g_strcmp0 (kbc_account_get_user_name (account), "Pavla Nová") == 0);
  /* The header's account menu follows. */
  g_assert_cmpstr (
      gtk_label_get_label (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "account_name_label")),
      ==, "Pavla Nová");
  kbc_gui_save_shot (GTK_WIDGET (window), "profile.png");

  /* Back at the form, the email is remembered: the user types the password. */
  kbc_gui_sign_out (window);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
    GtkWidget *password = kbc_gui_template_child (kbc_window_get_sign_in_page (window),
                                                  KBC_TYPE_SIGN_IN_PAGE, "password_row");

    g_assert_nonnull (focus);
    g_assert_true (focus == password || gtk_widget_is_ancestor (focus, password));
  }
}

static void
test_edit_name (void)
{
  Fixture fixture = { kbc_test_server_new (), NULL };

  kbc_gui_reset_settings ();
  kbc_test_server_add_user (fixture.server, EMAIL, NAME, PASSWORD);
  kbc_gui_app_run (edit_name, &fixture);
  kbc_test_server_free (fixture.server);
}

/* A Keboola stack keeps the name in its web page: shown, not editable. */
static void
read_only (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcAccount *account;
  KbcProfileGroup *profile;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in_with_token (window, kbc_test_server_get_url (fixture->server), fixture->token);
  kbc_gui_wait_view (window, "main");
  account = kbc_session_get_account (kbc_application_get_session (app));
  profile = profile_of (window);
  kbc_test_wait_until (methods_loaded, kbc_account_get_auth_methods (account), "the methods");

  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "name_entry_row")));
  g_assert_true (gtk_widget_get_visible (
      kbc_gui_template_child (profile, KBC_TYPE_PROFILE_GROUP, "name_row")));
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (profile), NAME));

  kbc_gui_sign_out (window);
}

static void
test_read_only (void)
{
  Fixture fixture = { kbc_test_server_new_with_args ("--published-only", NULL), NULL };

  kbc_gui_reset_settings ();
  kbc_test_server_add_user (fixture.server, EMAIL, NAME, PASSWORD);
  fixture.token = kbc_test_server_admin (fixture.server, NULL, "token", "add", "--email", EMAIL,
                                         "--description", "Desktop", NULL);
  kbc_gui_app_run (read_only, &fixture);
  g_free (fixture.token);
  kbc_test_server_free (fixture.server);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/kbc/gui/profile/edit-name", test_edit_name);
  g_test_add_func ("/kbc/gui/profile/read-only", test_read_only);

  return g_test_run ();
}
