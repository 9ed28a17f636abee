/* kbc-server-notifications.c: /manage/notifications, and the security
 * notifications the server sends by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list carries an ETag made of the user's id and the version counter of
 * notification_versions, which triggers move on every insert, update and
 * delete of the user's rows (migration 5). So a poll whose If-None-Match
 * still matches costs one indexed read of one row and answers 304 without
 * touching the list, however long it is; any new notification or read
 * state, from any process (`notify` runs beside `serve`), changes it.
 * The same counter keeps the text of the list last sent to each user: while
 * it has not moved, a full answer is that text again, not a new list.
 */
#include "config.h"

#include "kbc-server-notifications.h"

#include <gio/gio.h>
#include <string.h>

#define NOTIFICATIONS_PATH "/manage/notifications"
/* Of an id that is not one, the error message shows at most this much. */
#define MAX_SHOWN_ID 64
/* The lists kept (one per user; more and they are all dropped) and the
 * largest kept. */
#define MAX_KEPT_LISTS     256
#define MAX_KEPT_LIST_SIZE (256 * 1024)

/* ---- shared ---- */

char *
kbc_server_markdown_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (*p == '\n' || *p == '\r' || *p == '\t')
        g_string_append_c (out, ' ');
      else if (g_ascii_iscntrl (*p))
        continue;
      else if (g_ascii_ispunct (*p))
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
kbc_server_notification_check (const char *title, const char *message)
{
  if (title == NULL || *title == '\0')
    return g_strdup ("title: must not be empty");
  if (strlen (title) > KBC_NOTIFICATIONS_MAX_TITLE)
    return g_strdup_printf ("title: must be at most %d bytes", KBC_NOTIFICATIONS_MAX_TITLE);
  if (!g_utf8_validate (title, -1, NULL))
    return g_strdup ("title: must be valid UTF-8");
  for (const char *p = title; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      return g_strdup ("title: must be one line without control characters");

  if (message == NULL || message[strspn (message, " \t\n")] == '\0')
    return g_strdup ("message: must not be empty");
  if (strlen (message) > KBC_NOTIFICATIONS_MAX_MESSAGE)
    return g_strdup_printf ("message: must be at most %d bytes", KBC_NOTIFICATIONS_MAX_MESSAGE);
  if (!g_utf8_validate (message, -1, NULL))
    return g_strdup ("message: must be valid UTF-8");
  for (const char *p = message; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) && *p != '\n' && *p != '\t')
      return g_strdup ("message: must not contain control characters other than line breaks "
                       "and tabs");
  return NULL;
}

gboolean
kbc_server_notify_security (KbcStore *store,
                            gint64 user_id,
                            gint64 now,
                            const char *event,
                            const char *title,
                            const char *message,
                            GError **error)
{
  g_autofree char *id = NULL;
  KbcNotificationRow row = {
    .user_id = user_id,
    .type = (char *) KBC_NOTIFICATION_TYPE_SECURITY,
    .title = (char *) title,
    .message = (char *) message,
    .event = (char *) event,
  };

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (title != NULL && message != NULL, FALSE);

  id = kbc_store_notification_insert (store, &row, now, error);
  if (id == NULL)
    return FALSE;

  g_debug ("security notification %s (%s) for user %" G_GINT64_FORMAT, id,
           event != NULL ? event : "-", user_id);
  return TRUE;
}

/* ---- GET /manage/notifications ---- */

static char *
make_etag (gint64 user_id, gint64 version)
{
  return g_strdup_printf ("\"%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "\"", user_id, version);
}

/* If-None-Match is "*" or a list of entity tags, weak ones ("W/…") compared
 * weakly as RFC 9110 asks for. */
static gboolean
etag_matches (const char *header, const char *etag)
{
  g_auto (GStrv) tags = NULL;

  if (header == NULL)
    return FALSE;

  tags = g_strsplit (header, ",", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (g_str_equal (tag, "*") || g_str_equal (tag, etag))
        return TRUE;
    }
  return FALSE;
}

