/* test-notifications.c: KbcNotifications against the real server: the
 * polled list and its 304, unread-count, new arrivals, marking read in
 * place and back on failure, a server without notifications, and a list of
 * 10,000
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-error.h"
#include "kbc-notifications.h"
#include "kbc-test-utils.h"

#include <sqlite3.h>
#include <string.h>

#define EMAIL    "nora@example.com"
#define NAME     "Nora Tification"
#define PASSWORD "Correct-Horse-Battery-42"
#define PATH     "/manage/notifications"

typedef struct
{
  KbcTestServer *server;
  KbcAccount *account;
  KbcNotifications *notifications;
  guint unread_notifies;
  guint arrivals;
  GPtrArray *arrived; /* of the last "arrived" */
} Fixture;

static void
on_unread_count (KbcNotifications *notifications, GParamSpec *pspec, Fixture *fixture)
{
  fixture->unread_notifies++;
}

static void
on_arrived (KbcNotifications *notifications, GPtrArray *items, Fixture *fixture)
{
  fixture->arrivals++;
  g_clear_pointer (&fixture->arrived, g_ptr_array_unref);
  fixture->arrived = g_ptr_array_ref (items);
}

static void
set_up_with (Fixture *fixture, KbcTestServer *server)
{
  fixture->server = server;
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
}

static void
sign_in (Fixture *fixture)
{
  fixture->account = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  fixture->notifications = g_object_ref (kbc_account_get_notifications (fixture->account));
  g_assert_true (kbc_account_get_notifications (fixture->account) == fixture->notifications);
  g_signal_connect (fixture->notifications, "notify::unread-count", G_CALLBACK (on_unread_count),
                    fixture);
  g_signal_connect (fixture->notifications, "arrived", G_CALLBACK (on_arrived), fixture);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  set_up_with (fixture, kbc_test_server_new ());
  sign_in (fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->notifications != NULL)
    g_signal_handlers_disconnect_by_data (fixture->notifications, fixture);
  g_clear_pointer (&fixture->arrived, g_ptr_array_unref);
  g_clear_object (&fixture->notifications);
  g_clear_object (&fixture->account);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static char *
notify (Fixture *fixture, const char *type, const char *title, const char *message)
{
  return kbc_test_server_admin (fixture->server, NULL, "notify", "--email", EMAIL, "--type", type,
                                "--title", title, "--message", message, NULL);
}

static void
refresh_ok (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (kbc_test_refresh (fixture->notifications, &error));
  g_assert_no_error (error);
}

static gboolean
mark_read (Fixture *fixture, KbcNotification *item, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_notifications_mark_read_async (fixture->notifications, &item, 1, NULL, kbc_test_on_done,
                                     &result);
  return kbc_notifications_mark_read_finish (fixture->notifications, kbc_test_wait_for (&result),
                                             error);
}

static KbcNotification *
item_at (Fixture *fixture, guint position)
{
  g_autoptr (KbcNotification) item =
      g_list_model_get_item (G_LIST_MODEL (fixture->notifications), position);

  g_assert_nonnull (item);
  return item; /* the list keeps its reference */
}

static guint
n_items (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fixture->notifications));
}

/* How many lines of the server's request log contain @text. */
static guint
count_in_log (Fixture *fixture, const char *text)
{
  g_autofree char *log = kbc_test_server_get_log (fixture->server);
  guint count = 0;

  for (const char *p = strstr (log, text); p != NULL; p = strstr (p + 1, text))
    count++;
  return count;
}

/* isRead of @id as the server says, by plain HTTP. */
static gboolean
server_says_read (Fixture *fixture, const char *id)
{
  g_autoptr (KbcTestResponse) list = kbc_test_server_request (
      fixture->server, "GET", PATH, kbc_account_get_token (fixture->account), NULL);
  JsonArray *items;

  g_assert_cmpuint (list->status, ==, 200);
  items = json_node_get_array (list->json);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        return json_object_get_boolean_member (item, "isRead");
    }
  g_error ("no notification %s on the server", id);
}

