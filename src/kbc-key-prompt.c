/* kbc-key-prompt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-key-prompt.h"

#include <glib/gi18n.h>

struct _KbcKeyPrompt
{
  GtkWidget parent_instance;

  /* Template children */
  GtkLabel *title_label;
  GtkLabel *countdown_label;

  guint tick_source;
  gint64 deadline; /* monotonic, µs */
};

G_DEFINE_FINAL_TYPE (KbcKeyPrompt, kbc_key_prompt, GTK_TYPE_WIDGET)

static void
update_countdown (KbcKeyPrompt *self)
{
  gint64 left_us = self->deadline - g_get_monotonic_time ();
  int left = (int) MAX ((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 0);
  g_autofree char *text = NULL;

  /* Translators: how long the security key still waits for a touch. */
  text = g_strdup_printf (ngettext ("%d second left", "%d seconds left", left), left);
  gtk_label_set_text (self->countdown_label, text);
}

static gboolean
tick_cb (gpointer user_data)
{
  KbcKeyPrompt *self = user_data;

  update_countdown (self);
  if (g_get_monotonic_time () >= self->deadline)
    {
      /* The key gives up by itself; its error follows. */
      self->tick_source = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
kbc_key_prompt_dispose (GObject *object)
{
  KbcKeyPrompt *self = KBC_KEY_PROMPT (object);
  GtkWidget *child;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_KEY_PROMPT);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kbc_key_prompt_parent_class)->dispose (object);
}

static void
kbc_key_prompt_class_init (KbcKeyPromptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbc_key_prompt_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-key-prompt.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcKeyPrompt, title_label);
  gtk_widget_class_bind_template_child (widget_class, KbcKeyPrompt, countdown_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "keyprompt");
}

static void
kbc_key_prompt_init (KbcKeyPrompt *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_key_prompt_new (void)
{
  return g_object_new (KBC_TYPE_KEY_PROMPT, NULL);
}

void
kbc_key_prompt_start (KbcKeyPrompt *self, guint timeout_seconds)
{
  g_return_if_fail (KBC_IS_KEY_PROMPT (self));

  g_clear_handle_id (&self->tick_source, g_source_remove);
  self->deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  update_countdown (self);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "waiting");
  self->tick_source = g_timeout_add (250, tick_cb, self);
}

void
kbc_key_prompt_stop (KbcKeyPrompt *self)
{
  g_return_if_fail (KBC_IS_KEY_PROMPT (self));

  g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "waiting");
}

gboolean
kbc_key_prompt_get_waiting (KbcKeyPrompt *self)
{
  g_return_val_if_fail (KBC_IS_KEY_PROMPT (self), FALSE);

  return gtk_widget_has_css_class (GTK_WIDGET (self), "waiting");
}

void
kbc_key_prompt_set_title (KbcKeyPrompt *self, const char *title)
{
  g_return_if_fail (KBC_IS_KEY_PROMPT (self));

  gtk_label_set_text (self->title_label, title != NULL ? title : _ ("Touch your security key"));
}
