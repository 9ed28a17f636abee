/* kbc-profile-group.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-profile-group.h"

#include <glib/gi18n.h>

#include "kbc-auth-methods.h"
#include "kbc-stack.h"
#include "kbc-toast.h"

struct _KbcProfileGroup
{
  AdwPreferencesGroup parent_instance;

  /* Template children */
  AdwActionRow *stack_row;
  AdwEntryRow *name_entry_row;
  GtkWidget *name_row;
  GtkLabel *name_label;
  GtkLabel *email_label;

  /* Owned references */
  KbcAccount *account;
  KbcAuthMethods *auth_methods;
  GCancellable *cancellable; /* of the name being saved */
  gboolean edited;           /* the name row differs from the account's name */
};

G_DEFINE_FINAL_TYPE (KbcProfileGroup, kbc_profile_group, ADW_TYPE_PREFERENCES_GROUP)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "Keboola US · connection.keboola.com", "This computer · 127.0.0.1:8080",
 * or the URL of a custom stack. */
static char *
describe_stack (const char *url)
{
  const char *id = kbc_stack_find_by_url (url);
  const KbcStackInfo *info = kbc_stack_lookup (id);
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  g_autofree char *address = NULL;

  if (host == NULL)
    return g_strdup (url);
  address = g_uri_get_port (uri) > 0 ? g_strdup_printf ("%s:%d", host, g_uri_get_port (uri))
                                     : g_strdup (host);

  if (info != NULL && g_strcmp0 (id, KBC_STACK_CUSTOM) != 0)
    /* Translators: a stack's name and its address, e.g. "Keboola US · connection.keboola.com". */
    return g_strdup_printf (_ ("%s · %s"), _ (info->name), address);
  if (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "localhost") ||
      g_str_equal (host, "::1"))
    /* Translators: the server on this computer, and its address. */
    return g_strdup_printf (_ ("This computer · %s"), address);
  return g_strdup (url);
}

/* The name can be changed where the server offers it: ours lists password
 * sign-in; Keboola keeps the name in its web page. */
static void
update_editable (KbcProfileGroup *self)
{
  gboolean editable = kbc_auth_methods_get_password (self->auth_methods);

  gtk_widget_set_visible (GTK_WIDGET (self->name_entry_row), editable);
  gtk_widget_set_visible (self->name_row, !editable);
}

static void
sync_name (KbcProfileGroup *self)
{
  /* Not while the user edits it. */
  if (self->cancellable == NULL && !self->edited)
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry_row),
                           kbc_account_get_user_name (self->account) != NULL
                               ? kbc_account_get_user_name (self->account)
                               : "");
}

static void
name_changed_cb (KbcProfileGroup *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->name_entry_row));

  if (self->account == NULL)
    return;

  gtk_widget_remove_css_class (GTK_WIDGET (self->name_entry_row), "error");
  self->edited = g_strcmp0 (text, kbc_account_get_user_name (self->account)) != 0;
}

static void
name_set_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  KbcProfileGroup *self;

  if (!kbc_account_set_user_name_finish (KBC_ACCOUNT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = KBC_PROFILE_GROUP (user_data);
  g_clear_object (&self->cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_entry_row), TRUE);

  if (error != NULL)
    {
      /* What was typed stays, for correcting. */
      gtk_widget_add_css_class (GTK_WIDGET (self->name_entry_row), "error");
      kbc_widget_add_toast (GTK_WIDGET (self), error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_entry_row));
      return;
    }

  self->edited = FALSE;
  sync_name (self);
  kbc_widget_add_toast (GTK_WIDGET (self), _ ("Name changed"));
}

static void
name_apply_cb (KbcProfileGroup *self)
{
  if (self->cancellable != NULL)
    return;

  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_entry_row), FALSE);
  kbc_account_set_user_name_async (self->account,
                                   gtk_editable_get_text (GTK_EDITABLE (self->name_entry_row)),
                                   self->cancellable, name_set_cb, self);
}

static void
kbc_profile_group_constructed (GObject *object)
{
  KbcProfileGroup *self = KBC_PROFILE_GROUP (object);

  G_OBJECT_CLASS (kbc_profile_group_parent_class)->constructed (object);

  /* Without an account: the cached profile, filled in by
   * kbc_profile_group_new_cached(). */
  if (self->account == NULL)
    return;

  /* The bindings die with the labels, which die with this group. */
  g_object_bind_property (self->account, "user-name", self->name_label, "label",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->account, "user-email", self->email_label, "label",
                          G_BINDING_SYNC_CREATE);

  {
    g_autofree char *stack = describe_stack (kbc_account_get_stack_url (self->account));

    adw_action_row_set_subtitle (self->stack_row, stack);
  }

  g_signal_connect_object (self->account, "notify::user-name", G_CALLBACK (sync_name), self,
                           G_CONNECT_SWAPPED);
  sync_name (self);

  self->auth_methods = g_object_ref (kbc_account_get_auth_methods (self->account));
  g_signal_connect_object (self->auth_methods, "notify::password", G_CALLBACK (update_editable),
                           self, G_CONNECT_SWAPPED);
  kbc_resource_ensure_loaded (KBC_RESOURCE (self->auth_methods));
  update_editable (self);
}

static void
kbc_profile_group_dispose (GObject *object)
{
  KbcProfileGroup *self = KBC_PROFILE_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_PROFILE_GROUP);
  g_clear_object (&self->auth_methods);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_profile_group_parent_class)->dispose (object);
}

static void
kbc_profile_group_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcProfileGroup *self = KBC_PROFILE_GROUP (object);

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
kbc_profile_group_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  KbcProfileGroup *self = KBC_PROFILE_GROUP (object);

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
kbc_profile_group_class_init (KbcProfileGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_profile_group_constructed;
  object_class->dispose = kbc_profile_group_dispose;
  object_class->get_property = kbc_profile_group_get_property;
  object_class->set_property = kbc_profile_group_set_property;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-profile-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcProfileGroup, stack_row);
  gtk_widget_class_bind_template_child (widget_class, KbcProfileGroup, name_entry_row);
  gtk_widget_class_bind_template_child (widget_class, KbcProfileGroup, name_row);
  gtk_widget_class_bind_template_child (widget_class, KbcProfileGroup, name_label);
  gtk_widget_class_bind_template_callback (widget_class, name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, KbcProfileGroup, email_label);
}

static void
kbc_profile_group_init (KbcProfileGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_profile_group_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_PROFILE_GROUP, "account", account, NULL);
}

/* The profile remembered from the last sign-in (@url NULL: the server on
 * this computer, whose address is not known yet), shown as it is while
 * the session is verified: nothing can be changed. */
GtkWidget *
kbc_profile_group_new_cached (const char *url, const char *name, const char *email)
{
  KbcProfileGroup *self;
  g_autofree char *stack = NULL;

  g_return_val_if_fail (email != NULL, NULL);

  self = g_object_new (KBC_TYPE_PROFILE_GROUP, NULL);
  stack = url != NULL ? describe_stack (url) : g_strdup (_ ("This computer"));
  adw_action_row_set_subtitle (self->stack_row, stack);
  gtk_label_set_label (self->name_label, name != NULL ? name : "");
  gtk_widget_set_visible (self->name_row, name != NULL && name[0] != '\0');
  gtk_label_set_label (self->email_label, email);

  return GTK_WIDGET (self);
}
