/* kbc-invitation.c: an invitation into a project, an organization or a maintainer; a request to join a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-invitation.h"

#include "kbc-error.h"
#include "kbc-json.h"

#include <glib/gi18n-lib.h>

GType
kbc_invitation_kind_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { KBC_INVITATION_PROJECT, "KBC_INVITATION_PROJECT", "project" },
    { KBC_INVITATION_ORGANIZATION, "KBC_INVITATION_ORGANIZATION", "organization" },
    { KBC_INVITATION_MAINTAINER, "KBC_INVITATION_MAINTAINER", "maintainer" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("KbcInvitationKind", values));
  return type;
}

/* The member naming what the invitation is into. */
static const char *const target_members[] = { "project", "organization", "maintainer" };

/* ---- KbcInvitation ---- */

struct _KbcInvitation
{
  GObject parent_instance;

  gint64 id;
  char *key;
  KbcInvitationKind kind;
  gint64 target_id;
  char *target_name;
  char *role;
  char *reason;
  GDateTime *created;
  GDateTime *expires;
  char *creator_name;
  char *creator_email;
};

G_DEFINE_FINAL_TYPE (KbcInvitation, kbc_invitation, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_TARGET_ID,
  PROP_TARGET_NAME,
  PROP_ROLE,
  PROP_ROLE_TITLE,
  PROP_REASON,
  PROP_CREATED,
  PROP_EXPIRES,
  PROP_CREATOR_NAME,
  PROP_CREATOR_EMAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbc_invitation_finalize (GObject *object)
{
  KbcInvitation *self = KBC_INVITATION (object);

  g_free (self->key);
  g_free (self->target_name);
  g_free (self->role);
  g_free (self->reason);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->expires, g_date_time_unref);
  g_free (self->creator_name);
  g_free (self->creator_email);

  G_OBJECT_CLASS (kbc_invitation_parent_class)->finalize (object);
}

