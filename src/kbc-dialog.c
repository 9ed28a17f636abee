/* kbc-dialog.c: dialogs whose content grows and shrinks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-dialog.h"

void
kbc_dialog_fit_content (GtkWindow *window)
{
  int width = 0, height = 0;

  g_return_if_fail (GTK_IS_WINDOW (window));

  /* GTK 4.8 writes both, whatever its documentation says of NULL. */
  gtk_window_get_default_size (window, &width, &height);
  gtk_window_set_default_size (window, width > 0 ? width : -1, -1);
}
