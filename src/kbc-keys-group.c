/* kbc-keys-group.c: the security keys group of Account & Security
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-keys-group.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kbc-add-key-dialog.h"
#include "kbc-error.h"
#include "kbc-time.h"
#include "kbc-toast.h"

struct _KbcKeysGroup
{
  AdwPreferencesGroup parent_instance;

  /* Template children */
  GtkWidget *spinner;
  GtkWidget *add_button;
  AdwExpanderRow *expander_row;
  AdwActionRow *error_row;

  /* Owned */
  KbcAccount *account;
  GCancellable *cancellable; /* the list request */
  GPtrArray *rows;           /* the rows of the keys, in the expander */
  char *load_error;

  guint n_keys;
  gboolean loading;
  gboolean loaded;
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_N_KEYS,
  PROP_LOADING,
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

/* "Nov 28, 2026" in local time, from the server's ISO 8601; NULL when the
 * text is missing or not a date. */
static char *
format_date (const char *iso8601)
{
  g_autoptr (GDateTime) time = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (iso8601 == NULL)
    return NULL;
  time = kbc_time_parse (iso8601);
  if (time == NULL)
    return NULL;
  local = g_date_time_to_local (time);

  /* Translators: the date a security key was added or last used, as
   * g_date_time_format() takes it: "%b %-d, %Y" is "Nov 28, 2026".
   * xgettext:no-c-format */
  return g_date_time_format (local, _ ("%b %-d, %Y"));
}

static char *
key_subtitle (JsonObject *key)
{
  const char *created = json_object_get_string_member_with_default (key, "created", NULL);
  const char *last_used = NULL;
  g_autofree char *added = NULL;
  g_autofree char *used = NULL;

  if (json_object_has_member (key, "lastUsed") && !json_object_get_null_member (key, "lastUsed"))
    last_used = json_object_get_string_member_with_default (key, "lastUsed", NULL);

  added = format_date (created);
  used = format_date (last_used);

  /* Translators: under a security key's name. The first %s is the date it
   * was added, the second the date it was last used to sign in, or "Never". */
  return g_strdup_printf (_ ("Added %s · Last used %s"), added != NULL ? added : _ ("unknown"),
                          used != NULL ? used : _ ("Never"));
}

static GtkWidget *
key_row_new (JsonObject *key, gint64 id, const char *name)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *rename = gtk_button_new_from_icon_name ("document-edit-symbolic");
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *subtitle = key_subtitle (key);
  g_autofree char *rename_label = NULL;
  g_autofree char *remove_label = NULL;

  /* Names are the user's text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  /* Translators: the accessible name of a button; %s is a security key's name. */
  rename_label = g_strdup_printf (_ ("Rename “%s”"), name);
  /* Translators: the accessible name of a button; %s is a security key's name. */
  remove_label = g_strdup_printf (_ ("Remove “%s”"), name);

  gtk_widget_set_tooltip_text (rename, _ ("Rename"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (rename), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  rename_label, -1);
  gtk_widget_set_valign (rename, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (rename, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (rename), "keys.rename");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (rename), g_variant_new_int64 (id));

  gtk_widget_set_tooltip_text (remove, _ ("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "keys.remove");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), g_variant_new_int64 (id));

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), rename);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  g_object_set_data_full (G_OBJECT (row), "kbc-key-id", g_memdup2 (&id, sizeof id), g_free);
  g_object_set_data_full (G_OBJECT (row), "kbc-key-name", g_strdup (name), g_free);

  return row;
}

static void
remove_rows (KbcKeysGroup *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      adw_expander_row_remove (self->expander_row, g_ptr_array_index (self->rows, i));
    }
  g_ptr_array_set_size (self->rows, 0);
}

/* The name of the key @id as the list shows it, or NULL. */
static const char *
find_key_name (KbcKeysGroup *self, gint64 id)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GObject *row = g_ptr_array_index (self->rows, i);
      gint64 *row_id = g_object_get_data (row, "kbc-key-id");

      if (row_id != NULL && *row_id == id)
        return g_object_get_data (row, "kbc-key-name");
    }

  return NULL;
}

static void
set_n_keys (KbcKeysGroup *self, guint n_keys)
{
  if (self->n_keys == n_keys)
    return;

  self->n_keys = n_keys;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_KEYS]);
}

