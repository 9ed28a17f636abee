/* kbc-clipboard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-clipboard.h"

#include <string.h>

typedef struct
{
  GdkClipboard *clipboard;
  char *checksum; /* SHA-256 of the secret */
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->clipboard);
  g_free (pending->checksum);
  g_free (pending);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *pending = user_data;
  g_autofree char *text = NULL;
  g_autofree char *checksum = NULL;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (text != NULL)
    {
      checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
      explicit_bzero (text, strlen (text));
    }

  /* Still the secret: take it off. Anything else was put there since. */
  if (g_strcmp0 (checksum, pending->checksum) == 0)
    gdk_clipboard_set_content (pending->clipboard, NULL);

  pending_free (pending);
}

static gboolean
on_timeout (gpointer user_data)
{
  Pending *pending = user_data;

  gdk_clipboard_read_text_async (pending->clipboard, NULL, on_read, pending);
  return G_SOURCE_REMOVE;
}

void
kbc_clipboard_set_secret (GdkClipboard *clipboard, const char *secret, guint seconds)
{
  Pending *pending;

  g_return_if_fail (GDK_IS_CLIPBOARD (clipboard));
  g_return_if_fail (secret != NULL);

  gdk_clipboard_set_text (clipboard, secret);

  pending = g_new0 (Pending, 1);
  pending->clipboard = g_object_ref (clipboard);
  pending->checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, MAX (seconds, 1), on_timeout, pending, NULL);
}