static void
add_notification (JsonBuilder *builder, const KbcNotificationRow *row)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, row->id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, row->type);
  kbc_json_add_time (builder, "created", row->created);
  json_builder_set_member_name (builder, "isRead");
  json_builder_add_boolean_value (builder, row->is_read);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, row->title);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, row->message);

  json_builder_set_member_name (builder, "payload");
  json_builder_begin_object (builder);
  if (row->event != NULL)
    {
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, row->event);
    }
  if (row->limit_name != NULL)
    {
      json_builder_set_member_name (builder, "limit");
      json_builder_add_string_value (builder, row->limit_name);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "project");
  if (row->project_id > 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, row->project_id);
      json_builder_set_member_name (builder, "name");
      if (row->project_name != NULL)
        json_builder_add_string_value (builder, row->project_name);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
}

/* The text of a user's list at a version. */
typedef struct
{
  gint64 user_id; /* the key in the table */
  gint64 version;
  char *email; /* whose: a user id could be reused */
  GBytes *json;
} KeptList;

static void
kept_list_free (gpointer data)
{
  KeptList *kept = data;

  g_free (kept->email);
  g_bytes_unref (kept->json);
  g_free (kept);
}

static GBytes *
kept_list_lookup (KbcServer *server, const KbcUser *user, gint64 version)
{
  KeptList *kept;

  if (server->notification_lists == NULL)
    return NULL;
  kept = g_hash_table_lookup (server->notification_lists, &user->id);
  if (kept == NULL || kept->version != version || g_strcmp0 (kept->email, user->email) != 0)
    return NULL;
  return g_bytes_ref (kept->json);
}

static void
kept_list_store (KbcServer *server, const KbcUser *user, gint64 version, GBytes *json)
{
  KeptList *kept;

  if (g_bytes_get_size (json) > MAX_KEPT_LIST_SIZE)
    return;
  if (server->notification_lists == NULL)
    server->notification_lists =
        g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, kept_list_free);
  if (g_hash_table_size (server->notification_lists) >= MAX_KEPT_LISTS)
    g_hash_table_remove_all (server->notification_lists);

  kept = g_new0 (KeptList, 1);
  kept->user_id = user->id;
  kept->version = version;
  kept->email = g_strdup (user->email);
  kept->json = g_bytes_ref (json);
  g_hash_table_replace (server->notification_lists, &kept->user_id, kept);
}

static void
notifications_list (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GBytes) json = NULL;
  g_autofree char *etag = NULL;
  gint64 version;
  char *text;

  /* The version first: a change between the two reads makes the ETag older
   * than the list, which costs one more full answer, never a lost change. */
  version = kbc_store_notification_version (store, request->user->id, &error);
  if (version < 0)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  etag = make_etag (request->user->id, version);
  kbc_request_set_header (request, "ETag", etag);
  if (etag_matches (kbc_request_get_header (request, "If-None-Match"), etag))
    {
      kbc_request_reply_empty (request, 304);
      return;
    }

  json = kept_list_lookup (request->server, request->user, version);
  if (json != NULL)
    {
      kbc_request_reply_bytes (request, 200, json);
      return;
    }

  rows = kbc_store_notification_list (store, request->user->id, &error);
  if (rows == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    add_notification (builder, rows->pdata[i]);
  json_builder_end_array (builder);
  node = json_builder_get_root (builder);
  text = json_to_string (node, FALSE);
  json = g_bytes_new_take (text, strlen (text));
  kept_list_store (request->server, request->user, version, json);
  kbc_request_reply_bytes (request, 200, json);
}

/* ---- PUT /manage/notifications ---- */

/* An id of "read" that is not one (@well_formed: it is a UUID, but the
 * user has no such notification). */