/* ---- tests ---- */

static void
test_load (Fixture *fixture, gconstpointer data)
{
  g_autofree char *first = notify (fixture, "common", "First", "Plain.");
  g_autofree char *second = kbc_test_server_admin (
      fixture->server, NULL, "notify", "--email", EMAIL, "--type", "limit", "--title",
      "Storage <full>", "--message", "Over **100 GB**: see [the docs](https://help.keboola.com).",
      "--project", "42", "--limit", "storage.dataSizeBytes", NULL);
  KbcNotification *item;

  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 0);
  refresh_ok (fixture);
  g_assert_true (kbc_resource_get_offered (KBC_RESOURCE (fixture->notifications)));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->notifications)) ==
                 KBC_TYPE_NOTIFICATION);

  /* Newest first, every property from the server. */
  g_assert_cmpuint (n_items (fixture), ==, 2);
  item = item_at (fixture, 0);
  g_assert_cmpstr (kbc_notification_get_id (item), ==, second);
  g_assert_cmpint (kbc_notification_get_kind (item), ==, KBC_NOTIFICATION_LIMIT);
  g_assert_cmpstr (kbc_notification_get_type_name (item), ==, "limit");
  g_assert_cmpstr (kbc_notification_get_title (item), ==, "Storage <full>");
  g_assert_cmpstr (kbc_notification_get_message (item), ==,
                   "Over **100 GB**: see [the docs](https://help.keboola.com).");
  g_assert_cmpstr (kbc_notification_get_markup (item), ==,
                   "Over <b>100 GB</b>: see <a href=\"https://help.keboola.com\">the docs</a>.");
  g_assert_cmpstr (kbc_notification_get_plain_text (item), ==, "Over 100 GB: see the docs.");
  g_assert_nonnull (kbc_notification_get_created (item));
  g_assert_false (kbc_notification_get_is_read (item));
  g_assert_cmpint (kbc_notification_get_project_id (item), ==, 42);
  g_assert_null (kbc_notification_get_project_name (item));
  item = item_at (fixture, 1);
  g_assert_cmpstr (kbc_notification_get_id (item), ==, first);
  g_assert_cmpint (kbc_notification_get_kind (item), ==, KBC_NOTIFICATION_COMMON);
  g_assert_cmpint (kbc_notification_get_project_id (item), ==, 0);

  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 2);
  g_assert_cmpuint (fixture->unread_notifies, ==, 1);
  /* The first load is no news. */
  g_assert_cmpuint (fixture->arrivals, ==, 0);

  g_assert_true (kbc_notifications_find (fixture->notifications, first, NULL) == item);
  g_assert_null (kbc_notifications_find (fixture->notifications, "nope", NULL));
}

static void
test_poll (Fixture *fixture, gconstpointer data)
{
  g_autofree char *first = notify (fixture, "common", "First", "One.");
  g_autofree char *second = NULL;
  KbcNotification *kept;
  guint position = 99;
  guint changes = 0;

  refresh_ok (fixture);
  kept = item_at (fixture, 0);
  g_signal_connect_swapped (fixture->notifications, "items-changed", G_CALLBACK (kbc_test_count),
                            &changes);

  /* Nothing new: the server says 304 and nothing moves. */
  refresh_ok (fixture);
  g_assert_cmpuint (count_in_log (fixture, "GET " PATH " 304"), ==, 1);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_cmpuint (fixture->unread_notifies, ==, 1);
  g_assert_true (item_at (fixture, 0) == kept);

  /* A new one: a full answer, one insertion at the top, and news. */
  second = notify (fixture, "global", "Maintenance", "On *Saturday*.");
  refresh_ok (fixture);
  g_assert_cmpuint (count_in_log (fixture, "GET " PATH " 200"), ==, 2);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (n_items (fixture), ==, 2);
  g_assert_cmpstr (kbc_notification_get_id (item_at (fixture, 0)), ==, second);
  g_assert_true (item_at (fixture, 1) == kept);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 2);
  g_assert_cmpuint (fixture->arrivals, ==, 1);
  g_assert_cmpuint (fixture->arrived->len, ==, 1);
  g_assert_true (fixture->arrived->pdata[0] == item_at (fixture, 0));
  g_assert_nonnull (kbc_notifications_find (fixture->notifications, first, &position));
  g_assert_cmpuint (position, ==, 1);

  /* Read elsewhere: the same object turns read, and that is no news. */
  {
    g_autoptr (KbcTestResponse) marked =
        kbc_test_server_request (fixture->server, "PUT", PATH,
                                 kbc_account_get_token (fixture->account), "{\"allRead\": true}");
    g_assert_cmpuint (marked->status, ==, 200);
  }
  refresh_ok (fixture);
  g_assert_true (item_at (fixture, 1) == kept);
  g_assert_true (kbc_notification_get_is_read (kept));
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 0);
  g_assert_cmpuint (fixture->arrivals, ==, 1);
}