static void
set_loading (KbcKeysGroup *self, gboolean loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_view (KbcKeysGroup *self)
{
  gboolean ready = self->loaded && self->load_error == NULL;

  gtk_widget_set_visible (self->spinner, self->loading);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), self->loading);

  gtk_widget_set_visible (GTK_WIDGET (self->error_row), self->load_error != NULL);
  if (self->load_error != NULL)
    adw_action_row_set_subtitle (self->error_row, self->load_error);

  gtk_widget_set_visible (GTK_WIDGET (self->expander_row), ready && self->n_keys > 0);

  if (!self->loaded)
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), NULL);
    }
  else if (self->n_keys == 0)
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                             _ ("No security keys yet"));
    }
  else
    {
      g_autofree char *description = NULL;

      /* Translators: %d is the number of security keys of the account. */
      description = g_strdup_printf (ngettext ("You have configured %d device",
                                               "You have configured %d devices", self->n_keys),
                                     self->n_keys);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), description);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.reload", !self->loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.rename", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.remove", ready);
}

static void
apply_keys (KbcKeysGroup *self, JsonArray *keys)
{
  guint n_keys = 0;

  remove_rows (self);

  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonNode *element = json_array_get_element (keys, i);
      JsonObject *key;
      JsonNode *id;
      const char *name;
      GtkWidget *row;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      key = json_node_get_object (element);
      id = json_object_get_member (key, "id");
      name = json_object_get_string_member_with_default (key, "name", NULL);
      if (id == NULL || json_node_get_value_type (id) != G_TYPE_INT64 || name == NULL)
        {
          g_debug ("Skipping a security key without an id or a name");
          continue;
        }

      row = key_row_new (key, json_node_get_int (id), name);
      adw_expander_row_add_row (self->expander_row, row);
      g_ptr_array_add (self->rows, row);
      n_keys++;
    }

  set_n_keys (self, n_keys);
}

static void
on_keys_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcKeysGroup *self = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_account_list_keys_finish (KBC_ACCOUNT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_pointer (&self->load_error, g_free);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      apply_keys (self, json_node_get_array (node));
      self->loaded = TRUE;
    }
  else
    {
      if (error != NULL)
        g_debug ("Could not load the security keys: %s", error->message);
      self->load_error =
          g_strdup (error != NULL ? error->message
                                  : _ ("The server sent a response the app could not understand."));
    }

  set_loading (self, FALSE);
  update_view (self);
}

void
kbc_keys_group_reload (KbcKeysGroup *self)
{
  g_return_if_fail (KBC_IS_KEYS_GROUP (self));

  if (self->account == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_loading (self, TRUE);
  update_view (self);
  kbc_account_list_keys_async (self->account, self->cancellable, on_keys_loaded, self);
}

static void
on_key_added (KbcKeysGroup *self, JsonNode *device)
{
  kbc_keys_group_reload (self);
}

/* A key added just as the user cancelled is still added: look again, unless
 * key-added has already. */
static void
on_add_dialog_destroy (KbcKeysGroup *self, KbcAddKeyDialog *dialog)
{
  if (kbc_add_key_dialog_get_state (dialog) != KBC_ADD_KEY_DIALOG_STATE_DONE)
    kbc_keys_group_reload (self);
}

void
kbc_keys_group_add_key (KbcKeysGroup *self)
{
  GtkWidget *dialog;

  g_return_if_fail (KBC_IS_KEYS_GROUP (self));
  g_return_if_fail (self->account != NULL);

  dialog = kbc_add_key_dialog_new (get_parent_window (self), self->account);
  g_signal_connect_object (dialog, "key-added", G_CALLBACK (on_key_added), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_add_dialog_destroy), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rename and Remove: a message dialog with an entry that stays open on a
 * refusal and shows why. */

typedef struct
{
  KbcKeysGroup *group;
  AdwMessageDialog *dialog;
  GtkWidget *entry; /* an AdwEntryRow (rename) or AdwPasswordEntryRow (remove) */
  GtkLabel *error;
  GCancellable *cancellable;
  gint64 id;
  gboolean remove;
  gboolean may_close;
} KeyPrompt;

static void
key_prompt_free (KeyPrompt *prompt)
{
  g_cancellable_cancel (prompt->cancellable);
  g_clear_object (&prompt->cancellable);
  g_clear_object (&prompt->group);
  g_free (prompt);
}

static const char *
key_prompt_response (KeyPrompt *prompt)
{
  return prompt->remove ? "remove" : "rename";
}

static void
key_prompt_update (KeyPrompt *prompt)
{
  g_autofree char *text =
      g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (prompt->entry))));
  gboolean busy = prompt->cancellable != NULL;

  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus of
   * a focused entry made insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (prompt->entry), !busy);
  adw_message_dialog_set_response_enabled (prompt->dialog, key_prompt_response (prompt),
                                           !busy && *text != '\0');
}

