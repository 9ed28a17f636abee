/* kbc-qr-paintable.h: a QR code as a GdkPaintable, crisp at any size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "kbc-qr.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_QR_PAINTABLE_QUIET_ZONE   4 /* light modules around the symbol */
#define KBC_QR_PAINTABLE_MODULE_SIZE  4 /* logical pixels per module at the intrinsic size */

#define KBC_TYPE_QR_PAINTABLE (kbc_qr_paintable_get_type ())
G_DECLARE_FINAL_TYPE (KbcQrPaintable, kbc_qr_paintable, KBC, QR_PAINTABLE, GObject)

/* Dark modules on white, whatever the style: scanners want that. Each module
 * is drawn as a whole number of pixels, so the code stays sharp when scaled. */
KbcQrPaintable *kbc_qr_paintable_new          (KbcQr          *qr);
KbcQrPaintable *kbc_qr_paintable_new_for_text (const char     *text,
                                               GError        **error);
KbcQr          *kbc_qr_paintable_get_qr       (KbcQrPaintable *self);

/* clang-format on */

G_END_DECLS
