/* kbc-notifications.h: the account's notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-list-resource.h"
#include "kbc-notification.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_NOTIFICATIONS (kbc_notifications_get_type ())
G_DECLARE_FINAL_TYPE (KbcNotifications, kbc_notifications, KBC, NOTIFICATIONS, KbcListResource)

/* A long list's newest, shown before the rest is parsed (KbcResource's
 * head): more than a maximized window on a 1080p screen shows (rows are
 * 90 px high or more), and no more: each row costs the first frame
 * ~1.5 ms. */
#define KBC_NOTIFICATIONS_HEAD_SIZE 12

/* At most this many ids go in one PUT; more go in several. */
#define KBC_NOTIFICATIONS_MAX_IDS_PER_REQUEST 1000

/* GET /manage/notifications, polled: a refresh sends If-None-Match with
 * the last ETag, and the server's 304 keeps everything as it is. The object
 * is the GListModel of its KbcNotification items, newest first (the
 * server's order), parsed (markdown included) off the main loop.
 *
 * Properties (read-only, with notify), besides KbcListResource's:
 *   unread-count: the items not read; it moves at once when a call below
 *   starts, and back if the call fails.
 * Signals:
 *   arrived (GPtrArray *items): a refresh after the first brought unread
 *   items that were not there before (newest first). Not for the first
 *   load, nor for items that came back read. */

KbcNotifications *kbc_notifications_new       (KbcClient           *client);
guint        kbc_notifications_get_unread_count (KbcNotifications *self);
/* The item with @id, or NULL; @position (may be NULL) gets its place. */
KbcNotification *kbc_notifications_find       (KbcNotifications    *self,
                                               const char          *id,
                                               guint               *position);

/* PUT /manage/notifications {"read": [ids]} for those of @items not read
 * yet (nothing is sent when all are). The items are read at once; when the
 * server refuses, the ones it did not take are unread again and the error
 * says why. */
void         kbc_notifications_mark_read_async   (KbcNotifications    *self,
                                                  KbcNotification    **items,
                                                  guint                n_items,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     kbc_notifications_mark_read_finish  (KbcNotifications    *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* Every item read at once, back as they were when the server refuses. It
 * sends the ids of the unread items, so one that arrived since the last
 * refresh stays unread; with more than KBC_NOTIFICATIONS_MAX_IDS_PER_REQUEST
 * unread it sends {"allRead": true} instead, which marks those too. */
void         kbc_notifications_mark_all_read_async  (KbcNotifications *self,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
gboolean     kbc_notifications_mark_all_read_finish (KbcNotifications *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);

/* clang-format on */

G_END_DECLS
