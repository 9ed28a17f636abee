/* kbc-time.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-time.h"

#include <glib/gi18n-lib.h>
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

char *
kbc_time_format_relative (GDateTime *time, GDateTime *now)
{
  g_autoptr (GDateTime) local = NULL;
  GTimeSpan ago;
  gint64 minutes, hours, days;

  g_return_val_if_fail (time != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  /* A clock a little ahead of ours is still "just now". */
  ago = MAX (g_date_time_difference (now, time), 0);
  minutes = ago / G_TIME_SPAN_MINUTE;
  hours = ago / G_TIME_SPAN_HOUR;
  days = ago / G_TIME_SPAN_DAY;

  if (minutes < 1)
    return g_strdup (_ ("Just now"));
  if (hours < 1)
    /* Translators: how long ago a notification came. */
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", (gulong) minutes),
        (int) minutes);
  if (days < 1)
    /* Translators: how long ago a notification came. */
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", (gulong) hours), (int) hours);
  if (days < 2)
    return g_strdup (_ ("Yesterday"));
  if (days < 7)
    /* Translators: how long ago a notification came (2 to 6 days). */
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", (gulong) days), (int) days);

  local = g_date_time_to_local (time);
  /* Translators: a date as g_date_time_format() takes it: "%b %-d, %Y" is
   * "Nov 28, 2026".
   * xgettext:no-c-format */
  return g_date_time_format (local, _ ("%b %-d, %Y"));
}
