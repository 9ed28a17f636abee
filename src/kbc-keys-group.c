/* kbc-keys-group.c: the security keys group of Account & Security
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-keys-group.h"

#include <glib/gi18n.h>

#include "kbc-add-key-dialog.h"
#include "kbc-closures.h"
#include "kbc-error.h"
#include "kbc-password-dialog.h"
#include "kbc-toast.h"
#include "kbc-tooltip.h"

struct _KbcKeysGroup
{
  AdwPreferencesGroup parent_instance;

  /* Template children */
  GtkWidget *add_button;
  AdwExpanderRow *expander_row;
  GtkWidget *error_row;

  /* Owned */
  KbcMfa *mfa;
  GPtrArray *rows; /* the rows of the keys, in the expander */
};

enum
{
  PROP_0,
  PROP_MFA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcKeysGroup, kbc_keys_group, ADW_TYPE_PREFERENCES_GROUP)

static GtkWindow *
get_parent_window (KbcKeysGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static char *
describe_keys (KbcKeysGroup *self, gboolean loaded, guint n_keys)
{
  if (!loaded)
    return NULL;
  if (n_keys == 0)
    return g_strdup (_ ("No security keys yet"));

  /* Translators: %d is the number of security keys of the account. */
  return g_strdup_printf (
      ngettext ("You have configured %d device", "You have configured %d devices", n_keys), n_keys);
}

/* The rows, one per key of the model. */

static char *
key_subtitle (KbcSecurityKey *key)
{
  g_autofree char *added = kbc_format_date (kbc_security_key_get_created (key));
  g_autofree char *used = kbc_format_date (kbc_security_key_get_last_used (key));

  /* Translators: under a security key's name. The first %s is the date it
   * was added, the second the date it was last used to sign in, or "Never". */
  return g_strdup_printf (_ ("Added %s · Last used %s"), added != NULL ? added : _ ("unknown"),
                          used != NULL ? used : _ ("Never"));
}

static void
update_button_labels (GtkWidget *row, GParamSpec *pspec, KbcSecurityKey *key)
{
  const char *name = kbc_security_key_get_name (key);
  GtkWidget *rename = g_object_get_data (G_OBJECT (row), "kbc-rename");
  GtkWidget *remove = g_object_get_data (G_OBJECT (row), "kbc-remove");
  g_autofree char *rename_label = NULL;
  g_autofree char *remove_label = NULL;

  /* Translators: the accessible name of a button; %s is a security key's name. */
  rename_label = g_strdup_printf (_ ("Rename “%s”"), name);
  /* Translators: the accessible name of a button; %s is a security key's name. */
  remove_label = g_strdup_printf (_ ("Remove “%s”"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (rename), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  rename_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
}

static GtkWidget *
key_button_new (const char *icon_name, const char *tooltip, const char *action, gint64 id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  kbc_tooltip_set_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (id));
  return button;
}

static GtkWidget *
key_row_new (KbcSecurityKey *key)
{
  GtkWidget *row = adw_action_row_new ();
  gint64 id = kbc_security_key_get_id (key);
  GtkWidget *rename = key_button_new ("document-edit-symbolic", _ ("Rename"), "keys.rename", id);
  GtkWidget *remove = key_button_new ("user-trash-symbolic", _ ("Remove"), "keys.remove", id);
  g_autofree char *subtitle = key_subtitle (key);

  /* Names are the user's text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_bind_property (key, "name", row, "title", G_BINDING_SYNC_CREATE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), rename);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  g_object_set_data (G_OBJECT (row), "kbc-rename", rename);
  g_object_set_data (G_OBJECT (row), "kbc-remove", remove);
  update_button_labels (row, NULL, key);
  g_signal_connect_object (key, "notify::name", G_CALLBACK (update_button_labels), row,
                           G_CONNECT_SWAPPED);

  return row;
}

static void
rebuild_rows (KbcKeysGroup *self)
{
  GListModel *keys = kbc_mfa_get_keys (self->mfa);

  for (guint i = 0; i < self->rows->len; i++)
    adw_expander_row_remove (self->expander_row, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr (KbcSecurityKey) key = g_list_model_get_item (keys, i);
      GtkWidget *row = key_row_new (key);

      adw_expander_row_add_row (self->expander_row, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
update_actions (KbcKeysGroup *self)
{
  KbcResource *resource = KBC_RESOURCE (self->mfa);
  gboolean loaded = kbc_resource_get_loaded (resource);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.reload",
                                 !kbc_resource_get_loading (resource));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.rename", loaded);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.remove", loaded);
}

/* Adding a key: the name and the password, then the key itself. */

static void
on_add_restart (KbcKeysGroup *self)
{
  kbc_keys_group_add_key (self);
}

static void
on_registration_begun (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcPasswordDialog) dialog = user_data;
  g_autoptr (GError) error = NULL;
  KbcKeysGroup *self;
  GtkWidget *touch;

  if (!kbc_mfa_begin_key_registration_finish (KBC_MFA (source), result, &error))
    {
      kbc_password_dialog_report_error (dialog, error);
      return;
    }

  self = g_object_get_data (G_OBJECT (dialog), "kbc-group");
  touch =
      kbc_add_key_dialog_new (gtk_window_get_transient_for (GTK_WINDOW (dialog)), KBC_MFA (source));
  g_signal_connect_object (touch, "restart", G_CALLBACK (on_add_restart), self, G_CONNECT_SWAPPED);
  kbc_password_dialog_done (dialog);
  gtk_window_present (GTK_WINDOW (touch));
}

static char *
dup_name (GtkEditable *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (row)));
}

