/* kbc-qr.c: a QR code matrix from libqrencode (no GTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-qr.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <qrencode.h>

struct _KbcQr
{
  int width;
  guint8 *modules; /* width × width, 1 for dark */
};

G_DEFINE_QUARK (kbc - qr - error - quark, kbc_qr_error)
G_DEFINE_BOXED_TYPE (KbcQr, kbc_qr, kbc_qr_ref, kbc_qr_unref)

static void
kbc_qr_clear (KbcQr *qr)
{
  /* The matrix encodes a TOTP secret: do not leave it in freed memory. */
  if (qr->modules != NULL)
    explicit_bzero (qr->modules, (gsize) qr->width * qr->width);
  g_free (qr->modules);
}

KbcQr *
kbc_qr_new (const char *text, GError **error)
{
  QRcode *code;
  KbcQr *qr;
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      if (errno == ERANGE)
        g_set_error_literal (error, KBC_QR_ERROR, KBC_QR_ERROR_TOO_LONG,
                             _ ("The text is too long for a QR code"));
      else
        g_set_error (error, KBC_QR_ERROR, KBC_QR_ERROR_FAILED,
                     /* Translators: %s is a system error message. */
                     _ ("Could not make a QR code: %s"), g_strerror (errno));
      return NULL;
    }

  qr = g_atomic_rc_box_new0 (KbcQr);
  qr->width = code->width;
  n = (gsize) code->width * code->width;
  qr->modules = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    qr->modules[i] = code->data[i] & 1;

  explicit_bzero (code->data, n);
  QRcode_free (code);

  return qr;
}

KbcQr *
kbc_qr_ref (KbcQr *qr)
{
  g_return_val_if_fail (qr != NULL, NULL);

  return g_atomic_rc_box_acquire (qr);
}

void
kbc_qr_unref (KbcQr *qr)
{
  g_return_if_fail (qr != NULL);

  g_atomic_rc_box_release_full (qr, (GDestroyNotify) kbc_qr_clear);
}

int
kbc_qr_get_width (KbcQr *qr)
{
  g_return_val_if_fail (qr != NULL, 0);

  return qr->width;
}

gboolean
kbc_qr_get_module (KbcQr *qr, int x, int y)
{
  g_return_val_if_fail (qr != NULL, FALSE);

  if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
    return FALSE;

  return qr->modules[(gsize) y * qr->width + x] != 0;
}

GBytes *
kbc_qr_render_gray (KbcQr *qr, int scale, int quiet_zone, int *out_size)
{
  guint8 *pixels;
  int modules;
  int size;

  g_return_val_if_fail (qr != NULL, NULL);
  g_return_val_if_fail (scale >= 1, NULL);
  g_return_val_if_fail (quiet_zone >= 0, NULL);

  modules = qr->width + 2 * quiet_zone;
  g_return_val_if_fail (modules <= G_MAXINT / scale, NULL);
  size = modules * scale;

  pixels = g_malloc ((gsize) size * size);
  for (int py = 0; py < size; py++)
    {
      int y = py / scale - quiet_zone;
      guint8 *row = pixels + (gsize) py * size;

      for (int px = 0; px < size; px++)
        row[px] = kbc_qr_get_module (qr, px / scale - quiet_zone, y) ? 0 : 255;
    }

  if (out_size != NULL)
    *out_size = size;

  return g_bytes_new_take (pixels, (gsize) size * size);
}
