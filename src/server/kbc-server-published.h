/* kbc-server-published.h: the endpoints of Keboola's published reference
 *
 * `serve --published-only` stands in for a real Keboola stack: it serves a
 * route only when its method and pattern are in this table, which is
 * section A of API.md, each entry a path and method of Keboola's OpenAPI
 * reference (data/reference/keboola-manage-api.openapi.yaml; the test
 * server-published checks every entry against it). Everything else answers
 * 404 as an unknown path does. The filter is applied as routes are added
 * (kbc_server_add_routes()), so a route a module adds later is served in
 * that mode as soon as the table lists it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

typedef struct
{
  const char *method;   /* "GET", "PUT", … */
  const char *pattern;  /* "/manage/projects/{id}": {id} is one segment */
} KbcPublishedRoute;

/* The table, and its length in @n_routes. */
const KbcPublishedRoute *kbc_server_published_routes   (gsize      *n_routes);

/* Whether @method @pattern is in the table. A segment in braces ("{}",
 * "{id}", "{project_id}") in either pattern stands for any one segment and
 * matches another such segment, whatever its name. */
gboolean                 kbc_server_route_is_published (const char *method,
                                                        const char *pattern);

/* clang-format on */

G_END_DECLS
