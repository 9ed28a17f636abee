/* kbc-project.c: a Keboola project, its organization, and its limits against their metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-project.h"

#include "kbc-error.h"
#include "kbc-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* ---- KbcProjectLimit ---- */

struct _KbcProjectLimit
{
  GObject parent_instance;

  char *name;
  gint64 value;
  gint64 metric;
  gboolean has_metric;
};

G_DEFINE_FINAL_TYPE (KbcProjectLimit, kbc_project_limit, G_TYPE_OBJECT)

enum
{
  LIMIT_PROP_0,
  LIMIT_PROP_NAME,
  LIMIT_PROP_TITLE,
  LIMIT_PROP_VALUE,
  LIMIT_PROP_METRIC,
  LIMIT_PROP_HAS_METRIC,
  LIMIT_PROP_IS_BYTES,
  LIMIT_PROP_FRACTION,
  LIMIT_PROP_IS_EXCEEDED,
  N_LIMIT_PROPS
};

static GParamSpec *limit_properties[N_LIMIT_PROPS];

/* The limits Keboola's projects have, in people's words. */
static const struct
{
  const char *name;
  const char *title;
  gboolean is_bytes;
} known_limits[] = {
  { "storage.dataSizeBytes", N_ ("Storage"), TRUE },
  { "storage.jobsParallelism", N_ ("Parallel storage jobs"), FALSE },
  { "kbc.adminsCount", N_ ("Project users"), FALSE },
  { "kbc.extractorsCount", N_ ("Extractors"), FALSE },
  { "kbc.writersCount", N_ ("Writers"), FALSE },
  { "orchestrations.count", N_ ("Orchestrations"), FALSE },
  { "components.jobsParallelism", N_ ("Parallel jobs"), FALSE },
  { "kbc.monthlyBillingCreditsCount", N_ ("Monthly credits"), FALSE },
  { "kbc.runTimeMinutes", N_ ("Run time in minutes"), FALSE },
};

static int
known_limit (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_limits); i++)
    if (g_strcmp0 (known_limits[i].name, name) == 0)
      return (int) i;
  return -1;
}

static void
kbc_project_limit_finalize (GObject *object)
{
  KbcProjectLimit *self = KBC_PROJECT_LIMIT (object);

  g_free (self->name);

  G_OBJECT_CLASS (kbc_project_limit_parent_class)->finalize (object);
}

static void
kbc_project_limit_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcProjectLimit *self = KBC_PROJECT_LIMIT (object);

  switch (prop_id)
    {
      case LIMIT_PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case LIMIT_PROP_TITLE:
        g_value_set_string (value, kbc_project_limit_get_title (self));
        break;
      case LIMIT_PROP_VALUE:
        g_value_set_int64 (value, self->value);
        break;
      case LIMIT_PROP_METRIC:
        g_value_set_int64 (value, self->metric);
        break;
      case LIMIT_PROP_HAS_METRIC:
        g_value_set_boolean (value, self->has_metric);
        break;
      case LIMIT_PROP_IS_BYTES:
        g_value_set_boolean (value, kbc_project_limit_get_is_bytes (self));
        break;
      case LIMIT_PROP_FRACTION:
        g_value_set_double (value, kbc_project_limit_get_fraction (self));
        break;
      case LIMIT_PROP_IS_EXCEEDED:
        g_value_set_boolean (value, kbc_project_limit_get_is_exceeded (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_project_limit_class_init (KbcProjectLimitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbc_project_limit_finalize;
  object_class->get_property = kbc_project_limit_get_property;

  limit_properties[LIMIT_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  limit_properties[LIMIT_PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  limit_properties[LIMIT_PROP_VALUE] =
      g_param_spec_int64 ("value", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  limit_properties[LIMIT_PROP_METRIC] =
      g_param_spec_int64 ("metric", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  limit_properties[LIMIT_PROP_HAS_METRIC] =
      g_param_spec_boolean ("has-metric", NULL, NULL, FALSE, flags);
  limit_properties[LIMIT_PROP_IS_BYTES] =
      g_param_spec_boolean ("is-bytes", NULL, NULL, FALSE, flags);
  limit_properties[LIMIT_PROP_FRACTION] =
      g_param_spec_double ("fraction", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  limit_properties[LIMIT_PROP_IS_EXCEEDED] =
      g_param_spec_boolean ("is-exceeded", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_LIMIT_PROPS, limit_properties);
}

static void
kbc_project_limit_init (KbcProjectLimit *self)
{
}

const char *
kbc_project_limit_get_name (KbcProjectLimit *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), NULL);

  return self->name;
}

const char *
kbc_project_limit_get_title (KbcProjectLimit *self)
{
  int known;

  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), NULL);

  known = known_limit (self->name);
  return known >= 0 ? _ (known_limits[known].title) : self->name;
}

gint64
kbc_project_limit_get_value (KbcProjectLimit *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), 0);

  return self->value;
}

gint64
kbc_project_limit_get_metric (KbcProjectLimit *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), 0);

  return self->metric;
}

