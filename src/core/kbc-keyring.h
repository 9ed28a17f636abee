/* kbc-keyring.h: the session token in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_KEYRING_ERROR (kbc_keyring_error_quark ())

typedef enum
{
  KBC_KEYRING_ERROR_FAILED,      /* the Secret Service reported an error */
  KBC_KEYRING_ERROR_UNAVAILABLE, /* no Secret Service, or no default collection */
  KBC_KEYRING_ERROR_LOCKED,      /* the keyring is locked and was not unlocked */
} KbcKeyringError;

GQuark kbc_keyring_error_quark (void);

/* What a keyring entry holds: a session token from a password sign-in
 * (revoked at sign-out), or an access token the user pasted (only
 * forgotten at sign-out). */
typedef enum
{
  KBC_KEYRING_KIND_SESSION,
  KBC_KEYRING_KIND_ACCESS_TOKEN,
} KbcKeyringKind;

/* The libsecret schema "io.github.kbcaccount.KbcAccount", version 1,
 * attributes "stack-url", "email" and "kind" ("session" or "access-token").
 * Lookups and clears match stack and email whatever the kind. Every call
 * runs off the main loop. */
const void *kbc_keyring_get_schema (void); /* const SecretSchema * */

/* Replaces any entry of @stack_url and @email. */
void      kbc_keyring_store_async   (const char          *stack_url,
                                     const char          *email,
                                     const char          *token,
                                     KbcKeyringKind       kind,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean  kbc_keyring_store_finish  (GAsyncResult        *result,
                                     GError             **error);

/* The token stored for @stack_url and @email; NULL with no error when none. */
void      kbc_keyring_lookup_async  (const char          *stack_url,
                                     const char          *email,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* @kind (optional) gets the kind of the entry found. */
char     *kbc_keyring_lookup_finish (GAsyncResult        *result,
                                     KbcKeyringKind      *kind,
                                     GError             **error);

/* Removes the entry; not finding one is not an error. */
void      kbc_keyring_clear_async   (const char          *stack_url,
                                     const char          *email,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean  kbc_keyring_clear_finish  (GAsyncResult        *result,
                                     GError             **error);

/* clang-format on */

G_END_DECLS
