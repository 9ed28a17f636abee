/* test-qr-paintable.c: KbcQrPaintable stays sharp at any scale and readable in light and dark styles
 *
 * Every picture is decoded by a real QR decoder (zbarimg).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "kbc-qr-paintable.h"
#include "kbc-test-gui.h"
#include "kbc-totp.h"

typedef struct
{
  char *dir;
  char *uri;
  KbcQrPaintable *paintable;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  guint8 secret[KBC_TOTP_SECRET_SIZE];

  fixture->dir = g_dir_make_tmp ("kbc-test-qr-paintable-XXXXXX", &error);
  g_assert_no_error (error);

  kbc_totp_generate_secret (secret);
  fixture->uri =
      kbc_totp_build_uri (KBC_TOTP_ISSUER, "dana.demo@example.com", secret, sizeof secret);
  fixture->paintable = kbc_qr_paintable_new_for_text (fixture->uri, &error);
  g_assert_no_error (error);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (fixture->dir);

  g_assert_finalize_object (fixture->paintable);
  g_free (fixture->uri);
  g_free (fixture->dir);
}

static char *
decode_png (const char *path)
{
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = -1;
  const char *argv[] = { NULL, "-q", "--raw", path, NULL };

  if (zbarimg == NULL)
    g_error ("zbarimg not found: install zbar-tools (build-aux/install-deps.sh)");
  argv[0] = zbarimg;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;

  g_strchomp (out);
  return g_steal_pointer (&out);
}

/* Renders @node with the Cairo renderer to an image of @width × @height pixels. */
static cairo_surface_t *
draw_node (GskRenderNode *node, int width, int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  /* Transparent pixels would read as black: start from a neutral gray. */
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_paint (cr);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

/* Counts pixels that are neither pure black nor pure white in the square
 * [x0, x0 + side)² of @surface: every one of them is a blurred edge. */
static guint
count_blurred (cairo_surface_t *surface, int x0, int y0, int side)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint blurred = 0;

  for (int y = y0; y < y0 + side; y++)
    for (int x = x0; x < x0 + side; x++)
      {
        guint32 pixel = *(const guint32 *) (data + (gsize) y * stride + (gsize) x * 4);

        if (pixel != 0xff000000 && pixel != 0xffffffff)
          blurred++;
      }

  return blurred;
}

static void
snapshot_and_decode (Fixture *fixture, double size, double device_scale)
{
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *decoded = NULL;
  cairo_surface_t *surface;
  int pixels = (int) ceil (size * device_scale);

  gtk_snapshot_scale (snapshot, device_scale, device_scale);
  gdk_paintable_snapshot (GDK_PAINTABLE (fixture->paintable), snapshot, size, size);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  surface = draw_node (node, pixels, pixels);
  g_test_message ("size %g at scale %g: %u blurred pixels", size, device_scale,
                  count_blurred (surface, 0, 0, pixels));
  g_assert_cmpuint (count_blurred (surface, 0, 0, pixels), ==, 0);

  name = g_strdup_printf ("qr-%g-x%g.png", size, device_scale);
  path = g_build_filename (fixture->dir, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  decoded = decode_png (path);
  g_assert_cmpstr (decoded, ==, fixture->uri);
}

static void
test_intrinsic_size (Fixture *fixture, gconstpointer user_data)
{
  GdkPaintable *paintable = GDK_PAINTABLE (fixture->paintable);
  KbcQr *qr = kbc_qr_paintable_get_qr (fixture->paintable);
  int expected =
      (kbc_qr_get_width (qr) + 2 * KBC_QR_PAINTABLE_QUIET_ZONE) * KBC_QR_PAINTABLE_MODULE_SIZE;

  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, expected);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, expected);
  g_assert_cmpfloat (gdk_paintable_get_intrinsic_aspect_ratio (paintable), ==, 1.0);
  g_assert_cmpint (gdk_paintable_get_flags (paintable), ==,
                   GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS);
}

static void
test_scales (Fixture *fixture, gconstpointer user_data)
{
  GdkPaintable *paintable = GDK_PAINTABLE (fixture->paintable);
  double intrinsic = gdk_paintable_get_intrinsic_width (paintable);

  /* The intrinsic size, a size that is not a multiple of the module count,
   * and both again on a display with twice as many pixels. */
  snapshot_and_decode (fixture, intrinsic, 1);
  snapshot_and_decode (fixture, 333, 1);
  snapshot_and_decode (fixture, intrinsic, 2);
  snapshot_and_decode (fixture, 333, 2);
}

