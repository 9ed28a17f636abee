/* kbc-startup-mark.c: the moments of start-up, for the benchmark
 *
 * tests/bench/bench-startup.c measures how long the app takes to show its
 * window and the loaded Account page. It cannot see inside the app, so the
 * app says when: once per process and name, on the first frame painted after
 * the moment, a debug message in the log domain "KbcStartup" with the
 * monotonic clock (the same clock in every process):
 *
 *   G_MESSAGES_DEBUG=KbcStartup kbc-account
 *   KbcStartup-DEBUG: …: mark first-frame 123456789
 *
 * Nothing is printed otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-startup-mark.h"

#define MARK_DOMAIN "KbcStartup"

static GHashTable *marked; /* names already marked */

typedef struct
{
  char *name;
  GWeakRef widget;
} Mark;

static void
mark_free (gpointer data, GClosure *closure)
{
  Mark *mark = data;

  g_free (mark->name);
  g_weak_ref_clear (&mark->widget);
  g_free (mark);
}

static void
after_paint_cb (GdkFrameClock *clock, Mark *mark)
{
  g_autoptr (GtkWidget) widget = g_weak_ref_get (&mark->widget);

  /* Gone or hidden before this frame: the frame did not show it, and no
   * later one will; the mark is not made. */
  if (widget != NULL && gtk_widget_get_mapped (widget))
    g_log (MARK_DOMAIN, G_LOG_LEVEL_DEBUG, "mark %s %" G_GINT64_FORMAT, mark->name,
           g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, mark);
}

static void
mapped_cb (GtkWidget *widget, Mark *mark)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (clock != NULL)
    {
      Mark *painted = g_new0 (Mark, 1);

      painted->name = g_strdup (mark->name);
      g_weak_ref_init (&painted->widget, widget);
      g_signal_connect_data (clock, "after-paint", G_CALLBACK (after_paint_cb), painted, mark_free,
                             0);
      gtk_widget_queue_draw (widget);
    }
  /* Last: when connected to "map", this frees @mark. */
  g_signal_handlers_disconnect_by_func (widget, mapped_cb, mark);
}

/* Marks @name once per process, on the first frame painted after now that
 * shows @widget (none when @widget is gone or unmapped by then). */
void
kbc_startup_mark_next_frame (GtkWidget *widget, const char *name)
{
  Mark *mark;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (name != NULL);

  if (marked == NULL)
    marked = g_hash_table_new (g_str_hash, g_str_equal);
  if (g_hash_table_contains (marked, name))
    return;
  g_hash_table_add (marked, (gpointer) g_intern_string (name));

  mark = g_new0 (Mark, 1);
  mark->name = g_strdup (name);
  g_weak_ref_init (&mark->widget, NULL);
  if (gtk_widget_get_mapped (widget))
    {
      mapped_cb (widget, mark);
      mark_free (mark, NULL);
    }
  else
    g_signal_connect_data (widget, "map", G_CALLBACK (mapped_cb), mark, mark_free, 0);
}
