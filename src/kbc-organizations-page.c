/* kbc-organizations-page.c: the Organizations page: maintainers, organizations and their projects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-organizations-page.h"

#include <glib/gi18n.h>

#include "kbc-closures.h"
#include "kbc-organizations.h"

struct _KbcOrganizationsPage
{
  AdwPreferencesPage parent_instance;

  /* Template children */
  GtkWidget *status_group;
  AdwStatusPage *status_page;
  GtkWidget *retry_button;
  GtkWidget *maintainers_group;
  GtkListBox *maintainers_list;

  /* Owned */
  KbcAccount *account;
  KbcOrganizations *organizations;
  KbcMaintainers *maintainers;
  GPtrArray *groups; /* one AdwPreferencesGroup per organization */
  GCancellable *cancellable;
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcOrganizationsPage, kbc_organizations_page, ADW_TYPE_PREFERENCES_PAGE)

static GtkWidget *
create_maintainer_row (gpointer item, gpointer user_data)
{
  KbcMaintainer *maintainer = item;
  g_autofree char *since = kbc_format_date (kbc_maintainer_get_created (maintainer));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kbc_maintainer_get_name (maintainer));
  if (since != NULL)
    {
      /* Translators: %s is a date. */
      subtitle = g_strdup_printf (_ ("Since %s"), since);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

static GtkWidget *
create_project_row (gpointer item, gpointer user_data)
{
  KbcProject *project = item;
  g_autofree char *created = kbc_format_date (kbc_project_get_created (project));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kbc_project_get_name (project));
  if (created != NULL)
    {
      /* Translators: %s is a date. */
      subtitle = g_strdup_printf (_ ("Created %s"), created);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "window.show-project");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "(xs)", kbc_project_get_id (project), "");
  return row;
}

static char *
describe_organization (KbcOrganization *organization)
{
  const char *mfa = kbc_organization_get_mfa_required (organization)
                        ? _ ("Multi-factor authentication required")
                        : NULL;
  const char *join = kbc_organization_get_allow_auto_join (organization)
                         ? _ ("Members can join its projects by themselves")
                         : NULL;

  if (mfa != NULL && join != NULL)
    /* Translators: two facts of an organization, joined. */
    return g_strdup_printf (_ ("%s · %s"), mfa, join);
  return g_strdup (mfa != NULL ? mfa : join);
}

static void
update_group (AdwPreferencesGroup *group, GParamSpec *pspec, KbcOrganization *organization)
{
  g_autofree char *description = describe_organization (organization);

  adw_preferences_group_set_title (group, kbc_organization_get_name (organization));
  adw_preferences_group_set_description (group, description);
}

static GtkWidget *
create_organization_group (KbcOrganizationsPage *self, KbcOrganization *organization)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *placeholder;
  g_autofree char *list_label = NULL;

  update_group (ADW_PREFERENCES_GROUP (group), NULL, organization);
  g_signal_connect_object (organization, "notify", G_CALLBACK (update_group), group,
                           G_CONNECT_SWAPPED);

  placeholder = gtk_label_new (_ ("No projects"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (list), placeholder);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  /* Translators: the accessible name of an organization's list of projects. */
  list_label = g_strdup_printf (_ ("Projects of %s"), kbc_organization_get_name (organization));
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, list_label,
                                  -1);
  gtk_list_box_bind_model (GTK_LIST_BOX (list), kbc_organization_get_projects (organization),
                           create_project_row, NULL, NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
  g_object_set_data (G_OBJECT (group), "projects-list", list);
  return group;
}

static void
on_projects_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* A failure leaves the group's placeholder; the next showing tries again. */
  if (!kbc_organizations_load_projects_finish (KBC_ORGANIZATIONS (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not load an organization's projects: %s", error->message);
}

/* The organizations to show: the user's list where the server offers it;
 * on a Keboola stack, which publishes none, those of the user's
 * maintainers. */
static GPtrArray *
collect_organizations (KbcOrganizationsPage *self)
{
  GPtrArray *organizations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GListModel *model = G_LIST_MODEL (self->organizations);

  if (kbc_resource_get_offered (KBC_RESOURCE (self->organizations)))
    {
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (organizations, g_list_model_get_item (model, i));
      return organizations;
    }

  model = G_LIST_MODEL (self->maintainers);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (KbcMaintainer) maintainer = g_list_model_get_item (model, i);
      GListModel *of_maintainer = kbc_maintainer_get_organizations (maintainer);

      for (guint j = 0; j < g_list_model_get_n_items (of_maintainer); j++)
        {
          KbcOrganization *organization = g_list_model_get_item (of_maintainer, j);
          gint64 id = kbc_organization_get_id (organization);

          if (g_hash_table_contains (seen, &id))
            {
              g_object_unref (organization);
              continue;
            }
          g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
          g_ptr_array_add (organizations, organization);
        }
    }
  return organizations;
}

static void
load_projects (KbcOrganizationsPage *self, gboolean all)
{
  g_autoptr (GPtrArray) organizations = collect_organizations (self);

  for (guint i = 0; i < organizations->len; i++)
    {
      KbcOrganization *organization = organizations->pdata[i];

      if (all || !kbc_organization_get_projects_loaded (organization))
        kbc_organizations_load_projects_async (self->organizations, organization, self->cancellable,
                                               on_projects_loaded, NULL);
    }
}

static void
update_status (KbcOrganizationsPage *self)
{
  KbcResource *resource = KBC_RESOURCE (self->organizations);
  guint n = self->groups->len;
  const GError *error;

  /* Without the list, the maintainers are where organizations come from. */
  if (!kbc_resource_get_offered (resource))
    resource = KBC_RESOURCE (self->maintainers);
  error = kbc_resource_get_error (resource);

  gtk_widget_set_visible (self->maintainers_group,
                          g_list_model_get_n_items (G_LIST_MODEL (self->maintainers)) > 0);
  gtk_widget_set_visible (self->retry_button, error != NULL);

  if (n > 0)
    gtk_widget_set_visible (self->status_group, FALSE);
  else
    {
      gtk_widget_set_visible (self->status_group, TRUE);
      if (error != NULL)
        {
          adw_status_page_set_title (self->status_page, _ ("Could Not Load Organizations"));
          adw_status_page_set_description (self->status_page, error->message);
        }
      else if (!kbc_resource_get_loaded (resource))
        {
          adw_status_page_set_title (self->status_page, _ ("Loading Organizations…"));
          adw_status_page_set_description (self->status_page, NULL);
        }
      else
        {
          adw_status_page_set_title (self->status_page, _ ("No Organizations"));
          adw_status_page_set_description (
              self->status_page,
              _ ("You are not a member of any organization. An organization invitation makes "
                 "you one."));
        }
    }
}

static void
organizations_changed_cb (KbcOrganizationsPage *self)
{
  g_autoptr (GPtrArray) organizations = collect_organizations (self);

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), self->groups->pdata[i]);
  g_ptr_array_set_size (self->groups, 0);

  for (guint i = 0; i < organizations->len; i++)
    {
      KbcOrganization *organization = organizations->pdata[i];
      GtkWidget *group = create_organization_group (self, organization);

      adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (group));
      g_ptr_array_add (self->groups, group);
    }

  load_projects (self, FALSE);
  update_status (self);
}

