/* kbc-closures.c: small functions for <closure> bindings in templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-closures.h"

#include <glib/gi18n.h>

static gboolean
invert (gpointer self, gboolean value)
{
  return !value;
}

static gboolean
loaded_and (gpointer self, gboolean a, gboolean b)
{
  return a && b;
}

static gboolean
has_error (gpointer self, const GError *error)
{
  return error != NULL;
}

static char *
error_message (gpointer self, const GError *error)
{
  return g_strdup (error != NULL ? error->message : "");
}

static gboolean
is_nonzero (gpointer self, guint value)
{
  return value != 0;
}

char *
kbc_format_date (GDateTime *time)
{
  g_autoptr (GDateTime) local = NULL;

  if (time == NULL)
    return NULL;

  local = g_date_time_to_local (time);
  /* Translators: the date a security key was added or last used, as
   * g_date_time_format() takes it: "%b %-d, %Y" is "Nov 28, 2026".
   * xgettext:no-c-format */
  return g_date_time_format (local, _ ("%b %-d, %Y"));
}

char *
kbc_format_date_time (GDateTime *time)
{
  g_autoptr (GDateTime) local = NULL;

  if (time == NULL)
    return NULL;

  local = g_date_time_to_local (time);
  /* Translators: a date and time (when a token expires, when a session
   * signed in), as g_date_time_format() takes it: "%b %-d, %Y, %H:%M" is
   * "Nov 28, 2026, 14:05".
   * xgettext:no-c-format */
  return g_date_time_format (local, _ ("%b %-d, %Y, %H:%M"));
}

static char *
format_date (gpointer self, GDateTime *time)
{
  char *text = kbc_format_date (time);

  return text != NULL ? text : g_strdup ("");
}

void
kbc_closures_bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, invert);
  gtk_widget_class_bind_template_callback (widget_class, loaded_and);
  gtk_widget_class_bind_template_callback (widget_class, has_error);
  gtk_widget_class_bind_template_callback (widget_class, error_message);
  gtk_widget_class_bind_template_callback (widget_class, is_nonzero);
  gtk_widget_class_bind_template_callback (widget_class, format_date);
}
