/* test-list-resource.c: KbcListResource keeps its items' objects
 *
 * A tiny subclass over items {"id","name"}; the answers are fed to the
 * class's parse and apply as a refresh would, so the reconciliation and the
 * model's signals are seen exactly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-json.h"
#include "kbc-list-resource.h"

#include <string.h>

/* ---- an item ---- */

#define TEST_TYPE_ITEM (test_item_get_type ())
G_DECLARE_FINAL_TYPE (TestItem, test_item, TEST, ITEM, GObject)

struct _TestItem
{
  GObject parent_instance;
  char *id;
  char *name;
};

G_DEFINE_FINAL_TYPE (TestItem, test_item, G_TYPE_OBJECT)

static void
test_item_finalize (GObject *object)
{
  TestItem *self = TEST_ITEM (object);

  g_free (self->id);
  g_free (self->name);
  G_OBJECT_CLASS (test_item_parent_class)->finalize (object);
}

static void
test_item_class_init (TestItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_item_finalize;
}

static void
test_item_init (TestItem *self)
{
}

/* ---- the list ---- */

#define TEST_TYPE_LIST (test_list_get_type ())
G_DECLARE_FINAL_TYPE (TestList, test_list, TEST, LIST, KbcListResource)

struct _TestList
{
  KbcListResource parent_instance;
};

G_DEFINE_FINAL_TYPE (TestList, test_list, KBC_TYPE_LIST_RESOURCE)

static gpointer
test_list_parse_item (KbcListResource *self, JsonNode *element, GError **error)
{
  JsonObject *object = kbc_json_object (element);
  const char *id = kbc_json_get_string (object, "id");
  TestItem *item;

  if (id == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no id");
      return NULL;
    }

  item = g_object_new (TEST_TYPE_ITEM, NULL);
  item->id = g_strdup (id);
  item->name = g_strdup (kbc_json_get_string (object, "name"));
  return item;
}

static const char *
test_list_get_key (gpointer item)
{
  return TEST_ITEM (item)->id;
}

static void
test_list_update_item (gpointer existing, gpointer fresh)
{
  g_free (TEST_ITEM (existing)->name);
  TEST_ITEM (existing)->name = g_strdup (TEST_ITEM (fresh)->name);
}

static void
test_list_class_init (TestListClass *klass)
{
  KbcListResourceClass *list_class = KBC_LIST_RESOURCE_CLASS (klass);

  KBC_RESOURCE_CLASS (klass)->path = "/manage/test-items";
  list_class->item_type = TEST_TYPE_ITEM;
  list_class->parse_item = test_list_parse_item;
  list_class->get_key = test_list_get_key;
  list_class->update_item = test_list_update_item;
}

static void
test_list_init (TestList *self)
{
}

/* ---- the test ---- */

typedef struct
{
  guint position, removed, added, calls;
} Change;

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, Change *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->calls++;
}

/* What a refresh does with an answer: parse (in a thread, there), apply. */
static void
feed (KbcListResource *list, const char *json)
{
  KbcResourceClass *klass = KBC_RESOURCE_GET_CLASS (list);
  g_autoptr (JsonNode) node = json_from_string (json, NULL);
  g_autoptr (GError) error = NULL;
  gpointer parsed = klass->parse (KBC_RESOURCE (list), node, &error);

  g_assert_no_error (error);
  klass->apply (KBC_RESOURCE (list), parsed);
  klass->free_parsed (parsed);
}

static TestItem *
item_at (KbcListResource *list, guint position)
{
  g_autoptr (TestItem) item = g_list_model_get_item (G_LIST_MODEL (list), position);

  return item; /* the list keeps its reference */
}

