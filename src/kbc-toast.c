/* kbc-toast.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-toast.h"

AdwToast *
kbc_toast_new (const char *text)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  escaped = g_markup_escape_text (text, -1);
  return adw_toast_new (escaped);
}

void
kbc_toast_overlay_add_text (AdwToastOverlay *overlay, const char *text)
{
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  adw_toast_overlay_add_toast (overlay, kbc_toast_new (text));
}

void
kbc_widget_add_toast (GtkWidget *widget, const char *text)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    kbc_toast_overlay_add_text (ADW_TOAST_OVERLAY (overlay), text);
}
