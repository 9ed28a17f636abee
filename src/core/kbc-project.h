/* kbc-project.h: a Keboola project, its organization, and its limits against their metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_PROJECT_LIMIT (kbc_project_limit_get_type ())
G_DECLARE_FINAL_TYPE (KbcProjectLimit, kbc_project_limit, KBC, PROJECT_LIMIT, GObject)

/* One limit of a project and the metric of the same name.
 *
 * Properties (read-only):
 *   name (the API's, e.g. "storage.dataSizeBytes"),
 *   title (for people, translated; the name for a limit the app does not
 *     know),
 *   value (the limit), metric (what is used; 0 without a metric),
 *   has-metric, is-bytes (storage sizes, to be shown as such),
 *   fraction (metric / value, 0 to 1 and beyond when exceeded; 0 for a
 *     limit of 0), is-exceeded. */
const char  *kbc_project_limit_get_name        (KbcProjectLimit *self);
const char  *kbc_project_limit_get_title       (KbcProjectLimit *self);
gint64       kbc_project_limit_get_value       (KbcProjectLimit *self);
gint64       kbc_project_limit_get_metric      (KbcProjectLimit *self);
gboolean     kbc_project_limit_get_has_metric  (KbcProjectLimit *self);
gboolean     kbc_project_limit_get_is_bytes    (KbcProjectLimit *self);
double       kbc_project_limit_get_fraction    (KbcProjectLimit *self);
gboolean     kbc_project_limit_get_is_exceeded (KbcProjectLimit *self);
/* "112 GB of 100 GB", "3 of 5": the metric against the limit, or the
 * limit alone without a metric. */
char        *kbc_project_limit_describe        (KbcProjectLimit *self);

#define KBC_TYPE_PROJECT (kbc_project_get_type ())
G_DECLARE_FINAL_TYPE (KbcProject, kbc_project, KBC, PROJECT, GObject)

/* A project as the API gives it: in full (GET /manage/projects/{id}, the
 * project a promo code created) or as a reference ({id, name, created}
 * in an organization's projects, an invitation, a promo code).
 *
 * Properties (read-only):
 *   id, name, created (GDateTime or NULL), expires (GDateTime, NULL when it
 *   does not expire), type ("production", "poc"…), region,
 *   default-backend, is-disabled, data-size-bytes, rows-count,
 *   organization-id (0 when unknown), organization-name,
 *   limits (GListModel of KbcProjectLimit, by name; empty for a
 *   reference), is-complete (read in full, not a reference). */
gint64       kbc_project_get_id                (KbcProject *self);
const char  *kbc_project_get_name              (KbcProject *self);
GDateTime   *kbc_project_get_created           (KbcProject *self);
GDateTime   *kbc_project_get_expires           (KbcProject *self);
const char  *kbc_project_get_project_type      (KbcProject *self);
const char  *kbc_project_get_region            (KbcProject *self);
const char  *kbc_project_get_default_backend   (KbcProject *self);
gboolean     kbc_project_get_is_disabled       (KbcProject *self);
gint64       kbc_project_get_data_size_bytes   (KbcProject *self);
gint64       kbc_project_get_rows_count        (KbcProject *self);
gint64       kbc_project_get_organization_id   (KbcProject *self);
const char  *kbc_project_get_organization_name (KbcProject *self);
GListModel  *kbc_project_get_limits            (KbcProject *self);
gboolean     kbc_project_get_is_complete       (KbcProject *self);

/* For core. A project object of the API; KBC_API_ERROR_INVALID_RESPONSE
 * without an id. A member "limits" makes it complete. */
KbcProject  *kbc_project_new_from_json         (JsonNode    *node,
                                                GError     **error);
/* The id as text (the key of lists of projects). */
const char  *kbc_project_get_key               (KbcProject *self);

/* Where a stack shows the project in its web page
 * ("https://connection.keboola.com/admin/projects/42"); NULL for a
 * server on this computer, which has no such page. */
char        *kbc_project_get_web_url           (gint64       id,
                                                const char  *stack_url);

/* clang-format on */

G_END_DECLS
