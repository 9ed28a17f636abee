/* kbc-totp.c: TOTP (RFC 6238) on liboath, and otpauth:// URIs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-totp.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n.h>
#include <liboath/oath.h>
#include <openssl/crypto.h>

G_DEFINE_QUARK (kbc - totp - error - quark, kbc_totp_error)

static void
ensure_oath (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      int rc = oath_init ();

      if (rc != OATH_OK)
        g_error ("liboath failed to initialize: %s", oath_strerror (rc));
      g_once_init_leave (&initialized, 1);
    }
}

/* Base32 */

char *
kbc_totp_base32_encode (const guint8 *data, gsize len)
{
  char *out = NULL;
  size_t out_len = 0;
  char *result;
  int rc;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len == 0)
    return g_strdup ("");

  ensure_oath ();
  rc = oath_base32_encode ((const char *) data, len, &out, &out_len);
  if (rc != OATH_OK)
    g_error ("oath_base32_encode: %s", oath_strerror (rc));

  /* Key URIs carry the secret without padding. */
  while (out_len > 0 && out[out_len - 1] == '=')
    out_len--;

  result = g_strndup (out, out_len);
  explicit_bzero (out, out_len);
  free (out);

  return result;
}

guint8 *
kbc_totp_base32_decode (const char *text, gsize *out_len, GError **error)
{
  g_autoptr (GString) clean = NULL;
  char *out = NULL;
  size_t len = 0;
  guint8 *result;
  gsize significant;
  int rc;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (out_len != NULL, NULL);

  *out_len = 0;

  /* People copy secrets by hand: accept lower case, spaces, dashes and any
   * (or no) trailing padding, then hand liboath canonical text. */
  clean = g_string_sized_new (strlen (text) + 8);
  for (const char *p = text; *p != '\0'; p++)
    {
      char c = *p;

      if (c == ' ' || c == '-' || c == '\t')
        continue;
      if (c == '=')
        {
          /* Padding only at the end. */
          for (const char *q = p; *q != '\0'; q++)
            if (*q != '=' && *q != ' ' && *q != '\t')
              goto invalid;
          break;
        }
      c = g_ascii_toupper (c);
      if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
        goto invalid;
      g_string_append_c (clean, c);
    }

  significant = clean->len;
  /* 1, 3 and 6 characters in the last group cannot end a base32 text. */
  if (significant == 0 || significant % 8 == 1 || significant % 8 == 3 || significant % 8 == 6)
    goto invalid;
  while (clean->len % 8 != 0)
    g_string_append_c (clean, '=');

  ensure_oath ();
  rc = oath_base32_decode (clean->str, clean->len, &out, &len);
  explicit_bzero (clean->str, clean->len);
  if (rc != OATH_OK || len == 0)
    {
      if (out != NULL)
        {
          explicit_bzero (out, len);
          free (out);
        }
      goto invalid;
    }

  result = g_memdup2 (out, len);
  explicit_bzero (out, len);
  free (out);
  *out_len = len;

  return result;

invalid:
  if (clean != NULL)
    explicit_bzero (clean->str, clean->len);
  g_set_error_literal (error, KBC_TOTP_ERROR, KBC_TOTP_ERROR_INVALID_SECRET,
                       _ ("The secret key is not valid base32 text"));
  return NULL;
}

/* Secrets */

void
kbc_totp_generate_secret (guint8 out[KBC_TOTP_SECRET_SIZE])
{
  gsize filled = 0;

  while (filled < KBC_TOTP_SECRET_SIZE)
    {
      ssize_t n = getrandom (out + filled, KBC_TOTP_SECRET_SIZE - filled, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          /* Without the kernel's CSPRNG there is no safe secret to hand out. */
          g_error ("getrandom: %s", g_strerror (errno));
        }
      filled += (gsize) n;
    }
}

/* Codes */

gint64
kbc_totp_step_at (gint64 unix_time)
{
  /* Floor division, so times before the epoch do not share step 0. */
  if (unix_time >= 0)
    return unix_time / KBC_TOTP_PERIOD;
  return -((-unix_time + KBC_TOTP_PERIOD - 1) / KBC_TOTP_PERIOD);
}