static void
add_submit (KbcPasswordDialog *dialog, const char *password, KbcKeysGroup *self)
{
  GtkEditable *name_row = g_object_get_data (G_OBJECT (dialog), "kbc-name-row");
  g_autofree char *name = dup_name (name_row);

  kbc_mfa_begin_key_registration_async (self->mfa, name, password,
                                        kbc_password_dialog_get_cancellable (dialog),
                                        on_registration_begun, g_object_ref (dialog));
}

static void
on_add_name_changed (GtkEditable *name_row, KbcPasswordDialog *dialog)
{
  g_autofree char *name = dup_name (name_row);

  kbc_password_dialog_set_extra_valid (dialog, *name != '\0');
}

void
kbc_keys_group_add_key (KbcKeysGroup *self)
{
  g_autoptr (GtkBuilder) builder = NULL;
  KbcPasswordDialog *dialog;
  GtkWidget *name_row;

  g_return_if_fail (KBC_IS_KEYS_GROUP (self));

  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/ui/kbc-rename-key.ui");
  name_row = GTK_WIDGET (gtk_builder_get_object (builder, "add_name_row"));

  dialog = kbc_password_dialog_new (
      get_parent_window (self), _ ("Add Security Key"),
      _ ("Give the key a name you will recognise later, and confirm with your password."),
      _ ("_Continue"), FALSE);
  kbc_password_dialog_set_extra_child (dialog,
                                       GTK_WIDGET (gtk_builder_get_object (builder, "add_box")));
  kbc_password_dialog_set_extra_valid (dialog, FALSE);
  g_object_set_data (G_OBJECT (dialog), "kbc-name-row", name_row);
  g_object_set_data_full (G_OBJECT (dialog), "kbc-group", g_object_ref (self), g_object_unref);
  g_signal_connect_object (name_row, "changed", G_CALLBACK (on_add_name_changed), dialog,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (dialog, "submit", G_CALLBACK (add_submit), self, G_CONNECT_DEFAULT);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (name_row);
}

/* Removing a key. */

static void
on_key_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcPasswordDialog) dialog = user_data;
  g_autoptr (GError) error = NULL;
  KbcKeysGroup *self;

  if (!kbc_mfa_remove_key_finish (KBC_MFA (source), result, &error))
    {
      kbc_password_dialog_report_error (dialog, error);
      return;
    }

  self = g_object_get_data (G_OBJECT (dialog), "kbc-group");
  kbc_password_dialog_done (dialog);
  kbc_widget_add_toast (GTK_WIDGET (self), _ ("Security key removed"));
}

static void
remove_submit (KbcPasswordDialog *dialog, const char *password, KbcKeysGroup *self)
{
  KbcSecurityKey *key = g_object_get_data (G_OBJECT (dialog), "kbc-key");

  kbc_mfa_remove_key_async (self->mfa, key, password, kbc_password_dialog_get_cancellable (dialog),
                            on_key_removed, g_object_ref (dialog));
}

