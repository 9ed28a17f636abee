/* kbc-promo-codes-page.c: the Promo Codes page: a code makes a new project; the codes used before
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-promo-codes-page.h"

#include <glib/gi18n.h>

#include "kbc-closures.h"
#include "kbc-promo-codes.h"
#include "kbc-toast.h"

struct _KbcPromoCodesPage
{
  AdwPreferencesPage parent_instance;

  /* Template children */
  AdwEntryRow *code_row;
  GtkLabel *error_label;
  GtkSpinner *spinner;
  GtkWidget *apply_button;
  GtkWidget *used_group;
  GtkListBox *used_list;

  /* Owned */
  KbcAccount *account;
  KbcPromoCodes *codes;
  GCancellable *cancellable; /* of the redemption under way */
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcPromoCodesPage, kbc_promo_codes_page, ADW_TYPE_PREFERENCES_PAGE)

static GtkWidget *
create_used_row (gpointer item, gpointer user_data)
{
  KbcPromoCode *code = item;
  g_autofree char *used = kbc_format_date (kbc_promo_code_get_used_at (code));
  const char *project = kbc_promo_code_get_project_name (code);
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  if (project != NULL && used != NULL)
    /* Translators: the project a promo code created, and the date it was used. */
    subtitle = g_strdup_printf (_ ("%s · used %s"), project, used);
  else if (used != NULL)
    /* Translators: the date a promo code was used. */
    subtitle = g_strdup_printf (_ ("Used %s"), used);
  else
    subtitle = g_strdup (project);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kbc_promo_code_get_code (code));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : "");
  if (kbc_promo_code_get_project_id (code) > 0)
    {
      g_autofree char *label = NULL;

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      /* Translators: the accessible name of a used promo code's row; %s is the project. */
      label = g_strdup_printf (_ ("%s, open the project %s"), kbc_promo_code_get_code (code),
                               project != NULL ? project : "");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
    }
  else
    gtk_widget_set_focusable (row, FALSE);
  g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (code), g_object_unref);
  return row;
}

static void
used_row_activated_cb (KbcPromoCodesPage *self, GtkListBoxRow *row)
{
  KbcPromoCode *code = g_object_get_data (G_OBJECT (row), "item");

  if (code != NULL && kbc_promo_code_get_project_id (code) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "window.show-project", "(xs)",
                                kbc_promo_code_get_project_id (code), "admin");
}

static void
update_used (KbcPromoCodesPage *self)
{
  gtk_widget_set_visible (self->used_group,
                          g_list_model_get_n_items (G_LIST_MODEL (self->codes)) > 0);
}

static void
show_error (KbcPromoCodesPage *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->code_row), "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->code_row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->code_row), "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->code_row),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static gboolean
has_code (KbcPromoCodesPage *self)
{
  g_autofree char *code =
      g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_row))));

  return *code != '\0';
}

static void
set_busy (KbcPromoCodesPage *self, gboolean busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "promo-codes.redeem", !busy && has_code (self));
}

static void
code_changed_cb (KbcPromoCodesPage *self)
{
  /* An error stays until the code is corrected. */
  show_error (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "promo-codes.redeem",
                                 self->cancellable == NULL && has_code (self));
}

static void
on_redeemed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcPromoCodesPage) self = user_data;
  g_autoptr (KbcProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  project = kbc_promo_codes_redeem_finish (KBC_PROMO_CODES (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);

  if (project == NULL)
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  /* Translators: %s is the name of the project a promo code created. */
  text = g_strdup_printf (_ ("Project %s created"), kbc_project_get_name (project));
  kbc_widget_add_toast (GTK_WIDGET (self), text);
  gtk_widget_activate_action (GTK_WIDGET (self), "window.show-project", "(xs)",
                              kbc_project_get_id (project), "admin");
}

static void
redeem_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcPromoCodesPage *self = KBC_PROMO_CODES_PAGE (widget);

  if (self->cancellable != NULL)
    return;

  show_error (self, NULL);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  kbc_promo_codes_redeem_async (self->codes, gtk_editable_get_text (GTK_EDITABLE (self->code_row)),
                                self->cancellable, on_redeemed, g_object_ref (self));
}

static void
code_activated_cb (KbcPromoCodesPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "promo-codes.redeem", NULL);
}

static void
kbc_promo_codes_page_map (GtkWidget *widget)
{
  KbcPromoCodesPage *self = KBC_PROMO_CODES_PAGE (widget);

  GTK_WIDGET_CLASS (kbc_promo_codes_page_parent_class)->map (widget);

  kbc_resource_ensure_loaded (KBC_RESOURCE (self->codes));
  /* Where the user types. */
  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

static void
kbc_promo_codes_page_constructed (GObject *object)
{
  KbcPromoCodesPage *self = KBC_PROMO_CODES_PAGE (object);

  G_OBJECT_CLASS (kbc_promo_codes_page_parent_class)->constructed (object);

  self->codes = g_object_ref (kbc_account_get_promo_codes (self->account));
  gtk_list_box_bind_model (self->used_list, G_LIST_MODEL (self->codes), create_used_row, self,
                           NULL);
  g_signal_connect_object (self->codes, "items-changed", G_CALLBACK (update_used), self,
                           G_CONNECT_SWAPPED);
  update_used (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "promo-codes.redeem", FALSE);
}

static void
kbc_promo_codes_page_dispose (GObject *object)
{
  KbcPromoCodesPage *self = KBC_PROMO_CODES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_PROMO_CODES_PAGE);
  g_clear_object (&self->codes);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_promo_codes_page_parent_class)->dispose (object);
}

static void
kbc_promo_codes_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcPromoCodesPage *self = KBC_PROMO_CODES_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_promo_codes_page_set_property (GObject *object,
                                   guint prop_id,
                                   const GValue *value,
                                   GParamSpec *pspec)
{
  KbcPromoCodesPage *self = KBC_PROMO_CODES_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        self->account = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_promo_codes_page_class_init (KbcPromoCodesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_promo_codes_page_constructed;
  object_class->dispose = kbc_promo_codes_page_dispose;
  object_class->get_property = kbc_promo_codes_page_get_property;
  object_class->set_property = kbc_promo_codes_page_set_property;

  widget_class->map = kbc_promo_codes_page_map;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-promo-codes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcPromoCodesPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, KbcPromoCodesPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KbcPromoCodesPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcPromoCodesPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, KbcPromoCodesPage, used_group);
  gtk_widget_class_bind_template_child (widget_class, KbcPromoCodesPage, used_list);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, code_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, used_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "promo-codes.redeem", NULL, redeem_activated);
}

static void
kbc_promo_codes_page_init (KbcPromoCodesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_promo_codes_page_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_PROMO_CODES_PAGE, "account", account, NULL);
}
