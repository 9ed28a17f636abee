/* kbc-toast.h: toasts with plain-text titles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* clang-format off */

/* A toast titled @text, which is plain text (libadwaita 1.2 parses toast
 * titles as markup, so it is escaped here). */
AdwToast *kbc_toast_new                 (const char      *text);
/* Shows it on @overlay. */
void      kbc_toast_overlay_add_text    (AdwToastOverlay *overlay,
                                         const char      *text);
/* Shows it on the nearest AdwToastOverlay above @widget, if there is one. */
void      kbc_widget_add_toast          (GtkWidget       *widget,
                                         const char      *text);

/* clang-format on */

G_END_DECLS