static void
add_bad_id (KbcFieldErrors *errors, const char *id, gboolean well_formed)
{
  g_autofree char *shown = NULL;
  g_autofree char *message = NULL;

  /* g_utf8_substring() reads up to its end offset even past the string's
   * end (found by AddressSanitizer): never ask it for more than there is. */
  if (g_utf8_validate (id, -1, NULL))
    shown = g_utf8_substring (id, 0, MIN (g_utf8_strlen (id, -1), MAX_SHOWN_ID));
  else
    shown = g_strdup ("?");
  if (well_formed)
    message = g_strdup_printf ("Notification %s was not found.", shown);
  else
    message = g_strdup_printf ("\"%s\" is not a notification id.", shown);
  kbc_field_errors_add (errors, "read", well_formed ? "notFound" : "invalidId", message);
}

/* The ids of "read", lower-cased, or NULL with @errors filled. */
static GPtrArray *
read_ids (KbcRequest *request, KbcFieldErrors *errors)
{
  JsonNode *read = json_object_get_member (json_node_get_object (request->body), "read");
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (read == NULL || JSON_NODE_HOLDS_NULL (read))
    {
      kbc_field_errors_add (errors, "read", NULL,
                            "This value should not be blank: give the ids to mark read, or "
                            "\"allRead\": true.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (read))
    {
      kbc_field_errors_add (errors, "read", NULL, "This value should be of type array.");
      return NULL;
    }

  array = json_node_get_array (read);
  if (json_array_get_length (array) > KBC_NOTIFICATIONS_MAX_READ_IDS)
    {
      kbc_field_errors_add (errors, "read", "tooMany",
                            "At most 1000 ids at a time; \"allRead\": true marks them all.");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id = NULL;

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        id = json_node_get_string (element);
      if (id == NULL || !g_uuid_string_is_valid (id))
        add_bad_id (errors, id != NULL ? id : "(not a string)", FALSE);
      else
        g_ptr_array_add (ids, g_ascii_strdown (id, -1));
    }

  return errors->len > 0 ? NULL : g_steal_pointer (&ids);
}

static void
reply_ok (KbcRequest *request)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 200, node);
}

static void
notifications_mark (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  JsonNode *all = json_object_get_member (json_node_get_object (request->body), "allRead");
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GError) error = NULL;
  gboolean mark_all = FALSE;

  if (all != NULL && !JSON_NODE_HOLDS_NULL (all))
    {
      if (!JSON_NODE_HOLDS_VALUE (all) || json_node_get_value_type (all) != G_TYPE_BOOLEAN)
        kbc_field_errors_add (errors, "allRead", NULL, "This value should be of type bool.");
      else
        mark_all = json_node_get_boolean (all);
    }
  if (errors->len == 0 && !mark_all)
    ids = read_ids (request, errors);
  if (errors->len > 0)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  if (!kbc_store_begin (store, &error))
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  if (mark_all)
    {
      if (!kbc_store_notification_mark_all_read (store, request->user->id, request->now, &error))
        {
          kbc_store_rollback (store);
          kbc_request_reply_internal (request, error);
          return;
        }
    }
  else
    {
      /* All or nothing: one unknown id (another user's is unknown too) and
       * none is marked. */
      for (guint i = 0; i < ids->len; i++)
        {
          if (kbc_store_notification_mark_read (store, request->user->id, ids->pdata[i],
                                                request->now, &error))
            continue;
          if (!g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND))
            {
              kbc_store_rollback (store);
              kbc_request_reply_internal (request, error);
              return;
            }
          g_clear_error (&error);
          add_bad_id (errors, ids->pdata[i], TRUE);
        }
      if (errors->len > 0)
        {
          kbc_store_rollback (store);
          kbc_request_reply_invalid (request, errors);
          return;
        }
    }

  if (!kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      kbc_request_reply_internal (request, error);
      return;
    }
  reply_ok (request);
}

static const KbcRoute routes[] = {
  { "GET", NOTIFICATIONS_PATH, KBC_ROUTE_AUTH, notifications_list },
  { "PUT", NOTIFICATIONS_PATH, KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY, notifications_mark },
};

void
kbc_server_notifications_register (KbcServer *server)
{
  kbc_server_add_routes (server, routes, G_N_ELEMENTS (routes));
}