static void
test_mark_read (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = notify (fixture, "common", "A", "a");
  g_autofree char *b = notify (fixture, "common", "B", "b");
  g_autofree char *c = notify (fixture, "common", "C", "c");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KbcNotification *item;
  guint notifies;

  refresh_ok (fixture);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 3);
  item = kbc_notifications_find (fixture->notifications, b, NULL);

  /* At once, before the server answers. */
  notifies = fixture->unread_notifies;
  kbc_notifications_mark_read_async (fixture->notifications, &item, 1, NULL, kbc_test_on_done,
                                     &result);
  g_assert_true (kbc_notification_get_is_read (item));
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 2);
  g_assert_cmpuint (fixture->unread_notifies, ==, notifies + 1);
  g_assert_true (kbc_notifications_mark_read_finish (fixture->notifications,
                                                     kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_true (server_says_read (fixture, b));
  g_assert_false (server_says_read (fixture, a));

  /* Read already: nothing is sent. */
  g_assert_true (mark_read (fixture, item, &error));
  g_assert_cmpuint (count_in_log (fixture, "PUT " PATH " 200"), ==, 1);

  /* The ETag moved: the next poll reads the list and agrees. */
  refresh_ok (fixture);
  g_assert_cmpuint (count_in_log (fixture, "GET " PATH " 304"), ==, 0);
  g_assert_true (kbc_notification_get_is_read (item));
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 2);

  /* All of them, at once. */
  g_clear_object (&result);
  kbc_notifications_mark_all_read_async (fixture->notifications, NULL, kbc_test_on_done, &result);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 0);
  g_assert_true (kbc_notifications_mark_all_read_finish (fixture->notifications,
                                                         kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_true (server_says_read (fixture, a));
  g_assert_true (server_says_read (fixture, c));

  /* One that arrived since the last refresh stays unread. */
  {
    g_autofree char *d = notify (fixture, "common", "D", "d");
    g_autofree char *e = notify (fixture, "common", "E", "e");

    refresh_ok (fixture);
    g_free (notify (fixture, "common", "Unseen", "not refreshed yet"));
    g_clear_object (&result);
    kbc_notifications_mark_all_read_async (fixture->notifications, NULL, kbc_test_on_done, &result);
    g_assert_true (kbc_notifications_mark_all_read_finish (fixture->notifications,
                                                           kbc_test_wait_for (&result), &error));
    refresh_ok (fixture);
    g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 1);
    g_assert_cmpstr (kbc_notification_get_title (item_at (fixture, 0)), ==, "Unseen");
    g_assert_true (server_says_read (fixture, d));
  }
}

/* The server refuses (it is gone): the items are unread again, the count
 * back, and the error says so. */