char *
kbc_totp_hotp (const guint8 *secret, gsize secret_len, guint64 counter, guint digits)
{
  char otp[16] = { 0 };
  int rc;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (secret_len > 0, NULL);
  g_return_val_if_fail (digits >= 6 && digits <= 8, NULL);

  ensure_oath ();
  rc = oath_hotp_generate ((const char *) secret, secret_len, counter, digits, false,
                           OATH_HOTP_DYNAMIC_TRUNCATION, otp);
  if (rc != OATH_OK)
    {
      g_critical ("oath_hotp_generate: %s", oath_strerror (rc));
      return NULL;
    }

  return g_strndup (otp, digits);
}

char *
kbc_totp_code_at_step (const guint8 *secret, gsize secret_len, gint64 step)
{
  g_return_val_if_fail (step >= 0, NULL);

  return kbc_totp_hotp (secret, secret_len, (guint64) step, KBC_TOTP_DIGITS);
}

char *
kbc_totp_code_at (const guint8 *secret, gsize secret_len, gint64 unix_time)
{
  char otp[16] = { 0 };
  int rc;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (secret_len > 0, NULL);
  g_return_val_if_fail (unix_time >= 0, NULL);

  ensure_oath ();
  rc = oath_totp_generate ((const char *) secret, secret_len, (time_t) unix_time, KBC_TOTP_PERIOD,
                           OATH_TOTP_DEFAULT_START_TIME, KBC_TOTP_DIGITS, otp);
  if (rc != OATH_OK)
    {
      g_critical ("oath_totp_generate: %s", oath_strerror (rc));
      return NULL;
    }

  return g_strndup (otp, KBC_TOTP_DIGITS);
}

static gboolean
is_code (const char *code)
{
  gsize i;

  for (i = 0; i < KBC_TOTP_DIGITS; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;

  return code[i] == '\0';
}

gboolean
kbc_totp_verify (const guint8 *secret,
                 gsize secret_len,
                 const char *code,
                 gint64 unix_time,
                 gint64 last_step,
                 gint64 *matched_step)
{
  gint64 now_step;
  gint64 found = -1;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (secret_len > 0, FALSE);

  if (code == NULL || !is_code (code))
    return FALSE;

  now_step = kbc_totp_step_at (unix_time);

  /* Every candidate is computed and compared, whatever matched before, so the
   * time taken does not tell which step (if any) matched. */
  for (gint64 delta = -1; delta <= 1; delta++)
    {
      gint64 step = now_step + delta;
      g_autofree char *expected = NULL;
      int differs;

      if (step < 0)
        continue;

      expected = kbc_totp_code_at_step (secret, secret_len, step);
      if (expected == NULL)
        return FALSE;

      differs = CRYPTO_memcmp (expected, code, KBC_TOTP_DIGITS);
      explicit_bzero (expected, KBC_TOTP_DIGITS);

      /* A code for a step already used (or older) is a replay. The latest
       * step wins when two steps happen to share a code. */
      if (differs == 0 && step > last_step)
        found = step;
    }

  if (found < 0)
    return FALSE;

  if (matched_step != NULL)
    *matched_step = found;

  return TRUE;
}

/* otpauth:// URIs (Google's Key URI format) */

/* Label parts keep '@' literal (as the format's own examples do, and as RFC
 * 3986 allows in a path); everything else outside the unreserved set is
 * percent-encoded, ':' included, since it separates issuer from account. */
#define LABEL_ALLOWED "@"

char *
kbc_totp_build_uri (const char *issuer, const char *account, const guint8 *secret, gsize secret_len)
{
  g_autofree char *issuer_label = NULL;
  g_autofree char *issuer_param = NULL;
  g_autofree char *account_label = NULL;
  g_autofree char *secret32 = NULL;
  char *uri;

  g_return_val_if_fail (issuer != NULL && *issuer != '\0', NULL);
  g_return_val_if_fail (account != NULL && *account != '\0', NULL);
  g_return_val_if_fail (secret != NULL && secret_len > 0, NULL);

  issuer_label = g_uri_escape_string (issuer, LABEL_ALLOWED, FALSE);
  account_label = g_uri_escape_string (account, LABEL_ALLOWED, FALSE);
  issuer_param = g_uri_escape_string (issuer, NULL, FALSE);
  secret32 = kbc_totp_base32_encode (secret, secret_len);

  uri = g_strdup_printf (
      "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d", issuer_label,
      account_label, secret32, issuer_param, KBC_TOTP_DIGITS, KBC_TOTP_PERIOD);
  explicit_bzero (secret32, strlen (secret32));

  return uri;
}

void
kbc_totp_uri_free (KbcTotpUri *uri)
{
  if (uri == NULL)
    return;

  g_free (uri->issuer);
  g_free (uri->account);
  if (uri->secret != NULL)
    {
      explicit_bzero (uri->secret, uri->secret_len);
      g_free (uri->secret);
    }
  g_free (uri->algorithm);
  g_free (uri);
}

static gboolean G_GNUC_PRINTF (2, 3) uri_error (GError **error, const char *format, ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;

  va_start (args, format);
  *error = g_error_new_valist (KBC_TOTP_ERROR, KBC_TOTP_ERROR_INVALID_URI, format, args);
  va_end (args);

  return FALSE;
}

/* Percent-decodes @text; NULL for a bad escape, an escaped NUL or text that is
 * not UTF-8. */
static char *
unescape (const char *text, gsize len)
{
  g_autofree char *raw = g_strndup (text, len);
  g_autofree char *result = g_uri_unescape_string (raw, NULL);

  if (result == NULL || !g_utf8_validate (result, -1, NULL))
    return NULL;

  return g_steal_pointer (&result);
}

static gboolean
parse_uint_param (const char *value, guint expected)
{
  guint64 n = 0;

  if (value == NULL || *value == '\0')
    return FALSE;
  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &n, NULL))
    return FALSE;

  return n == expected;
}

