/* kbc-code-entry.h: an entry for the 6-digit code of an authenticator app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_CODE_ENTRY_LENGTH 6

#define KBC_TYPE_CODE_ENTRY (kbc_code_entry_get_type ())
G_DECLARE_FINAL_TYPE (KbcCodeEntry, kbc_code_entry, KBC, CODE_ENTRY, GtkWidget)

/* A GtkEditable that takes digits only (pasted text keeps its digits) up to
 * six, and emits ::complete (const char *code) when the sixth arrives.
 * Enter activates the window's default widget. Properties: complete
 * (read-only), error (shows the entry in the error style). */
GtkWidget  *kbc_code_entry_new           (void);
/* The six digits, or NULL while fewer were typed. */
const char *kbc_code_entry_get_code      (KbcCodeEntry *self);
gboolean    kbc_code_entry_get_complete  (KbcCodeEntry *self);
void        kbc_code_entry_clear         (KbcCodeEntry *self);
gboolean    kbc_code_entry_get_error     (KbcCodeEntry *self);
void        kbc_code_entry_set_error     (KbcCodeEntry *self,
                                          gboolean      error);

/* clang-format on */

G_END_DECLS