static void
test_mark_read_fails (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = notify (fixture, "common", "A", "a");
  g_autofree char *b = notify (fixture, "common", "B", "b");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KbcNotification *item;

  refresh_ok (fixture);
  item = kbc_notifications_find (fixture->notifications, a, NULL);
  kbc_test_server_stop (fixture->server);

  kbc_notifications_mark_read_async (fixture->notifications, &item, 1, NULL, kbc_test_on_done,
                                     &result);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 1);
  g_assert_false (kbc_notifications_mark_read_finish (fixture->notifications,
                                                      kbc_test_wait_for (&result), &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_test_message ("%s", error->message);
  g_assert_false (kbc_notification_get_is_read (item));
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 2);

  g_clear_error (&error);
  g_clear_object (&result);
  kbc_notifications_mark_all_read_async (fixture->notifications, NULL, kbc_test_on_done, &result);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 0);
  g_assert_false (kbc_notifications_mark_all_read_finish (fixture->notifications,
                                                          kbc_test_wait_for (&result), &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 2);
  for (guint i = 0; i < n_items (fixture); i++)
    g_assert_false (kbc_notification_get_is_read (item_at (fixture, i)));

  /* A failed poll keeps the list. */
  g_clear_error (&error);
  g_assert_false (kbc_test_refresh (fixture->notifications, &error));
  g_assert_nonnull (kbc_resource_get_error (KBC_RESOURCE (fixture->notifications)));
  g_assert_cmpuint (n_items (fixture), ==, 2);

  kbc_test_server_restart (fixture->server);
  g_clear_object (&result);
  g_clear_error (&error);
  g_assert_true (mark_read (fixture, item, &error));
  g_assert_no_error (error);
  g_assert_true (server_says_read (fixture, a));
  g_assert_false (server_says_read (fixture, b));
}

/* `serve --published-only`, as a Keboola stack: not offered, no error. */
static void
test_not_offered (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcAccount) account = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  KbcResource *resource;

  set_up_with (fixture, kbc_test_server_new_with_args ("--published-only", NULL));
  token = kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email", EMAIL,
                                 "--description", "Stand-in", NULL);
  account = kbc_account_new (kbc_test_server_get_url (fixture->server), &error);
  g_assert_no_error (error);
  kbc_account_adopt_token_async (account, token, NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_account_adopt_token_finish (account, kbc_test_wait_for (&result), &error));

  resource = KBC_RESOURCE (kbc_account_get_notifications (account));
  g_assert_false (kbc_test_refresh (resource, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
  g_assert_false (kbc_resource_get_offered (resource));
  g_assert_null (kbc_resource_get_error (resource));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (resource)), ==, 0);
}

/* 10,000 notifications straight into the database, as `notify` would
 * leave them. */
