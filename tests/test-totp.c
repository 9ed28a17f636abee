/* test-totp.c: KbcTotp against the RFC vectors, base32, otpauth URIs, the window and replays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kbc-totp.h"

/* The SHA-1 key of RFC 4226 appendix D and RFC 6238 appendix B. */
#define RFC_SECRET     "12345678901234567890"
#define RFC_SECRET_LEN 20

static void
test_hotp_rfc4226 (void)
{
  static const char *const expected[] = {
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489",
  };

  for (guint count = 0; count < G_N_ELEMENTS (expected); count++)
    {
      g_autofree char *hotp = NULL;
      g_autofree char *step_code = NULL;

      hotp = kbc_totp_hotp ((const guint8 *) RFC_SECRET, RFC_SECRET_LEN, count, 6);
      g_assert_cmpstr (hotp, ==, expected[count]);

      /* A TOTP code is the HOTP of the time step. */
      step_code = kbc_totp_code_at_step ((const guint8 *) RFC_SECRET, RFC_SECRET_LEN, count);
      g_assert_cmpstr (step_code, ==, expected[count]);
    }
}

static void
test_totp_rfc6238 (void)
{
  /* RFC 6238 appendix B, the SHA1 rows (8 digits). */
  static const struct
  {
    gint64 time;
    gint64 step;
    const char *totp;
  } vectors[] = {
    { 59, 0x1, "94287082" },
    { 1111111109, 0x23523EC, "07081804" },
    { 1111111111, 0x23523ED, "14050471" },
    { 1234567890, 0x273EF07, "89005924" },
    { 2000000000, 0x3F940AA, "69279037" },
    { 20000000000, 0x27BC86AA, "65353130" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *eight = NULL;
      g_autofree char *six = NULL;
      g_autofree char *six_step = NULL;

      g_assert_cmpint (kbc_totp_step_at (vectors[i].time), ==, vectors[i].step);

      eight =
          kbc_totp_hotp ((const guint8 *) RFC_SECRET, RFC_SECRET_LEN, (guint64) vectors[i].step, 8);
      g_assert_cmpstr (eight, ==, vectors[i].totp);

      /* Dynamic truncation keeps the low digits: 6 digits are the last 6 of 8. */
      six = kbc_totp_code_at ((const guint8 *) RFC_SECRET, RFC_SECRET_LEN, vectors[i].time);
      g_assert_cmpstr (six, ==, vectors[i].totp + 2);
      six_step =
          kbc_totp_code_at_step ((const guint8 *) RFC_SECRET, RFC_SECRET_LEN, vectors[i].step);
      g_assert_cmpstr (six_step, ==, six);
    }
}

static void
test_step_at (void)
{
  g_assert_cmpint (kbc_totp_step_at (0), ==, 0);
  g_assert_cmpint (kbc_totp_step_at (29), ==, 0);
  g_assert_cmpint (kbc_totp_step_at (30), ==, 1);
  g_assert_cmpint (kbc_totp_step_at (-1), ==, -1);
  g_assert_cmpint (kbc_totp_step_at (-30), ==, -1);
  g_assert_cmpint (kbc_totp_step_at (-31), ==, -2);
}

static void
test_base32_rfc4648 (void)
{
  /* RFC 4648 section 10, with the padding a key URI leaves out. */
  static const struct
  {
    const char *plain;
    const char *padded;
  } vectors[] = {
    { "f", "MY======" },    { "fo", "MZXQ====" },    { "foo", "MZXW6===" },
    { "foob", "MZXW6YQ=" }, { "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI======" },
  };

  {
    g_autofree char *empty = kbc_totp_base32_encode ((const guint8 *) "", 0);
    g_assert_cmpstr (empty, ==, "");
  }

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      gsize len = strlen (vectors[i].plain);
      g_autofree char *encoded = NULL;
      g_autofree char *unpadded = g_strdup (vectors[i].padded);
      g_autofree guint8 *decoded = NULL;
      g_autofree guint8 *decoded_padded = NULL;
      g_autoptr (GError) error = NULL;
      gsize out_len = 0;

      unpadded[strcspn (unpadded, "=")] = '\0';

      encoded = kbc_totp_base32_encode ((const guint8 *) vectors[i].plain, len);
      g_assert_cmpstr (encoded, ==, unpadded);

      decoded = kbc_totp_base32_decode (encoded, &out_len, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (decoded, out_len, vectors[i].plain, len);

      decoded_padded = kbc_totp_base32_decode (vectors[i].padded, &out_len, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (decoded_padded, out_len, vectors[i].plain, len);
    }
}

static void
test_base32_round_trip (void)
{
  for (gsize len = 1; len <= 40; len++)
    {
      g_autofree guint8 *data = g_malloc (len);
      g_autofree char *encoded = NULL;
      g_autofree guint8 *decoded = NULL;
      g_autoptr (GError) error = NULL;
      gsize out_len = 0;

      for (gsize i = 0; i < len; i++)
        data[i] = (guint8) g_test_rand_int_range (0, 256);

      encoded = kbc_totp_base32_encode (data, len);
      g_assert_null (strchr (encoded, '='));
      decoded = kbc_totp_base32_decode (encoded, &out_len, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (decoded, out_len, data, len);
    }
}

static void
test_base32_tolerant (void)
{
  /* "foobar" and the 20-byte RFC key written the ways people copy them. */
  static const char *const foobar[] = {
    "MZXW6YTBOI",   "MZXW6YTBOI======", "mzxw6ytboi",     "MzXw 6YtB oI",
    "mzxw-6ytb-oi", "  MZXW6YTBOI  ",   "mzxw 6ytb oi==",
  };
  g_autofree char *rfc = kbc_totp_base32_encode ((const guint8 *) RFC_SECRET, RFC_SECRET_LEN);
  g_autofree char *rfc_lower = g_ascii_strdown (rfc, -1);
  g_autoptr (GString) grouped = g_string_new (NULL);
  g_autofree guint8 *decoded = NULL;
  g_autoptr (GError) error = NULL;
  gsize out_len = 0;

  g_assert_cmpstr (rfc, ==, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

  for (guint i = 0; i < G_N_ELEMENTS (foobar); i++)
    {
      g_autofree guint8 *out = kbc_totp_base32_decode (foobar[i], &out_len, &error);

      g_assert_no_error (error);
      g_assert_cmpmem (out, out_len, "foobar", 6);
    }

  /* Lower case, in groups of four as the dialog shows it. */
  for (const char *p = rfc_lower; *p != '\0'; p++)
    {
      if (p != rfc_lower && (p - rfc_lower) % 4 == 0)
        g_string_append_c (grouped, ' ');
      g_string_append_c (grouped, *p);
    }
  decoded = kbc_totp_base32_decode (grouped->str, &out_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (decoded, out_len, RFC_SECRET, RFC_SECRET_LEN);
}

static void
test_base32_invalid (void)
{
  static const char *const invalid[] = {
    "",            /* empty */
    "   ",         /* nothing but spaces */
    "======",      /* nothing but padding */
    "MZXW6YTB1",   /* 1 is not base32 */
    "MZXW6YTB8A",  /* nor 8 */
    "MZXW6YTB0A",  /* nor 0 */
    "MZXW6Y!B",    /* punctuation */
    "MZ=XW6YTB",   /* padding in the middle */
    "M",           /* a single character is never a whole quantum */
    "MZX",         /* 3 characters cannot end a text */
    "MZXW6Y",      /* nor 6 */
    "MZXW6YTBOIé", /* non-ASCII */
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize out_len = 1;
      g_autofree guint8 *out = kbc_totp_base32_decode (invalid[i], &out_len, &error);

      g_test_message ("base32 %s", invalid[i]);
      g_assert_null (out);
      g_assert_cmpuint (out_len, ==, 0);
      g_assert_error (error, KBC_TOTP_ERROR, KBC_TOTP_ERROR_INVALID_SECRET);
    }
}

static void
test_uri_build (void)
{
  g_autofree char *uri = NULL;
  g_autofree char *spaced = NULL;

  uri = kbc_totp_build_uri (KBC_TOTP_ISSUER, "dana.demo@example.com", (const guint8 *) RFC_SECRET,
                            RFC_SECRET_LEN);
  g_assert_cmpstr (uri, ==,
                   "otpauth://totp/Keboola:dana.demo@example.com"
                   "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                   "&issuer=Keboola&algorithm=SHA1&digits=6&period=30");

  /* Anything but unreserved characters and '@' is percent-encoded, the colon
   * and '+' included (a label may contain neither literally). */
  spaced = kbc_totp_build_uri ("ACME Co", "a+b:c d@x.test", (const guint8 *) "foobar", 6);
  g_assert_cmpstr (spaced, ==,
                   "otpauth://totp/ACME%20Co:a%2Bb%3Ac%20d@x.test"
                   "?secret=MZXW6YTBOI&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
}

static void
test_uri_round_trip (void)
{
  static const char *const accounts[] = {
    "dana.demo@example.com", "a+b@example.com",        "Žluťoučký kůň@example.cz",
    "a:b@example.com",       "percent%41@example.com",
  };
  /* Issuers with a colon, which the format forbids in a label but which
   * the link then carries encoded (found by fuzzing the otpauth parser:
   * the parser took the encoded colon for the separator). */
  static const char *const issuers[] = { KBC_TOTP_ISSUER, "ACME:Prod", "a:b:c", "%3A" };
  guint8 secret[KBC_TOTP_SECRET_SIZE];

  kbc_totp_generate_secret (secret);

  for (guint j = 0; j < G_N_ELEMENTS (issuers); j++)
    for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
      {
        g_autofree char *uri = kbc_totp_build_uri (issuers[j], accounts[i], secret, sizeof secret);
        g_autoptr (GError) error = NULL;
        g_autoptr (KbcTotpUri) parsed = kbc_totp_uri_parse (uri, &error);

        g_test_message ("issuer %s, account %s: %s", issuers[j], accounts[i], uri);
        g_assert_no_error (error);
        g_assert_nonnull (parsed);
        g_assert_cmpstr (parsed->issuer, ==, issuers[j]);
        g_assert_cmpstr (parsed->account, ==, accounts[i]);
        g_assert_cmpmem (parsed->secret, parsed->secret_len, secret, sizeof secret);
        g_assert_cmpstr (parsed->algorithm, ==, "SHA1");
        g_assert_cmpuint (parsed->digits, ==, 6);
        g_assert_cmpuint (parsed->period, ==, 30);
      }
}

static void
test_uri_parse_variants (void)
{
  /* Each one means issuer Keboola, account dana@example.com, secret "foobar". */
  static const char *const variants[] = {
    /* '@' literal or encoded */
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&issuer=Keboola",
    "otpauth://totp/Keboola:dana%40example.com?secret=MZXW6YTBOI&issuer=Keboola",
    /* the colon encoded, and a space before the account */
    "otpauth://totp/Keboola%3Adana@example.com?secret=MZXW6YTBOI&issuer=Keboola",
    "otpauth://totp/Keboola%3adana@example.com?secret=MZXW6YTBOI",
    "otpauth://totp/Keboola:%20dana@example.com?secret=MZXW6YTBOI",
    /* the issuer only as a parameter */
    "otpauth://totp/dana@example.com?secret=MZXW6YTBOI&issuer=Keboola",
    /* secret in lower case, with padding, spaces, or encoded spaces */
    "otpauth://totp/Keboola:dana@example.com?secret=mzxw6ytboi&issuer=Keboola",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI%3D%3D%3D%3D%3D%3D",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW%206YTB%20OI",
    /* every parameter, in another order, in another case of the scheme */
    "OTPAUTH://TOTP/Keboola:dana@example.com?period=30&digits=6&algorithm=sha1&issuer=Keboola"
    "&secret=MZXW6YTBOI",
    /* parameters other apps add are ignored; an empty pair too */
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&image=https%3A%2F%2Fx.test%2Fa.png&&",
  };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (KbcTotpUri) parsed = kbc_totp_uri_parse (variants[i], &error);

      g_test_message ("%s", variants[i]);
      g_assert_no_error (error);
      g_assert_cmpstr (parsed->issuer, ==, "Keboola");
      g_assert_cmpstr (parsed->account, ==, "dana@example.com");
      g_assert_cmpmem (parsed->secret, parsed->secret_len, "foobar", 6);
    }

  /* No issuer at all is allowed by the format. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (KbcTotpUri) parsed =
        kbc_totp_uri_parse ("otpauth://totp/dana@example.com?secret=MZXW6YTBOI", &error);

    g_assert_no_error (error);
    g_assert_null (parsed->issuer);
    g_assert_cmpstr (parsed->account, ==, "dana@example.com");
  }
}

static void
test_uri_malformed (void)
{
  static const char *const malformed[] = {
    "",
    "not a uri",
    "https://totp/Keboola:dana@example.com?secret=MZXW6YTBOI",
    "otpauth:totp/Keboola:dana@example.com?secret=MZXW6YTBOI",
    /* other types */
    "otpauth://hotp/Keboola:dana@example.com?secret=MZXW6YTBOI&counter=0",
    "otpauth://steam/Keboola:dana@example.com?secret=MZXW6YTBOI",
    /* no label, empty parts */
    "otpauth://totp?secret=MZXW6YTBOI",
    "otpauth://totp/?secret=MZXW6YTBOI",
    "otpauth://totp/Keboola:?secret=MZXW6YTBOI",
    "otpauth://totp/Keboola:%20%20?secret=MZXW6YTBOI",
    "otpauth://totp/:dana@example.com?secret=MZXW6YTBOI",
    "otpauth://totp/Keboola:dana:x@example.com?secret=MZXW6YTBOI",
    /* the secret */
    "otpauth://totp/Keboola:dana@example.com",
    "otpauth://totp/Keboola:dana@example.com?issuer=Keboola",
    "otpauth://totp/Keboola:dana@example.com?secret=&issuer=Keboola",
    "otpauth://totp/Keboola:dana@example.com?secret",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTB01",
    "otpauth://totp/Keboola:dana@example.com?secret=MZX",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&secret=MZXW6YTBOI",
    /* algorithm, digits, period */
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&algorithm=SHA256",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&algorithm=SHA512",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&algorithm=MD5",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&algorithm=",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&digits=8",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&digits=six",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&digits=-6",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&digits=",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&digits=06x",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&period=60",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&period=0",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&period=30s",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&period=99999999999999999999",
    /* bad percent-encoding */
    "otpauth://totp/Keboola:dana%4@example.com?secret=MZXW6YTBOI",
    "otpauth://totp/Keboola:dana%ZZexample.com?secret=MZXW6YTBOI",
    "otpauth://totp/Keboola:dana%00@example.com?secret=MZXW6YTBOI",
    "otpauth://totp/Keboola:dana%FF@example.com?secret=MZXW6YTBOI",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&issuer=Kebo%2",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI%&issuer=Keboola",
    /* the label's issuer is not the parameter's */
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&issuer=Evil",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&issuer=keboola",
    "otpauth://totp/Keboola:dana@example.com?secret=MZXW6YTBOI&issuer=Keboola&issuer=Keboola",
  };

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (KbcTotpUri) parsed = kbc_totp_uri_parse (malformed[i], &error);

      g_assert_null (parsed);
      g_assert_error (error, KBC_TOTP_ERROR, KBC_TOTP_ERROR_INVALID_URI);
      g_test_message ("%s: %s", malformed[i], error->message);
    }
}

static void
test_generate_secret (void)
{
  guint8 a[KBC_TOTP_SECRET_SIZE] = { 0 };
  guint8 b[KBC_TOTP_SECRET_SIZE] = { 0 };
  static const guint8 zero[KBC_TOTP_SECRET_SIZE] = { 0 };

  kbc_totp_generate_secret (a);
  kbc_totp_generate_secret (b);

  /* 160 random bits: all zero, or twice the same, means no randomness. */
  g_assert_true (memcmp (a, zero, sizeof a) != 0);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
}

static void
test_verify_window (void)
{
  const guint8 *secret = (const guint8 *) RFC_SECRET;
  /* The middle of a step, so ±30 s lands on the neighbouring steps. */
  const gint64 now = 1234567890 - 1234567890 % 30 + 15;
  const gint64 now_step = kbc_totp_step_at (now);
  static const struct
  {
    int offset;
    gboolean accepted;
  } cases[] = {
    { 0, TRUE },   { -30, TRUE },  { 30, TRUE },  { -60, FALSE },
    { 60, FALSE }, { -90, FALSE }, { 90, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* The code an authenticator whose clock is off by `offset` shows. */
      g_autofree char *code = kbc_totp_code_at (secret, RFC_SECRET_LEN, now + cases[i].offset);
      gint64 matched = -42;
      gboolean ok;

      ok = kbc_totp_verify (secret, RFC_SECRET_LEN, code, now, -1, &matched);
      g_test_message ("offset %+d s", cases[i].offset);
      g_assert_cmpint (ok, ==, cases[i].accepted);
      if (ok)
        g_assert_cmpint (matched, ==, now_step + cases[i].offset / 30);
      else
        g_assert_cmpint (matched, ==, -42);
    }
}

static void
test_verify_replay (void)
{
  const guint8 *secret = (const guint8 *) RFC_SECRET;
  const gint64 now = 2000000000;
  const gint64 now_step = kbc_totp_step_at (now);
  g_autofree char *code_now = kbc_totp_code_at (secret, RFC_SECRET_LEN, now);
  g_autofree char *code_prev = kbc_totp_code_at (secret, RFC_SECRET_LEN, now - 30);
  g_autofree char *code_next = kbc_totp_code_at (secret, RFC_SECRET_LEN, now + 30);
  gint64 last = -1;
  gint64 matched = -1;

  g_assert_true (kbc_totp_verify (secret, RFC_SECRET_LEN, code_now, now, last, &matched));
  g_assert_cmpint (matched, ==, now_step);
  last = matched;

  /* The same code again, now and a step later while it is still in the window. */
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, code_now, now, last, &matched));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, code_now, now + 30, last, &matched));
  /* An older code after a newer one was used. */
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, code_prev, now, last, &matched));

  /* The next step's code is still fresh, and then it too is used up. */
  g_assert_true (kbc_totp_verify (secret, RFC_SECRET_LEN, code_next, now, last, &matched));
  g_assert_cmpint (matched, ==, now_step + 1);
  last = matched;
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, code_next, now + 30, last, &matched));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, code_now, now + 30, last, &matched));
}

