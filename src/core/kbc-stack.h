/* kbc-stack.h: the Keboola stacks the sign-in screen offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_STACK_CUSTOM "custom"
#define KBC_STACK_LOCAL  "local"

typedef struct
{
  const char *id;   /* as stored in the "last-stack" setting */
  const char *name; /* marked for translation, translate at use */
  const char *url;  /* NULL for the custom and the local stack */
} KbcStackInfo;

const KbcStackInfo *kbc_stack_get_all          (guint       *n_stacks);
const KbcStackInfo *kbc_stack_lookup           (const char  *id);
guint               kbc_stack_get_index        (const char  *id);

/* The id of the Keboola stack at @url (a trailing slash and case do not
 * matter), or KBC_STACK_CUSTOM. */
const char         *kbc_stack_find_by_url      (const char  *url);
/* The "stack-url" attribute of the keyring entry for a session. The local
 * server listens on a new port every run, so its sessions are stored under
 * the literal "local" and mapped to the live URL when restored; every other
 * stack is stored under its URL. */
const char         *kbc_stack_get_keyring_key  (const char  *id,
                                                const char  *url);

/* clang-format on */

G_END_DECLS