static void
insert_many (Fixture *fixture, guint count)
{
  sqlite3_stmt *stmt;
  sqlite3 *db;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (sqlite3_open (kbc_test_server_get_db (fixture->server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO notifications (uuid, user_id, type, created,"
                                       " title, message) SELECT ?1, id, 'common', ?2, ?3, ?4"
                                       " FROM users WHERE email = ?5",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *title = g_strdup_printf ("Notification %u", i);

      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now - count + i);
      sqlite3_bind_text (stmt, 3, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, "Some **bold** text and [a link](https://example.com).", -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, EMAIL, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* A change of the list as a watcher saw it. */
typedef struct
{
  guint position, removed, added;
  gboolean loaded;
  guint unread;
  guint n_items;
} Change;

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, GArray *changes)
{
  Change change = { position,
                    removed,
                    added,
                    kbc_resource_get_loaded (KBC_RESOURCE (model)),
                    kbc_notifications_get_unread_count (KBC_NOTIFICATIONS (model)),
                    g_list_model_get_n_items (model) };

  g_array_append_val (changes, change);
}

static void
test_large (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcNotification) newest = NULL;
  g_autoptr (GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  KbcNotification *head_first;
  Change *change;

  insert_many (fixture, 10000);
  g_signal_connect (fixture->notifications, "items-changed", G_CALLBACK (on_items_changed),
                    changes);
  refresh_ok (fixture);
  g_assert_cmpuint (n_items (fixture), ==, 10000);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 10000);

  /* The newest came first, before the rest was parsed, and not yet as the
   * loaded list: no count yet. Then the rest, after them, keeping their
   * objects; the count once, when all were in. */
  g_assert_cmpuint (changes->len, ==, 2);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->removed, ==, 0);
  g_assert_cmpuint (change->added, ==, KBC_NOTIFICATIONS_HEAD_SIZE);
  g_assert_false (change->loaded);
  g_assert_cmpuint (change->unread, ==, 0);
  change = &g_array_index (changes, Change, 1);
  g_assert_cmpuint (change->position, ==, KBC_NOTIFICATIONS_HEAD_SIZE);
  g_assert_cmpuint (change->removed, ==, 0);
  g_assert_cmpuint (change->added, ==, 10000 - KBC_NOTIFICATIONS_HEAD_SIZE);
  g_assert_cmpuint (change->n_items, ==, 10000);
  g_assert_cmpuint (fixture->unread_notifies, ==, 1);
  head_first = item_at (fixture, 0);
  g_assert_cmpstr (kbc_notification_get_title (head_first), ==, "Notification 9999");
  g_array_set_size (changes, 0);

  newest = g_object_ref (item_at (fixture, 0));
  g_assert_cmpstr (kbc_notification_get_title (newest), ==, "Notification 9999");
  g_assert_cmpstr (kbc_notification_get_markup (newest), ==,
                   "Some <b>bold</b> text and <a href=\"https://example.com\">a link</a>.");

  /* Polling it again costs a 304. */
  refresh_ok (fixture);
  g_assert_cmpuint (count_in_log (fixture, "GET " PATH " 304"), ==, 1);

  /* More than one request holds: one allRead. */
  kbc_notifications_mark_all_read_async (fixture->notifications, NULL, kbc_test_on_done, &result);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 0);
  g_assert_true (kbc_notifications_mark_all_read_finish (fixture->notifications,
                                                         kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_in_log (fixture, "PUT " PATH " 200"), ==, 1);
  refresh_ok (fixture);
  g_assert_true (item_at (fixture, 0) == newest);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 0);

  /* A list once loaded is never cut to its head: a new one arrives as one
   * change at the top. */
  g_free (notify (fixture, "common", "Newer", "Still here."));
  refresh_ok (fixture);
  g_assert_cmpuint (n_items (fixture), ==, 10001);
  for (guint i = 0; i < changes->len; i++)
    g_assert_cmpuint (g_array_index (changes, Change, i).n_items, >=, 10000);
  g_signal_handlers_disconnect_by_func (fixture->notifications, on_items_changed, changes);
}

/* Marking more than one request holds goes in several. */
static void
test_mark_many (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  insert_many (fixture, KBC_NOTIFICATIONS_MAX_IDS_PER_REQUEST + 5);
  refresh_ok (fixture);
  for (guint i = 0; i < n_items (fixture) - 1; i++)
    g_ptr_array_add (items, item_at (fixture, i));

  kbc_notifications_mark_read_async (fixture->notifications, (KbcNotification **) items->pdata,
                                     items->len, NULL, kbc_test_on_done, &result);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 1);
  g_assert_true (kbc_notifications_mark_read_finish (fixture->notifications,
                                                     kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_in_log (fixture, "PUT " PATH " 200"), ==, 2);
  refresh_ok (fixture);
  g_assert_cmpuint (kbc_notifications_get_unread_count (fixture->notifications), ==, 1);
  g_assert_false (kbc_notification_get_is_read (item_at (fixture, n_items (fixture) - 1)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/notifications/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("load", test_load);
  ADD ("poll", test_poll);
  ADD ("mark-read", test_mark_read);
  ADD ("mark-read-fails", test_mark_read_fails);
  g_test_add ("/kbc/notifications/not-offered", Fixture, NULL, NULL, test_not_offered,
              fixture_tear_down);
  ADD ("large", test_large);
  ADD ("mark-many", test_mark_many);

#undef ADD

  return g_test_run ();
}
