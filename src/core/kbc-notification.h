/* kbc-notification.h: one notification of the account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_NOTIFICATION (kbc_notification_get_type ())
G_DECLARE_FINAL_TYPE (KbcNotification, kbc_notification, KBC, NOTIFICATION, GObject)

/* The types the API names; another type reads as "common". */
typedef enum
{
  KBC_NOTIFICATION_COMMON,
  KBC_NOTIFICATION_LIMIT,    /* a project's limit was exceeded */
  KBC_NOTIFICATION_GLOBAL,   /* a platform change, for everyone */
  KBC_NOTIFICATION_SECURITY, /* the account itself changed (ours) */
} KbcNotificationKind;

GType        kbc_notification_kind_get_type    (void);
#define KBC_TYPE_NOTIFICATION_KIND (kbc_notification_kind_get_type ())

/* Properties (read-only, with notify): id (a UUID), kind
 * (KbcNotificationKind), type-name (as the server said, e.g. "limit"),
 * created (GDateTime, NULL when the server did not say), is-read, title,
 * message (markdown), markup (the message as Pango markup for a GtkLabel,
 * kbc_markdown_to_markup()), plain-text (the message without markup),
 * project-id (0: none), project-name (NULL when none or not known).
 * KbcNotifications changes is-read (and, after a refresh, the rest) of the
 * very object a row is bound to. */

const char  *kbc_notification_get_id           (KbcNotification *self);
KbcNotificationKind kbc_notification_get_kind  (KbcNotification *self);
const char  *kbc_notification_get_type_name    (KbcNotification *self);
GDateTime   *kbc_notification_get_created      (KbcNotification *self);
gboolean     kbc_notification_get_is_read      (KbcNotification *self);
const char  *kbc_notification_get_title        (KbcNotification *self);
const char  *kbc_notification_get_message      (KbcNotification *self);
const char  *kbc_notification_get_markup       (KbcNotification *self);
const char  *kbc_notification_get_plain_text   (KbcNotification *self);
gint64       kbc_notification_get_project_id   (KbcNotification *self);
const char  *kbc_notification_get_project_name (KbcNotification *self);

/* For core. A notification object of the API; KBC_API_ERROR_INVALID_RESPONSE
 * without an id or a title. Renders the markdown, so it may run in a worker
 * thread (it does, for a whole list). */
KbcNotification *kbc_notification_new_from_json (JsonNode        *node,
                                                 GError         **error);
/* Takes what @fresh (the same id) says, notifying what changed. */
void         kbc_notification_update           (KbcNotification *self,
                                                KbcNotification *fresh);
void         kbc_notification_set_is_read      (KbcNotification *self,
                                                gboolean         is_read);

/* clang-format on */

G_END_DECLS