static void
on_maintainer_organizations (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcOrganizationsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (kbc_maintainers_load_organizations_finish (KBC_MAINTAINERS (source), result, &error))
    organizations_changed_cb (self);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not load a maintainer's organizations: %s", error->message);
}

/* Where the server has no list of the user's organizations, each
 * maintainer's are read. */
static void
maintainers_changed_cb (KbcOrganizationsPage *self)
{
  GListModel *model = G_LIST_MODEL (self->maintainers);

  if (!kbc_resource_get_offered (KBC_RESOURCE (self->organizations)))
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr (KbcMaintainer) maintainer = g_list_model_get_item (model, i);

        kbc_maintainers_load_organizations_async (self->maintainers, maintainer, self->cancellable,
                                                  on_maintainer_organizations, g_object_ref (self));
      }
  update_status (self);
}

static void
reload (KbcOrganizationsPage *self)
{
  kbc_resource_refresh (KBC_RESOURCE (self->organizations));
  kbc_resource_refresh (KBC_RESOURCE (self->maintainers));
  if (!kbc_resource_get_offered (KBC_RESOURCE (self->organizations)))
    maintainers_changed_cb (self);
  load_projects (self, TRUE);
}

static void
reload_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  reload (KBC_ORGANIZATIONS_PAGE (widget));
}

static void
kbc_organizations_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kbc_organizations_page_parent_class)->map (widget);

  reload (KBC_ORGANIZATIONS_PAGE (widget));
}

static void
kbc_organizations_page_constructed (GObject *object)
{
  KbcOrganizationsPage *self = KBC_ORGANIZATIONS_PAGE (object);

  G_OBJECT_CLASS (kbc_organizations_page_parent_class)->constructed (object);

  self->organizations = g_object_ref (kbc_account_get_organizations (self->account));
  self->maintainers = g_object_ref (kbc_account_get_maintainers (self->account));

  g_signal_connect_object (self->organizations, "items-changed",
                           G_CALLBACK (organizations_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->organizations, "notify::loaded", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->organizations, "notify::error", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->organizations, "notify::offered",
                           G_CALLBACK (maintainers_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->maintainers, "items-changed", G_CALLBACK (maintainers_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->maintainers, "notify::loaded", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_bind_model (self->maintainers_list, G_LIST_MODEL (self->maintainers),
                           create_maintainer_row, NULL, NULL);
  organizations_changed_cb (self);
}

static void
kbc_organizations_page_dispose (GObject *object)
{
  KbcOrganizationsPage *self = KBC_ORGANIZATIONS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_ORGANIZATIONS_PAGE);
  g_clear_object (&self->organizations);
  g_clear_object (&self->maintainers);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_organizations_page_parent_class)->dispose (object);
}

static void
kbc_organizations_page_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  KbcOrganizationsPage *self = KBC_ORGANIZATIONS_PAGE (object);

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
kbc_organizations_page_set_property (GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
  KbcOrganizationsPage *self = KBC_ORGANIZATIONS_PAGE (object);

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
kbc_organizations_page_class_init (KbcOrganizationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_organizations_page_constructed;
  object_class->dispose = kbc_organizations_page_dispose;
  object_class->get_property = kbc_organizations_page_get_property;
  object_class->set_property = kbc_organizations_page_set_property;

  widget_class->map = kbc_organizations_page_map;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-organizations-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcOrganizationsPage, status_group);
  gtk_widget_class_bind_template_child (widget_class, KbcOrganizationsPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, KbcOrganizationsPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, KbcOrganizationsPage, maintainers_group);
  gtk_widget_class_bind_template_child (widget_class, KbcOrganizationsPage, maintainers_list);

  gtk_widget_class_install_action (widget_class, "organizations.reload", NULL, reload_activated);
}

static void
kbc_organizations_page_init (KbcOrganizationsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->groups = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kbc_organizations_page_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_ORGANIZATIONS_PAGE, "account", account, NULL);
}
