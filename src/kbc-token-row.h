/* kbc-token-row.h: one personal token in the Access Tokens page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-token.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_TOKEN_ROW (kbc_token_row_get_type ())
G_DECLARE_FINAL_TYPE (KbcTokenRow, kbc_token_row, KBC, TOKEN_ROW, GtkWidget)

/* A personal token (property token; NULL while a GtkListView's factory has
 * it unbound): its name, when it was
 * made and last used, when it expires (relative and absolute; within
 * KBC_TOKEN_ROW_SOON it stands out as a warning, once expired as an error)
 * and Delete (tokens.delete with the id), which the token this app uses
 * does not offer. */
#define KBC_TOKEN_ROW_SOON (7 * G_TIME_SPAN_DAY)

GtkWidget  *kbc_token_row_new             (void);
void        kbc_token_row_set_token       (KbcTokenRow *self,
                                           KbcToken    *token);
KbcToken   *kbc_token_row_get_token       (KbcTokenRow *self);

/* "Expires in 3 days (Dec 1, 2026, 14:00)", "Expired on …": @token's expiry
 * as of @now; sets @soon when it is within KBC_TOKEN_ROW_SOON, @expired when
 * it has passed. */
char       *kbc_token_row_describe_expiry (KbcToken    *token,
                                           GDateTime   *now,
                                           gboolean    *soon,
                                           gboolean    *expired);

/* clang-format on */

G_END_DECLS
