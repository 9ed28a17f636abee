/* kbc-closures.h: small functions for <closure> bindings in templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* clang-format off */

/* Makes these available to @widget_class's template as <closure function="…">:
 *   invert (gboolean) → gboolean
 *   loaded_and (gboolean a, gboolean b) → a && b
 *   has_error (GError *) → gboolean
 *   error_message (GError *) → its message, or ""
 *   is_nonzero (guint) → gboolean
 *   format_date (GDateTime *) → "Nov 28, 2026" in local time, or "" */
void  kbc_closures_bind_template (GtkWidgetClass *widget_class);

/* "Nov 28, 2026" in local time; NULL for NULL. */
char *kbc_format_date            (GDateTime      *time);
/* "Nov 28, 2026, 14:05" in local time; NULL for NULL. */
char *kbc_format_date_time       (GDateTime      *time);

/* clang-format on */

G_END_DECLS
