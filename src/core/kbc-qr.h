/* kbc-qr.h: a QR code matrix from libqrencode (no GTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_QR_ERROR (kbc_qr_error_quark ())

typedef enum
{
  KBC_QR_ERROR_TOO_LONG, /* the text does not fit in the largest symbol */
  KBC_QR_ERROR_FAILED,
} KbcQrError;

#define KBC_TYPE_QR (kbc_qr_get_type ())

/* An immutable, reference-counted QR symbol, error correction level M, byte
 * mode. Modules are addressed from the top-left corner, without a quiet zone. */
typedef struct _KbcQr KbcQr;

GQuark      kbc_qr_error_quark   (void);
GType       kbc_qr_get_type      (void) G_GNUC_CONST;

KbcQr      *kbc_qr_new           (const char  *text,
                                  GError     **error);
KbcQr      *kbc_qr_ref           (KbcQr       *qr);
void        kbc_qr_unref         (KbcQr       *qr);

/* The number of modules on a side. */
int         kbc_qr_get_width     (KbcQr       *qr);
/* TRUE for a dark module; FALSE outside the matrix. */
gboolean    kbc_qr_get_module    (KbcQr       *qr,
                                  int          x,
                                  int          y);

/* 8-bit gray pixels (0 dark, 255 light), row after row with no padding, of
 * the matrix with @quiet_zone light modules around it, each module @scale
 * pixels wide. @out_size receives the side in pixels. */
GBytes     *kbc_qr_render_gray   (KbcQr       *qr,
                                  int          scale,
                                  int          quiet_zone,
                                  int         *out_size);

/* clang-format on */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcQr, kbc_qr_unref)

G_END_DECLS
