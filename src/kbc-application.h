/* kbc-application.h: the app, and the session it holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-local-server.h"
#include "kbc-session.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_APPLICATION (kbc_application_get_type ())
G_DECLARE_FINAL_TYPE (KbcApplication, kbc_application, KBC, APPLICATION, AdwApplication)

/* The application holds one KbcSession (with the app's settings and the
 * local server) and only reacts to its state: app.sign-out is enabled while
 * signed in, the session's warnings become toasts, and the first activation
 * restores the saved session. */

KbcApplication  *kbc_application_new                 (void);
GSettings       *kbc_application_get_settings        (KbcApplication *self);
KbcSession      *kbc_application_get_session         (KbcApplication *self);
/* TRUE until the first restore has answered (the "starting" property). */
gboolean         kbc_application_get_starting        (KbcApplication *self);
/* TRUE with `--local`: the sign-in form chooses "This computer". */
gboolean         kbc_application_get_use_local       (KbcApplication *self);
/* With `--stack URL`: the stack's id (kbc-stack.h) and @url the address
 * given; NULL without. */
const char      *kbc_application_get_stack           (KbcApplication *self,
                                                      const char    **url);

/* Raises a desktop notification (GNotification) for notifications that
 * have just arrived (KbcNotification, newest first; more than three make
 * one that counts them), unless the desktop-notifications setting is off.
 * Its default action, app.show-notification with the id, shows the item;
 * it is withdrawn when the item is read. */
void             kbc_application_notify_arrived      (KbcApplication *self,
                                                      GPtrArray      *items);

/* clang-format on */

G_END_DECLS
