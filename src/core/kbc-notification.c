/* kbc-notification.c: one notification of the account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-notification.h"

#include "kbc-error.h"
#include "kbc-json.h"
#include "kbc-markdown.h"

struct _KbcNotification
{
  GObject parent_instance;

  char *id;
  KbcNotificationKind kind;
  char *type_name;
  GDateTime *created;
  gboolean is_read;
  char *title;
  char *message;
  char *markup;
  char *plain_text;
  gint64 project_id;
  char *project_name;
};

G_DEFINE_FINAL_TYPE (KbcNotification, kbc_notification, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (KbcNotificationKind,
                    kbc_notification_kind,
                    G_DEFINE_ENUM_VALUE (KBC_NOTIFICATION_COMMON, "common"),
                    G_DEFINE_ENUM_VALUE (KBC_NOTIFICATION_LIMIT, "limit"),
                    G_DEFINE_ENUM_VALUE (KBC_NOTIFICATION_GLOBAL, "global"),
                    G_DEFINE_ENUM_VALUE (KBC_NOTIFICATION_SECURITY, "security"))

enum
{
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_TYPE_NAME,
  PROP_CREATED,
  PROP_IS_READ,
  PROP_TITLE,
  PROP_MESSAGE,
  PROP_MARKUP,
  PROP_PLAIN_TEXT,
  PROP_PROJECT_ID,
  PROP_PROJECT_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbc_notification_finalize (GObject *object)
{
  KbcNotification *self = KBC_NOTIFICATION (object);

  g_free (self->id);
  g_free (self->type_name);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self->title);
  g_free (self->message);
  g_free (self->markup);
  g_free (self->plain_text);
  g_free (self->project_name);

  G_OBJECT_CLASS (kbc_notification_parent_class)->finalize (object);
}

static void
kbc_notification_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcNotification *self = KBC_NOTIFICATION (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_KIND:
        g_value_set_enum (value, self->kind);
        break;
      case PROP_TYPE_NAME:
        g_value_set_string (value, self->type_name);
        break;
      case PROP_CREATED:
        g_value_set_boxed (value, self->created);
        break;
      case PROP_IS_READ:
        g_value_set_boolean (value, self->is_read);
        break;
      case PROP_TITLE:
        g_value_set_string (value, self->title);
        break;
      case PROP_MESSAGE:
        g_value_set_string (value, self->message);
        break;
      case PROP_MARKUP:
        g_value_set_string (value, kbc_notification_get_markup (self));
        break;
      case PROP_PLAIN_TEXT:
        g_value_set_string (value, kbc_notification_get_plain_text (self));
        break;
      case PROP_PROJECT_ID:
        g_value_set_int64 (value, self->project_id);
        break;
      case PROP_PROJECT_NAME:
        g_value_set_string (value, self->project_name);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_notification_class_init (KbcNotificationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = kbc_notification_finalize;
  object_class->get_property = kbc_notification_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, KBC_TYPE_NOTIFICATION_KIND,
                                             KBC_NOTIFICATION_COMMON, ro);
  properties[PROP_TYPE_NAME] = g_param_spec_string ("type-name", NULL, NULL, NULL, ro);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_IS_READ] = g_param_spec_boolean ("is-read", NULL, NULL, FALSE, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, ro);
  properties[PROP_MARKUP] = g_param_spec_string ("markup", NULL, NULL, NULL, ro);
  properties[PROP_PLAIN_TEXT] = g_param_spec_string ("plain-text", NULL, NULL, NULL, ro);
  properties[PROP_PROJECT_ID] = g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_PROJECT_NAME] = g_param_spec_string ("project-name", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_notification_init (KbcNotification *self)
{
}

static KbcNotificationKind
kind_of (const char *type_name)
{
  GEnumClass *enum_class = g_type_class_ref (KBC_TYPE_NOTIFICATION_KIND);
  GEnumValue *value = type_name != NULL ? g_enum_get_value_by_nick (enum_class, type_name) : NULL;
  KbcNotificationKind kind = value != NULL ? value->value : KBC_NOTIFICATION_COMMON;

  g_type_class_unref (enum_class);
  return kind;
}

KbcNotification *
kbc_notification_new_from_json (JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  JsonObject *project = kbc_json_get_object (object, "project");
  const char *id = kbc_json_get_string (object, "id");
  const char *title = kbc_json_get_string (object, "title");
  const char *message = kbc_json_get_string (object, "message");
  KbcNotification *self;

  if (id == NULL || *id == '\0' || title == NULL)
    {
      g_debug ("A notification without an id or a title");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  self = g_object_new (KBC_TYPE_NOTIFICATION, NULL);
  self->id = g_strdup (id);
  self->type_name = g_strdup (kbc_json_get_string (object, "type"));
  self->kind = kind_of (self->type_name);
  self->created = kbc_json_get_time (object, "created");
  self->is_read = kbc_json_get_boolean (object, "isRead", FALSE);
  self->title = g_strdup (title);
  self->message = g_strdup (message != NULL ? message : "");
  /* The markup is made when first asked for (ensure_markup()): of 10,000
   * notifications the list shows a screenful, and making all of them took
   * a third of the parsing thread's time. */
  self->project_id = MAX (kbc_json_get_int (project, "id", 0), 0);
  self->project_name = g_strdup (kbc_json_get_string (project, "name"));

  return self;
}

