/* kbc-a11y.c: one useful accessible name per control, and hidden pages hidden
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-a11y.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#define EXPLICIT_LABEL "kbc-a11y-explicit-label"
#define FOLLOWED       "kbc-a11y-followed"

static GtkLabel *
first_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label;

      if (!gtk_widget_get_visible (child))
        continue;
      label = first_label (child);
      if (label != NULL)
        return label;
    }

  return NULL;
}

/* ---- buttons ---- */

static void
sync_button (GtkWidget *button)
{
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));
  GtkLabel *label;
  const char *text;

  if (child == NULL || g_object_get_data (G_OBJECT (button), EXPLICIT_LABEL) != NULL)
    return;

  /* The text people see, without its mnemonic underscore. */
  label = first_label (child);
  text = label != NULL ? gtk_label_get_text (label) : NULL;
  if (text == NULL || *text == '\0')
    return;

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
button_changed_cb (GObject *object, GParamSpec *pspec, gpointer button)
{
  sync_button (button);
}

static void
follow_button (GtkWidget *button)
{
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));
  GtkLabel *label = child != NULL ? first_label (child) : NULL;

  if (g_object_get_data (G_OBJECT (button), FOLLOWED) == NULL)
    {
      g_object_set_data (G_OBJECT (button), FOLLOWED, GINT_TO_POINTER (TRUE));
      g_signal_connect (button, "notify::label", G_CALLBACK (button_changed_cb), button);
      g_signal_connect (button, "notify::child", G_CALLBACK (button_changed_cb), button);
    }
  /* The text can change without the button's label (a bound label, a
   * content's label). */
  if (label != NULL && g_object_get_data (G_OBJECT (label), FOLLOWED) == NULL)
    {
      g_object_set_data (G_OBJECT (label), FOLLOWED, GINT_TO_POINTER (TRUE));
      g_signal_connect_object (label, "notify::label", G_CALLBACK (button_changed_cb), button, 0);
    }
  sync_button (button);
}

void
kbc_a11y_set_button_label (GtkWidget *button, const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (button));

  g_object_set_data (G_OBJECT (button), EXPLICIT_LABEL, GINT_TO_POINTER (TRUE));
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

void
kbc_a11y_set_row_label (GtkWidget *row, const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (row));

  g_object_set_data (G_OBJECT (row), EXPLICIT_LABEL, GINT_TO_POINTER (TRUE));
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* ---- password rows ---- */

static void
name_reveal_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child))
        {
          g_object_set_data (G_OBJECT (child), EXPLICIT_LABEL, GINT_TO_POINTER (TRUE));
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _ ("Show Password"), -1);
        }
      else
        name_reveal_button (child);
    }
}

/* ---- stacks ---- */

static void
sync_stack (GtkStack *stack)
{
  GtkWidget *visible = gtk_stack_get_visible_child (stack);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkStackPage *page = gtk_stack_get_page (stack, child);
      gboolean hidden = child != visible;

      gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN, hidden, -1);
      if (page != NULL)
        gtk_accessible_update_state (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_STATE_HIDDEN, hidden,
                                     -1);
    }
}

static void
stack_changed_cb (GtkStack *stack)
{
  sync_stack (stack);
}

static void
follow_stack (GtkStack *stack)
{
  if (g_object_get_data (G_OBJECT (stack), FOLLOWED) == NULL)
    {
      /* Pages added later (the window builds them when idle) are hidden
       * as they come: they are never mapped until shown. */
      GtkSelectionModel *pages = gtk_stack_get_pages (stack);

      g_object_set_data_full (G_OBJECT (stack), FOLLOWED, pages, g_object_unref);
      g_signal_connect (stack, "notify::visible-child", G_CALLBACK (stack_changed_cb), NULL);
      g_signal_connect_object (pages, "items-changed", G_CALLBACK (stack_changed_cb), stack,
                               G_CONNECT_SWAPPED);
    }
  sync_stack (stack);
}

/* ---- leaflets ---- */

static void
sync_leaflet (AdwLeaflet *leaflet)
{
  gboolean folded = adw_leaflet_get_folded (leaflet);
  GtkWidget *visible = adw_leaflet_get_visible_child (leaflet);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (leaflet)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN,
                                 folded && child != visible, -1);
}

static void
leaflet_changed_cb (AdwLeaflet *leaflet)
{
  sync_leaflet (leaflet);
}

static void
follow_leaflet (AdwLeaflet *leaflet)
{
  if (g_object_get_data (G_OBJECT (leaflet), FOLLOWED) == NULL)
    {
      g_object_set_data (G_OBJECT (leaflet), FOLLOWED, GINT_TO_POINTER (TRUE));
      g_signal_connect (leaflet, "notify::visible-child", G_CALLBACK (leaflet_changed_cb), NULL);
      g_signal_connect (leaflet, "notify::folded", G_CALLBACK (leaflet_changed_cb), NULL);
    }
  sync_leaflet (leaflet);
}

/* ---- squeezers (AdwMessageDialog's two rows of buttons) ---- */

static void
sync_squeezer (AdwSqueezer *squeezer)
{
  GtkWidget *visible = adw_squeezer_get_visible_child (squeezer);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (squeezer)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN,
                                 child != visible, -1);
}

static void
squeezer_changed_cb (AdwSqueezer *squeezer)
{
  sync_squeezer (squeezer);
}

