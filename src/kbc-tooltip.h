/* kbc-tooltip.h: tooltips for the rows of long lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* clang-format off */

/* Makes the text of @widget's tooltip when GTK asks for it: NULL for none. */
typedef char *(*KbcTooltipFunc) (GtkWidget *widget,
                                 gpointer   user_data);

/* Gives @widget the tooltip @text (NULL or "" for none), as
 * gtk_widget_set_tooltip_text() does, but without asking the display where
 * the pointer is: GTK 4.8 does that for every visible widget that gets a
 * tooltip text, a round trip to the X server, which a list paid for every
 * row it made and every item it bound. The text is given when GTK asks for
 * it (GtkWidget::query-tooltip). It is not the widget's accessible name or
 * description: set those as for any widget. */
void kbc_tooltip_set_text (GtkWidget  *widget,
                           const char *text);
/* Gives @widget a tooltip whose text @func makes when GTK asks for it (as
 * the pointer rests on @widget or it has the keyboard focus): for a text
 * that costs something to make, such as a date in full, and that a list's
 * row would otherwise make for every item it binds. @user_data must
 * outlive @widget. */
void kbc_tooltip_set_func (GtkWidget      *widget,
                           KbcTooltipFunc  func,
                           gpointer        user_data);
/* The text of @widget's tooltip as GTK would show it now, or NULL. */
char *kbc_tooltip_dup_text (GtkWidget *widget);

/* clang-format on */

G_END_DECLS