static void
set_string (KbcNotification *self, char **field, const char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
kbc_notification_update (KbcNotification *self, KbcNotification *fresh)
{
  g_return_if_fail (KBC_IS_NOTIFICATION (self));
  g_return_if_fail (KBC_IS_NOTIFICATION (fresh));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->kind != fresh->kind)
    {
      self->kind = fresh->kind;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
    }
  set_string (self, &self->type_name, fresh->type_name, PROP_TYPE_NAME);
  if ((self->created == NULL) != (fresh->created == NULL) ||
      (self->created != NULL && !g_date_time_equal (self->created, fresh->created)))
    {
      g_clear_pointer (&self->created, g_date_time_unref);
      self->created = fresh->created != NULL ? g_date_time_ref (fresh->created) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED]);
    }
  kbc_notification_set_is_read (self, fresh->is_read);
  set_string (self, &self->title, fresh->title, PROP_TITLE);
  if (g_strcmp0 (self->message, fresh->message) != 0)
    {
      set_string (self, &self->message, fresh->message, PROP_MESSAGE);
      /* Made again from the new message when next asked for. */
      g_clear_pointer (&self->markup, g_free);
      g_clear_pointer (&self->plain_text, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARKUP]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAIN_TEXT]);
    }
  if (self->project_id != fresh->project_id)
    {
      self->project_id = fresh->project_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT_ID]);
    }
  set_string (self, &self->project_name, fresh->project_name, PROP_PROJECT_NAME);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kbc_notification_set_is_read (KbcNotification *self, gboolean is_read)
{
  g_return_if_fail (KBC_IS_NOTIFICATION (self));

  is_read = !!is_read;
  if (self->is_read == is_read)
    return;

  self->is_read = is_read;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_READ]);
}

const char *
kbc_notification_get_id (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), NULL);
  return self->id;
}

KbcNotificationKind
kbc_notification_get_kind (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), KBC_NOTIFICATION_COMMON);
  return self->kind;
}

const char *
kbc_notification_get_type_name (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), NULL);
  return self->type_name;
}

GDateTime *
kbc_notification_get_created (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), NULL);
  return self->created;
}

gboolean
kbc_notification_get_is_read (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), FALSE);
  return self->is_read;
}

const char *
kbc_notification_get_title (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), NULL);
  return self->title;
}

const char *
kbc_notification_get_message (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), NULL);
  return self->message;
}

static void
ensure_markup (KbcNotification *self)
{
  if (self->markup == NULL)
    self->markup = kbc_markdown_to_markup (self->message, &self->plain_text);
}

const char *
kbc_notification_get_markup (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), NULL);

  ensure_markup (self);
  return self->markup;
}

const char *
kbc_notification_get_plain_text (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), NULL);

  ensure_markup (self);
  return self->plain_text;
}

gint64
kbc_notification_get_project_id (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), 0);
  return self->project_id;
}

const char *
kbc_notification_get_project_name (KbcNotification *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATION (self), NULL);
  return self->project_name;
}