static void
follow_squeezer (AdwSqueezer *squeezer)
{
  if (g_object_get_data (G_OBJECT (squeezer), FOLLOWED) == NULL)
    {
      g_object_set_data (G_OBJECT (squeezer), FOLLOWED, GINT_TO_POINTER (TRUE));
      g_signal_connect (squeezer, "notify::visible-child", G_CALLBACK (squeezer_changed_cb), NULL);
    }
  sync_squeezer (squeezer);
}

/* ---- check buttons ---- */

static void
sync_check (GtkWidget *check)
{
  GtkLabel *label = first_label (check);
  const char *text = label != NULL ? gtk_label_get_text (label) : NULL;

  if (text != NULL && *text != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                    -1);
}

static void
check_changed_cb (GtkWidget *check)
{
  sync_check (check);
}

static void
follow_check (GtkWidget *check)
{
  if (g_object_get_data (G_OBJECT (check), FOLLOWED) == NULL)
    {
      g_object_set_data (G_OBJECT (check), FOLLOWED, GINT_TO_POINTER (TRUE));
      g_signal_connect_after (check, "notify::label", G_CALLBACK (check_changed_cb), NULL);
    }
  sync_check (check);
}

/* ---- revealers ---- */

static void
sync_revealer (GtkRevealer *revealer)
{
  GtkWidget *child = gtk_revealer_get_child (revealer);
  gboolean shown =
      gtk_revealer_get_reveal_child (revealer) || gtk_revealer_get_child_revealed (revealer);

  if (child != NULL)
    gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN, !shown, -1);
}

static void
revealer_changed_cb (GtkRevealer *revealer)
{
  sync_revealer (revealer);
}

static void
follow_revealer (GtkRevealer *revealer)
{
  if (g_object_get_data (G_OBJECT (revealer), FOLLOWED) == NULL)
    {
      g_object_set_data (G_OBJECT (revealer), FOLLOWED, GINT_TO_POINTER (TRUE));
      g_signal_connect (revealer, "notify::reveal-child", G_CALLBACK (revealer_changed_cb), NULL);
      g_signal_connect (revealer, "notify::child-revealed", G_CALLBACK (revealer_changed_cb), NULL);
    }
  sync_revealer (revealer);
}

/* ---- labels ---- */

/* An empty label (an error label with no error) says nothing: GTK 4.8 would
 * call it "GtkLabel". */
static void
sync_label (GtkLabel *label)
{
  const char *text = gtk_label_get_text (label);

  gtk_accessible_update_state (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_STATE_HIDDEN,
                               text == NULL || *text == '\0', -1);
}

static void
label_changed_cb (GtkLabel *label)
{
  sync_label (label);
}

static void
follow_label (GtkLabel *label)
{
  if (g_object_get_data (G_OBJECT (label), FOLLOWED "-text") == NULL)
    {
      g_object_set_data (G_OBJECT (label), FOLLOWED "-text", GINT_TO_POINTER (TRUE));
      g_signal_connect (label, "notify::label", G_CALLBACK (label_changed_cb), NULL);
    }
  sync_label (label);
}

/* ---- list items ---- */

static void
name_list_item (GtkWidget *item)
{
  GtkLabel *label = first_label (item);

  if (label != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                    label, NULL, -1);
}

/* GtkShortcutsWindow's search button is an image only. */
static void
name_search_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *image = GTK_IS_BUTTON (child) ? gtk_button_get_child (GTK_BUTTON (child)) : NULL;

      if (GTK_IS_IMAGE (image) &&
          g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (image)), "edit-find-symbolic") == 0)
        {
          g_object_set_data (G_OBJECT (child), EXPLICIT_LABEL, GINT_TO_POINTER (TRUE));
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _ ("Search Shortcuts"), -1);
        }
      else
        name_search_button (child);
    }
}

static gboolean
mapped_hook (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  GtkWidget *widget = g_value_get_object (&values[0]);

  if (GTK_IS_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), EXPLICIT_LABEL) == NULL)
    follow_button (widget);
  else if (GTK_IS_STACK (widget))
    follow_stack (GTK_STACK (widget));
  else if (ADW_IS_LEAFLET (widget))
    follow_leaflet (ADW_LEAFLET (widget));
  else if (ADW_IS_SQUEEZER (widget))
    follow_squeezer (ADW_SQUEEZER (widget));
  else if (GTK_IS_CHECK_BUTTON (widget))
    follow_check (widget);
  else if (GTK_IS_REVEALER (widget))
    follow_revealer (GTK_REVEALER (widget));
  else if (GTK_IS_LABEL (widget))
    follow_label (GTK_LABEL (widget));
  else if (ADW_IS_PASSWORD_ENTRY_ROW (widget))
    name_reveal_button (widget);
  else if (GTK_IS_SHORTCUTS_WINDOW (widget))
    name_search_button (widget);
  else if (GTK_IS_LIST_BOX_ROW (widget) && !ADW_IS_PREFERENCES_ROW (widget) &&
           g_object_get_data (G_OBJECT (widget), EXPLICIT_LABEL) == NULL)
    {
      /* Its first label only, whatever else it was given. */
      gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
      name_list_item (widget);
    }
  else if (GTK_IS_LIST_VIEW (gtk_widget_get_parent (widget)) &&
           gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) ==
               GTK_ACCESSIBLE_ROLE_LIST_ITEM)
    name_list_item (widget);

  return TRUE;
}

void
kbc_a11y_install (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      /* The signal exists once the class does. */
      g_autoptr (GTypeClass) widget_class = g_type_class_ref (GTK_TYPE_WIDGET);

      g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0, mapped_hook, NULL,
                                  NULL);
      g_once_init_leave (&installed, 1);
    }
}
