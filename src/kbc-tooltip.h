/* kbc-tooltip.h: tooltips for the rows of long lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* clang-format off */

/* Gives @widget the tooltip @text (NULL or "" for none), as
 * gtk_widget_set_tooltip_text() does, but without asking the display where
 * the pointer is: GTK 4.8 does that for every visible widget that gets a
 * tooltip text, a round trip to the X server, which a list paid for every
 * row it made and every item it bound. The text is given when GTK asks for
 * it (GtkWidget::query-tooltip). It is not the widget's accessible name or
 * description: set those as for any widget. */
void kbc_tooltip_set_text (GtkWidget  *widget,
                           const char *text);
/* The text kbc_tooltip_set_text() gave @widget, or NULL. */
const char *kbc_tooltip_get_text (GtkWidget *widget);

/* clang-format on */

G_END_DECLS
