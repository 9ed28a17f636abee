/* kbc-resource.c: one resource of an account, kept in step with the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-resource.h"

#include "kbc-error.h"

typedef struct
{
  KbcClient *client;
  GCancellable *cancellable; /* the refresh; cancelled on dispose */
  GPtrArray *waiters;        /* GTask of refresh_async(), while loading */
  GError *error;

  /* Bumped by kbc_resource_changed(); a refresh remembers the value it
   * started with. */
  guint generation;
  guint refresh_generation;

  gboolean loading;
  gboolean loaded;
  gboolean offered;
  gboolean head_shown; /* apply_head() ran, apply() not yet */
} KbcResourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (KbcResource, kbc_resource, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CLIENT,
  PROP_LOADING,
  PROP_LOADED,
  PROP_ERROR,
  PROP_OFFERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_request (KbcResource *self);

static void
set_boolean (KbcResource *self, gboolean *field, gboolean value, int prop)
{
  value = !!value;
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_error (KbcResource *self, const GError *error)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  if (priv->error == NULL && error == NULL)
    return;

  g_clear_error (&priv->error);
  if (error != NULL)
    priv->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* Ends the refresh: every caller gets @error, or success. */
static void
finish_refresh (KbcResource *self, const GError *error)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&priv->waiters);

  /* The first items of an answer that did not come whole are not shown as
   * if they were the list. */
  if (priv->head_shown)
    {
      priv->head_shown = FALSE;
      KBC_RESOURCE_GET_CLASS (self)->drop_head (self);
    }

  priv->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  set_boolean (self, &priv->loading, FALSE, PROP_LOADING);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static gboolean
is_not_offered (const GError *error)
{
  /* A 404 on the list's path, or a 405 (the path exists for other methods
   * only, as on a stack that keeps the resource in its web page); a path
   * that names an item (digits, a UUID) could also be NOT_FOUND, which is
   * an error: the item is gone. */
  return g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
}

static void
parse_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  KbcResource *self = source_object;
  KbcResourceClass *klass = KBC_RESOURCE_GET_CLASS (self);
  GError *error = NULL;
  gpointer parsed;

  parsed = klass->parse (self, task_data, &error);
  /* The answer's tree goes here too: freeing the tree of 10,000
   * notifications took 47 ms, which the main loop would otherwise spend
   * when the task is finalized there. */
  g_task_set_task_data (task, NULL, NULL);
  if (parsed == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, parsed, klass->free_parsed);
}

static void
on_parsed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcResource *self = KBC_RESOURCE (source);
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);
  KbcResourceClass *klass = KBC_RESOURCE_GET_CLASS (self);
  g_autoptr (GError) error = NULL;
  gpointer parsed;

  parsed = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (priv->cancellable))
    {
      if (parsed != NULL && klass->free_parsed != NULL)
        klass->free_parsed (parsed);
      g_clear_error (&error);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      finish_refresh (self, error);
      return;
    }

  if (parsed == NULL)
    {
      g_debug ("%s: unusable answer: %s", kbc_resource_get_path (self), error->message);
      set_error (self, error);
      finish_refresh (self, error);
      return;
    }

  /* A change of ours reached the server after this answer was sent. */
  if (priv->generation != priv->refresh_generation)
    {
      if (klass->free_parsed != NULL)
        klass->free_parsed (parsed);
      start_request (self);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  priv->head_shown = FALSE;
  klass->apply (self, parsed);
  if (klass->free_parsed != NULL)
    klass->free_parsed (parsed);
  set_error (self, NULL);
  set_boolean (self, &priv->offered, TRUE, PROP_OFFERED);
  set_boolean (self, &priv->loaded, TRUE, PROP_LOADED);
  finish_refresh (self, NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcResource) self = user_data;
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);
  KbcResourceClass *klass = KBC_RESOURCE_GET_CLASS (self);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) parse = NULL;
  gboolean not_modified = FALSE;

  if (klass->poll)
    node = kbc_client_poll_finish (KBC_CLIENT (source), result, &not_modified, &error);
  else
    node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_refresh (self, error);
      return;
    }

  if (error != NULL)
    {
      if (is_not_offered (error))
        {
          g_debug ("%s: not offered by this server", kbc_resource_get_path (self));
          set_boolean (self, &priv->offered, FALSE, PROP_OFFERED);
          set_error (self, NULL);
        }
      else
        {
          set_error (self, error);
        }
      finish_refresh (self, error);
      return;
    }

  if (not_modified && priv->generation == priv->refresh_generation)
    {
      set_error (self, NULL);
      finish_refresh (self, NULL);
      return;
    }
  if (not_modified)
    {
      /* Our own change is newer than what the ETag stands for. */
      start_request (self);
      return;
    }

  /* Large lists take a while to turn into objects: not on the main loop. */
  parse = g_task_new (self, NULL, on_parsed, NULL);
  g_task_set_source_tag (parse, on_response);
  g_task_set_task_data (parse, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
  g_task_run_in_thread (parse, parse_in_thread);
}

const char *
kbc_resource_get_path (KbcResource *self)
{
  KbcResourceClass *klass;

  g_return_val_if_fail (KBC_IS_RESOURCE (self), NULL);

  klass = KBC_RESOURCE_GET_CLASS (self);
  return klass->get_path != NULL ? klass->get_path (self) : klass->path;
}

