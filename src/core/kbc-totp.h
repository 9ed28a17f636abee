/* kbc-totp.h: TOTP (RFC 6238) on liboath, and otpauth:// URIs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TOTP_DIGITS      6
#define KBC_TOTP_PERIOD      30
#define KBC_TOTP_SECRET_SIZE 20
#define KBC_TOTP_ISSUER      "Keboola"

#define KBC_TOTP_ERROR (kbc_totp_error_quark ())

typedef enum
{
  KBC_TOTP_ERROR_INVALID_SECRET, /* not base32, or empty */
  KBC_TOTP_ERROR_INVALID_URI,    /* not an otpauth://totp URI we can use */
  KBC_TOTP_ERROR_INVALID_CODE,   /* not KBC_TOTP_DIGITS digits */
  KBC_TOTP_ERROR_FAILED,
} KbcTotpError;

GQuark      kbc_totp_error_quark   (void);

/* Base32 (RFC 4648) without padding, upper case. */
char       *kbc_totp_base32_encode (const guint8  *data,
                                    gsize          len);
/* Tolerates lower case, spaces, dashes and missing padding. */
guint8     *kbc_totp_base32_decode (const char    *text,
                                    gsize         *out_len,
                                    GError       **error);

/* 20 random bytes from the system CSPRNG. */
void        kbc_totp_generate_secret (guint8 out[KBC_TOTP_SECRET_SIZE]);

/* The time step of @unix_time (floor (t / 30)). */
gint64      kbc_totp_step_at       (gint64         unix_time);
/* The code (zero-padded decimal) of @secret at @step, SHA-1, 6 digits. */
char       *kbc_totp_code_at_step  (const guint8  *secret,
                                    gsize          secret_len,
                                    gint64         step);
/* HOTP (RFC 4226) of @secret at @counter with 6 to 8 @digits; the TOTP
 * functions use it with 6 digits. Exposed for the RFC test vectors. */
char       *kbc_totp_hotp          (const guint8  *secret,
                                    gsize          secret_len,
                                    guint64        counter,
                                    guint          digits);
/* The code at @unix_time. */
char       *kbc_totp_code_at       (const guint8  *secret,
                                    gsize          secret_len,
                                    gint64         unix_time);

/* Checks @code against the steps now-1, now, now+1 in constant time (every
 * candidate is compared). A code for a step <= @last_step is a replay and is
 * rejected. On success returns TRUE and sets @matched_step. */
gboolean    kbc_totp_verify        (const guint8  *secret,
                                    gsize          secret_len,
                                    const char    *code,
                                    gint64         unix_time,
                                    gint64         last_step,
                                    gint64        *matched_step);

/* otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30,
 * label and issuer URI-encoded. */
char       *kbc_totp_build_uri     (const char    *issuer,
                                    const char    *account,
                                    const guint8  *secret,
                                    gsize          secret_len);

typedef struct
{
  char   *issuer;
  char   *account;
  guint8 *secret;
  gsize   secret_len;
  char   *algorithm; /* "SHA1" */
  guint   digits;
  guint   period;
} KbcTotpUri;

KbcTotpUri *kbc_totp_uri_parse     (const char    *uri,
                                    GError       **error);
void        kbc_totp_uri_free      (KbcTotpUri    *uri);

/* clang-format on */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcTotpUri, kbc_totp_uri_free)

G_END_DECLS
