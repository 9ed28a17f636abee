/* kbc-auth-methods.c: how a server lets people sign in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-auth-methods.h"

#include "kbc-error.h"
#include "kbc-json.h"

#define METHODS_PATH "/manage/auth/methods"

struct _KbcAuthMethods
{
  KbcResource parent_instance;

  gboolean password;
  gboolean token;
  gboolean known;
};

G_DEFINE_FINAL_TYPE (KbcAuthMethods, kbc_auth_methods, KBC_TYPE_RESOURCE)

enum
{
  PROP_0,
  PROP_PASSWORD,
  PROP_TOKEN,
  PROP_KNOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  gboolean password;
  gboolean token;
} Methods;

static void
set_boolean (KbcAuthMethods *self, gboolean *field, gboolean value, guint prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static gpointer
kbc_auth_methods_parse (KbcResource *resource, JsonNode *node, GError **error)
{
  g_auto (GStrv) names = kbc_json_get_strv (kbc_json_object (node), "methods");
  Methods *methods;

  if (names == NULL)
    {
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  methods = g_new0 (Methods, 1);
  methods->password = g_strv_contains ((const char *const *) names, "password");
  methods->token = g_strv_contains ((const char *const *) names, "token");
  return methods;
}

static void
kbc_auth_methods_apply (KbcResource *resource, gpointer parsed)
{
  KbcAuthMethods *self = KBC_AUTH_METHODS (resource);
  Methods *methods = parsed;

  set_boolean (self, &self->password, methods->password, PROP_PASSWORD);
  set_boolean (self, &self->token, methods->token, PROP_TOKEN);
  set_boolean (self, &self->known, TRUE, PROP_KNOWN);
}

static void
set_token_only (KbcAuthMethods *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_boolean (self, &self->password, FALSE, PROP_PASSWORD);
  set_boolean (self, &self->token, TRUE, PROP_TOKEN);
  set_boolean (self, &self->known, TRUE, PROP_KNOWN);
  g_object_thaw_notify (G_OBJECT (self));
}

/* A server without the endpoint is a Keboola stack: a token only. */
static void
offered_changed_cb (KbcAuthMethods *self)
{
  if (!kbc_resource_get_offered (KBC_RESOURCE (self)))
    set_token_only (self);
}

static void
kbc_auth_methods_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcAuthMethods *self = KBC_AUTH_METHODS (object);

  switch (prop_id)
    {
      case PROP_PASSWORD:
        g_value_set_boolean (value, self->password);
        break;
      case PROP_TOKEN:
        g_value_set_boolean (value, self->token);
        break;
      case PROP_KNOWN:
        g_value_set_boolean (value, self->known);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_auth_methods_class_init (KbcAuthMethodsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = kbc_auth_methods_get_property;

  resource_class->path = METHODS_PATH;
  resource_class->parse = kbc_auth_methods_parse;
  resource_class->apply = kbc_auth_methods_apply;
  resource_class->free_parsed = g_free;

  properties[PROP_PASSWORD] = g_param_spec_boolean ("password", NULL, NULL, FALSE, ro);
  properties[PROP_TOKEN] = g_param_spec_boolean ("token", NULL, NULL, TRUE, ro);
  properties[PROP_KNOWN] = g_param_spec_boolean ("known", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_auth_methods_init (KbcAuthMethods *self)
{
  self->token = TRUE;
  g_signal_connect (self, "notify::offered", G_CALLBACK (offered_changed_cb), NULL);
}

KbcAuthMethods *
kbc_auth_methods_new (KbcClient *client)
{
  g_return_val_if_fail (KBC_IS_CLIENT (client), NULL);

  return g_object_new (KBC_TYPE_AUTH_METHODS, "client", client, NULL);
}

void
kbc_auth_methods_set_token_only (KbcAuthMethods *self)
{
  g_return_if_fail (KBC_IS_AUTH_METHODS (self));

  set_token_only (self);
}

gboolean
kbc_auth_methods_get_password (KbcAuthMethods *self)
{
  g_return_val_if_fail (KBC_IS_AUTH_METHODS (self), FALSE);

  return self->password;
}

gboolean
kbc_auth_methods_get_token (KbcAuthMethods *self)
{
  g_return_val_if_fail (KBC_IS_AUTH_METHODS (self), TRUE);

  return self->token;
}

gboolean
kbc_auth_methods_get_known (KbcAuthMethods *self)
{
  g_return_val_if_fail (KBC_IS_AUTH_METHODS (self), FALSE);

  return self->known;
}
