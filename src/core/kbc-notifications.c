/* kbc-notifications.c: the account's notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-notifications.h"

#include "kbc-error.h"

#define NOTIFICATIONS_PATH "/manage/notifications"

struct _KbcNotifications
{
  KbcListResource parent_instance;

  guint unread_count;
};

G_DEFINE_FINAL_TYPE (KbcNotifications, kbc_notifications, KBC_TYPE_LIST_RESOURCE)

enum
{
  PROP_0,
  PROP_UNREAD_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  ARRIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
recount (KbcNotifications *self)
{
  GListModel *model = G_LIST_MODEL (self);
  guint n_items = g_list_model_get_n_items (model);
  guint unread = 0;

  /* A pass over pointers: cheap even for 10,000 items. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (KbcNotification) item = g_list_model_get_item (model, i);

      if (!kbc_notification_get_is_read (item))
        unread++;
    }

  if (self->unread_count == unread)
    return;
  self->unread_count = unread;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
}

/* ---- KbcListResource ---- */

static gpointer
kbc_notifications_parse_item (KbcListResource *self, JsonNode *element, GError **error)
{
  return kbc_notification_new_from_json (element, error);
}

static const char *
kbc_notifications_get_key (gpointer item)
{
  return kbc_notification_get_id (item);
}

static void
kbc_notifications_update_item (gpointer existing, gpointer fresh)
{
  kbc_notification_update (existing, fresh);
}

static void
kbc_notifications_apply (KbcResource *resource, gpointer parsed)
{
  KbcNotifications *self = KBC_NOTIFICATIONS (resource);
  g_autoptr (GHashTable) known = NULL;
  g_autoptr (GPtrArray) arrived = NULL;
  GListModel *model = G_LIST_MODEL (self);

  /* What is new is only news after the first load. */
  if (kbc_resource_get_loaded (resource))
    {
      guint n_items = g_list_model_get_n_items (model);

      known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr (KbcNotification) item = g_list_model_get_item (model, i);

          g_hash_table_add (known, g_strdup (kbc_notification_get_id (item)));
        }
    }

  KBC_RESOURCE_CLASS (kbc_notifications_parent_class)->apply (resource, parsed);
  recount (self);

  if (known == NULL)
    return;

  arrived = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      KbcNotification *item = g_list_model_get_item (model, i);

      if (!kbc_notification_get_is_read (item) &&
          !g_hash_table_contains (known, kbc_notification_get_id (item)))
        g_ptr_array_add (arrived, item);
      else
        g_object_unref (item);
    }
  if (arrived->len > 0)
    g_signal_emit (self, signals[ARRIVED], 0, arrived);
}

/* ---- GObject ---- */

static void
kbc_notifications_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcNotifications *self = KBC_NOTIFICATIONS (object);

  switch (prop_id)
    {
      case PROP_UNREAD_COUNT:
        g_value_set_uint (value, self->unread_count);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_notifications_class_init (KbcNotificationsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  KbcListResourceClass *list_class = KBC_LIST_RESOURCE_CLASS (klass);

  object_class->get_property = kbc_notifications_get_property;

  resource_class->path = NOTIFICATIONS_PATH;
  resource_class->poll = TRUE;
  /* A long list shows its newest at once; the unread count waits for all. */
  resource_class->head_size = KBC_NOTIFICATIONS_HEAD_SIZE;
  resource_class->apply = kbc_notifications_apply;

  list_class->item_type = KBC_TYPE_NOTIFICATION;
  list_class->parse_item = kbc_notifications_parse_item;
  list_class->get_key = kbc_notifications_get_key;
  list_class->update_item = kbc_notifications_update_item;

  properties[PROP_UNREAD_COUNT] =
      g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ARRIVED] = g_signal_new ("arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
kbc_notifications_init (KbcNotifications *self)
{
}

KbcNotifications *
kbc_notifications_new (KbcClient *client)
{
  g_return_val_if_fail (KBC_IS_CLIENT (client), NULL);

  return g_object_new (KBC_TYPE_NOTIFICATIONS, "client", client, NULL);
}

guint
kbc_notifications_get_unread_count (KbcNotifications *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATIONS (self), 0);

  return self->unread_count;
}

KbcNotification *
kbc_notifications_find (KbcNotifications *self, const char *id, guint *position)
{
  GListModel *model = G_LIST_MODEL (self);
  guint n_items;

  g_return_val_if_fail (KBC_IS_NOTIFICATIONS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (KbcNotification) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (kbc_notification_get_id (item), id) == 0)
        {
          if (position != NULL)
            *position = i;
          /* The list keeps its reference. */
          return item;
        }
    }
  return NULL;
}

/* ---- marking read ---- */

