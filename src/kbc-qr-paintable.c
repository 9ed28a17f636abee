/* kbc-qr-paintable.c: a QR code as a GdkPaintable, crisp at any size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-qr-paintable.h"

#include <math.h>

struct _KbcQrPaintable
{
  GObject parent_instance;

  KbcQr *qr;
};

enum
{
  PROP_0,
  PROP_QR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KbcQrPaintable,
                               kbc_qr_paintable,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

static int
side_in_modules (KbcQrPaintable *self)
{
  return kbc_qr_get_width (self->qr) + 2 * KBC_QR_PAINTABLE_QUIET_ZONE;
}

static void
kbc_qr_paintable_snapshot (GdkPaintable *paintable,
                           GdkSnapshot *snapshot,
                           double width,
                           double height)
{
  KbcQrPaintable *self = KBC_QR_PAINTABLE (paintable);
  static const GdkRGBA white = { 1, 1, 1, 1 };
  static const GdkRGBA black = { 0, 0, 0, 1 };
  int modules = side_in_modules (self);
  int qr_width = kbc_qr_get_width (self->qr);
  double side = MIN (width, height);
  double module;
  double ox;
  double oy;

  if (side <= 0)
    return;

  /* A whole number of pixels per module keeps every edge on a pixel
   * boundary (GTK 4.8 scales by whole factors), so nothing is blurred. Only
   * when there is less than a pixel per module is a fraction unavoidable. */
  module = floor (side / modules);
  if (module < 1)
    module = side / modules;
  ox = floor ((width - module * modules) / 2);
  oy = floor ((height - module * modules) / 2);

  /* The white covers the whole area, a larger quiet zone at worst. */
  gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &white,
                             &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* One rectangle per horizontal run of dark modules. */
  for (int y = 0; y < qr_width; y++)
    {
      int x = 0;

      while (x < qr_width)
        {
          int run = 0;

          if (!kbc_qr_get_module (self->qr, x, y))
            {
              x++;
              continue;
            }
          while (x + run < qr_width && kbc_qr_get_module (self->qr, x + run, y))
            run++;

          gtk_snapshot_append_color (
              GTK_SNAPSHOT (snapshot), &black,
              &GRAPHENE_RECT_INIT (ox + (x + KBC_QR_PAINTABLE_QUIET_ZONE) * module,
                                   oy + (y + KBC_QR_PAINTABLE_QUIET_ZONE) * module, run * module,
                                   module));
          x += run;
        }
    }
}

static int
kbc_qr_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return side_in_modules (KBC_QR_PAINTABLE (paintable)) * KBC_QR_PAINTABLE_MODULE_SIZE;
}

static int
kbc_qr_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return side_in_modules (KBC_QR_PAINTABLE (paintable)) * KBC_QR_PAINTABLE_MODULE_SIZE;
}

static double
kbc_qr_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return 1.0;
}

static GdkPaintableFlags
kbc_qr_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = kbc_qr_paintable_snapshot;
  iface->get_intrinsic_width = kbc_qr_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = kbc_qr_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = kbc_qr_paintable_get_intrinsic_aspect_ratio;
  iface->get_flags = kbc_qr_paintable_get_flags;
}

static void
kbc_qr_paintable_finalize (GObject *object)
{
  KbcQrPaintable *self = KBC_QR_PAINTABLE (object);

  g_clear_pointer (&self->qr, kbc_qr_unref);

  G_OBJECT_CLASS (kbc_qr_paintable_parent_class)->finalize (object);
}

static void
kbc_qr_paintable_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcQrPaintable *self = KBC_QR_PAINTABLE (object);

  switch (prop_id)
    {
      case PROP_QR:
        g_value_set_boxed (value, self->qr);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_qr_paintable_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  KbcQrPaintable *self = KBC_QR_PAINTABLE (object);

  switch (prop_id)
    {
      case PROP_QR:
        self->qr = g_value_dup_boxed (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_qr_paintable_class_init (KbcQrPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kbc_qr_paintable_finalize;
  object_class->get_property = kbc_qr_paintable_get_property;
  object_class->set_property = kbc_qr_paintable_set_property;

  properties[PROP_QR] = g_param_spec_boxed ("qr", NULL, NULL, KBC_TYPE_QR,
                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_qr_paintable_init (KbcQrPaintable *self)
{
}

KbcQrPaintable *
kbc_qr_paintable_new (KbcQr *qr)
{
  g_return_val_if_fail (qr != NULL, NULL);

  return g_object_new (KBC_TYPE_QR_PAINTABLE, "qr", qr, NULL);
}

KbcQrPaintable *
kbc_qr_paintable_new_for_text (const char *text, GError **error)
{
  g_autoptr (KbcQr) qr = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  qr = kbc_qr_new (text, error);
  if (qr == NULL)
    return NULL;

  return kbc_qr_paintable_new (qr);
}

KbcQr *
kbc_qr_paintable_get_qr (KbcQrPaintable *self)
{
  g_return_val_if_fail (KBC_IS_QR_PAINTABLE (self), NULL);

  return self->qr;
}
