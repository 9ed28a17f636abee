/* kbc-server-crypto.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-crypto.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>
#include <sys/random.h>

#define GCM_NONCE_SIZE 12
#define GCM_TAG_SIZE   16
#define GCM_KEY_SIZE   32

void
kbc_crypto_random_bytes (guint8 *buf, gsize len)
{
  while (len > 0)
    {
      ssize_t n = getrandom (buf, len, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom failed: %s", g_strerror (errno));
        }
      buf += n;
      len -= n;
    }
}

/* Rejection sampling keeps every character equally likely. */
static char *
random_from_alphabet (const char *alphabet, gsize len)
{
  gsize n = strlen (alphabet);
  guint limit = 256 - (256 % n);
  char *out = g_malloc (len + 1);
  gsize filled = 0;

  while (filled < len)
    {
      guint8 buf[64];

      kbc_crypto_random_bytes (buf, sizeof buf);
      for (gsize i = 0; i < sizeof buf && filled < len; i++)
        if (buf[i] < limit)
          out[filled++] = alphabet[buf[i] % n];
      explicit_bzero (buf, sizeof buf);
    }
  out[len] = '\0';
  return out;
}

char *
kbc_crypto_random_alnum (gsize len)
{
  return random_from_alphabet ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                               len);
}

char *
kbc_crypto_random_code (gsize len)
{
  /* 31 symbols: almost 5 bits each. */
  return random_from_alphabet ("abcdefghjkmnpqrstuvwxyz23456789", len);
}

void
kbc_crypto_sha256 (const void *data, gsize len, guint8 out[KBC_SHA256_SIZE])
{
  SHA256 (data, len, out);
}

void
kbc_crypto_salted_sha256 (const guint8 *salt,
                          gsize salt_len,
                          const void *data,
                          gsize len,
                          guint8 out[KBC_SHA256_SIZE])
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  unsigned int out_len = KBC_SHA256_SIZE;

  if (ctx == NULL || !EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL) ||
      !EVP_DigestUpdate (ctx, salt, salt_len) || !EVP_DigestUpdate (ctx, data, len) ||
      !EVP_DigestFinal_ex (ctx, out, &out_len))
    g_error ("SHA-256 failed");
  EVP_MD_CTX_free (ctx);
}

gboolean
kbc_crypto_equal (const void *a, const void *b, gsize len)
{
  return CRYPTO_memcmp (a, b, len) == 0;
}

GBytes *
kbc_crypto_seal (const guint8 *key, const char *context, const guint8 *plain, gsize plain_len)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  gsize total = GCM_NONCE_SIZE + plain_len + GCM_TAG_SIZE;
  guint8 *out = g_malloc (total);
  int len = 0;
  int final_len = 0;

  kbc_crypto_random_bytes (out, GCM_NONCE_SIZE);

  if (ctx == NULL || !EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) ||
      !EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_NONCE_SIZE, NULL) ||
      !EVP_EncryptInit_ex (ctx, NULL, NULL, key, out) ||
      !EVP_EncryptUpdate (ctx, NULL, &len, (const guint8 *) context, strlen (context)) ||
      !EVP_EncryptUpdate (ctx, out + GCM_NONCE_SIZE, &len, plain, plain_len) ||
      !EVP_EncryptFinal_ex (ctx, out + GCM_NONCE_SIZE + len, &final_len) ||
      !EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_SIZE,
                            out + GCM_NONCE_SIZE + plain_len))
    g_error ("AES-256-GCM failed");

  EVP_CIPHER_CTX_free (ctx);
  return g_bytes_new_take (out, total);
}

guint8 *
kbc_crypto_open (const guint8 *key, const char *context, GBytes *sealed, gsize *plain_len)
{
  EVP_CIPHER_CTX *ctx;
  const guint8 *data;
  gsize size;
  gsize n;
  guint8 *plain;
  int len = 0;
  int final_len = 0;
  gboolean ok;

  data = g_bytes_get_data (sealed, &size);
  if (size < GCM_NONCE_SIZE + GCM_TAG_SIZE)
    return NULL;
  n = size - GCM_NONCE_SIZE - GCM_TAG_SIZE;
  plain = g_malloc0 (n + 1);

  ctx = EVP_CIPHER_CTX_new ();
  ok = ctx != NULL && EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) &&
       EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_NONCE_SIZE, NULL) &&
       EVP_DecryptInit_ex (ctx, NULL, NULL, key, data) &&
       EVP_DecryptUpdate (ctx, NULL, &len, (const guint8 *) context, strlen (context)) &&
       EVP_DecryptUpdate (ctx, plain, &len, data + GCM_NONCE_SIZE, n) &&
       EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG_SIZE,
                            (void *) (data + GCM_NONCE_SIZE + n)) &&
       EVP_DecryptFinal_ex (ctx, plain + len, &final_len) > 0;
  EVP_CIPHER_CTX_free (ctx);

  if (!ok)
    {
      kbc_crypto_free_secret (plain, n);
      return NULL;
    }

  *plain_len = n;
  return plain;
}

void
kbc_crypto_free_secret (void *secret, gsize len)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, len);
  g_free (secret);
}

char *
kbc_crypto_exception_id (void)
{
  guint8 buf[16];
  GString *id = g_string_new ("exception-");

  kbc_crypto_random_bytes (buf, sizeof buf);
  for (gsize i = 0; i < sizeof buf; i++)
    g_string_append_printf (id, "%02x", buf[i]);
  return g_string_free (id, FALSE);
}
