/* kbc-clipboard.h: secrets on the clipboard, for a while
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* clang-format off */

/* How long a secret stays on the clipboard, in seconds. */
#define KBC_CLIPBOARD_SECRET_SECONDS 60

/* Puts @secret on @clipboard, and empties the clipboard @seconds later if
 * it still holds the same text then (whoever put it there). Only a
 * checksum of the secret is kept meanwhile. */
void kbc_clipboard_set_secret (GdkClipboard *clipboard,
                               const char   *secret,
                               guint         seconds);

/* clang-format on */

G_END_DECLS
