/* bench-bare-window.c: the yardstick of bench-startup.c
 *
 * The least a libadwaita settings app can show: a window with a header bar
 * and a preferences page of two groups, nothing loaded from anywhere. It
 * marks its first frame as the app does (kbc-startup-mark.c: a debug message
 * in the log domain "KbcStartup" with the monotonic clock) and then waits to
 * be stopped, so that bench-startup.c reads its memory as it reads the app's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  g_log ("KbcStartup", G_LOG_LEVEL_DEBUG, "mark first-frame %" G_GINT64_FORMAT,
         g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, user_data);
}

static void
map_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb),
                    NULL);
}

static GtkWidget *
row (const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
activate_cb (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;

  gtk_window_set_title (GTK_WINDOW (window), "Account");
  /* The size of the app's window the first time (its GSettings default). */
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 680);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), "Profile");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row ("Name", "Dana Demo"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row ("Email", "demo@example.test"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), "Security");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row ("Password", "Changed today"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row ("Multi-factor", "Off"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  g_signal_connect (window, "map", G_CALLBACK (map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autoptr (AdwApplication) app = NULL;

  app = adw_application_new ("io.github.kbcaccount.BenchBareWindow", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
