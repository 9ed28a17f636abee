/* test-gui-notifications.c: the bell and the notifications page in the real
 * window against the real server, under Xvfb
 *
 * A notification sent with `notify` shows on the bell's badge after one
 * refresh, made the way the app makes it every minute and when the window
 * gets the focus (kbc_window_poll_notifications()); the page lists it, Mark
 * as Read and Mark All Read take the badge down at once. With a desktop
 * notification server of our own on the session bus, a notification that
 * arrives while the window is in the background raises a desktop
 * notification whose default action opens the app at that item.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kbc-notification-row.h"
#include "kbc-notifications-button.h"
#include "kbc-notifications-page.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"
#include "kbc-tooltip.h"
#include "kbc-web-notice.h"

#define EMAIL    "bell@kbc-account.test"
#define NAME     "Bella Notify"
#define PASSWORD "Copper-Kettle-Morning-93"
#define PATH     "/manage/notifications"

typedef struct
{
  KbcTestServer *server;
  const char *url;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  kbc_gui_reset_settings ();
  fixture->server = kbc_test_server_new ();
  fixture->url = kbc_test_server_get_url (fixture->server);
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static char *
notify (Fixture *fixture, const char *type, const char *title, const char *message)
{
  return kbc_test_server_admin (fixture->server, NULL, "notify", "--email", EMAIL, "--type", type,
                                "--title", title, "--message", message, NULL);
}

static KbcNotificationsButton *
bell_of (KbcWindow *window)
{
  return kbc_gui_template_child (window, KBC_TYPE_WINDOW, "notifications_button");
}

typedef struct
{
  KbcNotificationsButton *bell;
  const char *badge;
} BadgeWait;

static gboolean
badge_is (gpointer data)
{
  BadgeWait *wait = data;

  return gtk_widget_get_visible (GTK_WIDGET (wait->bell)) &&
         g_strcmp0 (kbc_notifications_button_get_badge_text (wait->bell), wait->badge) == 0;
}

static void
wait_badge (KbcWindow *window, const char *badge)
{
  BadgeWait wait = { bell_of (window), badge };
  g_autofree char *what = g_strdup_printf ("the bell's badge to show “%s”", badge);

  kbc_test_wait_until (badge_is, &wait, what);
}

static void
sign_in (Fixture *fixture, KbcWindow *window)
{
  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
}

static KbcAccount *
account_of (KbcWindow *window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));

  return kbc_session_get_account (kbc_application_get_session (KBC_APPLICATION (app)));
}

/* isRead of @id as the server says it. */
static gboolean
server_says_read (Fixture *fixture, KbcWindow *window, const char *id)
{
  g_autoptr (KbcTestResponse) list = kbc_test_server_request (
      fixture->server, "GET", PATH, kbc_account_get_token (account_of (window)), NULL);
  JsonArray *items;

  g_assert_cmpuint (list->status, ==, 200);
  items = json_node_get_array (list->json);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        return json_object_get_boolean_member (item, "isRead");
    }
  g_error ("no notification %s", id);
}