gboolean
kbc_project_limit_get_has_metric (KbcProjectLimit *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), FALSE);

  return self->has_metric;
}

gboolean
kbc_project_limit_get_is_bytes (KbcProjectLimit *self)
{
  int known;

  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), FALSE);

  known = known_limit (self->name);
  return known >= 0 ? known_limits[known].is_bytes : g_str_has_suffix (self->name, "Bytes");
}

double
kbc_project_limit_get_fraction (KbcProjectLimit *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), 0);

  if (!self->has_metric || self->value <= 0 || self->metric <= 0)
    return 0;
  return (double) self->metric / (double) self->value;
}

gboolean
kbc_project_limit_get_is_exceeded (KbcProjectLimit *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), FALSE);

  return self->has_metric && self->metric > self->value;
}

static char *
format_amount (KbcProjectLimit *self, gint64 amount)
{
  if (kbc_project_limit_get_is_bytes (self))
    return g_format_size ((guint64) MAX (amount, 0));
  return g_strdup_printf ("%'" G_GINT64_FORMAT, amount);
}

char *
kbc_project_limit_describe (KbcProjectLimit *self)
{
  g_autofree char *value = NULL;
  g_autofree char *metric = NULL;

  g_return_val_if_fail (KBC_IS_PROJECT_LIMIT (self), NULL);

  value = format_amount (self, self->value);
  if (!self->has_metric)
    /* Translators: a project's limit without a figure of its use, e.g. "Limit 100 GB". */
    return g_strdup_printf (_ ("Limit %s"), value);

  metric = format_amount (self, self->metric);
  /* Translators: a project's use against its limit, e.g. "112 GB of 100 GB". */
  return g_strdup_printf (_ ("%s of %s"), metric, value);
}

/* ---- KbcProject ---- */

struct _KbcProject
{
  GObject parent_instance;

  gint64 id;
  char *key;
  char *name;
  GDateTime *created;
  GDateTime *expires;
  char *type;
  char *region;
  char *default_backend;
  gboolean is_disabled;
  gint64 data_size_bytes;
  gint64 rows_count;
  gint64 organization_id;
  char *organization_name;
  GListStore *limits;
  gboolean is_complete;
};

G_DEFINE_FINAL_TYPE (KbcProject, kbc_project, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CREATED,
  PROP_EXPIRES,
  PROP_TYPE,
  PROP_REGION,
  PROP_DEFAULT_BACKEND,
  PROP_IS_DISABLED,
  PROP_DATA_SIZE_BYTES,
  PROP_ROWS_COUNT,
  PROP_ORGANIZATION_ID,
  PROP_ORGANIZATION_NAME,
  PROP_LIMITS,
  PROP_IS_COMPLETE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbc_project_finalize (GObject *object)
{
  KbcProject *self = KBC_PROJECT (object);

  g_free (self->key);
  g_free (self->name);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->expires, g_date_time_unref);
  g_free (self->type);
  g_free (self->region);
  g_free (self->default_backend);
  g_free (self->organization_name);
  g_clear_object (&self->limits);

  G_OBJECT_CLASS (kbc_project_parent_class)->finalize (object);
}

