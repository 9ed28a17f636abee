/* kbc-time.h: Keboola's timestamps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

/* ISO-8601 as Keboola writes it: YYYY-MM-DDTHH:MM:SS+hhmm. */
char      *kbc_time_format   (GDateTime  *time);
/* Parses that form, and the RFC 3339 forms with Z or +hh:mm. NULL on error. */
GDateTime *kbc_time_parse    (const char *text);
/* How long before @now @time was, for people: "Just now", "5 minutes ago",
 * "3 hours ago", "Yesterday", "4 days ago", and the date ("Nov 28, 2026")
 * from a week on. Translated. */
char      *kbc_time_format_relative (GDateTime *time,
                                     GDateTime *now);

/* clang-format on */

G_END_DECLS