static gboolean
is_shown (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
page_state_is_list (gpointer data)
{
  return g_strcmp0 (kbc_notifications_page_get_state (data), "list") == 0;
}

/* Clicks the bell, as a user does, and waits for the page and its list. */
static KbcNotificationsPage *
open_page (KbcWindow *window)
{
  GtkWidget *button =
      kbc_gui_template_child (bell_of (window), KBC_TYPE_NOTIFICATIONS_BUTTON, "button");
  GtkWidget *page = kbc_window_get_page (window, "notifications");

  g_assert_true (KBC_IS_NOTIFICATIONS_PAGE (page));
  g_assert_true (gtk_widget_activate (button));
  kbc_test_wait_until (is_shown, page, "the notifications page to show");
  /* In place of the page before, not faded over it: both are text. */
  g_assert_false (gtk_stack_get_transition_running (
      GTK_STACK (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_stack"))));
  kbc_test_wait_until (page_state_is_list, page, "the notifications list");
  return KBC_NOTIFICATIONS_PAGE (page);
}

/* The row bound to the notification @id, once the list shows it. */
typedef struct
{
  GtkWidget *page;
  const char *id;
  GtkWidget *row;
} RowWait;

static GtkWidget *
find_row (GtkWidget *root, const char *id)
{
  if (KBC_IS_NOTIFICATION_ROW (root))
    {
      KbcNotification *item = kbc_notification_row_get_notification (KBC_NOTIFICATION_ROW (root));

      if (item != NULL && g_strcmp0 (kbc_notification_get_id (item), id) == 0 &&
          gtk_widget_get_mapped (root))
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
row_shown (gpointer data)
{
  RowWait *wait = data;

  wait->row = find_row (wait->page, wait->id);
  return wait->row != NULL;
}

static GtkWidget *
wait_row (KbcNotificationsPage *page, const char *id)
{
  RowWait wait = { GTK_WIDGET (page), id, NULL };

  kbc_test_wait_until (row_shown, &wait, "the notification's row");
  return wait.row;
}

/* The icon and Mark as Read lie over the row (kbc-notification-row.ui);
 * the CSS keeps the labels clear of them, on either side: the title and
 * the message start past the icon, the title stops short of the button, the
 * message starts under it. */
static void
assert_row_clear (GtkWidget *row)
{
  const char *names[] = { "icon", "title_label", "message_label", "read_button" };
  graphene_rect_t b[G_N_ELEMENTS (names)];
  enum
  {
    ICON,
    TITLE,
    MESSAGE,
    READ
  };
  gboolean rtl = gtk_widget_get_direction (row) == GTK_TEXT_DIR_RTL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (gtk_widget_compute_bounds (
        kbc_gui_template_child (row, KBC_TYPE_NOTIFICATION_ROW, names[i]), row, &b[i]));

  if (rtl)
    {
      g_assert_cmpfloat (b[TITLE].origin.x + b[TITLE].size.width, <=, b[ICON].origin.x);
      g_assert_cmpfloat (b[MESSAGE].origin.x + b[MESSAGE].size.width, <=, b[ICON].origin.x);
      g_assert_cmpfloat (b[READ].origin.x + b[READ].size.width, <=, b[TITLE].origin.x);
    }
  else
    {
      g_assert_cmpfloat (b[ICON].origin.x + b[ICON].size.width, <=, b[TITLE].origin.x);
      g_assert_cmpfloat (b[ICON].origin.x + b[ICON].size.width, <=, b[MESSAGE].origin.x);
      g_assert_cmpfloat (b[TITLE].origin.x + b[TITLE].size.width, <=, b[READ].origin.x);
    }
  g_assert_cmpfloat (b[READ].origin.y + b[READ].size.height, <=, b[MESSAGE].origin.y);
}

/* ---- the badge, the page, marking read ---- */

static void
badge_and_page (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *first = notify (fixture, "common", "First notice", "Plain *text*.");
  g_autofree char *second = notify (fixture, "global", "Maintenance on Saturday",
                                    "Read-only from **08:00**; see [the status "
                                    "page](https://status.keboola.com/).");
  g_autofree char *third = NULL;
  KbcNotificationsButton *bell = bell_of (window);
  KbcNotificationsPage *page;
  GtkWidget *row, *read_button, *meta, *mark_all;
  GtkLabel *message;
  g_autofree char *tooltip = NULL;

  sign_in (fixture, window);

  /* The first load: two unread. */
  wait_badge (window, "2");
  g_assert_cmpstr (kbc_notifications_button_get_label (bell), ==, "2 unread notifications");

  /* Sent while the app runs: the next refresh shows it. */
  third = notify (fixture, "common", "Project moved", "To the *new* backend.");
  g_test_message ("notify → %s", third);
  g_free (kbc_test_server_admin (fixture->server, NULL, "notify", "--email", EMAIL, "--type",
                                 "limit", "--title", "Storage limit exceeded", "--message",
                                 "Over **100 GB**.", "--project", "7", "--limit", "storage", NULL));
  kbc_window_poll_notifications (window);
  wait_badge (window, "4");
  g_assert_cmpstr (kbc_notifications_button_get_label (bell), ==, "4 unread notifications");

  /* The bell opens the page: newest first, the message as markup with its
   * link, unread in bold. */
  page = open_page (window);
  kbc_gui_save_shot (GTK_WIDGET (window), "notifications-page.png");
  row = wait_row (page, second);
  g_assert_true (gtk_widget_has_css_class (row, "unread"));
  message = kbc_gui_template_child (row, KBC_TYPE_NOTIFICATION_ROW, "message_label");
  g_assert_cmpstr (gtk_label_get_label (message), ==,
                   "Read-only from <b>08:00</b>; see <a "
                   "href=\"https://status.keboola.com/\">the status page</a>.");
  g_assert_cmpstr (gtk_label_get_text (message), ==, "Read-only from 08:00; see the status page.");
  g_assert_true (kbc_gui_has_label (row, "Maintenance on Saturday"));
  /* Laid out clear of the icon and the button, left to right and right to
   * left. */
  assert_row_clear (row);
  gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
  kbc_gui_wait_drawn (row);
  assert_row_clear (row);
  kbc_gui_save_shot (GTK_WIDGET (window), "notifications-rtl.png");
  gtk_widget_set_default_direction (GTK_TEXT_DIR_LTR);
  kbc_gui_wait_drawn (row);

  /* Mark as Read on one row: the badge goes down at once, the server
   * agrees. */
  read_button = kbc_gui_template_child (row, KBC_TYPE_NOTIFICATION_ROW, "read_button");
  g_assert_true (gtk_widget_get_visible (read_button));
  /* Its tooltip, and the time in full on the line under the title. */
  g_assert_true (gtk_widget_get_has_tooltip (read_button));
  tooltip = kbc_tooltip_dup_text (read_button);
  g_assert_cmpstr (tooltip, ==, "Mark as Read");
  meta = kbc_gui_template_child (row, KBC_TYPE_NOTIFICATION_ROW, "meta_label");
  g_assert_true (gtk_widget_get_has_tooltip (meta));
  {
    KbcNotification *shown = kbc_notification_row_get_notification (KBC_NOTIFICATION_ROW (row));
    g_autoptr (GDateTime) local = g_date_time_to_local (kbc_notification_get_created (shown));
    g_autofree char *full = g_date_time_format (local, "%b %-d, %Y %H:%M");
    g_autofree char *meta_tooltip = kbc_tooltip_dup_text (meta);

    g_assert_cmpstr (meta_tooltip, ==, full);
  }
  g_assert_true (gtk_widget_activate (read_button));
  wait_badge (window, "3");
  {
    g_autofree char *bell_tooltip = kbc_tooltip_dup_text (
        kbc_gui_template_child (bell, KBC_TYPE_NOTIFICATIONS_BUTTON, "button"));

    g_assert_cmpstr (bell_tooltip, ==, "3 unread notifications");
  }
  KBC_TEST_WAIT_FOR (!gtk_widget_has_css_class (row, "unread"));
  g_assert_false (gtk_widget_get_visible (read_button));
  KBC_TEST_WAIT_FOR (server_says_read (fixture, window, second));
  g_assert_false (server_says_read (fixture, window, first));

  /* Mark All Read: the badge goes. */
  mark_all = kbc_gui_template_child (page, KBC_TYPE_NOTIFICATIONS_PAGE, "mark_all_button");
  g_assert_true (gtk_widget_is_sensitive (mark_all));
  g_assert_true (gtk_widget_activate (mark_all));
  KBC_TEST_WAIT_FOR (!gtk_widget_is_visible (
      kbc_gui_template_child (bell, KBC_TYPE_NOTIFICATIONS_BUTTON, "badge")));
  g_assert_cmpstr (kbc_notifications_button_get_badge_text (bell), ==, "");
  g_assert_cmpstr (kbc_notifications_button_get_label (bell), ==, "No unread notifications");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bell)));
  KBC_TEST_WAIT_FOR (!gtk_widget_is_sensitive (mark_all));
  KBC_TEST_WAIT_FOR (server_says_read (fixture, window, first));
  g_assert_true (server_says_read (fixture, window, third));
  kbc_gui_save_shot (GTK_WIDGET (window), "notifications-read.png");
}

static void
test_badge_and_page (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (badge_and_page, fixture);
}

/* ---- an empty list, and 360 pixels ---- */

static gboolean
page_state_is_empty (gpointer data)
{
  return g_strcmp0 (kbc_notifications_page_get_state (data), "empty") == 0;
}

static void
empty_and_narrow (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *page;
  GtkWidget *leaflet = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "leaflet");
  int minimum = 0;

  sign_in (fixture, window);

  /* Nothing yet: the empty state, the bell with no badge. */
  gtk_widget_activate_action (GTK_WIDGET (window), "sidebar.show-notifications", NULL);
  page = kbc_window_get_page (window, "notifications");
  kbc_test_wait_until (is_shown, page, "the notifications page to show");
  kbc_test_wait_until (page_state_is_empty, page, "the empty state");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bell_of (window))));
  g_assert_cmpstr (kbc_notifications_button_get_badge_text (bell_of (window)), ==, "");
  g_assert_true (kbc_gui_has_label (page, "Keboola’s status page"));

  /* Narrow: the sidebar folds away, and the page and its header bar fit
   * in 360 pixels. */
  KBC_TEST_WAIT_FOR (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));
  g_free (notify (fixture, "global",
                  "A rather long title that has to wrap at three hundred "
                  "and sixty pixels",
                  "A message with a long link: https://status.keboola.com/incidents/"
                  "0123456789abcdefghijklmnopqrstuvwxyz"));
  kbc_window_poll_notifications (window);
  kbc_test_wait_until (page_state_is_list, page, "the notifications list");
  kbc_gui_wait_drawn (page);
  gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("the page needs %d px", minimum);
  g_assert_cmpint (minimum, <=, 360);
  /* The whole signed-in view, header bar with the bell included. */
  gtk_widget_measure (leaflet, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("the signed-in view needs %d px", minimum);
  g_assert_cmpint (minimum, <=, 360);
  g_assert_true (gtk_widget_get_mapped (
      kbc_gui_template_child (page, KBC_TYPE_NOTIFICATIONS_PAGE, "mark_all_button")));
  kbc_gui_save_shot (GTK_WIDGET (window), "notifications-360.png");
}

