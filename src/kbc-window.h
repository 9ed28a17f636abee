/* kbc-window.h: the main window, signed in or not
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-application.h"
#include "kbc-sign-in-page.h"

G_BEGIN_DECLS

/* clang-format off */

/* How long a saved session's check may take before the cached profile
 * stands in for the Account page. A check that ends sooner (the local
 * server answers in a few milliseconds) goes straight to the page: shown
 * for an instant, the cached profile would be laid out and painted only
 * to be replaced, and delay the real page by as long (docs/performance.md,
 * "Start-up"). A stack across a network takes longer; then the profile
 * appears this soon after the keyring's answer. */
#define KBC_WINDOW_CACHED_PROFILE_DELAY_MS 200

#define KBC_TYPE_WINDOW (kbc_window_get_type ())
G_DECLARE_FINAL_TYPE (KbcWindow, kbc_window, KBC, WINDOW, AdwApplicationWindow)

KbcWindow     *kbc_window_new              (KbcApplication *application);
void           kbc_window_add_toast        (KbcWindow      *self,
                                            AdwToast       *toast);
/* NULL until the sign-in form is first shown. */
KbcSignInPage *kbc_window_get_sign_in_page (KbcWindow      *self);
/* "busy", "sign-in" or "main". */
const char    *kbc_window_get_view         (KbcWindow      *self);
/* The page of the account's @name ("account", …), or NULL when signed out. */
GtkWidget     *kbc_window_get_page         (KbcWindow      *self,
                                            const char     *name);
/* Refreshes the account's notifications (If-None-Match), as the minute's
 * timer and the window getting the focus do. */
void           kbc_window_poll_notifications (KbcWindow    *self);
/* Shows the notifications page with the notification @id selected. */
void           kbc_window_show_notification (KbcWindow     *self,
                                            const char     *id);

/* clang-format on */

G_END_DECLS