static void
run_remove (KbcKeysGroup *self, KbcSecurityKey *key)
{
  g_autofree char *body = NULL;
  KbcPasswordDialog *dialog;
  const char *name = kbc_security_key_get_name (key);

  if (g_list_model_get_n_items (kbc_mfa_get_keys (self->mfa)) == 1)
    body = g_strdup_printf (
        /* Translators: %s is the name of a security key. */
        _ ("“%s” will no longer confirm your sign-ins. It is your last security key: without an "
           "authenticator app, multi-factor authentication is turned off. Enter your current "
           "password to remove it."),
        name);
  else
    body = g_strdup_printf (
        /* Translators: %s is the name of a security key. */
        _ ("“%s” will no longer confirm your sign-ins. Enter your current password to remove it."),
        name);

  dialog = kbc_password_dialog_new (get_parent_window (self), _ ("Remove Security Key?"), body,
                                    _ ("_Remove"), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "kbc-key", g_object_ref (key), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "kbc-group", g_object_ref (self), g_object_unref);
  g_signal_connect_object (dialog, "submit", G_CALLBACK (remove_submit), self, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Renaming a key: a message dialog that stays open on a refusal. */

typedef struct
{
  KbcKeysGroup *group;
  KbcSecurityKey *key;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  GtkLabel *error;
  GCancellable *cancellable;
  gboolean may_close;
} Rename;

static void
rename_free (Rename *rename)
{
  g_cancellable_cancel (rename->cancellable);
  g_clear_object (&rename->cancellable);
  g_clear_object (&rename->group);
  g_clear_object (&rename->key);
  g_free (rename);
}

static void
rename_update (Rename *rename)
{
  g_autofree char *name = dup_name (GTK_EDITABLE (rename->entry));
  gboolean busy = rename->cancellable != NULL;

  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus of
   * a focused entry made insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (rename->entry), !busy);
  adw_message_dialog_set_response_enabled (rename->dialog, "rename", !busy && *name != '\0');
}

static void
rename_show_error (Rename *rename, const char *message)
{
  gtk_label_set_text (rename->error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (rename->error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (rename->entry, "error");
  else
    gtk_widget_remove_css_class (rename->entry, "error");
}

static void
rename_close (Rename *rename)
{
  g_cancellable_cancel (rename->cancellable);
  rename->may_close = TRUE;
  /* Libadwaita 1.2's entry rows watch the window's focus, and a focus that
   * moves while the window is being finalized reaches a row already gone. */
  gtk_window_set_focus (GTK_WINDOW (rename->dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (rename->dialog));
}

static void
on_key_renamed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Rename *rename = user_data;
  g_autoptr (GError) error = NULL;

  if (!kbc_mfa_rename_key_finish (KBC_MFA (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_clear_object (&rename->cancellable);
      rename_show_error (rename, error->message);
      rename_update (rename);
      gtk_widget_grab_focus (rename->entry);
      return;
    }

  {
    g_autoptr (KbcKeysGroup) group = g_object_ref (rename->group);

    rename_close (rename);
    kbc_widget_add_toast (GTK_WIDGET (group), _ ("Security key renamed"));
  }
}

static void
on_rename_response (AdwMessageDialog *dialog, const char *response, Rename *rename)
{
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "rename") != 0)
    {
      rename_close (rename);
      return;
    }

  name = dup_name (GTK_EDITABLE (rename->entry));
  if (rename->cancellable != NULL || *name == '\0')
    return;

  rename_show_error (rename, NULL);
  rename->cancellable = g_cancellable_new ();
  rename_update (rename);
  kbc_mfa_rename_key_async (rename->group->mfa, rename->key, name, rename->cancellable,
                            on_key_renamed, rename);
}

/* AdwMessageDialog closes itself after every response; only Cancel, Escape
 * and a success may close this one. Runs after the dialog's own handler,
 * which turns Escape into the close response. */
static gboolean
on_rename_close_request (AdwMessageDialog *dialog, Rename *rename)
{
  return !rename->may_close;
}

static void
run_rename (KbcKeysGroup *self, KbcSecurityKey *key)
{
  g_autoptr (GtkBuilder) builder =
      gtk_builder_new_from_resource (RESOURCE_PREFIX "/ui/kbc-rename-key.ui");
  Rename *rename = g_new0 (Rename, 1);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), _ ("Rename Security Key"),
                                   _ ("Choose a name you will recognise the key by."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "rename",
                                    _ ("_Rename"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog),
                                      GTK_WIDGET (gtk_builder_get_object (builder, "rename_box")));

  rename->group = g_object_ref (self);
  rename->key = g_object_ref (key);
  rename->dialog = ADW_MESSAGE_DIALOG (dialog);
  rename->entry = GTK_WIDGET (gtk_builder_get_object (builder, "name_row"));
  rename->error = GTK_LABEL (gtk_builder_get_object (builder, "name_error"));
  gtk_editable_set_text (GTK_EDITABLE (rename->entry), kbc_security_key_get_name (key));
  g_object_set_data_full (G_OBJECT (dialog), "kbc-rename", rename, (GDestroyNotify) rename_free);

  g_signal_connect (dialog, "response", G_CALLBACK (on_rename_response), rename);
  g_signal_connect_after (dialog, "close-request", G_CALLBACK (on_rename_close_request), rename);
  g_signal_connect_swapped (rename->entry, "changed", G_CALLBACK (rename_update), rename);
  rename_update (rename);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (rename->entry);
}

/* Actions */

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  kbc_keys_group_add_key (KBC_KEYS_GROUP (widget));
}

static void
rename_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (widget);
  KbcSecurityKey *key = kbc_mfa_find_key (self->mfa, g_variant_get_int64 (parameter));

  if (key != NULL)
    run_rename (self, key);
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (widget);
  KbcSecurityKey *key = kbc_mfa_find_key (self->mfa, g_variant_get_int64 (parameter));

  if (key != NULL)
    run_remove (self, key);
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  kbc_resource_refresh (KBC_RESOURCE (KBC_KEYS_GROUP (widget)->mfa));
}