static void
test_reconcile (void)
{
  g_autoptr (KbcClient) client = kbc_client_new ("http://127.0.0.1:9", NULL);
  g_autoptr (KbcListResource) list = g_object_new (TEST_TYPE_LIST, "client", client, NULL);
  Change change = { 0 };
  TestItem *b;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &change);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == TEST_TYPE_ITEM);

  feed (list, "[{\"id\":\"a\",\"name\":\"A\"},{\"id\":\"b\",\"name\":\"B\"},{\"name\":\"no id\"},"
              "{\"id\":\"c\",\"name\":\"C\"}]");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpuint (change.calls, ==, 1);
  g_assert_cmpuint (change.added, ==, 3);
  b = item_at (list, 1);

  /* The same answer again: nothing changed, nothing said. */
  feed (list, "[{\"id\":\"a\",\"name\":\"A\"},{\"id\":\"b\",\"name\":\"B\"},{\"id\":\"c\"}]");
  g_assert_cmpuint (change.calls, ==, 1);

  /* A renamed item stays the same object; a new one at the top is one
   * insertion there. */
  feed (list, "[{\"id\":\"n\"},{\"id\":\"a\"},{\"id\":\"b\",\"name\":\"Bee\"},{\"id\":\"c\"}]");
  g_assert_cmpuint (change.calls, ==, 2);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 1);
  g_assert_true (item_at (list, 2) == b);
  g_assert_cmpstr (b->name, ==, "Bee");

  /* One gone from the middle: one removal there. */
  feed (list, "[{\"id\":\"n\"},{\"id\":\"b\"},{\"id\":\"c\"}]");
  g_assert_cmpuint (change.calls, ==, 3);
  g_assert_cmpuint (change.position, ==, 1);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 0);
  g_assert_true (item_at (list, 1) == b);

  /* The subclass's own changes. */
  g_assert_true (kbc_list_resource_find (list, "b") == b);
  g_assert_true (kbc_list_resource_remove (list, "b"));
  g_assert_false (kbc_list_resource_remove (list, "b"));
  g_assert_null (kbc_list_resource_find (list, "b"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
}

static void
test_not_a_list (void)
{
  g_autoptr (KbcClient) client = kbc_client_new ("http://127.0.0.1:9", NULL);
  g_autoptr (KbcListResource) list = g_object_new (TEST_TYPE_LIST, "client", client, NULL);
  g_autoptr (JsonNode) node = json_from_string ("{\"error\":\"x\"}", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (KBC_RESOURCE_GET_CLASS (list)->parse (KBC_RESOURCE (list), node, &error));
  g_assert_nonnull (error);
}

/* Where a long list's first elements end (kbc_json_list_head_length()). */
static void
test_head_length (void)
{
  static const struct
  {
    const char *json;
    guint n;
    gsize expected; /* the comma after the nth element; 0: none */
  } cases[] = {
    { "[1,2,3]", 1, 2 },
    { "[1,2,3]", 2, 4 },
    { "[1,2,3]", 3, 0 }, /* no more than n: nothing to show first */
    { "[1,2,3]", 0, 0 },
    { "[]", 1, 0 },
    { "", 1, 0 },
    { "{\"a\": [1, 2]}", 1, 0 },
    { "  \n[ {\"a\": [1, \"]\"]} , 3]", 1, 21 },
    /* Brackets, commas and escaped quotes inside strings are text. */
    { "[\"a\\\",]\", \"b\"]", 1, 8 },
    { "[[1,2],[3,4],[5]]", 2, 12 },
    /* Cut short, or closed too often: no head. */
    { "[\"abc", 1, 0 },
    { "[1]],2", 1, 0 },
    { "[{\"a\": 1", 1, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = kbc_json_list_head_length (cases[i].json, strlen (cases[i].json), cases[i].n);

      g_test_message ("%s, %u", cases[i].json, cases[i].n);
      g_assert_cmpuint (len, ==, cases[i].expected);
      if (len > 0)
        g_assert_cmpint (cases[i].json[len], ==, ',');
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/list-resource/reconcile", test_reconcile);
  g_test_add_func ("/kbc/list-resource/not-a-list", test_not_a_list);
  g_test_add_func ("/kbc/list-resource/head-length", test_head_length);

  return g_test_run ();
}
