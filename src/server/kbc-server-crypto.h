/* kbc-server-crypto.h: random values, hashes and sealed secrets
 *
 * Secrets at rest (TOTP seeds) are sealed with AES-256-GCM under the
 * per-database key of kbc_store_get_key(): a fresh 96-bit nonce per seal, the
 * output is nonce ‖ ciphertext ‖ 128-bit tag, and the caller's context string
 * (e.g. "totp:<user id>") is authenticated as associated data so that a sealed
 * value cannot be moved to another user or purpose. A stolen database without
 * its key file reveals nothing; anyone who can read both can read the seeds
 * (as the server itself must).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_SHA256_SIZE 32

/* From the kernel CSPRNG (getrandom); aborts if it ever fails. */
void     kbc_crypto_random_bytes (guint8       *buf,
                                  gsize         len);
/* @len characters from [A-Za-z0-9], uniformly. */
char    *kbc_crypto_random_alnum (gsize         len);
/* @len characters from an unambiguous lower-case alphabet (no 0/o, 1/l/i). */
char    *kbc_crypto_random_code  (gsize         len);

void     kbc_crypto_sha256       (const void   *data,
                                  gsize         len,
                                  guint8        out[KBC_SHA256_SIZE]);
/* SHA-256 (@salt ‖ @data). */
void     kbc_crypto_salted_sha256 (const guint8 *salt,
                                  gsize         salt_len,
                                  const void   *data,
                                  gsize         len,
                                  guint8        out[KBC_SHA256_SIZE]);
/* Constant-time comparison. */
gboolean kbc_crypto_equal        (const void   *a,
                                  const void   *b,
                                  gsize         len);

GBytes  *kbc_crypto_seal         (const guint8 *key,
                                  const char   *context,
                                  const guint8 *plain,
                                  gsize         plain_len);
/* NULL when the value was tampered with or sealed for another context. Free
 * the result with kbc_crypto_free_secret(). */
guint8  *kbc_crypto_open         (const guint8 *key,
                                  const char   *context,
                                  GBytes       *sealed,
                                  gsize        *plain_len);
void     kbc_crypto_free_secret  (void         *secret,
                                  gsize         len);

/* An id for one error reply: "exception-" and 32 hex digits. */
char    *kbc_crypto_exception_id (void);

/* clang-format on */

G_END_DECLS
