/* kbc-a11y.h: one useful accessible name per control, and hidden pages hidden
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* clang-format off */

/* Repairs what GTK 4.8 and libadwaita 1.2 expose, for every widget of the
 * process as it maps (an emission hook on GtkWidget::map; installed once):
 *   - a button with text says it once, without the mnemonic underscore
 *     (GTK 4.8 names it by its label property, underscore and all, and
 *     again by its label child);
 *   - the reveal button of an AdwPasswordEntryRow is "Show Password", not
 *     "GtkImage";
 *   - the pages of a GtkStack that are not shown are hidden from assistive
 *     technologies (GTK 4.8 keeps them in the tree);
 *   - a list item of a GtkListView, or a plain GtkListBoxRow, is named by
 *     its first label; the shortcuts window's search button is named;
 *   - so are the pages of a folded AdwLeaflet, and of an AdwSqueezer, that
 *     are not shown; a check button says its label without the underscore;
 *   - the child of a GtkRevealer is hidden while it is not revealed;
 *   - an empty label (an error label with no error) is hidden. */
void  kbc_a11y_install          (void);

/* Names @button @label, its text being less clear on its own ("Fill In"
 * → "Fill In the Demo Account"); kbc_a11y_install() then keeps it. */
void  kbc_a11y_set_button_label (GtkWidget *button,
                                 const char *label);
/* The same for a list row (e.g. a sidebar entry that says its count, an
 * invitation named by what it is into): kept, not replaced by its first
 * label. Call again to change it. */
void  kbc_a11y_set_row_label    (GtkWidget *row,
                                 const char *label);

/* clang-format on */

G_END_DECLS