static void
kbc_project_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcProject *self = KBC_PROJECT (object);

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
      case PROP_EXPIRES:
        g_value_set_boxed (value, self->expires);
        break;
      case PROP_TYPE:
        g_value_set_string (value, self->type);
        break;
      case PROP_REGION:
        g_value_set_string (value, self->region);
        break;
      case PROP_DEFAULT_BACKEND:
        g_value_set_string (value, self->default_backend);
        break;
      case PROP_IS_DISABLED:
        g_value_set_boolean (value, self->is_disabled);
        break;
      case PROP_DATA_SIZE_BYTES:
        g_value_set_int64 (value, self->data_size_bytes);
        break;
      case PROP_ROWS_COUNT:
        g_value_set_int64 (value, self->rows_count);
        break;
      case PROP_ORGANIZATION_ID:
        g_value_set_int64 (value, self->organization_id);
        break;
      case PROP_ORGANIZATION_NAME:
        g_value_set_string (value, self->organization_name);
        break;
      case PROP_LIMITS:
        g_value_set_object (value, self->limits);
        break;
      case PROP_IS_COMPLETE:
        g_value_set_boolean (value, self->is_complete);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_project_class_init (KbcProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbc_project_finalize;
  object_class->get_property = kbc_project_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_EXPIRES] = g_param_spec_boxed ("expires", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_TYPE] = g_param_spec_string ("type", NULL, NULL, NULL, flags);
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, flags);
  properties[PROP_DEFAULT_BACKEND] =
      g_param_spec_string ("default-backend", NULL, NULL, NULL, flags);
  properties[PROP_IS_DISABLED] = g_param_spec_boolean ("is-disabled", NULL, NULL, FALSE, flags);
  properties[PROP_DATA_SIZE_BYTES] =
      g_param_spec_int64 ("data-size-bytes", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_ROWS_COUNT] =
      g_param_spec_int64 ("rows-count", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_ORGANIZATION_ID] =
      g_param_spec_int64 ("organization-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_ORGANIZATION_NAME] =
      g_param_spec_string ("organization-name", NULL, NULL, NULL, flags);
  properties[PROP_LIMITS] = g_param_spec_object ("limits", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_IS_COMPLETE] = g_param_spec_boolean ("is-complete", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_project_init (KbcProject *self)
{
  self->limits = g_list_store_new (KBC_TYPE_PROJECT_LIMIT);
}

static int
compare_limits (gconstpointer a, gconstpointer b, gpointer user_data)
{
  KbcProjectLimit *first = (KbcProjectLimit *) a;
  KbcProjectLimit *second = (KbcProjectLimit *) b;
  int known_first = known_limit (first->name);
  int known_second = known_limit (second->name);

  /* Known limits in the order of the table, then the others by name. */
  if (known_first != known_second)
    {
      if (known_first < 0)
        return 1;
      if (known_second < 0)
        return -1;
      return known_first - known_second;
    }
  return g_strcmp0 (first->name, second->name);
}

/* limits and metrics: {"<name>": {"name": …, "value": N}, …}. */
static void
read_limits (KbcProject *self, JsonObject *limits, JsonObject *metrics)
{
  g_autoptr (GList) names = limits != NULL ? json_object_get_members (limits) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *limit = kbc_json_get_object (limits, l->data);
      JsonObject *metric = kbc_json_get_object (metrics, l->data);
      g_autoptr (KbcProjectLimit) item = NULL;

      if (limit == NULL || !json_object_has_member (limit, "value"))
        continue;

      item = g_object_new (KBC_TYPE_PROJECT_LIMIT, NULL);
      item->name = g_strdup (l->data);
      item->value = kbc_json_get_int (limit, "value", 0);
      item->has_metric = metric != NULL && json_object_has_member (metric, "value");
      item->metric = kbc_json_get_int (metric, "value", 0);
      g_list_store_insert_sorted (self->limits, item, compare_limits, NULL);
    }
}

KbcProject *
kbc_project_new_from_json (JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  JsonObject *organization = kbc_json_get_object (object, "organization");
  g_autoptr (KbcProject) self = NULL;
  gint64 id = kbc_json_get_int (object, "id", 0);

  if (id <= 0)
    {
      g_debug ("A project without an id");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  self = g_object_new (KBC_TYPE_PROJECT, NULL);
  self->id = id;
  self->key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  self->name = g_strdup (kbc_json_get_string (object, "name"));
  self->created = kbc_json_get_time (object, "created");
  self->expires = kbc_json_get_time (object, "expires");
  self->type = g_strdup (kbc_json_get_string (object, "type"));
  self->region = g_strdup (kbc_json_get_string (object, "region"));
  self->default_backend = g_strdup (kbc_json_get_string (object, "defaultBackend"));
  self->is_disabled = kbc_json_get_boolean (object, "isDisabled", FALSE);
  self->data_size_bytes = MAX (kbc_json_get_int (object, "dataSizeBytes", 0), 0);
  self->rows_count = MAX (kbc_json_get_int (object, "rowsCount", 0), 0);
  self->organization_id = MAX (kbc_json_get_int (organization, "id", 0), 0);
  self->organization_name = g_strdup (kbc_json_get_string (organization, "name"));
  self->is_complete = kbc_json_get_object (object, "limits") != NULL;
  read_limits (self, kbc_json_get_object (object, "limits"),
               kbc_json_get_object (object, "metrics"));

  return g_steal_pointer (&self);
}

#define GETTER(type, name, fallback)                        \
  type kbc_project_get_##name (KbcProject *self)            \
  {                                                         \
    g_return_val_if_fail (KBC_IS_PROJECT (self), fallback); \
    return self->name;                                      \
  }

GETTER (gint64, id, 0)
GETTER (const char *, key, NULL)
GETTER (const char *, name, NULL)
GETTER (GDateTime *, created, NULL)
GETTER (GDateTime *, expires, NULL)
GETTER (const char *, region, NULL)
GETTER (const char *, default_backend, NULL)
GETTER (gboolean, is_disabled, FALSE)
GETTER (gint64, data_size_bytes, 0)
GETTER (gint64, rows_count, 0)
GETTER (gint64, organization_id, 0)
GETTER (const char *, organization_name, NULL)
GETTER (gboolean, is_complete, FALSE)

#undef GETTER

const char *
kbc_project_get_project_type (KbcProject *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT (self), NULL);

  return self->type;
}

GListModel *
kbc_project_get_limits (KbcProject *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT (self), NULL);

  return G_LIST_MODEL (self->limits);
}

char *
kbc_project_get_web_url (gint64 id, const char *stack_url)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (stack_url != NULL, NULL);

  /* A stack has a web page only behind https; the server of this
   * computer (http:// on loopback) has none. */
  if (id <= 0 || g_ascii_strncasecmp (stack_url, "https://", 8) != 0)
    return NULL;

  base = g_strdup (stack_url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strdup_printf ("%s/admin/projects/%" G_GINT64_FORMAT, base, id);
}