/* GObject */

/* libadwaita 1.2 keeps a group's list (its frame) when none of its rows
 * is visible: a stray line under "No security keys yet". The list shows
 * only while one of the rows does. */
static void
update_list_visibility (KbcKeysGroup *self)
{
  GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (self->expander_row));

  if (GTK_IS_LIST_BOX (list))
    gtk_widget_set_visible (list, gtk_widget_get_visible (GTK_WIDGET (self->expander_row)) ||
                                      gtk_widget_get_visible (self->error_row));
}

static void
kbc_keys_group_constructed (GObject *object)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (object);

  G_OBJECT_CLASS (kbc_keys_group_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_MFA (self->mfa));

  /* The template's bindings watch the mfa property. */
  g_object_notify_by_pspec (object, properties[PROP_MFA]);

  g_signal_connect_object (kbc_mfa_get_keys (self->mfa), "items-changed", G_CALLBACK (rebuild_rows),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mfa, "notify", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  rebuild_rows (self);
  update_actions (self);
  g_signal_connect_object (self->expander_row, "notify::visible",
                           G_CALLBACK (update_list_visibility), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->error_row, "notify::visible", G_CALLBACK (update_list_visibility),
                           self, G_CONNECT_SWAPPED);
  update_list_visibility (self);
  kbc_resource_ensure_loaded (KBC_RESOURCE (self->mfa));
}

static void
kbc_keys_group_dispose (GObject *object)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_KEYS_GROUP);
  g_clear_object (&self->mfa);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (kbc_keys_group_parent_class)->dispose (object);
}

static void
kbc_keys_group_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (object);

  switch (prop_id)
    {
      case PROP_MFA:
        g_value_set_object (value, self->mfa);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_keys_group_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (object);

  switch (prop_id)
    {
      case PROP_MFA:
        self->mfa = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_keys_group_class_init (KbcKeysGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_keys_group_constructed;
  object_class->dispose = kbc_keys_group_dispose;
  object_class->get_property = kbc_keys_group_get_property;
  object_class->set_property = kbc_keys_group_set_property;

  properties[PROP_MFA] =
      g_param_spec_object ("mfa", NULL, NULL, KBC_TYPE_MFA,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-keys-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcKeysGroup, add_button);
  gtk_widget_class_bind_template_child (widget_class, KbcKeysGroup, expander_row);
  gtk_widget_class_bind_template_child (widget_class, KbcKeysGroup, error_row);
  gtk_widget_class_bind_template_callback (widget_class, describe_keys);
  kbc_closures_bind_template (widget_class);

  gtk_widget_class_install_action (widget_class, "keys.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "keys.rename", "x", rename_action);
  gtk_widget_class_install_action (widget_class, "keys.remove", "x", remove_action);
  gtk_widget_class_install_action (widget_class, "keys.reload", NULL, reload_action);

  g_type_ensure (KBC_TYPE_MFA);
}

static void
kbc_keys_group_init (KbcKeysGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
}

GtkWidget *
kbc_keys_group_new (KbcMfa *mfa)
{
  g_return_val_if_fail (KBC_IS_MFA (mfa), NULL);

  return g_object_new (KBC_TYPE_KEYS_GROUP, "mfa", mfa, NULL);
}
