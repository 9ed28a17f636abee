/* kbc-list-resource.c: a resource that is a list of items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-list-resource.h"

#include "kbc-error.h"

typedef struct
{
  GPtrArray *items; /* owned references, in the server's order */
} KbcListResourcePrivate;

static void kbc_list_resource_list_model_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (KbcListResource,
                                  kbc_list_resource,
                                  KBC_TYPE_RESOURCE,
                                  G_ADD_PRIVATE (KbcListResource)
                                      G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                             kbc_list_resource_list_model_init))

enum
{
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- GListModel ---- */

static GType
kbc_list_resource_get_item_type (GListModel *model)
{
  return KBC_LIST_RESOURCE_GET_CLASS (model)->item_type;
}

static guint
kbc_list_resource_get_n_items (GListModel *model)
{
  KbcListResource *self = KBC_LIST_RESOURCE (model);
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);

  return priv->items->len;
}

static gpointer
kbc_list_resource_get_item (GListModel *model, guint position)
{
  KbcListResource *self = KBC_LIST_RESOURCE (model);
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);

  if (position >= priv->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (priv->items, position));
}

static void
kbc_list_resource_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kbc_list_resource_get_item_type;
  iface->get_n_items = kbc_list_resource_get_n_items;
  iface->get_item = kbc_list_resource_get_item;
}

/* ---- refresh ---- */

/* Turns the elements of @array into items; those that are not usable are
 * left out. */
static GPtrArray *
parse_array (KbcListResource *self, JsonArray *array)
{
  KbcListResourceClass *klass = KBC_LIST_RESOURCE_GET_CLASS (self);
  GPtrArray *items;
  guint skipped = 0;

  items = g_ptr_array_new_full (json_array_get_length (array), g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr (GError) item_error = NULL;
      gpointer item = klass->parse_item (self, json_array_get_element (array, i), &item_error);

      if (item == NULL)
        skipped++;
      else
        g_ptr_array_add (items, item);
    }

  /* One bad item does not hide the others. */
  if (skipped > 0)
    g_debug ("%s: skipped %u unusable items", KBC_RESOURCE_GET_CLASS (self)->path, skipped);

  return items;
}

static gpointer
kbc_list_resource_parse (KbcResource *resource, JsonNode *node, GError **error)
{
  KbcListResource *self = KBC_LIST_RESOURCE (resource);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_debug ("%s: the answer is not a list", KBC_RESOURCE_GET_CLASS (self)->path);
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  return parse_array (self, json_node_get_array (node));
}

/* Replaces the items by @fresh, keeping the objects of the items that stay
 * and telling the model's watchers only what changed: the common head and
 * tail stay put, the middle is one change. */
static void
splice_in (KbcListResource *self, GPtrArray *fresh)
{
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);
  KbcListResourceClass *klass = KBC_LIST_RESOURCE_GET_CLASS (self);
  g_autoptr (GHashTable) existing = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) old = g_steal_pointer (&priv->items);
  guint head = 0;
  guint tail = 0;
  guint old_len = old->len;

  for (guint i = 0; i < old->len; i++)
    g_hash_table_insert (existing, (gpointer) klass->get_key (old->pdata[i]), old->pdata[i]);

  priv->items = g_ptr_array_new_full (fresh->len, g_object_unref);
  for (guint i = 0; i < fresh->len; i++)
    {
      gpointer item = g_hash_table_lookup (existing, klass->get_key (fresh->pdata[i]));

      if (item != NULL && klass->update_item != NULL)
        {
          klass->update_item (item, fresh->pdata[i]);
          g_ptr_array_add (priv->items, g_object_ref (item));
        }
      else
        {
          g_ptr_array_add (priv->items, g_object_ref (fresh->pdata[i]));
        }
    }

  while (head < old_len && head < priv->items->len && old->pdata[head] == priv->items->pdata[head])
    head++;
  while (tail < old_len - head && tail < priv->items->len - head &&
         old->pdata[old_len - 1 - tail] == priv->items->pdata[priv->items->len - 1 - tail])
    tail++;

  if (head + tail < old_len || head + tail < priv->items->len)
    g_list_model_items_changed (G_LIST_MODEL (self), head, old_len - head - tail,
                                priv->items->len - head - tail);
  if (old_len != priv->items->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
kbc_list_resource_apply (KbcResource *resource, gpointer parsed)
{
  splice_in (KBC_LIST_RESOURCE (resource), parsed);
}

/* The first items, on the main thread: a screenful takes well under a
 * millisecond. apply() later keeps their objects. */
static void
kbc_list_resource_apply_head (KbcResource *resource, JsonArray *head)
{
  KbcListResource *self = KBC_LIST_RESOURCE (resource);
  g_autoptr (GPtrArray) items = parse_array (self, head);

  splice_in (self, items);
}

static void
kbc_list_resource_drop_head (KbcResource *resource)
{
  g_autoptr (GPtrArray) none = g_ptr_array_new ();

  splice_in (KBC_LIST_RESOURCE (resource), none);
}

/* ---- GObject ---- */

static void
kbc_list_resource_finalize (GObject *object)
{
  KbcListResource *self = KBC_LIST_RESOURCE (object);
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);

  g_clear_pointer (&priv->items, g_ptr_array_unref);

  G_OBJECT_CLASS (kbc_list_resource_parent_class)->finalize (object);
}

