/* test-qr.c: KbcQr renders an otpauth URI that a real QR decoder (zbarimg) reads back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "kbc-qr.h"
#include "kbc-totp.h"

/* Writes 8-bit gray pixels as an RGB PNG (GdkPixbuf has no gray format). */
static void
save_gray_png (GBytes *gray, int size, const char *path)
{
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GError) error = NULL;
  const guint8 *src;
  guint8 *dst;
  int stride;

  g_assert_cmpuint (g_bytes_get_size (gray), ==, (gsize) size * size);

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, size, size);
  g_assert_nonnull (pixbuf);
  src = g_bytes_get_data (gray, NULL);
  dst = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      memset (dst + (gsize) y * stride + (gsize) x * 3, src[(gsize) y * size + x], 3);

  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* The text zbarimg decodes from @path, without the newline it adds. */
static char *
decode_png (const char *path)
{
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = -1;
  const char *argv[] = { NULL, "-q", "--raw", path, NULL };

  if (zbarimg == NULL)
    g_error ("zbarimg not found: install zbar-tools (build-aux/install-deps.sh)");
  argv[0] = zbarimg;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("zbarimg failed on %s: %s", path, err);
      return NULL;
    }

  g_strchomp (out);
  return g_steal_pointer (&out);
}

static void
test_decode_uri (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (GError) error = NULL;
  guint8 secret[KBC_TOTP_SECRET_SIZE];
  g_autofree char *uri = NULL;
  g_autoptr (KbcQr) qr = NULL;
  static const int scales[] = { 2, 3, 5, 8 };

  dir = g_dir_make_tmp ("kbc-test-qr-XXXXXX", &error);
  g_assert_no_error (error);

  kbc_totp_generate_secret (secret);
  uri = kbc_totp_build_uri (KBC_TOTP_ISSUER, "dana.demo+qr@example.com", secret, sizeof secret);
  qr = kbc_qr_new (uri, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      g_autofree char *name = g_strdup_printf ("qr-%d.png", scales[i]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GBytes) gray = NULL;
      g_autofree char *decoded = NULL;
      int size = 0;

      gray = kbc_qr_render_gray (qr, scales[i], 4, &size);
      g_assert_cmpint (size, ==, (kbc_qr_get_width (qr) + 8) * scales[i]);
      save_gray_png (gray, size, path);

      decoded = decode_png (path);
      g_test_message ("scale %d decoded: %s", scales[i], decoded != NULL ? "yes" : "no");
      g_assert_cmpstr (decoded, ==, uri);
      g_remove (path);
    }

  g_rmdir (dir);
}

/* Light modules on dark are not read by the decoder: this shows the
 * decoding step above really depends on the picture, not on luck. */
static void
test_inverted_unreadable (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcQr) qr = NULL;
  g_autoptr (GBytes) gray = NULL;
  g_autofree guint8 *inverted = NULL;
  g_autoptr (GBytes) inverted_bytes = NULL;
  g_autofree char *decoded = NULL;
  int size = 0;

  dir = g_dir_make_tmp ("kbc-test-qr-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "inverted.png", NULL);

  qr = kbc_qr_new ("otpauth://totp/Keboola:a@b.test?secret=MZXW6YTBOI&issuer=Keboola", &error);
  g_assert_no_error (error);
  gray = kbc_qr_render_gray (qr, 4, 4, &size);

  /* Light modules on dark, as a careless dark style would draw it. */
  inverted = g_memdup2 (g_bytes_get_data (gray, NULL), g_bytes_get_size (gray));
  for (gsize i = 0; i < g_bytes_get_size (gray); i++)
    inverted[i] = 255 - inverted[i];
  inverted_bytes = g_bytes_new (inverted, g_bytes_get_size (gray));
  save_gray_png (inverted_bytes, size, path);

  decoded = decode_png (path);
  g_assert_null (decoded);

  g_remove (path);
  g_rmdir (dir);
}

static void
test_matrix (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcQr) qr = NULL;
  g_autoptr (GBytes) gray = NULL;
  const guint8 *pixels;
  int width;
  int size = 0;

  qr = kbc_qr_new ("otpauth://totp/Keboola:a@b.test?secret=MZXW6YTBOI", &error);
  g_assert_no_error (error);
  width = kbc_qr_get_width (qr);
  /* Versions are 21, 25, 29, … modules wide. */
  g_assert_cmpint (width, >=, 21);
  g_assert_cmpint ((width - 21) % 4, ==, 0);

  /* The three finder patterns: a dark 7×7 ring, a light ring, a dark 3×3 core,
   * and the light separator around them. */
  for (int corner = 0; corner < 3; corner++)
    {
      int ox = corner == 1 ? width - 7 : 0;
      int oy = corner == 2 ? width - 7 : 0;

      for (int y = -1; y <= 7; y++)
        for (int x = -1; x <= 7; x++)
          {
            int ring = MAX (ABS (x - 3), ABS (y - 3));
            gboolean dark = ring == 3 || ring <= 1;

            if (ox + x < 0 || oy + y < 0 || ox + x >= width || oy + y >= width)
              continue;
            g_assert_cmpint (kbc_qr_get_module (qr, ox + x, oy + y), ==, dark && ring <= 3);
          }
    }

  /* Outside the matrix every module is light. */
  g_assert_false (kbc_qr_get_module (qr, -1, 0));
  g_assert_false (kbc_qr_get_module (qr, 0, width));
  g_assert_false (kbc_qr_get_module (qr, width, width));

  /* The rendering: quiet zone light, then the modules at the scale. */
  gray = kbc_qr_render_gray (qr, 3, 4, &size);
  g_assert_cmpint (size, ==, (width + 8) * 3);
  pixels = g_bytes_get_data (gray, NULL);
  for (int py = 0; py < size; py++)
    for (int px = 0; px < size; px++)
      {
        int mx = px / 3 - 4;
        int my = py / 3 - 4;
        guint8 expected = kbc_qr_get_module (qr, mx, my) ? 0 : 255;

        g_assert_cmpuint (pixels[(gsize) py * size + px], ==, expected);
      }
  g_assert_cmpuint (pixels[0], ==, 255);
  g_assert_cmpuint (pixels[(gsize) 12 * size + 12], ==, 0);
}

static void
test_too_long (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcQr) qr = NULL;
  /* Version 40-M holds 2331 bytes. */
  g_autofree char *fits = g_strnfill (2331, 'a');
  g_autofree char *too_long = g_strnfill (2332, 'a');

  qr = kbc_qr_new (fits, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kbc_qr_get_width (qr), ==, 177);
  g_clear_pointer (&qr, kbc_qr_unref);

  qr = kbc_qr_new (too_long, &error);
  g_assert_null (qr);
  g_assert_error (error, KBC_QR_ERROR, KBC_QR_ERROR_TOO_LONG);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/qr/decode-uri", test_decode_uri);
  g_test_add_func ("/kbc/qr/inverted-unreadable", test_inverted_unreadable);
  g_test_add_func ("/kbc/qr/matrix", test_matrix);
  g_test_add_func ("/kbc/qr/too-long", test_too_long);

  return g_test_run ();
}