static void
test_empty_and_narrow (Fixture *fixture, gconstpointer data)
{
  /* The window opens as wide as it was last time. */
  g_settings_set_int (kbc_gui_get_settings (), "window-width", 360);
  g_settings_set_int (kbc_gui_get_settings (), "window-height", 640);
  kbc_gui_app_run (empty_and_narrow, fixture);
}

/* ---- a stack without notifications ---- */

static gboolean
page_state_is_web (gpointer data)
{
  return g_strcmp0 (kbc_notifications_page_get_state (data), "web") == 0;
}

static void
not_offered (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *token = kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email",
                                                  EMAIL, "--description", "Test", NULL);
  GtkWidget *page;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in_with_token (window, fixture->url, token);
  kbc_gui_wait_view (window, "main");

  /* The page says where notifications are kept; the bell is not there. */
  page = kbc_window_get_page (window, "notifications");
  kbc_test_wait_until (page_state_is_web, page, "the web-only notice");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bell_of (window))));
  g_assert_cmpstr (kbc_web_notice_get_uri (KBC_WEB_NOTICE (
                       kbc_gui_template_child (page, KBC_TYPE_NOTIFICATIONS_PAGE, "web_notice"))),
                   ==, fixture->url);

  /* And it is not asked every minute. */
  kbc_window_poll_notifications (window);
  {
    g_autofree char *log = kbc_test_server_get_log (fixture->server);
    guint asked = 0;

    for (const char *p = strstr (log, "GET " PATH " 404"); p != NULL;
         p = strstr (p + 1, "GET " PATH " 404"))
      asked++;
    g_assert_cmpuint (asked, ==, 1);
  }
}