/* The colon between issuer and account: the literal one, or else the first
 * %3A (some issuers encode it). The parts are decoded apart, so an encoded
 * colon inside either survives: kbc_totp_build_uri() writes a literal
 * separator and encodes every colon of the issuer and the account. */
static const char *
find_label_separator (const char *raw, gsize *len)
{
  const char *colon = strchr (raw, ':');

  if (colon != NULL)
    {
      *len = 1;
      return colon;
    }
  for (const char *p = raw; *p != '\0'; p++)
    {
      if (p[0] == '%' && p[1] == '3' && (p[2] == 'A' || p[2] == 'a'))
        {
          *len = 3;
          return p;
        }
    }

  return NULL;
}

KbcTotpUri *
kbc_totp_uri_parse (const char *uri, GError **error)
{
  g_autoptr (KbcTotpUri) result = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  g_autofree char *label_account = NULL;
  g_autofree char *label_issuer = NULL;
  g_autofree char *secret_text = NULL;
  g_autofree char *param_issuer = NULL;
  g_autofree char *algorithm = NULL;
  g_autofree char *digits = NULL;
  g_autofree char *period = NULL;
  g_auto (GStrv) params = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *raw_label;
  const char *sep;
  gsize sep_len = 0;
  const char *account;

  g_return_val_if_fail (uri != NULL, NULL);

  if (!g_uri_split (uri, G_URI_FLAGS_ENCODED, &scheme, NULL, &host, NULL, &path, &query, NULL,
                    &local_error))
    {
      uri_error (error, _ ("The link is not a valid URI"));
      return NULL;
    }

  if (scheme == NULL || g_ascii_strcasecmp (scheme, "otpauth") != 0)
    {
      uri_error (error, _ ("The link is not an otpauth:// link"));
      return NULL;
    }
  if (host == NULL || g_ascii_strcasecmp (host, "totp") != 0)
    {
      uri_error (error, _ ("Only time-based (TOTP) authenticator links are supported"));
      return NULL;
    }

  /* The label: "/" [issuer ":"] account, each part percent-encoded. */
  if (path == NULL || path[0] != '/' || path[1] == '\0')
    {
      uri_error (error, _ ("The link has no account name"));
      return NULL;
    }
  raw_label = path + 1;
  sep = find_label_separator (raw_label, &sep_len);
  if (sep != NULL)
    {
      /* A second literal colon leaves it unclear where the issuer ends. */
      if (strchr (sep + sep_len, ':') != NULL)
        {
          uri_error (error, _ ("The link’s account name contains more than one colon"));
          return NULL;
        }
      label_issuer = unescape (raw_label, sep - raw_label);
      label_account = unescape (sep + sep_len, strlen (sep + sep_len));
      if (label_issuer != NULL && *label_issuer == '\0')
        {
          uri_error (error, _ ("The link’s issuer is empty"));
          return NULL;
        }
    }
  else
    {
      label_account = unescape (raw_label, strlen (raw_label));
    }
  if (label_account == NULL || (sep != NULL && label_issuer == NULL))
    {
      uri_error (error, _ ("The link has a badly encoded account name"));
      return NULL;
    }

  account = label_account;
  /* The format allows spaces before the account name. */
  while (*account == ' ')
    account++;
  if (*account == '\0')
    {
      uri_error (error, _ ("The link has no account name"));
      return NULL;
    }

  if (query == NULL || *query == '\0')
    {
      uri_error (error, _ ("The link has no secret key"));
      return NULL;
    }

  params = g_strsplit (query, "&", -1);
  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *param = params[i];
      const char *eq = strchr (param, '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      char **slot = NULL;

      if (*param == '\0')
        continue;
      key = unescape (param, eq != NULL ? (gsize) (eq - param) : strlen (param));
      value = eq != NULL ? unescape (eq + 1, strlen (eq + 1)) : g_strdup ("");
      if (key == NULL || value == NULL)
        {
          uri_error (error, _ ("The link has a badly encoded parameter"));
          return NULL;
        }

      if (g_str_equal (key, "secret"))
        slot = &secret_text;
      else if (g_str_equal (key, "issuer"))
        slot = &param_issuer;
      else if (g_str_equal (key, "algorithm"))
        slot = &algorithm;
      else if (g_str_equal (key, "digits"))
        slot = &digits;
      else if (g_str_equal (key, "period"))
        slot = &period;
      else
        continue; /* image, color and other extensions */

      if (*slot != NULL)
        {
          /* Translators: %s is a parameter name of an otpauth:// link, like "secret". */
          uri_error (error, _ ("The link has the parameter “%s” more than once"), key);
          return NULL;
        }
      *slot = g_steal_pointer (&value);
    }

  if (secret_text == NULL || *secret_text == '\0')
    {
      uri_error (error, _ ("The link has no secret key"));
      return NULL;
    }
  if (algorithm != NULL && g_ascii_strcasecmp (algorithm, "SHA1") != 0)
    {
      uri_error (error, _ ("Only the SHA1 algorithm is supported"));
      return NULL;
    }
  if (digits != NULL && !parse_uint_param (digits, KBC_TOTP_DIGITS))
    {
      /* Translators: %d is the number of digits of a code, 6. */
      uri_error (error, _ ("Only codes of %d digits are supported"), KBC_TOTP_DIGITS);
      return NULL;
    }
  if (period != NULL && !parse_uint_param (period, KBC_TOTP_PERIOD))
    {
      /* Translators: %d is the lifetime of a code in seconds, 30. */
      uri_error (error, _ ("Only codes that change every %d seconds are supported"),
                 KBC_TOTP_PERIOD);
      return NULL;
    }
  if (param_issuer != NULL && *param_issuer == '\0')
    g_clear_pointer (&param_issuer, g_free);
  if (label_issuer != NULL && param_issuer != NULL && !g_str_equal (label_issuer, param_issuer))
    {
      uri_error (error, _ ("The link names two different issuers"));
      return NULL;
    }

  result = g_new0 (KbcTotpUri, 1);
  result->secret = kbc_totp_base32_decode (secret_text, &result->secret_len, NULL);
  explicit_bzero (secret_text, strlen (secret_text));
  if (result->secret == NULL)
    {
      uri_error (error, _ ("The link’s secret key is not valid base32 text"));
      return NULL;
    }

  result->issuer =
      param_issuer != NULL ? g_steal_pointer (&param_issuer) : g_steal_pointer (&label_issuer);
  result->account = g_strdup (account);
  result->algorithm = g_strdup ("SHA1");
  result->digits = KBC_TOTP_DIGITS;
  result->period = KBC_TOTP_PERIOD;

  return g_steal_pointer (&result);
}
