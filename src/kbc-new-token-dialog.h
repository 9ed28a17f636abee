/* kbc-new-token-dialog.h: create a personal token and show it once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kbc-tokens.h"

G_BEGIN_DECLS

/* clang-format off */

typedef enum
{
  KBC_NEW_TOKEN_DIALOG_STATE_FORM,     /* name and validity; an error of the last try shows */
  KBC_NEW_TOKEN_DIALOG_STATE_CREATING, /* the server makes the token */
  KBC_NEW_TOKEN_DIALOG_STATE_CREATED,  /* the token, shown this once, with Copy */
} KbcNewTokenDialogState;

#define KBC_TYPE_NEW_TOKEN_DIALOG_STATE (kbc_new_token_dialog_state_get_type ())
GType kbc_new_token_dialog_state_get_type (void) G_GNUC_CONST;

#define KBC_TYPE_NEW_TOKEN_DIALOG (kbc_new_token_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbcNewTokenDialog, kbc_new_token_dialog, KBC, NEW_TOKEN_DIALOG, AdwWindow)

/* The name and how long the token is valid (an hour, a day, 7, 30 or 90
 * days, a year, or a number of hours; never for ever), then Create
 * (kbc_tokens_create_async(), which adds it to the list); then the token,
 * once, in a monospace field with Copy (kbc_clipboard_set_secret(): off
 * the clipboard again after clipboard-seconds, 60 by default) and the
 * warning that it cannot be retrieved later. A refusal shows in the form,
 * which keeps what was typed.
 *
 * Properties: tokens (construct-only), state, error-message (the last
 * refusal, or NULL), clipboard-seconds. */
KbcNewTokenDialog      *kbc_new_token_dialog_new             (GtkWindow         *parent,
                                                              KbcTokens         *tokens);
KbcNewTokenDialogState  kbc_new_token_dialog_get_state       (KbcNewTokenDialog *self);
const char             *kbc_new_token_dialog_get_error_message (KbcNewTokenDialog *self);
/* The token created, once the state is CREATED; else NULL. */
KbcToken               *kbc_new_token_dialog_get_token       (KbcNewTokenDialog *self);
/* How many seconds the wanted validity is (the choice, or the hours). */
gint64                  kbc_new_token_dialog_get_expires_in  (KbcNewTokenDialog *self);
void                    kbc_new_token_dialog_set_clipboard_seconds (KbcNewTokenDialog *self,
                                                              guint              seconds);

/* clang-format on */

G_END_DECLS