static void
test_verify_bad_codes (void)
{
  const guint8 *secret = (const guint8 *) RFC_SECRET;
  const gint64 now = 1111111111;
  g_autofree char *code = kbc_totp_code_at (secret, RFC_SECRET_LEN, now);
  g_autofree char *longer = g_strconcat (code, "0", NULL);
  g_autofree char *spaced = g_strdup_printf ("%.3s %s", code, code + 3);
  g_autofree char *wrong = g_strdup (code);
  guint8 other[KBC_TOTP_SECRET_SIZE];

  wrong[5] = wrong[5] == '9' ? '0' : wrong[5] + 1;
  memcpy (other, RFC_SECRET, sizeof other);
  other[0] ^= 1;

  g_assert_true (kbc_totp_verify (secret, RFC_SECRET_LEN, code, now, -1, NULL));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, wrong, now, -1, NULL));
  g_assert_false (kbc_totp_verify (other, sizeof other, code, now, -1, NULL));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, NULL, now, -1, NULL));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, "", now, -1, NULL));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, code + 1, now, -1, NULL));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, longer, now, -1, NULL));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, spaced, now, -1, NULL));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, "12345a", now, -1, NULL));
  g_assert_false (kbc_totp_verify (secret, RFC_SECRET_LEN, "-12345", now, -1, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/totp/hotp-rfc4226", test_hotp_rfc4226);
  g_test_add_func ("/kbc/totp/totp-rfc6238", test_totp_rfc6238);
  g_test_add_func ("/kbc/totp/step-at", test_step_at);
  g_test_add_func ("/kbc/totp/base32-rfc4648", test_base32_rfc4648);
  g_test_add_func ("/kbc/totp/base32-round-trip", test_base32_round_trip);
  g_test_add_func ("/kbc/totp/base32-tolerant", test_base32_tolerant);
  g_test_add_func ("/kbc/totp/base32-invalid", test_base32_invalid);
  g_test_add_func ("/kbc/totp/uri-build", test_uri_build);
  g_test_add_func ("/kbc/totp/uri-round-trip", test_uri_round_trip);
  g_test_add_func ("/kbc/totp/uri-parse-variants", test_uri_parse_variants);
  g_test_add_func ("/kbc/totp/uri-malformed", test_uri_malformed);
  g_test_add_func ("/kbc/totp/generate-secret", test_generate_secret);
  g_test_add_func ("/kbc/totp/verify-window", test_verify_window);
  g_test_add_func ("/kbc/totp/verify-replay", test_verify_replay);
  g_test_add_func ("/kbc/totp/verify-bad-codes", test_verify_bad_codes);

  return g_test_run ();
}
