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

#define KBC_TYPE_WINDOW (kbc_window_get_type ())
G_DECLARE_FINAL_TYPE (KbcWindow, kbc_window, KBC, WINDOW, AdwApplicationWindow)

KbcWindow     *kbc_window_new              (KbcApplication *application);
void           kbc_window_add_toast        (KbcWindow      *self,
                                            AdwToast       *toast);
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