static void
test_not_offered (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
  fixture->server = kbc_test_server_new_with_args ("--published-only", NULL);
  fixture->url = kbc_test_server_get_url (fixture->server);
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  kbc_gui_app_run (not_offered, fixture);
}

/* ---- desktop notifications ---- */

/* A desktop notification server of our own (org.freedesktop.Notifications),
 * which GLib's GNotification talks to here. */
static const char notifications_xml[] =
    "<node>"
    "  <interface name='org.freedesktop.Notifications'>"
    "    <method name='Notify'>"
    "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
    "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "      <arg type='u' direction='out'/>"
    "    </method>"
    "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
    "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    "    <method name='GetServerInformation'>"
    "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "    </method>"
    "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
    "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
    "  </interface>"
    "</node>";

typedef struct
{
  GDBusConnection *connection;
  guint owner_id;
  guint object_id;
  gboolean owned;
  guint next_id;
  guint last_id;
  char *last_summary;
  char *last_body;
  gboolean last_has_default;
  guint closed;
} FakeServer;

static void
fake_method_call (GDBusConnection *connection,
                  const char *sender,
                  const char *object_path,
                  const char *interface_name,
                  const char *method_name,
                  GVariant *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer user_data)
{
  FakeServer *fake = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary, *body;
      g_autofree const char **actions = NULL;
      guint32 replaces;

      /* app_name, replaces_id, app_icon, summary, body, actions, hints, timeout */
      g_variant_get (parameters, "(&su&s&s&s^a&s@a{sv}i)", NULL, &replaces, NULL, &summary, &body,
                     &actions, NULL, NULL);
      fake->last_id = replaces != 0 ? replaces : ++fake->next_id;
      g_free (fake->last_summary);
      fake->last_summary = g_strdup (summary);
      g_free (fake->last_body);
      fake->last_body = g_strdup (body);
      fake->last_has_default = g_strv_contains (actions, "default");
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", fake->last_id));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      fake->closed++;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    {
      g_dbus_method_invocation_return_value (
          invocation, g_variant_new ("(ssss)", "kbc-test", "KBC Account", "1", "1.2"));
    }
}