static void
key_prompt_show_error (KeyPrompt *prompt, const char *message)
{
  gtk_label_set_text (prompt->error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (prompt->error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (prompt->entry, "error");
  else
    gtk_widget_remove_css_class (prompt->entry, "error");
}

static void
key_prompt_close (KeyPrompt *prompt)
{
  g_cancellable_cancel (prompt->cancellable);
  prompt->may_close = TRUE;
  /* Libadwaita 1.2's entry rows watch the window's focus, and a focus that
   * moves while the window is being finalized reaches a row already gone. */
  gtk_window_set_focus (GTK_WINDOW (prompt->dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (prompt->dialog));
}

/* A refusal: the prompt stays, with the reason. */
static void
key_prompt_failed (KeyPrompt *prompt, const GError *error)
{
  const char *field_message = kbc_api_error_get_field_message (error, "name");

  g_clear_object (&prompt->cancellable);

  if (prompt->remove && kbc_api_error_get_field_message (error, "currentPassword") != NULL)
    {
      key_prompt_show_error (prompt, _ ("The current password is not correct."));
      gtk_editable_set_text (GTK_EDITABLE (prompt->entry), "");
    }
  else if (!prompt->remove && field_message != NULL)
    {
      g_autofree char *translated = kbc_api_error_translate_server_text (field_message);

      key_prompt_show_error (prompt, translated != NULL ? translated : error->message);
    }
  else
    {
      key_prompt_show_error (prompt, error->message);
    }

  key_prompt_update (prompt);
  gtk_widget_grab_focus (prompt->entry);
}

static void
on_key_renamed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KeyPrompt *prompt = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_account_rename_key_finish (KBC_ACCOUNT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (node == NULL)
    {
      key_prompt_failed (prompt, error);
      return;
    }

  {
    g_autoptr (KbcKeysGroup) group = g_object_ref (prompt->group);

    key_prompt_close (prompt);
    kbc_widget_add_toast (GTK_WIDGET (group), _ ("Security key renamed"));
    kbc_keys_group_reload (group);
  }
}

static void
on_key_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KeyPrompt *prompt = user_data;
  g_autoptr (GError) error = NULL;

  if (!kbc_account_remove_key_finish (KBC_ACCOUNT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      key_prompt_failed (prompt, error);
      return;
    }

  {
    g_autoptr (KbcKeysGroup) group = g_object_ref (prompt->group);

    key_prompt_close (prompt);
    kbc_widget_add_toast (GTK_WIDGET (group), _ ("Security key removed"));
    kbc_keys_group_reload (group);
  }
}

static void
on_key_prompt_response (AdwMessageDialog *dialog, const char *response, KeyPrompt *prompt)
{
  g_autofree char *text = NULL;
  KbcAccount *account = prompt->group->account;

  if (g_strcmp0 (response, key_prompt_response (prompt)) != 0 || account == NULL)
    {
      key_prompt_close (prompt);
      return;
    }

  if (prompt->cancellable != NULL)
    return;

  text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (prompt->entry)));
  if (!prompt->remove)
    g_strstrip (text);
  if (*text == '\0')
    return;

  key_prompt_show_error (prompt, NULL);
  prompt->cancellable = g_cancellable_new ();
  key_prompt_update (prompt);

  if (prompt->remove)
    kbc_account_remove_key_async (account, prompt->id, text, prompt->cancellable, on_key_removed,
                                  prompt);
  else
    kbc_account_rename_key_async (account, prompt->id, text, prompt->cancellable, on_key_renamed,
                                  prompt);
}

/* AdwMessageDialog closes itself after every response; only Cancel, Escape
 * and a success may close this one. Runs after the dialog's own handler,
 * which turns Escape into the close response. */
static gboolean
on_key_prompt_close_request (AdwMessageDialog *dialog, KeyPrompt *prompt)
{
  return !prompt->may_close;
}

static void
run_key_prompt (KbcKeysGroup *self, gint64 id, gboolean remove)
{
  const char *name = find_key_name (self, id);
  g_autofree char *body = NULL;
  KeyPrompt *prompt;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *list;
  GtkWidget *entry;
  GtkWidget *error;

  if (name == NULL)
    return;

  if (remove)
    {
      dialog = adw_message_dialog_new (get_parent_window (self), _ ("Remove Security Key?"), NULL);
      if (self->n_keys == 1)
        body = g_strdup_printf (
            /* Translators: %s is the name of a security key. */
            _ ("“%s” will no longer confirm your sign-ins. It is your last security key: "
               "without an authenticator app, multi-factor authentication is turned off. Enter "
               "your current password to remove it."),
            name);
      else
        body = g_strdup_printf (
            /* Translators: %s is the name of a security key. */
            _ ("“%s” will no longer confirm your sign-ins. Enter your current password to remove "
               "it."),
            name);
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                        "remove", _ ("_Remove"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "remove");
      entry = adw_password_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _ ("Current Password"));
    }
  else
    {
      dialog = adw_message_dialog_new (get_parent_window (self), _ ("Rename Security Key"), NULL);
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                                   _ ("Choose a name you will recognise the key by."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                        "rename", _ ("_Rename"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
      entry = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _ ("Key Name"));
      gtk_editable_set_text (GTK_EDITABLE (entry), name);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (entry), TRUE);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), entry);

  error = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_set_visible (error, FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  error, NULL, -1);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), error);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  prompt = g_new0 (KeyPrompt, 1);
  prompt->group = g_object_ref (self);
  prompt->dialog = ADW_MESSAGE_DIALOG (dialog);
  prompt->entry = entry;
  prompt->error = GTK_LABEL (error);
  prompt->id = id;
  prompt->remove = remove;
  g_object_set_data_full (G_OBJECT (dialog), "kbc-key-prompt", prompt,
                          (GDestroyNotify) key_prompt_free);

  g_signal_connect (dialog, "response", G_CALLBACK (on_key_prompt_response), prompt);
  g_signal_connect_after (dialog, "close-request", G_CALLBACK (on_key_prompt_close_request),
                          prompt);
  g_signal_connect_swapped (entry, "changed", G_CALLBACK (key_prompt_update), prompt);
  key_prompt_update (prompt);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
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
  run_key_prompt (KBC_KEYS_GROUP (widget), g_variant_get_int64 (parameter), FALSE);
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run_key_prompt (KBC_KEYS_GROUP (widget), g_variant_get_int64 (parameter), TRUE);
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  kbc_keys_group_reload (KBC_KEYS_GROUP (widget));
}

