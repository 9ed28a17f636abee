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

/* The libsecret schema "io.github.kbcaccount.KbcAccount", version 1,
 * attributes "stack-url" and "email". Every call runs off the main loop. */
const void *kbc_keyring_get_schema (void); /* const SecretSchema * */

void      kbc_keyring_store_async   (const char          *stack_url,
                                     const char          *email,
                                     const char          *token,
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
char     *kbc_keyring_lookup_finish (GAsyncResult        *result,
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
