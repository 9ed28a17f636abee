/* kbc-organizations.c: the user's organizations with their projects, and the user's maintainers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-organizations.h"

#include "kbc-error.h"
#include "kbc-json.h"

#define ORGANIZATIONS_PATH "/manage/organizations"
#define MAINTAINERS_PATH   "/manage/maintainers"

/* ---- KbcOrganization ---- */

struct _KbcOrganization
{
  GObject parent_instance;

  gint64 id;
  char *key;
  char *name;
  GDateTime *created;
  gboolean allow_auto_join;
  gboolean mfa_required;
  GListStore *projects;
  gboolean projects_loaded;
};

G_DEFINE_FINAL_TYPE (KbcOrganization, kbc_organization, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CREATED,
  PROP_ALLOW_AUTO_JOIN,
  PROP_MFA_REQUIRED,
  PROP_PROJECTS,
  PROP_PROJECTS_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbc_organization_finalize (GObject *object)
{
  KbcOrganization *self = KBC_ORGANIZATION (object);

  g_free (self->key);
  g_free (self->name);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_object (&self->projects);

  G_OBJECT_CLASS (kbc_organization_parent_class)->finalize (object);
}

static void
kbc_organization_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcOrganization *self = KBC_ORGANIZATION (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_CREATED:
        g_value_set_boxed (value, self->created);
        break;
      case PROP_ALLOW_AUTO_JOIN:
        g_value_set_boolean (value, self->allow_auto_join);
        break;
      case PROP_MFA_REQUIRED:
        g_value_set_boolean (value, self->mfa_required);
        break;
      case PROP_PROJECTS:
        g_value_set_object (value, self->projects);
        break;
      case PROP_PROJECTS_LOADED:
        g_value_set_boolean (value, self->projects_loaded);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_organization_class_init (KbcOrganizationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbc_organization_finalize;
  object_class->get_property = kbc_organization_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_ALLOW_AUTO_JOIN] =
      g_param_spec_boolean ("allow-auto-join", NULL, NULL, FALSE, flags);
  properties[PROP_MFA_REQUIRED] = g_param_spec_boolean ("mfa-required", NULL, NULL, FALSE, flags);
  properties[PROP_PROJECTS] =
      g_param_spec_object ("projects", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_PROJECTS_LOADED] =
      g_param_spec_boolean ("projects-loaded", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_organization_init (KbcOrganization *self)
{
  self->projects = g_list_store_new (KBC_TYPE_PROJECT);
}

static KbcOrganization *
organization_new_from_json (JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  KbcOrganization *self;
  gint64 id = kbc_json_get_int (object, "id", 0);

  if (id <= 0)
    {
      g_debug ("An organization without an id");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  self = g_object_new (KBC_TYPE_ORGANIZATION, NULL);
  self->id = id;
  self->key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  self->name = g_strdup (kbc_json_get_string (object, "name"));
  self->created = kbc_json_get_time (object, "created");
  self->allow_auto_join = kbc_json_get_boolean (object, "allowAutoJoin", FALSE);
  self->mfa_required = kbc_json_get_boolean (object, "mfaRequired", FALSE);
  return self;
}

/* Takes what changed from @fresh, notifying; the projects stay. */
static void
organization_update (KbcOrganization *self, KbcOrganization *fresh)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->name, fresh->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (fresh->name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
    }
  if (self->allow_auto_join != fresh->allow_auto_join)
    {
      self->allow_auto_join = fresh->allow_auto_join;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_AUTO_JOIN]);
    }
  if (self->mfa_required != fresh->mfa_required)
    {
      self->mfa_required = fresh->mfa_required;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MFA_REQUIRED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
kbc_organization_get_id (KbcOrganization *self)
{
  g_return_val_if_fail (KBC_IS_ORGANIZATION (self), 0);

  return self->id;
}

const char *
kbc_organization_get_name (KbcOrganization *self)
{
  g_return_val_if_fail (KBC_IS_ORGANIZATION (self), NULL);

  return self->name;
}

GDateTime *
kbc_organization_get_created (KbcOrganization *self)
{
  g_return_val_if_fail (KBC_IS_ORGANIZATION (self), NULL);

  return self->created;
}

gboolean
kbc_organization_get_allow_auto_join (KbcOrganization *self)
{
  g_return_val_if_fail (KBC_IS_ORGANIZATION (self), FALSE);

  return self->allow_auto_join;
}

gboolean
kbc_organization_get_mfa_required (KbcOrganization *self)
{
  g_return_val_if_fail (KBC_IS_ORGANIZATION (self), FALSE);

  return self->mfa_required;
}

GListModel *
kbc_organization_get_projects (KbcOrganization *self)
{
  g_return_val_if_fail (KBC_IS_ORGANIZATION (self), NULL);

  return G_LIST_MODEL (self->projects);
}

gboolean
kbc_organization_get_projects_loaded (KbcOrganization *self)
{
  g_return_val_if_fail (KBC_IS_ORGANIZATION (self), FALSE);

  return self->projects_loaded;
}

/* ---- KbcOrganizations ---- */

struct _KbcOrganizations
{
  KbcListResource parent_instance;
};

G_DEFINE_FINAL_TYPE (KbcOrganizations, kbc_organizations, KBC_TYPE_LIST_RESOURCE)

static gpointer
kbc_organizations_parse_item (KbcListResource *list, JsonNode *element, GError **error)
{
  return organization_new_from_json (element, error);
}

static const char *
kbc_organizations_get_key (gpointer item)
{
  return KBC_ORGANIZATION (item)->key;
}

static void
kbc_organizations_update_item (gpointer existing, gpointer fresh)
{
  organization_update (existing, fresh);
}

static void
kbc_organizations_class_init (KbcOrganizationsClass *klass)
{
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  KbcListResourceClass *list_class = KBC_LIST_RESOURCE_CLASS (klass);

  resource_class->path = ORGANIZATIONS_PATH;

  list_class->item_type = KBC_TYPE_ORGANIZATION;
  list_class->parse_item = kbc_organizations_parse_item;
  list_class->get_key = kbc_organizations_get_key;
  list_class->update_item = kbc_organizations_update_item;
}

static void
kbc_organizations_init (KbcOrganizations *self)
{
}

KbcOrganizations *
kbc_organizations_new (KbcClient *client)
{
  g_return_val_if_fail (KBC_IS_CLIENT (client), NULL);

  return g_object_new (KBC_TYPE_ORGANIZATIONS, "client", client, NULL);
}

static void
on_organization_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcOrganization *organization = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcOrganization) fresh = NULL;
  g_autoptr (GPtrArray) projects = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node != NULL)
    fresh = organization_new_from_json (node, &error);
  if (fresh == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  array = kbc_json_get_array (kbc_json_object (node), "projects");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autoptr (GError) item_error = NULL;
      KbcProject *project =
          kbc_project_new_from_json (json_array_get_element (array, i), &item_error);

      if (project != NULL)
        g_ptr_array_add (projects, project);
    }

  organization_update (organization, fresh);
  g_list_store_splice (organization->projects, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (organization->projects)),
                       projects->pdata, projects->len);
  if (!organization->projects_loaded)
    {
      organization->projects_loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (organization), properties[PROP_PROJECTS_LOADED]);
    }
  g_task_return_boolean (task, TRUE);
}

