/* kbc-code-entry.c: an entry for the 6-digit code of an authenticator app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-code-entry.h"

#include <string.h>

#include <glib/gi18n.h>

struct _KbcCodeEntry
{
  GtkWidget parent_instance;

  GtkWidget *text;

  gboolean complete;
  gboolean error;
};

enum
{
  PROP_0,
  PROP_COMPLETE,
  PROP_ERROR,
  N_PROPS
};

enum
{
  SIGNAL_COMPLETE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void editable_iface_init (GtkEditableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KbcCodeEntry,
                               kbc_code_entry,
                               GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_EDITABLE, editable_iface_init))

static GtkEditable *
kbc_code_entry_get_delegate (GtkEditable *editable)
{
  return GTK_EDITABLE (KBC_CODE_ENTRY (editable)->text);
}

static void
editable_iface_init (GtkEditableInterface *iface)
{
  iface->get_delegate = kbc_code_entry_get_delegate;
}

/* Keeps only the digits of what is typed or pasted ("123 456" → "123456");
 * GtkText's max-length then cuts what does not fit. */
static void
on_insert_text (GtkEditable *text,
                const char *new_text,
                int length,
                int *position,
                KbcCodeEntry *self)
{
  g_autoptr (GString) digits = g_string_new (NULL);

  if (length < 0)
    length = strlen (new_text);

  for (int i = 0; i < length; i++)
    if (g_ascii_isdigit (new_text[i]))
      g_string_append_c (digits, new_text[i]);

  if (digits->len == (gsize) length)
    return;

  g_signal_stop_emission_by_name (text, "insert-text");
  if (digits->len == 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  g_signal_handlers_block_by_func (text, on_insert_text, self);
  gtk_editable_insert_text (text, digits->str, digits->len, position);
  g_signal_handlers_unblock_by_func (text, on_insert_text, self);
}

static void
on_changed (GtkEditable *text, KbcCodeEntry *self)
{
  const char *value = gtk_editable_get_text (text);
  gboolean complete = strlen (value) == KBC_CODE_ENTRY_LENGTH;

  /* Typing again clears an error shown for the previous code. */
  kbc_code_entry_set_error (self, FALSE);

  if (complete != self->complete)
    {
      self->complete = complete;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
    }

  if (complete)
    g_signal_emit (self, signals[SIGNAL_COMPLETE], 0, value);
}

static gboolean
kbc_code_entry_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (KBC_CODE_ENTRY (widget)->text);
}

static gboolean
kbc_code_entry_mnemonic_activate (GtkWidget *widget, gboolean group_cycling)
{
  gtk_widget_grab_focus (KBC_CODE_ENTRY (widget)->text);
  return TRUE;
}

static void
kbc_code_entry_dispose (GObject *object)
{
  KbcCodeEntry *self = KBC_CODE_ENTRY (object);

  if (self->text != NULL)
    gtk_editable_finish_delegate (GTK_EDITABLE (self));
  g_clear_pointer (&self->text, gtk_widget_unparent);

  G_OBJECT_CLASS (kbc_code_entry_parent_class)->dispose (object);
}

static void
kbc_code_entry_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcCodeEntry *self = KBC_CODE_ENTRY (object);

  if (gtk_editable_delegate_get_property (object, prop_id, value, pspec))
    return;

  switch (prop_id)
    {
      case PROP_COMPLETE:
        g_value_set_boolean (value, self->complete);
        break;
      case PROP_ERROR:
        g_value_set_boolean (value, self->error);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_code_entry_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcCodeEntry *self = KBC_CODE_ENTRY (object);

  if (gtk_editable_delegate_set_property (object, prop_id, value, pspec))
    return;

  switch (prop_id)
    {
      case PROP_ERROR:
        kbc_code_entry_set_error (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_code_entry_class_init (KbcCodeEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbc_code_entry_dispose;
  object_class->get_property = kbc_code_entry_get_property;
  object_class->set_property = kbc_code_entry_set_property;

  widget_class->grab_focus = kbc_code_entry_grab_focus;
  widget_class->mnemonic_activate = kbc_code_entry_mnemonic_activate;

  properties[PROP_COMPLETE] =
      g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
      g_param_spec_boolean ("error", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_editable_install_properties (object_class, N_PROPS);

  signals[SIGNAL_COMPLETE] = g_signal_new ("complete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "entry");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TEXT_BOX);
}

static void
kbc_code_entry_init (KbcCodeEntry *self)
{
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();

  /* Large, spaced, tabular digits: easy to compare with the phone. */
  pango_attr_list_insert (attrs, pango_attr_family_new ("monospace"));
  pango_attr_list_insert (attrs, pango_attr_scale_new (1.6));
  pango_attr_list_insert (attrs, pango_attr_letter_spacing_new (4 * PANGO_SCALE));

  self->text = gtk_text_new ();
  gtk_widget_set_hexpand (self->text, TRUE);
  gtk_text_set_max_length (GTK_TEXT (self->text), KBC_CODE_ENTRY_LENGTH);
  gtk_text_set_input_purpose (GTK_TEXT (self->text), GTK_INPUT_PURPOSE_DIGITS);
  gtk_text_set_input_hints (GTK_TEXT (self->text),
                            GTK_INPUT_HINT_NO_SPELLCHECK | GTK_INPUT_HINT_NO_EMOJI);
  gtk_text_set_activates_default (GTK_TEXT (self->text), TRUE);
  gtk_text_set_attributes (GTK_TEXT (self->text), attrs);
  gtk_text_set_placeholder_text (GTK_TEXT (self->text), "000000");
  /* Width in characters of the plain font: the scaled, spaced digits take
   * about three times as much. */
  gtk_editable_set_width_chars (GTK_EDITABLE (self->text), 3 * KBC_CODE_ENTRY_LENGTH);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self->text), 3 * KBC_CODE_ENTRY_LENGTH);
  gtk_editable_set_alignment (GTK_EDITABLE (self->text), 0.5);
  gtk_widget_set_parent (self->text, GTK_WIDGET (self));

  gtk_editable_init_delegate (GTK_EDITABLE (self));
  g_signal_connect (self->text, "insert-text", G_CALLBACK (on_insert_text), self);
  g_signal_connect (self->text, "changed", G_CALLBACK (on_changed), self);

  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Authentication code"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Authentication code"), -1);
}

GtkWidget *
kbc_code_entry_new (void)
{
  return g_object_new (KBC_TYPE_CODE_ENTRY, NULL);
}

const char *
kbc_code_entry_get_code (KbcCodeEntry *self)
{
  g_return_val_if_fail (KBC_IS_CODE_ENTRY (self), NULL);

  if (!self->complete)
    return NULL;

  return gtk_editable_get_text (GTK_EDITABLE (self->text));
}

gboolean
kbc_code_entry_get_complete (KbcCodeEntry *self)
{
  g_return_val_if_fail (KBC_IS_CODE_ENTRY (self), FALSE);

  return self->complete;
}

void
kbc_code_entry_clear (KbcCodeEntry *self)
{
  g_return_if_fail (KBC_IS_CODE_ENTRY (self));

  gtk_editable_set_text (GTK_EDITABLE (self->text), "");
}

gboolean
kbc_code_entry_get_error (KbcCodeEntry *self)
{
  g_return_val_if_fail (KBC_IS_CODE_ENTRY (self), FALSE);

  return self->error;
}

void
kbc_code_entry_set_error (KbcCodeEntry *self, gboolean error)
{
  g_return_if_fail (KBC_IS_CODE_ENTRY (self));

  error = !!error;
  if (self->error == error)
    return;

  self->error = error;
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_INVALID,
                               error ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}
