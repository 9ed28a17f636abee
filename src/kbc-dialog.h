/* kbc-dialog.h: dialogs whose content grows and shrinks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* clang-format off */

/* GTK keeps a window at the size it was first given (as its default size)
 * and lets a page that scrolls absorb what is added to the content; call
 * this after a step, an error or a row changes the content's height, and
 * @window takes the content's natural height again (within the screen), so
 * nothing is cut off at its bottom. The width stays. */
void  kbc_dialog_fit_content  (GtkWindow *window);

/* clang-format on */

G_END_DECLS
