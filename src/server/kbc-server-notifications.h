/* kbc-server-notifications.h: /manage/notifications, and the security
 * notifications the server sends by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

/* Ids one PUT may mark read (a larger list is what allRead is for). */
#define KBC_NOTIFICATIONS_MAX_READ_IDS  1000
#define KBC_NOTIFICATIONS_MAX_TITLE     255
#define KBC_NOTIFICATIONS_MAX_MESSAGE   10000

/* The "event" of the payload of each security notification. */
#define KBC_SECURITY_EVENT_PASSWORD_CHANGED   "passwordChanged"
#define KBC_SECURITY_EVENT_TOTP_ENABLED       "mfaTotpEnabled"
#define KBC_SECURITY_EVENT_TOTP_REMOVED       "mfaTotpRemoved"
#define KBC_SECURITY_EVENT_MFA_DISABLED       "mfaDisabled"
#define KBC_SECURITY_EVENT_KEY_ADDED          "u2fDeviceAdded"
#define KBC_SECURITY_EVENT_KEY_REMOVED        "u2fDeviceRemoved"
#define KBC_SECURITY_EVENT_RECOVERY_CODES     "recoveryCodesRegenerated"
#define KBC_SECURITY_EVENT_TOKEN_CREATED      "personalTokenCreated"
#define KBC_SECURITY_EVENT_NEW_CLIENT         "newClientSignIn"

/* GET and PUT /manage/notifications (not in --published-only: Keboola keeps
 * notifications in its web page). */
void      kbc_server_notifications_register (KbcServer  *server);

/* Sends @user_id a "security" notification (ASVS 2.5.5): @title is one line
 * of plain text, @message markdown (put user-chosen text through
 * kbc_server_markdown_escape()), @event the payload's "event" (may be NULL).
 * Call it inside the transaction of the change it reports, before the
 * commit, so that the change and its notification happen together:
 *
 *   if (!kbc_store_begin (store, &error) || !change (…) ||
 *       !kbc_server_notify_security (store, user_id, request->now, "event",
 *                                    "Title", "Message.", &error) ||
 *       !kbc_store_commit (store, &error))
 */
gboolean  kbc_server_notify_security        (KbcStore    *store,
                                             gint64       user_id,
                                             gint64       now,
                                             const char  *event,
                                             const char  *title,
                                             const char  *message,
                                             GError     **error);

/* @text with every ASCII punctuation character backslash-escaped and line
 * breaks turned into spaces, so that it reads as itself in markdown (a key
 * named "[x](https://…)" is not a link). */
char     *kbc_server_markdown_escape        (const char  *text);

/* Checks a notification's title (one line of at most
 * KBC_NOTIFICATIONS_MAX_TITLE bytes) and message (at most
 * KBC_NOTIFICATIONS_MAX_MESSAGE bytes, lines and tabs allowed): NULL when
 * fine, otherwise the reason, which starts with "title: " or "message: ". */
char     *kbc_server_notification_check     (const char  *title,
                                             const char  *message);

/* clang-format on */

G_END_DECLS
