/* kbc-token.c: one token of the account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-token.h"

#include "kbc-error.h"
#include "kbc-json.h"

struct _KbcToken
{
  GObject parent_instance;

  gint64 id;
  char *key;
  char *description;
  GDateTime *created;
  GDateTime *last_used;
  GDateTime *expires;
  gboolean is_expired;
  gboolean is_session_token;
  char *client_name;
  char *client_address;
  gboolean is_current;
};

G_DEFINE_FINAL_TYPE (KbcToken, kbc_token, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_DESCRIPTION,
  PROP_CREATED,
  PROP_LAST_USED,
  PROP_EXPIRES,
  PROP_IS_EXPIRED,
  PROP_IS_SESSION_TOKEN,
  PROP_CLIENT_NAME,
  PROP_CLIENT_ADDRESS,
  PROP_IS_CURRENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbc_token_finalize (GObject *object)
{
  KbcToken *self = KBC_TOKEN (object);

  g_free (self->key);
  g_free (self->description);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->last_used, g_date_time_unref);
  g_clear_pointer (&self->expires, g_date_time_unref);
  g_free (self->client_name);
  g_free (self->client_address);

  G_OBJECT_CLASS (kbc_token_parent_class)->finalize (object);
}

static void
kbc_token_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcToken *self = KBC_TOKEN (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case PROP_DESCRIPTION:
        g_value_set_string (value, self->description);
        break;
      case PROP_CREATED:
        g_value_set_boxed (value, self->created);
        break;
      case PROP_LAST_USED:
        g_value_set_boxed (value, self->last_used);
        break;
      case PROP_EXPIRES:
        g_value_set_boxed (value, self->expires);
        break;
      case PROP_IS_EXPIRED:
        g_value_set_boolean (value, self->is_expired);
        break;
      case PROP_IS_SESSION_TOKEN:
        g_value_set_boolean (value, self->is_session_token);
        break;
      case PROP_CLIENT_NAME:
        g_value_set_string (value, self->client_name);
        break;
      case PROP_CLIENT_ADDRESS:
        g_value_set_string (value, self->client_address);
        break;
      case PROP_IS_CURRENT:
        g_value_set_boolean (value, self->is_current);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_token_class_init (KbcTokenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = kbc_token_finalize;
  object_class->get_property = kbc_token_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_LAST_USED] = g_param_spec_boxed ("last-used", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_EXPIRES] = g_param_spec_boxed ("expires", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_IS_EXPIRED] = g_param_spec_boolean ("is-expired", NULL, NULL, FALSE, ro);
  properties[PROP_IS_SESSION_TOKEN] =
      g_param_spec_boolean ("is-session-token", NULL, NULL, FALSE, ro);
  properties[PROP_CLIENT_NAME] = g_param_spec_string ("client-name", NULL, NULL, NULL, ro);
  properties[PROP_CLIENT_ADDRESS] = g_param_spec_string ("client-address", NULL, NULL, NULL, ro);
  properties[PROP_IS_CURRENT] = g_param_spec_boolean ("is-current", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_token_init (KbcToken *self)
{
}

KbcToken *
kbc_token_new_from_json (JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  JsonObject *client = kbc_json_get_object (object, "client");
  g_autoptr (KbcToken) self = NULL;
  gint64 id = kbc_json_get_int (object, "id", 0);

  if (id <= 0)
    {
      g_debug ("A token without an id");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  self = g_object_new (KBC_TYPE_TOKEN, NULL);
  self->id = id;
  self->key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  self->description = g_strdup (kbc_json_get_string (object, "description"));
  self->created = kbc_json_get_time (object, "created");
  self->last_used = kbc_json_get_time (object, "lastUsed");
  self->expires = kbc_json_get_time (object, "expires");
  self->is_expired = kbc_json_get_boolean (object, "isExpired", FALSE);
  self->is_session_token = kbc_json_get_boolean (object, "isSessionToken", FALSE);
  self->client_name = g_strdup (kbc_json_get_string (client, "name"));
  self->client_address = g_strdup (kbc_json_get_string (client, "address"));

  return g_steal_pointer (&self);
}

static void
update_string (KbcToken *self, char **field, const char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
update_time (KbcToken *self, GDateTime **field, GDateTime *value, int prop)
{
  if (*field == value || (*field != NULL && value != NULL && g_date_time_equal (*field, value)))
    return;

  g_clear_pointer (field, g_date_time_unref);
  *field = value != NULL ? g_date_time_ref (value) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
update_boolean (KbcToken *self, gboolean *field, gboolean value, int prop)
{
  value = !!value;
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
kbc_token_update (KbcToken *self, KbcToken *fresh)
{
  g_return_if_fail (KBC_IS_TOKEN (self));
  g_return_if_fail (KBC_IS_TOKEN (fresh));
  g_return_if_fail (self->id == fresh->id);

  g_object_freeze_notify (G_OBJECT (self));
  update_string (self, &self->description, fresh->description, PROP_DESCRIPTION);
  update_time (self, &self->created, fresh->created, PROP_CREATED);
  update_time (self, &self->last_used, fresh->last_used, PROP_LAST_USED);
  update_time (self, &self->expires, fresh->expires, PROP_EXPIRES);
  update_boolean (self, &self->is_expired, fresh->is_expired, PROP_IS_EXPIRED);
  update_boolean (self, &self->is_session_token, fresh->is_session_token, PROP_IS_SESSION_TOKEN);
  update_string (self, &self->client_name, fresh->client_name, PROP_CLIENT_NAME);
  update_string (self, &self->client_address, fresh->client_address, PROP_CLIENT_ADDRESS);
  update_boolean (self, &self->is_current, fresh->is_current, PROP_IS_CURRENT);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kbc_token_set_is_current (KbcToken *self, gboolean is_current)
{
  g_return_if_fail (KBC_IS_TOKEN (self));

  update_boolean (self, &self->is_current, is_current, PROP_IS_CURRENT);
}

gint64
kbc_token_get_id (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), 0);

  return self->id;
}

const char *
kbc_token_get_key (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), NULL);

  return self->key;
}

const char *
kbc_token_get_description (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), NULL);

  return self->description;
}

GDateTime *
kbc_token_get_created (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), NULL);

  return self->created;
}

GDateTime *
kbc_token_get_last_used (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), NULL);

  return self->last_used;
}

GDateTime *
kbc_token_get_expires (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), NULL);

  return self->expires;
}

gboolean
kbc_token_get_is_expired (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), FALSE);

  return self->is_expired;
}

gboolean
kbc_token_get_is_session_token (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), FALSE);

  return self->is_session_token;
}

const char *
kbc_token_get_client_name (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), NULL);

  return self->client_name;
}

const char *
kbc_token_get_client_address (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), NULL);

  return self->client_address;
}

gboolean
kbc_token_get_is_current (KbcToken *self)
{
  g_return_val_if_fail (KBC_IS_TOKEN (self), FALSE);

  return self->is_current;
}
