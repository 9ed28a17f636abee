/* kbc-json.c: reading the API's JSON, tolerant of members of the wrong type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-json.h"

#include "kbc-time.h"

JsonObject *
kbc_json_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonNode *
get_member (JsonObject *object, const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

JsonObject *
kbc_json_get_object (JsonObject *object, const char *name)
{
  return kbc_json_object (get_member (object, name));
}

JsonArray *
kbc_json_get_array (JsonObject *object, const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
kbc_json_get_string (JsonObject *object, const char *name)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gint64
kbc_json_get_int (JsonObject *object, const char *name, gint64 fallback)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;

  return json_node_get_int (node);
}

gboolean
kbc_json_get_boolean (JsonObject *object, const char *name, gboolean fallback)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;

  return json_node_get_boolean (node);
}

GDateTime *
kbc_json_get_time (JsonObject *object, const char *name)
{
  const char *text = kbc_json_get_string (object, name);

  return text != NULL ? kbc_time_parse (text) : NULL;
}

GStrv
kbc_json_get_strv (JsonObject *object, const char *name)
{
  JsonArray *array = kbc_json_get_array (object, name);
  g_autoptr (GStrvBuilder) builder = NULL;

  if (array == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) != G_TYPE_STRING)
        return NULL;
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);
}

gsize
kbc_json_list_head_length (const char *data, gsize len, guint n_elements)
{
  gsize depth = 0;
  guint count = 0;
  gsize i = 0;

  g_return_val_if_fail (data != NULL || len == 0, 0);

  while (i < len && g_ascii_isspace (data[i]))
    i++;
  if (n_elements == 0 || i == len || data[i] != '[')
    return 0;

  /* Strings (with their escapes) and nesting; the rest is read by the
   * parser of the prefix. */
  for (i++; i < len; i++)
    {
      switch (data[i])
        {
          case '"':
            for (i++; i < len && data[i] != '"'; i++)
              if (data[i] == '\\')
                i++;
            if (i >= len)
              return 0;
            break;
          case '{':
          case '[':
            depth++;
            break;
          case '}':
          case ']':
            /* The list ended: it is short. */
            if (depth == 0)
              return 0;
            depth--;
            break;
          case ',':
            if (depth == 0 && ++count == n_elements)
              return i;
            break;
          default:
            break;
        }
    }

  return 0;
}

JsonNode *
kbc_json_build_object (const char *first_name, ...)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  const char *name;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  for (name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