static void
on_head (JsonArray *head, gpointer user_data)
{
  KbcResource *self = user_data;
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  /* Only the first load shows a part: a list on screen is not cut short. */
  if (priv->loaded || priv->generation != priv->refresh_generation)
    return;

  priv->head_shown = TRUE;
  KBC_RESOURCE_GET_CLASS (self)->apply_head (self, head);
}

static void
start_request (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);
  KbcResourceClass *klass = KBC_RESOURCE_GET_CLASS (self);

  set_boolean (self, &priv->loading, TRUE, PROP_LOADING);
  priv->refresh_generation = priv->generation;

  /* The request holds a reference until its callback, and the head comes
   * before it. */
  if (klass->poll && klass->head_size > 0 && !priv->loaded)
    kbc_client_poll_with_head_async (priv->client, kbc_resource_get_path (self), klass->head_size,
                                     on_head, self, priv->cancellable, on_response,
                                     g_object_ref (self));
  else if (klass->poll)
    kbc_client_poll_async (priv->client, kbc_resource_get_path (self), priv->cancellable,
                           on_response, g_object_ref (self));
  else
    kbc_client_request_async (priv->client, "GET", kbc_resource_get_path (self), NULL,
                              priv->cancellable, on_response, g_object_ref (self));
}

static void
kbc_resource_dispose (GObject *object)
{
  KbcResource *self = KBC_RESOURCE (object);
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);

  G_OBJECT_CLASS (kbc_resource_parent_class)->dispose (object);
}

static void
kbc_resource_finalize (GObject *object)
{
  KbcResource *self = KBC_RESOURCE (object);
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->client);
  g_clear_pointer (&priv->waiters, g_ptr_array_unref);
  g_clear_error (&priv->error);

  G_OBJECT_CLASS (kbc_resource_parent_class)->finalize (object);
}

static void
kbc_resource_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcResource *self = KBC_RESOURCE (object);
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  switch (prop_id)
    {
      case PROP_CLIENT:
        g_value_set_object (value, priv->client);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, priv->loading);
        break;
      case PROP_LOADED:
        g_value_set_boolean (value, priv->loaded);
        break;
      case PROP_ERROR:
        g_value_set_boxed (value, priv->error);
        break;
      case PROP_OFFERED:
        g_value_set_boolean (value, priv->offered);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_resource_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcResource *self = KBC_RESOURCE (object);
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  switch (prop_id)
    {
      case PROP_CLIENT:
        priv->client = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_resource_class_init (KbcResourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = kbc_resource_dispose;
  object_class->finalize = kbc_resource_finalize;
  object_class->get_property = kbc_resource_get_property;
  object_class->set_property = kbc_resource_set_property;

  properties[PROP_CLIENT] =
      g_param_spec_object ("client", NULL, NULL, KBC_TYPE_CLIENT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);
  properties[PROP_OFFERED] = g_param_spec_boolean ("offered", NULL, NULL, TRUE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_resource_init (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
  priv->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  priv->offered = TRUE;
}

KbcClient *
kbc_resource_get_client (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_return_val_if_fail (KBC_IS_RESOURCE (self), NULL);

  return priv->client;
}

gboolean
kbc_resource_get_loading (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_return_val_if_fail (KBC_IS_RESOURCE (self), FALSE);

  return priv->loading;
}

gboolean
kbc_resource_get_loaded (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_return_val_if_fail (KBC_IS_RESOURCE (self), FALSE);

  return priv->loaded;
}

const GError *
kbc_resource_get_error (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_return_val_if_fail (KBC_IS_RESOURCE (self), NULL);

  return priv->error;
}

gboolean
kbc_resource_get_offered (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_return_val_if_fail (KBC_IS_RESOURCE (self), FALSE);

  return priv->offered;
}

void
kbc_resource_refresh_async (KbcResource *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);
  GTask *task;

  g_return_if_fail (KBC_IS_RESOURCE (self));
  g_return_if_fail (kbc_resource_get_path (self) != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_resource_refresh_async);
  g_ptr_array_add (priv->waiters, task);

  if (!priv->loading)
    start_request (self);
}

gboolean
kbc_resource_refresh_finish (KbcResource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_RESOURCE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_resource_refresh_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The properties tell; a cancelled refresh means the object is gone. */
  if (!kbc_resource_refresh_finish (KBC_RESOURCE (source), result, &error))
    g_debug ("Refresh failed: %s", error->message);
}

void
kbc_resource_refresh (KbcResource *self)
{
  g_return_if_fail (KBC_IS_RESOURCE (self));

  kbc_resource_refresh_async (self, NULL, on_refreshed, NULL);
}

void
kbc_resource_ensure_loaded (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_return_if_fail (KBC_IS_RESOURCE (self));

  if (!priv->loaded && !priv->loading)
    kbc_resource_refresh (self);
}

void
kbc_resource_changed (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_return_if_fail (KBC_IS_RESOURCE (self));

  priv->generation++;
}

void
kbc_resource_cancel (KbcResource *self)
{
  KbcResourcePrivate *priv = kbc_resource_get_instance_private (self);

  g_return_if_fail (KBC_IS_RESOURCE (self));

  g_cancellable_cancel (priv->cancellable);
}
