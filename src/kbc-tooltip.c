/* kbc-tooltip.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-tooltip.h"

typedef struct
{
  char *text;
  KbcTooltipFunc func;
  gpointer user_data;
} Tooltip;

static void
tooltip_free (gpointer data)
{
  Tooltip *tooltip = data;

  g_free (tooltip->text);
  g_free (tooltip);
}

static GQuark
tooltip_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("kbc-tooltip");
  return quark;
}

char *
kbc_tooltip_dup_text (GtkWidget *widget)
{
  Tooltip *tooltip;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  tooltip = g_object_get_qdata (G_OBJECT (widget), tooltip_quark ());
  if (tooltip == NULL)
    return NULL;
  if (tooltip->func != NULL)
    return tooltip->func (widget, tooltip->user_data);
  return g_strdup (tooltip->text);
}

static gboolean
query_tooltip_cb (GtkWidget *widget,
                  int x,
                  int y,
                  gboolean keyboard,
                  GtkTooltip *tooltip,
                  gpointer user_data)
{
  g_autofree char *text = kbc_tooltip_dup_text (widget);

  if (text == NULL || *text == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_tooltip (GtkWidget *widget, Tooltip *tooltip)
{
  gboolean has_tooltip = tooltip->text != NULL || tooltip->func != NULL;

  if (g_signal_handler_find (widget, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, query_tooltip_cb, NULL) == 0)
    g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  g_object_set_qdata_full (G_OBJECT (widget), tooltip_quark (), tooltip, tooltip_free);
  gtk_widget_set_has_tooltip (widget, has_tooltip);
}

void
kbc_tooltip_set_text (GtkWidget *widget, const char *text)
{
  Tooltip *tooltip;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  tooltip = g_new0 (Tooltip, 1);
  if (text != NULL && *text != '\0')
    tooltip->text = g_strdup (text);
  set_tooltip (widget, tooltip);
}

void
kbc_tooltip_set_func (GtkWidget *widget, KbcTooltipFunc func, gpointer user_data)
{
  Tooltip *tooltip;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  tooltip = g_new0 (Tooltip, 1);
  tooltip->func = func;
  tooltip->user_data = user_data;
  set_tooltip (widget, tooltip);
}
