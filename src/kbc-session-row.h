/* kbc-session-row.h: one desktop session in the Access Tokens page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-token.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_SESSION_ROW (kbc_session_row_get_type ())
G_DECLARE_FINAL_TYPE (KbcSessionRow, kbc_session_row, KBC, SESSION_ROW, GtkListBoxRow)

/* A session token (property token, construct-only): the client that signed
 * in (its name and address, plain text), when, and Revoke
 * (sessions.revoke with the id); this device's own session is marked "This
 * device" and not revocable here (the account menu signs it out). */
GtkWidget  *kbc_session_row_new       (KbcToken      *token);
KbcToken   *kbc_session_row_get_token (KbcSessionRow *self);

/* clang-format on */

G_END_DECLS
