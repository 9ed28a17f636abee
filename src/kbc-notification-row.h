/* kbc-notification-row.h: one notification in the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-notification.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_NOTIFICATION_ROW (kbc_notification_row_get_type ())
G_DECLARE_FINAL_TYPE (KbcNotificationRow, kbc_notification_row, KBC, NOTIFICATION_ROW, GtkWidget)

/* A row of the notifications list, bound to one KbcNotification: the icon
 * of its kind, its title (bold while unread), its message with working
 * links (http and https only, opened in the browser), project and relative
 * time, and Mark as Read (notifications.mark-read with the id) while unread.
 * A GtkListView's factory makes a few and rebinds them as it scrolls.
 *
 * Property: notification (may be NULL). */
GtkWidget       *kbc_notification_row_new              (void);
void             kbc_notification_row_set_notification (KbcNotificationRow *self,
                                                        KbcNotification    *notification);
KbcNotification *kbc_notification_row_get_notification (KbcNotificationRow *self);

/* The icon name for a kind of notification. */
const char      *kbc_notification_kind_icon_name       (KbcNotificationKind kind);

/* clang-format on */

G_END_DECLS