static const GDBusInterfaceVTable fake_vtable = { fake_method_call };

static void
fake_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  ((FakeServer *) user_data)->owned = TRUE;
}

static void
fake_start (FakeServer *fake)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, &error);

  g_assert_no_error (error);
  fake->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fake->object_id =
      g_dbus_connection_register_object (fake->connection, "/org/freedesktop/Notifications",
                                         info->interfaces[0], &fake_vtable, fake, NULL, &error);
  g_assert_no_error (error);
  /* No other test owns it: the other GUI tests have desktop notifications off. */
  fake->owner_id = g_bus_own_name_on_connection (fake->connection, "org.freedesktop.Notifications",
                                                 G_BUS_NAME_OWNER_FLAGS_REPLACE, fake_name_acquired,
                                                 NULL, fake, NULL);
  KBC_TEST_WAIT_FOR (fake->owned);
}

static void
fake_stop (FakeServer *fake)
{
  g_bus_unown_name (fake->owner_id);
  g_dbus_connection_unregister_object (fake->connection, fake->object_id);
  g_clear_object (&fake->connection);
  g_clear_pointer (&fake->last_summary, g_free);
  g_clear_pointer (&fake->last_body, g_free);
}

/* The user clicks the desktop notification @id. */
static void
fake_invoke_default (FakeServer *fake, guint id)
{
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (fake->connection, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", id, "default"), &error);
  g_assert_no_error (error);
}

typedef struct
{
  Fixture *fixture;
  FakeServer fake;
} DesktopRun;

static gboolean
is_inactive (gpointer data)
{
  return !gtk_window_is_active (data);
}

static void
desktop (KbcApplication *app, KbcWindow *window, gpointer data)
{
  DesktopRun *run = data;
  Fixture *fixture = run->fixture;
  FakeServer *fake = &run->fake;
  g_autofree char *first = notify (fixture, "common", "Seen at start", "Old news.");
  g_autofree char *heads_up = NULL;
  g_autoptr (KbcNotification) selected = NULL;
  g_autoptr (KbcNotification) password = NULL;
  KbcNotifications *notifications;
  GtkWidget *other;
  GtkWidget *page;
  GtkSelectionModel *selection;
  GtkListView *list_view;
  guint heads_up_id;

  g_settings_set_boolean (kbc_gui_get_settings (), "desktop-notifications", TRUE);
  sign_in (fixture, window);
  wait_badge (window, "1");

  /* The first load raised nothing. */
  g_assert_null (fake->last_summary);

  /* The user is in another window. */
  other = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (other), "Another window");
  gtk_window_present (GTK_WINDOW (other));
  kbc_test_wait_until (is_inactive, window, "the main window to lose the focus");

  /* A security notification arrives. */
  {
    g_autoptr (KbcTestResponse) changed = kbc_test_server_request (
        fixture->server, "PUT", "/manage/current-user/password",
        kbc_account_get_token (account_of (window)),
        "{\"currentPassword\": \"" PASSWORD "\", \"newPassword\": \"Another-Kettle-Evening-94\"}");
    g_assert_cmpuint (changed->status, ==, 204);
  }
  kbc_window_poll_notifications (window);
  wait_badge (window, "2");
  KBC_TEST_WAIT_FOR (fake->last_summary != NULL);
  g_assert_cmpstr (fake->last_summary, ==, "Your password was changed");
  g_assert_nonnull (strstr (fake->last_body, "other sessions were signed out"));
  /* Plain text: no markdown. */
  g_assert_null (strstr (fake->last_body, "**"));
  g_assert_true (fake->last_has_default);

  /* Another one, a little later. */
  heads_up = notify (fixture, "common", "Heads up", "Something *new*.");
  kbc_window_poll_notifications (window);
  KBC_TEST_WAIT_FOR (g_strcmp0 (fake->last_summary, "Heads up") == 0);
  g_assert_cmpstr (fake->last_body, ==, "Something new.");
  heads_up_id = fake->last_id;
  wait_badge (window, "3");

  /* The first, read in the app: its desktop notification is withdrawn. */
  page = kbc_window_get_page (window, "notifications");
  notifications = kbc_notifications_page_get_notifications (KBC_NOTIFICATIONS_PAGE (page));
  password = g_list_model_get_item (G_LIST_MODEL (notifications), 1);
  g_assert_cmpstr (kbc_notification_get_title (password), ==, "Your password was changed");
  g_assert_cmpint (kbc_notification_get_kind (password), ==, KBC_NOTIFICATION_SECURITY);
  gtk_widget_activate_action (page, "notifications.mark-read", "s",
                              kbc_notification_get_id (password));
  wait_badge (window, "2");
  KBC_TEST_WAIT_FOR (fake->closed == 1);

  /* Clicking the other opens the app at that item. */
  gtk_window_destroy (GTK_WINDOW (other));
  fake_invoke_default (fake, heads_up_id);
  kbc_test_wait_until (is_shown, page, "the notifications page to show");
  list_view = kbc_gui_template_child (page, KBC_TYPE_NOTIFICATIONS_PAGE, "list_view");
  selection = gtk_list_view_get_model (list_view);
  KBC_TEST_WAIT_FOR (gtk_selection_model_is_selected (selection, 0));
  selected = g_list_model_get_item (G_LIST_MODEL (selection), 0);
  g_assert_cmpstr (kbc_notification_get_id (selected), ==, heads_up);
  kbc_gui_save_shot (GTK_WIDGET (window), "notifications-opened.png");
}

static void
test_desktop (Fixture *fixture, gconstpointer data)
{
  DesktopRun run = { fixture };

  fake_start (&run.fake);
  kbc_gui_app_run (desktop, &run);
  fake_stop (&run.fake);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                            \
  g_test_add ("/kbc/gui/notifications/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("badge-and-page", test_badge_and_page);
  ADD ("empty-and-narrow", test_empty_and_narrow);
  ADD ("not-offered", test_not_offered);
  ADD ("desktop", test_desktop);

#undef ADD

  return g_test_run ();
}
