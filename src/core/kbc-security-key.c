/* kbc-security-key.c: one security key of the account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-security-key.h"

#include "kbc-error.h"
#include "kbc-json.h"

struct _KbcSecurityKey
{
  GObject parent_instance;

  gint64 id;
  char *name;
  GDateTime *created;
  GDateTime *last_used;
  char *format;
  char *aaguid;
};

G_DEFINE_FINAL_TYPE (KbcSecurityKey, kbc_security_key, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CREATED,
  PROP_LAST_USED,
  PROP_FORMAT,
  PROP_AAGUID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbc_security_key_finalize (GObject *object)
{
  KbcSecurityKey *self = KBC_SECURITY_KEY (object);

  g_free (self->name);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->last_used, g_date_time_unref);
  g_free (self->format);
  g_free (self->aaguid);

  G_OBJECT_CLASS (kbc_security_key_parent_class)->finalize (object);
}

static void
kbc_security_key_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcSecurityKey *self = KBC_SECURITY_KEY (object);

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
      case PROP_LAST_USED:
        g_value_set_boxed (value, self->last_used);
        break;
      case PROP_FORMAT:
        g_value_set_string (value, self->format);
        break;
      case PROP_AAGUID:
        g_value_set_string (value, self->aaguid);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_security_key_class_init (KbcSecurityKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = kbc_security_key_finalize;
  object_class->get_property = kbc_security_key_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_LAST_USED] = g_param_spec_boxed ("last-used", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_FORMAT] = g_param_spec_string ("format", NULL, NULL, NULL, ro);
  properties[PROP_AAGUID] = g_param_spec_string ("aaguid", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_security_key_init (KbcSecurityKey *self)
{
}

KbcSecurityKey *
kbc_security_key_new_from_json (JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  g_autoptr (KbcSecurityKey) self = NULL;
  const char *name = kbc_json_get_string (object, "name");
  gint64 id = kbc_json_get_int (object, "id", 0);

  if (id <= 0 || name == NULL)
    {
      g_debug ("A security key without an id or a name");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  self = g_object_new (KBC_TYPE_SECURITY_KEY, NULL);
  self->id = id;
  self->name = g_strdup (name);
  self->created = kbc_json_get_time (object, "created");
  self->last_used = kbc_json_get_time (object, "lastUsed");
  self->format = g_strdup (kbc_json_get_string (object, "format"));
  self->aaguid = g_strdup (kbc_json_get_string (object, "aaguid"));

  return g_steal_pointer (&self);
}

gint64
kbc_security_key_get_id (KbcSecurityKey *self)
{
  g_return_val_if_fail (KBC_IS_SECURITY_KEY (self), 0);

  return self->id;
}

const char *
kbc_security_key_get_name (KbcSecurityKey *self)
{
  g_return_val_if_fail (KBC_IS_SECURITY_KEY (self), NULL);

  return self->name;
}

GDateTime *
kbc_security_key_get_created (KbcSecurityKey *self)
{
  g_return_val_if_fail (KBC_IS_SECURITY_KEY (self), NULL);

  return self->created;
}

GDateTime *
kbc_security_key_get_last_used (KbcSecurityKey *self)
{
  g_return_val_if_fail (KBC_IS_SECURITY_KEY (self), NULL);

  return self->last_used;
}

const char *
kbc_security_key_get_format (KbcSecurityKey *self)
{
  g_return_val_if_fail (KBC_IS_SECURITY_KEY (self), NULL);

  return self->format;
}

const char *
kbc_security_key_get_aaguid (KbcSecurityKey *self)
{
  g_return_val_if_fail (KBC_IS_SECURITY_KEY (self), NULL);

  return self->aaguid;
}

void
kbc_security_key_set_name (KbcSecurityKey *self, const char *name)
{
  g_return_if_fail (KBC_IS_SECURITY_KEY (self));
  g_return_if_fail (name != NULL);

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
