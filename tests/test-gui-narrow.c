/* test-gui-narrow.c: at 360 × 294, GNOME's smallest window, every page's primary button is inside the window
 *
 * Signs in through the real window against the real server with a small
 * world (so every page has content), sets the window to 360 px wide and
 * 294 px high, and for the sign-in form and each page of the sidebar (and
 * a project's page) finds its primary button (the suggested action, else
 * the first button) and checks that it lies within the window's width,
 * and that no page asks for more than 360 px.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "kbc-test-gui.h"
#include "kbc-test-utils.h"

#define EMAIL    "nora.narrow@example.test"
#define NAME     "Nora Narrow"
#define PASSWORD "Quarry-Lantern-Meadow-27"

#define WIDTH  360
#define HEIGHT 294

typedef struct
{
  KbcTestServer *server;
  KbcTestWorld world;
} Fixture;

/* The first visible, mapped button under @root with @css_class (any
 * button for NULL; for "row", an activatable list row: a page whose
 * controls are rows), in the order of the widget tree. */
static GtkWidget *
find_button (GtkWidget *root, const char *css_class)
{
  gboolean rows = g_strcmp0 (css_class, "row") == 0;

  if (!gtk_widget_get_visible (root))
    return NULL;
  if (gtk_widget_get_mapped (root) &&
      (rows ? GTK_IS_LIST_BOX_ROW (root) &&
                  gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (root))
            : GTK_IS_BUTTON (root) &&
                  (css_class == NULL || gtk_widget_has_css_class (root, css_class))))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
assert_inside (KbcWindow *window, GtkWidget *page, const char *what)
{
  GtkWidget *button = find_button (page, "suggested-action");
  graphene_rect_t bounds;
  int minimum = 0;

  if (button == NULL)
    button = find_button (page, NULL);
  if (button == NULL)
    button = find_button (page, "row");
  if (button == NULL)
    g_error ("%s: no button shown", what);

  kbc_gui_wait_drawn (button);
  g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (window), &bounds));
  g_test_message ("%s: %s at x %.0f, width %.0f of %d", what, G_OBJECT_TYPE_NAME (button),
                  bounds.origin.x, bounds.size.width, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=,
                     gtk_widget_get_width (GTK_WIDGET (window)));

  gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, WIDTH);
}

static GtkWidget *
open_page (KbcWindow *window, const char *name)
{
  GtkListBox *sidebar = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "sidebar");
  GtkListBoxRow *row;
  GtkWidget *page = kbc_window_get_page (window, name);

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (sidebar, i)) != NULL; i++)
    if (g_str_equal (gtk_widget_get_name (GTK_WIDGET (row)), name))
      break;
  g_assert_nonnull (row);
  gtk_list_box_select_row (sidebar, row);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  kbc_gui_wait_drawn (page);
  return page;
}

static gboolean
has_button (gpointer data)
{
  return find_button (data, NULL) != NULL || find_button (data, "row") != NULL;
}

static void
narrow (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  static const char *const pages[] = { "account",     "tokens",        "notifications",
                                       "invitations", "organizations", "promo-codes" };

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_wait_drawn (GTK_WIDGET (kbc_window_get_sign_in_page (window)));
  KBC_TEST_WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (window)) <= WIDTH + 20);
  assert_inside (window, GTK_WIDGET (kbc_window_get_sign_in_page (window)), "sign-in");

  kbc_gui_sign_in (window, kbc_test_server_get_url (fixture->server), EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = open_page (window, pages[i]);

      kbc_test_wait_until (has_button, page, pages[i]);
      assert_inside (window, page, pages[i]);
    }

  gtk_widget_activate_action (GTK_WIDGET (window), "window.show-project", "(xs)",
                              fixture->world.acme_sales, "admin");
  KBC_TEST_WAIT_FOR (kbc_gui_has_label (kbc_window_get_page (window, "project"), "Storage"));
  /* The project's page of the local server has no button (no web page to
   * open); its control is Back, in the header. */
  assert_inside (window,
                 gtk_widget_get_parent (
                     kbc_gui_template_child (window, KBC_TYPE_WINDOW, "project_back_button")),
                 "project");
  kbc_gui_save_shot (GTK_WIDGET (window), "project-360x294.png");

  kbc_gui_sign_out (window);
}

static void
test_narrow (void)
{
  Fixture fixture = { kbc_test_server_new () };

  kbc_gui_reset_settings ();
  /* The window opens at the size it was left at. */
  g_settings_set_int (kbc_gui_get_settings (), "window-width", WIDTH);
  g_settings_set_int (kbc_gui_get_settings (), "window-height", HEIGHT);
  kbc_test_server_add_user (fixture.server, EMAIL, NAME, PASSWORD);
  kbc_test_world_build (fixture.server, EMAIL, &fixture.world);
  kbc_gui_app_run (narrow, &fixture);
  kbc_test_server_free (fixture.server);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/kbc/gui/narrow/primary-buttons", test_narrow);

  return g_test_run ();
}
