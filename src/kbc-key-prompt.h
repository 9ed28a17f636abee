/* kbc-key-prompt.h: "Touch your security key", with a countdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_KEY_PROMPT (kbc_key_prompt_get_type ())
G_DECLARE_FINAL_TYPE (KbcKeyPrompt, kbc_key_prompt, KBC, KEY_PROMPT, GtkWidget)

/* A security key that pulses while it waits for a touch, a title, and the
 * seconds left. Shared by the add-key dialog and the sign-in step. */
GtkWidget  *kbc_key_prompt_new          (void);
/* Starts (or restarts) the animation and a countdown of @timeout_seconds. */
void        kbc_key_prompt_start        (KbcKeyPrompt *self,
                                         guint         timeout_seconds);
/* Stops both; the countdown is hidden. */
void        kbc_key_prompt_stop         (KbcKeyPrompt *self);
gboolean    kbc_key_prompt_get_waiting  (KbcKeyPrompt *self);
/* Default: "Touch your security key". */
void        kbc_key_prompt_set_title    (KbcKeyPrompt *self,
                                         const char   *title);

/* clang-format on */

G_END_DECLS
