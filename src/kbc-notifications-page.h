/* kbc-notifications-page.h: the account's notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-account.h"
#include "kbc-notifications.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_NOTIFICATIONS_PAGE (kbc_notifications_page_get_type ())
G_DECLARE_FINAL_TYPE (KbcNotificationsPage, kbc_notifications_page, KBC, NOTIFICATIONS_PAGE, GtkWidget)

/* The page of the account's KbcNotifications: a GtkListView of
 * KbcNotificationRow, newest first, Mark All Read, the link to Keboola's
 * status page, an empty state, and KbcWebNotice where the server keeps
 * notifications in its web page. It loads the list when first built; the
 * window polls it.
 *
 * Actions: notifications.mark-read (s: the id), notifications.mark-all-read,
 * notifications.retry.
 *
 * Property: account (construct-only). */
GtkWidget        *kbc_notifications_page_new        (KbcAccount           *account);
KbcNotifications *kbc_notifications_page_get_notifications (KbcNotificationsPage *self);
/* Selects the notification @id and scrolls to it (once the list is in). */
void              kbc_notifications_page_show_item  (KbcNotificationsPage *self,
                                                     const char           *id);
/* "list", "empty", "loading", "error" or "web". */
const char       *kbc_notifications_page_get_state  (KbcNotificationsPage *self);

/* Keboola's status page, where platform changes are announced ahead. */
#define KBC_STATUS_PAGE_URL "https://status.keboola.com/"

/* clang-format on */

G_END_DECLS
