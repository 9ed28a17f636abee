/* kbc-time.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-time.h"

#include <string.h>

char *
kbc_time_format (GDateTime *time)
{
  g_return_val_if_fail (time != NULL, NULL);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S%z");
}

GDateTime *
kbc_time_parse (const char *text)
{
  g_autofree char *fixed = NULL;
  gsize len;

  if (text == NULL)
    return NULL;

  /* GLib wants +hh:mm; Keboola writes +hhmm. */
  len = strlen (text);
  if (len == 24 && (text[19] == '+' || text[19] == '-'))
    {
      fixed = g_strdup_printf ("%.22s:%s", text, text + 22);
      text = fixed;
    }

  return g_date_time_new_from_iso8601 (text, NULL);
}