static void
kbc_list_resource_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcListResource *self = KBC_LIST_RESOURCE (object);
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);

  switch (prop_id)
    {
      case PROP_N_ITEMS:
        g_value_set_uint (value, priv->items->len);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_list_resource_class_init (KbcListResourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);

  object_class->finalize = kbc_list_resource_finalize;
  object_class->get_property = kbc_list_resource_get_property;

  resource_class->parse = kbc_list_resource_parse;
  resource_class->apply = kbc_list_resource_apply;
  resource_class->apply_head = kbc_list_resource_apply_head;
  resource_class->drop_head = kbc_list_resource_drop_head;
  resource_class->free_parsed = (GDestroyNotify) g_ptr_array_unref;

  klass->item_type = G_TYPE_OBJECT;

  properties[PROP_N_ITEMS] =
      g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_list_resource_init (KbcListResource *self)
{
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);

  priv->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---- changes of the subclass ---- */

static int
index_of (KbcListResource *self, const char *key)
{
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);
  KbcListResourceClass *klass = KBC_LIST_RESOURCE_GET_CLASS (self);

  for (guint i = 0; i < priv->items->len; i++)
    if (g_strcmp0 (klass->get_key (priv->items->pdata[i]), key) == 0)
      return (int) i;

  return -1;
}

gpointer
kbc_list_resource_find (KbcListResource *self, const char *key)
{
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);
  int i;

  g_return_val_if_fail (KBC_IS_LIST_RESOURCE (self), NULL);

  i = index_of (self, key);
  return i < 0 ? NULL : priv->items->pdata[i];
}

void
kbc_list_resource_insert (KbcListResource *self, int position, gpointer item)
{
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);
  guint at;

  g_return_if_fail (KBC_IS_LIST_RESOURCE (self));
  g_return_if_fail (
      G_TYPE_CHECK_INSTANCE_TYPE (item, KBC_LIST_RESOURCE_GET_CLASS (self)->item_type));

  at = position < 0 ? priv->items->len : MIN ((guint) position, priv->items->len);
  g_ptr_array_insert (priv->items, (int) at, g_object_ref (item));
  kbc_resource_changed (KBC_RESOURCE (self));
  g_list_model_items_changed (G_LIST_MODEL (self), at, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

gboolean
kbc_list_resource_remove (KbcListResource *self, const char *key)
{
  KbcListResourcePrivate *priv = kbc_list_resource_get_instance_private (self);
  int i;

  g_return_val_if_fail (KBC_IS_LIST_RESOURCE (self), FALSE);

  kbc_resource_changed (KBC_RESOURCE (self));
  i = index_of (self, key);
  if (i < 0)
    return FALSE;

  g_ptr_array_remove_index (priv->items, (guint) i);
  g_list_model_items_changed (G_LIST_MODEL (self), (guint) i, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  return TRUE;
}
