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

/* clang-format on */

G_END_DECLS
