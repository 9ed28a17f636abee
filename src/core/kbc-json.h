/* kbc-json.h: reading the API's JSON, tolerant of members of the wrong type
 *
 * Core only: widgets never read JSON, they bind to the models.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

/* The object @node holds, or NULL (also for a NULL @node). */
JsonObject *kbc_json_object          (JsonNode    *node);
/* A member's value; NULL or @fallback when @object is NULL, the member is
 * missing, null, or of another type. */
JsonObject *kbc_json_get_object      (JsonObject  *object,
                                      const char  *name);
JsonArray  *kbc_json_get_array       (JsonObject  *object,
                                      const char  *name);
const char *kbc_json_get_string      (JsonObject  *object,
                                      const char  *name);
gint64      kbc_json_get_int         (JsonObject  *object,
                                      const char  *name,
                                      gint64       fallback);
gboolean    kbc_json_get_boolean     (JsonObject  *object,
                                      const char  *name,
                                      gboolean     fallback);
/* An ISO 8601 time (kbc_time_parse()); NULL when absent or malformed. */
GDateTime  *kbc_json_get_time        (JsonObject  *object,
                                      const char  *name);
/* An array of strings; NULL unless every element is a string. */
GStrv       kbc_json_get_strv        (JsonObject  *object,
                                      const char  *name);

/* For a long list's first items before the whole answer is parsed: the
 * length of the prefix of @data, a JSON array, that holds its first
 * @n_elements elements and ends before the comma after them; "]" after that
 * prefix makes a document of those elements. 0 when @data is not an array or
 * has no more than @n_elements elements. Only finds the end: the prefix
 * itself may still be malformed. */
gsize       kbc_json_list_head_length (const char *data,
                                       gsize       len,
                                       guint       n_elements);

/* {"name": "value", …} from NULL-terminated name, value pairs of strings. */
JsonNode   *kbc_json_build_object    (const char  *first_name,
                                      ...) G_GNUC_NULL_TERMINATED;

/* clang-format on */

G_END_DECLS