typedef struct
{
  GPtrArray *items; /* KbcNotification made read by this call */
  guint done;       /* how many of them the server has taken */
  gboolean all;     /* {"allRead": true} rather than ids */
} Marking;

static void
marking_free (Marking *marking)
{
  g_ptr_array_unref (marking->items);
  g_free (marking);
}

static void send_marking (GTask *task);

/* The server's answer to one PUT. */
static void
on_marked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcNotifications *self = g_task_get_source_object (task);
  Marking *marking = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);

  /* A refresh that started while the PUT was on its way may have read the
   * old state: it is repeated rather than applied. */
  kbc_resource_changed (KBC_RESOURCE (self));

  if (node == NULL)
    {
      /* What the server did not take is unread again, even when the call
       * was cancelled: the server may never have seen it. */
      for (guint i = marking->done; i < marking->items->len; i++)
        kbc_notification_set_is_read (marking->items->pdata[i], FALSE);
      recount (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  marking->done = marking->all ? marking->items->len
                               : MIN (marking->done + KBC_NOTIFICATIONS_MAX_IDS_PER_REQUEST,
                                      marking->items->len);
  if (marking->done < marking->items->len)
    {
      send_marking (g_steal_pointer (&task));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
send_marking (GTask *task)
{
  KbcNotifications *self = g_task_get_source_object (task);
  Marking *marking = g_task_get_task_data (task);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  json_builder_begin_object (builder);
  if (marking->all)
    {
      json_builder_set_member_name (builder, "allRead");
      json_builder_add_boolean_value (builder, TRUE);
    }
  else
    {
      guint end = MIN (marking->done + KBC_NOTIFICATIONS_MAX_IDS_PER_REQUEST, marking->items->len);

      json_builder_set_member_name (builder, "read");
      json_builder_begin_array (builder);
      for (guint i = marking->done; i < end; i++)
        json_builder_add_string_value (builder, kbc_notification_get_id (marking->items->pdata[i]));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (self)), "PUT",
                            NOTIFICATIONS_PATH, body, g_task_get_cancellable (task), on_marked,
                            task);
}

/* Makes @items read at once and sends the change; @all: as allRead. */
static void
start_marking (KbcNotifications *self,
               GPtrArray *items,
               gboolean all,
               gpointer source_tag,
               GCancellable *cancellable,
               GAsyncReadyCallback callback,
               gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Marking *marking = g_new0 (Marking, 1);

  g_task_set_source_tag (task, source_tag);
  marking->items = g_ptr_array_ref (items);
  marking->all = all;
  g_task_set_task_data (task, marking, (GDestroyNotify) marking_free);

  /* Nothing to say to the server. */
  if (items->len == 0 && !all)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  kbc_resource_changed (KBC_RESOURCE (self));
  for (guint i = 0; i < items->len; i++)
    kbc_notification_set_is_read (items->pdata[i], TRUE);
  recount (self);

  send_marking (task);
}

void
kbc_notifications_mark_read_async (KbcNotifications *self,
                                   KbcNotification **items,
                                   guint n_items,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GPtrArray) unread = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  g_return_if_fail (KBC_IS_NOTIFICATIONS (self));
  g_return_if_fail (items != NULL || n_items == 0);

  for (guint i = 0; i < n_items; i++)
    {
      g_return_if_fail (KBC_IS_NOTIFICATION (items[i]));
      if (!kbc_notification_get_is_read (items[i]) && g_hash_table_add (seen, items[i]))
        g_ptr_array_add (unread, g_object_ref (items[i]));
    }

  start_marking (self, unread, FALSE, kbc_notifications_mark_read_async, cancellable, callback,
                 user_data);
}

gboolean
kbc_notifications_mark_read_finish (KbcNotifications *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == kbc_notifications_mark_read_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kbc_notifications_mark_all_read_async (KbcNotifications *self,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GPtrArray) unread = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = G_LIST_MODEL (self);
  guint n_items;

  g_return_if_fail (KBC_IS_NOTIFICATIONS (self));

  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      KbcNotification *item = g_list_model_get_item (model, i);

      if (!kbc_notification_get_is_read (item))
        g_ptr_array_add (unread, item);
      else
        g_object_unref (item);
    }

  /* Ids keep what arrived since the last refresh unread; past what one
   * request carries, allRead says it shorter. */
  start_marking (self, unread, unread->len > KBC_NOTIFICATIONS_MAX_IDS_PER_REQUEST,
                 kbc_notifications_mark_all_read_async, cancellable, callback, user_data);
}

gboolean
kbc_notifications_mark_all_read_finish (KbcNotifications *self,
                                        GAsyncResult *result,
                                        GError **error)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == kbc_notifications_mark_all_read_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
