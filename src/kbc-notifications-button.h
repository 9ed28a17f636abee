/* kbc-notifications-button.h: the bell in the header bar, with the unread count
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-notifications.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_NOTIFICATIONS_BUTTON (kbc_notifications_button_get_type ())
G_DECLARE_FINAL_TYPE (KbcNotificationsButton, kbc_notifications_button, KBC, NOTIFICATIONS_BUTTON, GtkWidget)

/* A bell button (activating sidebar.show-notifications) with a red badge of the
 * unread count of its KbcNotifications, and an accessible label that says
 * it ("3 unread notifications"). Shown once its notifications have loaded;
 * hidden without, and where the server does not offer them.
 *
 * Property: notifications (KbcNotifications, may be NULL). */
GtkWidget        *kbc_notifications_button_new               (void);
void              kbc_notifications_button_set_notifications (KbcNotificationsButton *self,
                                                              KbcNotifications       *notifications);
KbcNotifications *kbc_notifications_button_get_notifications (KbcNotificationsButton *self);
/* What the badge shows ("" when hidden) and what the button is called. */
const char       *kbc_notifications_button_get_badge_text    (KbcNotificationsButton *self);
const char       *kbc_notifications_button_get_label         (KbcNotificationsButton *self);

/* clang-format on */

G_END_DECLS