static void
test_quiet_zone (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  KbcQr *qr = kbc_qr_paintable_get_qr (fixture->paintable);
  int modules = kbc_qr_get_width (qr) + 2 * KBC_QR_PAINTABLE_QUIET_ZONE;
  int size = modules * 5;
  const int zone = KBC_QR_PAINTABLE_QUIET_ZONE * 5;
  cairo_surface_t *surface;
  const guint8 *data;
  int stride;

  gdk_paintable_snapshot (GDK_PAINTABLE (fixture->paintable), snapshot, size, size);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  surface = draw_node (node, size, size);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  /* Four white modules on every side, then the modules pixel for pixel. */
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        guint32 pixel = *(const guint32 *) (data + (gsize) y * stride + (gsize) x * 4);
        gboolean dark =
            kbc_qr_get_module (qr, (x - zone) / 5, (y - zone) / 5) && x >= zone && y >= zone;

        g_assert_cmphex (pixel, ==, dark ? 0xff000000 : 0xffffffff);
      }

  cairo_surface_destroy (surface);
}

/* The paintable as the TOTP dialog shows it: in a framed GtkPicture in a
 * window, rendered by the window's own renderer, in @scheme. */
static void
render_in_window (Fixture *fixture, AdwColorScheme scheme, const char *png_name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWidget *window;
  GtkWidget *frame;
  GtkWidget *picture;
  g_autoptr (GdkPaintable) widget_paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, png_name, NULL);
  g_autofree char *decoded = NULL;
  int width;
  int height;

  adw_style_manager_set_color_scheme (style, scheme);
  g_assert_cmpint (adw_style_manager_get_dark (style), ==, scheme == ADW_COLOR_SCHEME_FORCE_DARK);

  window = gtk_window_new ();
  frame = gtk_frame_new (NULL);
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (fixture->paintable));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (frame, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (frame, 24);
  gtk_widget_set_margin_end (frame, 24);
  gtk_widget_set_margin_top (frame, 24);
  gtk_widget_set_margin_bottom (frame, 24);
  gtk_frame_set_child (GTK_FRAME (frame), picture);
  gtk_window_set_child (GTK_WINDOW (window), frame);
  gtk_window_present (GTK_WINDOW (window));
  kbc_gui_wait_drawn (picture);

  /* The window's background follows the style: dark in dark. */
  widget_paintable = gtk_widget_paintable_new (window);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  gdk_paintable_snapshot (widget_paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));

  {
    /* A corner of the window shows the style really is what we asked for. */
    g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);
    guint32 corner;
    guint8 luma;

    gdk_texture_download (texture, (guchar *) pixels, 4 * (gsize) width);
    corner = pixels[0];
    luma = (guint8) (((corner >> 16) & 0xff) * 0.3 + ((corner >> 8) & 0xff) * 0.59 +
                     (corner & 0xff) * 0.11);
    g_test_message ("%s: window corner 0x%08x", png_name, corner);
    if (scheme == ADW_COLOR_SCHEME_FORCE_DARK)
      g_assert_cmpuint (luma, <, 96);
    else
      g_assert_cmpuint (luma, >, 160);
  }

  decoded = decode_png (path);
  g_assert_cmpstr (decoded, ==, fixture->uri);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_light_style (Fixture *fixture, gconstpointer user_data)
{
  render_in_window (fixture, ADW_COLOR_SCHEME_FORCE_LIGHT, "window-light.png");
}

static void
test_dark_style (Fixture *fixture, gconstpointer user_data)
{
  render_in_window (fixture, ADW_COLOR_SCHEME_FORCE_DARK, "window-dark.png");
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/kbc/qr-paintable/intrinsic-size", Fixture, NULL, fixture_set_up,
              test_intrinsic_size, fixture_tear_down);
  g_test_add ("/kbc/qr-paintable/scales", Fixture, NULL, fixture_set_up, test_scales,
              fixture_tear_down);
  g_test_add ("/kbc/qr-paintable/quiet-zone", Fixture, NULL, fixture_set_up, test_quiet_zone,
              fixture_tear_down);
  g_test_add ("/kbc/qr-paintable/light-style", Fixture, NULL, fixture_set_up, test_light_style,
              fixture_tear_down);
  g_test_add ("/kbc/qr-paintable/dark-style", Fixture, NULL, fixture_set_up, test_dark_style,
              fixture_tear_down);

  return g_test_run ();
}