static void
on_account_mfa_enabled (KbcKeysGroup *self)
{
  /* Keys were added or removed elsewhere (another group, the last factor
   * gone, MFA disabled). */
  kbc_keys_group_reload (self);
}

/* GObject */

static void
kbc_keys_group_constructed (GObject *object)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (object);

  G_OBJECT_CLASS (kbc_keys_group_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_ACCOUNT (self->account));

  g_signal_connect_object (self->account, "notify::mfa-enabled",
                           G_CALLBACK (on_account_mfa_enabled), self, G_CONNECT_SWAPPED);
  update_view (self);
  kbc_keys_group_reload (self);
}

static void
kbc_keys_group_dispose (GObject *object)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_pointer (&self->load_error, g_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_KEYS_GROUP);

  G_OBJECT_CLASS (kbc_keys_group_parent_class)->dispose (object);
}

static void
kbc_keys_group_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcKeysGroup *self = KBC_KEYS_GROUP (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      case PROP_N_KEYS:
        g_value_set_uint (value, self->n_keys);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, self->loading);
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
      case PROP_ACCOUNT:
        self->account = g_value_dup_object (value);
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
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = kbc_keys_group_constructed;
  object_class->dispose = kbc_keys_group_dispose;
  object_class->get_property = kbc_keys_group_get_property;
  object_class->set_property = kbc_keys_group_set_property;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                               G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_KEYS] = g_param_spec_uint ("n-keys", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-keys-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcKeysGroup, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcKeysGroup, add_button);
  gtk_widget_class_bind_template_child (widget_class, KbcKeysGroup, expander_row);
  gtk_widget_class_bind_template_child (widget_class, KbcKeysGroup, error_row);

  gtk_widget_class_install_action (widget_class, "keys.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "keys.rename", "x", rename_action);
  gtk_widget_class_install_action (widget_class, "keys.remove", "x", remove_action);
  gtk_widget_class_install_action (widget_class, "keys.reload", NULL, reload_action);
}

static void
kbc_keys_group_init (KbcKeysGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
}

GtkWidget *
kbc_keys_group_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_KEYS_GROUP, "account", account, NULL);
}

guint
kbc_keys_group_get_n_keys (KbcKeysGroup *self)
{
  g_return_val_if_fail (KBC_IS_KEYS_GROUP (self), 0);

  return self->n_keys;
}

gboolean
kbc_keys_group_get_loading (KbcKeysGroup *self)
{
  g_return_val_if_fail (KBC_IS_KEYS_GROUP (self), FALSE);

  return self->loading;
}