void
kbc_organizations_load_projects_async (KbcOrganizations *self,
                                       KbcOrganization *organization,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_ORGANIZATIONS (self));
  g_return_if_fail (KBC_IS_ORGANIZATION (organization));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_organizations_load_projects_async);
  g_task_set_task_data (task, g_object_ref (organization), g_object_unref);

  path = g_strdup_printf (ORGANIZATIONS_PATH "/%" G_GINT64_FORMAT, organization->id);
  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (self)), "GET", path, NULL,
                            cancellable, on_organization_loaded, task);
}

gboolean
kbc_organizations_load_projects_finish (KbcOrganizations *self,
                                        GAsyncResult *result,
                                        GError **error)
{
  g_return_val_if_fail (KBC_IS_ORGANIZATIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- KbcMaintainer ---- */

struct _KbcMaintainer
{
  GObject parent_instance;

  gint64 id;
  char *key;
  char *name;
  GDateTime *created;
  GListStore *organizations;
};

G_DEFINE_FINAL_TYPE (KbcMaintainer, kbc_maintainer, G_TYPE_OBJECT)

enum
{
  MAINTAINER_PROP_0,
  MAINTAINER_PROP_ID,
  MAINTAINER_PROP_NAME,
  MAINTAINER_PROP_CREATED,
  N_MAINTAINER_PROPS
};

static GParamSpec *maintainer_properties[N_MAINTAINER_PROPS];

static void
kbc_maintainer_finalize (GObject *object)
{
  KbcMaintainer *self = KBC_MAINTAINER (object);

  g_free (self->key);
  g_free (self->name);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_object (&self->organizations);

  G_OBJECT_CLASS (kbc_maintainer_parent_class)->finalize (object);
}

static void
kbc_maintainer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcMaintainer *self = KBC_MAINTAINER (object);

  switch (prop_id)
    {
      case MAINTAINER_PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case MAINTAINER_PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case MAINTAINER_PROP_CREATED:
        g_value_set_boxed (value, self->created);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_maintainer_class_init (KbcMaintainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbc_maintainer_finalize;
  object_class->get_property = kbc_maintainer_get_property;

  maintainer_properties[MAINTAINER_PROP_ID] =
      g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  maintainer_properties[MAINTAINER_PROP_NAME] =
      g_param_spec_string ("name", NULL, NULL, NULL, flags);
  maintainer_properties[MAINTAINER_PROP_CREATED] =
      g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  g_object_class_install_properties (object_class, N_MAINTAINER_PROPS, maintainer_properties);
}

static void
kbc_maintainer_init (KbcMaintainer *self)
{
  self->organizations = g_list_store_new (KBC_TYPE_ORGANIZATION);
}

GListModel *
kbc_maintainer_get_organizations (KbcMaintainer *self)
{
  g_return_val_if_fail (KBC_IS_MAINTAINER (self), NULL);

  return G_LIST_MODEL (self->organizations);
}

gint64
kbc_maintainer_get_id (KbcMaintainer *self)
{
  g_return_val_if_fail (KBC_IS_MAINTAINER (self), 0);

  return self->id;
}

const char *
kbc_maintainer_get_name (KbcMaintainer *self)
{
  g_return_val_if_fail (KBC_IS_MAINTAINER (self), NULL);

  return self->name;
}

GDateTime *
kbc_maintainer_get_created (KbcMaintainer *self)
{
  g_return_val_if_fail (KBC_IS_MAINTAINER (self), NULL);

  return self->created;
}

/* ---- KbcMaintainers ---- */

struct _KbcMaintainers
{
  KbcListResource parent_instance;
};

G_DEFINE_FINAL_TYPE (KbcMaintainers, kbc_maintainers, KBC_TYPE_LIST_RESOURCE)

static gpointer
kbc_maintainers_parse_item (KbcListResource *list, JsonNode *element, GError **error)
{
  JsonObject *object = kbc_json_object (element);
  KbcMaintainer *maintainer;
  gint64 id = kbc_json_get_int (object, "id", 0);

  if (id <= 0)
    {
      g_debug ("A maintainer without an id");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  maintainer = g_object_new (KBC_TYPE_MAINTAINER, NULL);
  maintainer->id = id;
  maintainer->key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  maintainer->name = g_strdup (kbc_json_get_string (object, "name"));
  maintainer->created = kbc_json_get_time (object, "created");
  return maintainer;
}

static const char *
kbc_maintainers_get_key (gpointer item)
{
  return KBC_MAINTAINER (item)->key;
}

/* A refresh keeps the object, and the organizations read for it. */
static void
kbc_maintainers_keep_item (gpointer existing, gpointer fresh)
{
}

static void
kbc_maintainers_class_init (KbcMaintainersClass *klass)
{
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  KbcListResourceClass *list_class = KBC_LIST_RESOURCE_CLASS (klass);

  resource_class->path = MAINTAINERS_PATH;

  list_class->item_type = KBC_TYPE_MAINTAINER;
  list_class->parse_item = kbc_maintainers_parse_item;
  list_class->get_key = kbc_maintainers_get_key;
  list_class->update_item = kbc_maintainers_keep_item;
}

static void
kbc_maintainers_init (KbcMaintainers *self)
{
}

KbcMaintainers *
kbc_maintainers_new (KbcClient *client)
{
  g_return_val_if_fail (KBC_IS_CLIENT (client), NULL);

  return g_object_new (KBC_TYPE_MAINTAINERS, "client", client, NULL);
}

static void
on_maintainer_organizations (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcMaintainer *maintainer = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) organizations = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      return;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr (GError) item_error = NULL;
      KbcOrganization *organization =
          organization_new_from_json (json_array_get_element (array, i), &item_error);

      if (organization != NULL)
        g_ptr_array_add (organizations, organization);
    }

  g_list_store_splice (maintainer->organizations, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (maintainer->organizations)),
                       organizations->pdata, organizations->len);
  g_task_return_boolean (task, TRUE);
}

void
kbc_maintainers_load_organizations_async (KbcMaintainers *self,
                                          KbcMaintainer *maintainer,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_MAINTAINERS (self));
  g_return_if_fail (KBC_IS_MAINTAINER (maintainer));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_maintainers_load_organizations_async);
  g_task_set_task_data (task, g_object_ref (maintainer), g_object_unref);

  path = g_strdup_printf (MAINTAINERS_PATH "/%" G_GINT64_FORMAT "/organizations", maintainer->id);
  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (self)), "GET", path, NULL,
                            cancellable, on_maintainer_organizations, task);
}

gboolean
kbc_maintainers_load_organizations_finish (KbcMaintainers *self,
                                           GAsyncResult *result,
                                           GError **error)
{
  g_return_val_if_fail (KBC_IS_MAINTAINERS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
