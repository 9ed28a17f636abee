/* kbc-list-resource.h: a resource that is a list of items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-resource.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_LIST_RESOURCE (kbc_list_resource_get_type ())
G_DECLARE_DERIVABLE_TYPE (KbcListResource, kbc_list_resource, KBC, LIST_RESOURCE, KbcResource)

/* A resource whose GET answers a JSON array (the tokens, the notifications,
 * the invitations…). It is itself the GListModel of its items, typed
 * objects made from the array's elements off the main loop, in the server's
 * order. A refresh keeps the objects of items that are still there (updated
 * in place when the subclass can), so rows bound to them follow, and emits
 * items-changed only for what changed.
 *
 * A subclass sets KbcResourceClass.path (and poll), and the fields below;
 * parse, apply and free_parsed of KbcResourceClass are this class's.
 *
 * Property: n-items. */
struct _KbcListResourceClass
{
  KbcResourceClass parent_class;

  /* The type of the items (item-type of the GListModel). */
  GType       item_type;
  /* Makes an item of one array element; NULL (with @error) skips it. Runs
   * in a worker thread. */
  gpointer   (*parse_item)  (KbcListResource  *self,
                             JsonNode         *element,
                             GError          **error);
  /* The item's identity, such as its id as text. */
  const char *(*get_key)    (gpointer          item);
  /* Optional: copies what changed from @fresh into @existing (same key),
   * notifying its properties; without it @fresh replaces @existing. */
  void       (*update_item) (gpointer          existing,
                             gpointer          fresh);

  gpointer padding[8];
};

/* The item with @key, or NULL (not a new reference). */
gpointer      kbc_list_resource_find      (KbcListResource *self,
                                           const char      *key);

/* For subclasses, after a change of theirs reached the server: adds @item
 * at @position (-1: the end), or removes the item with @key. Each counts as
 * a change (kbc_resource_changed()). */
void          kbc_list_resource_insert    (KbcListResource *self,
                                           int              position,
                                           gpointer         item);
gboolean      kbc_list_resource_remove    (KbcListResource *self,
                                           const char      *key);

/* clang-format on */

G_END_DECLS