static void
kbc_invitation_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcInvitation *self = KBC_INVITATION (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case PROP_KIND:
        g_value_set_enum (value, self->kind);
        break;
      case PROP_TARGET_ID:
        g_value_set_int64 (value, self->target_id);
        break;
      case PROP_TARGET_NAME:
        g_value_set_string (value, self->target_name);
        break;
      case PROP_ROLE:
        g_value_set_string (value, self->role);
        break;
      case PROP_ROLE_TITLE:
        g_value_set_string (value, kbc_project_role_get_title (self->role));
        break;
      case PROP_REASON:
        g_value_set_string (value, self->reason);
        break;
      case PROP_CREATED:
        g_value_set_boxed (value, self->created);
        break;
      case PROP_EXPIRES:
        g_value_set_boxed (value, self->expires);
        break;
      case PROP_CREATOR_NAME:
        g_value_set_string (value, self->creator_name);
        break;
      case PROP_CREATOR_EMAIL:
        g_value_set_string (value, self->creator_email);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_invitation_class_init (KbcInvitationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbc_invitation_finalize;
  object_class->get_property = kbc_invitation_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, KBC_TYPE_INVITATION_KIND,
                                             KBC_INVITATION_PROJECT, flags);
  properties[PROP_TARGET_ID] =
      g_param_spec_int64 ("target-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TARGET_NAME] = g_param_spec_string ("target-name", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  properties[PROP_ROLE_TITLE] = g_param_spec_string ("role-title", NULL, NULL, NULL, flags);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_EXPIRES] = g_param_spec_boxed ("expires", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_CREATOR_NAME] = g_param_spec_string ("creator-name", NULL, NULL, NULL, flags);
  properties[PROP_CREATOR_EMAIL] = g_param_spec_string ("creator-email", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_invitation_init (KbcInvitation *self)
{
}

/* A string member, NULL when empty. */
static char *
dup_text (JsonObject *object, const char *name)
{
  const char *value = kbc_json_get_string (object, name);

  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

KbcInvitation *
kbc_invitation_new_from_json (KbcInvitationKind kind, JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  JsonObject *target;
  JsonObject *creator = kbc_json_get_object (object, "creator");
  g_autoptr (KbcInvitation) self = NULL;
  gint64 id = kbc_json_get_int (object, "id", 0);

  g_return_val_if_fail (kind <= KBC_INVITATION_MAINTAINER, NULL);

  target = kbc_json_get_object (object, target_members[kind]);
  if (id <= 0 || kbc_json_get_int (target, "id", 0) <= 0)
    {
      g_debug ("An invitation without an id or what it is into");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  self = g_object_new (KBC_TYPE_INVITATION, NULL);
  self->id = id;
  self->key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  self->kind = kind;
  self->target_id = kbc_json_get_int (target, "id", 0);
  self->target_name = g_strdup (kbc_json_get_string (target, "name"));
  self->role = dup_text (object, "role");
  self->reason = dup_text (object, "reason");
  self->created = kbc_json_get_time (object, "created");
  self->expires = kbc_json_get_time (object, "expires");
  self->creator_name = dup_text (creator, "name");
  self->creator_email = dup_text (creator, "email");

  return g_steal_pointer (&self);
}

const char *
kbc_project_role_get_title (const char *role)
{
  if (role == NULL)
    return NULL;
  if (g_str_equal (role, "admin"))
    return C_ ("project role", "Administrator");
  if (g_str_equal (role, "guest"))
    return C_ ("project role", "Guest");
  if (g_str_equal (role, "readOnly"))
    return C_ ("project role", "Read only");
  if (g_str_equal (role, "share"))
    return C_ ("project role", "Sharing");
  return role;
}

#define GETTER(type, name, fallback)                           \
  type kbc_invitation_get_##name (KbcInvitation *self)         \
  {                                                            \
    g_return_val_if_fail (KBC_IS_INVITATION (self), fallback); \
    return self->name;                                         \
  }

GETTER (gint64, id, 0)
GETTER (const char *, key, NULL)
GETTER (KbcInvitationKind, kind, KBC_INVITATION_PROJECT)
GETTER (gint64, target_id, 0)
GETTER (const char *, target_name, NULL)
GETTER (const char *, role, NULL)
GETTER (const char *, reason, NULL)
GETTER (GDateTime *, created, NULL)
GETTER (GDateTime *, expires, NULL)
GETTER (const char *, creator_name, NULL)
GETTER (const char *, creator_email, NULL)

#undef GETTER

/* ---- KbcJoinRequest ---- */

struct _KbcJoinRequest
{
  GObject parent_instance;

  gint64 id;
  char *key;
  gint64 project_id;
  char *project_name;
  char *reason;
  GDateTime *created;
  GDateTime *expires;
};

G_DEFINE_FINAL_TYPE (KbcJoinRequest, kbc_join_request, G_TYPE_OBJECT)

enum
{
  JOIN_PROP_0,
  JOIN_PROP_ID,
  JOIN_PROP_PROJECT_ID,
  JOIN_PROP_PROJECT_NAME,
  JOIN_PROP_REASON,
  JOIN_PROP_CREATED,
  JOIN_PROP_EXPIRES,
  N_JOIN_PROPS
};

static GParamSpec *join_properties[N_JOIN_PROPS];

static void
kbc_join_request_finalize (GObject *object)
{
  KbcJoinRequest *self = KBC_JOIN_REQUEST (object);

  g_free (self->key);
  g_free (self->project_name);
  g_free (self->reason);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->expires, g_date_time_unref);

  G_OBJECT_CLASS (kbc_join_request_parent_class)->finalize (object);
}

static void
kbc_join_request_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcJoinRequest *self = KBC_JOIN_REQUEST (object);

  switch (prop_id)
    {
      case JOIN_PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case JOIN_PROP_PROJECT_ID:
        g_value_set_int64 (value, self->project_id);
        break;
      case JOIN_PROP_PROJECT_NAME:
        g_value_set_string (value, self->project_name);
        break;
      case JOIN_PROP_REASON:
        g_value_set_string (value, self->reason);
        break;
      case JOIN_PROP_CREATED:
        g_value_set_boxed (value, self->created);
        break;
      case JOIN_PROP_EXPIRES:
        g_value_set_boxed (value, self->expires);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_join_request_class_init (KbcJoinRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbc_join_request_finalize;
  object_class->get_property = kbc_join_request_get_property;

  join_properties[JOIN_PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  join_properties[JOIN_PROP_PROJECT_ID] =
      g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  join_properties[JOIN_PROP_PROJECT_NAME] =
      g_param_spec_string ("project-name", NULL, NULL, NULL, flags);
  join_properties[JOIN_PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  join_properties[JOIN_PROP_CREATED] =
      g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  join_properties[JOIN_PROP_EXPIRES] =
      g_param_spec_boxed ("expires", NULL, NULL, G_TYPE_DATE_TIME, flags);
  g_object_class_install_properties (object_class, N_JOIN_PROPS, join_properties);
}

static void
kbc_join_request_init (KbcJoinRequest *self)
{
}

KbcJoinRequest *
kbc_join_request_new_from_json (JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  JsonObject *project = kbc_json_get_object (object, "project");
  g_autoptr (KbcJoinRequest) self = NULL;
  gint64 id = kbc_json_get_int (object, "id", 0);

  if (id <= 0 || kbc_json_get_int (project, "id", 0) <= 0)
    {
      g_debug ("A join request without an id or a project");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  self = g_object_new (KBC_TYPE_JOIN_REQUEST, NULL);
  self->id = id;
  self->key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  self->project_id = kbc_json_get_int (project, "id", 0);
  self->project_name = g_strdup (kbc_json_get_string (project, "name"));
  self->reason = dup_text (object, "reason");
  self->created = kbc_json_get_time (object, "created");
  self->expires = kbc_json_get_time (object, "expires");

  return g_steal_pointer (&self);
}

#define GETTER(type, name, fallback)                             \
  type kbc_join_request_get_##name (KbcJoinRequest *self)        \
  {                                                              \
    g_return_val_if_fail (KBC_IS_JOIN_REQUEST (self), fallback); \
    return self->name;                                           \
  }

GETTER (gint64, id, 0)
GETTER (const char *, key, NULL)
GETTER (gint64, project_id, 0)
GETTER (const char *, project_name, NULL)
GETTER (const char *, reason, NULL)
GETTER (GDateTime *, created, NULL)
GETTER (GDateTime *, expires, NULL)

#undef GETTER
