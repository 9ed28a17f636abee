/* kbc-promo-codes.c: promo codes: the ones the user redeemed, and redeeming one for a new project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-promo-codes.h"

#include "kbc-error.h"
#include "kbc-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define PROMO_CODES_PATH "/manage/current-user/promo-codes"

/* ---- KbcPromoCode ---- */

struct _KbcPromoCode
{
  GObject parent_instance;

  char *code;
  GDateTime *used_at;
  gint64 project_id;
  char *project_name;
};

G_DEFINE_FINAL_TYPE (KbcPromoCode, kbc_promo_code, G_TYPE_OBJECT)

enum
{
  CODE_PROP_0,
  CODE_PROP_CODE,
  CODE_PROP_USED_AT,
  CODE_PROP_PROJECT_ID,
  CODE_PROP_PROJECT_NAME,
  N_CODE_PROPS
};

static GParamSpec *code_properties[N_CODE_PROPS];

static void
kbc_promo_code_finalize (GObject *object)
{
  KbcPromoCode *self = KBC_PROMO_CODE (object);

  g_free (self->code);
  g_clear_pointer (&self->used_at, g_date_time_unref);
  g_free (self->project_name);

  G_OBJECT_CLASS (kbc_promo_code_parent_class)->finalize (object);
}

static void
kbc_promo_code_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcPromoCode *self = KBC_PROMO_CODE (object);

  switch (prop_id)
    {
      case CODE_PROP_CODE:
        g_value_set_string (value, self->code);
        break;
      case CODE_PROP_USED_AT:
        g_value_set_boxed (value, self->used_at);
        break;
      case CODE_PROP_PROJECT_ID:
        g_value_set_int64 (value, self->project_id);
        break;
      case CODE_PROP_PROJECT_NAME:
        g_value_set_string (value, self->project_name);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_promo_code_class_init (KbcPromoCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbc_promo_code_finalize;
  object_class->get_property = kbc_promo_code_get_property;

  code_properties[CODE_PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);
  code_properties[CODE_PROP_USED_AT] =
      g_param_spec_boxed ("used-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  code_properties[CODE_PROP_PROJECT_ID] =
      g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  code_properties[CODE_PROP_PROJECT_NAME] =
      g_param_spec_string ("project-name", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_CODE_PROPS, code_properties);
}

static void
kbc_promo_code_init (KbcPromoCode *self)
{
}

/* {code, usedAt, project{id, name}}. */
static KbcPromoCode *
promo_code_new_from_json (JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  JsonObject *project = kbc_json_get_object (object, "project");
  const char *code = kbc_json_get_string (object, "code");
  KbcPromoCode *self;

  if (code == NULL || *code == '\0')
    {
      g_debug ("A promo code without its code");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  self = g_object_new (KBC_TYPE_PROMO_CODE, NULL);
  self->code = g_strdup (code);
  self->used_at = kbc_json_get_time (object, "usedAt");
  self->project_id = MAX (kbc_json_get_int (project, "id", 0), 0);
  self->project_name = g_strdup (kbc_json_get_string (project, "name"));
  return self;
}

const char *
kbc_promo_code_get_code (KbcPromoCode *self)
{
  g_return_val_if_fail (KBC_IS_PROMO_CODE (self), NULL);

  return self->code;
}

GDateTime *
kbc_promo_code_get_used_at (KbcPromoCode *self)
{
  g_return_val_if_fail (KBC_IS_PROMO_CODE (self), NULL);

  return self->used_at;
}

gint64
kbc_promo_code_get_project_id (KbcPromoCode *self)
{
  g_return_val_if_fail (KBC_IS_PROMO_CODE (self), 0);

  return self->project_id;
}

const char *
kbc_promo_code_get_project_name (KbcPromoCode *self)
{
  g_return_val_if_fail (KBC_IS_PROMO_CODE (self), NULL);

  return self->project_name;
}

/* ---- KbcPromoCodes ---- */

struct _KbcPromoCodes
{
  KbcListResource parent_instance;
};

G_DEFINE_FINAL_TYPE (KbcPromoCodes, kbc_promo_codes, KBC_TYPE_LIST_RESOURCE)

static gpointer
kbc_promo_codes_parse_item (KbcListResource *list, JsonNode *element, GError **error)
{
  return promo_code_new_from_json (element, error);
}

static const char *
kbc_promo_codes_get_key (gpointer item)
{
  return KBC_PROMO_CODE (item)->code;
}

/* A code used stays as it was; a refresh keeps the object. */
static void
kbc_promo_codes_keep_item (gpointer existing, gpointer fresh)
{
}

static void
kbc_promo_codes_class_init (KbcPromoCodesClass *klass)
{
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  KbcListResourceClass *list_class = KBC_LIST_RESOURCE_CLASS (klass);

  resource_class->path = PROMO_CODES_PATH;

  list_class->item_type = KBC_TYPE_PROMO_CODE;
  list_class->parse_item = kbc_promo_codes_parse_item;
  list_class->get_key = kbc_promo_codes_get_key;
  list_class->update_item = kbc_promo_codes_keep_item;
}

static void
kbc_promo_codes_init (KbcPromoCodes *self)
{
}

KbcPromoCodes *
kbc_promo_codes_new (KbcClient *client)
{
  g_return_val_if_fail (KBC_IS_CLIENT (client), NULL);

  return g_object_new (KBC_TYPE_PROMO_CODES, "client", client, NULL);
}

/* Keboola's refusals (by our server's code, or by Keboola's own words on
 * a real stack) in the app's words. */
static void
reword_redeem_error (GError *error, const char *code)
{
  const char *server_code;
  const char *text;
  char *message = NULL;

  if (!g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST))
    return;

  server_code = kbc_api_error_get_code (error);
  text = kbc_api_error_get_server_message (error);
  if (text == NULL)
    text = "";

  if (g_strcmp0 (server_code, "promoCodeNotFound") == 0 || strstr (text, "doen't exist") != NULL ||
      strstr (text, "doesn't exist") != NULL)
    /* Translators: %s is the promo code the user typed. */
    message = g_strdup_printf (_ ("There is no promo code “%s”. Check it for typos."), code);
  else if (g_strcmp0 (server_code, "promoCodeUsed") == 0 || strstr (text, "already used") != NULL)
    /* Translators: %s is the promo code the user typed. */
    message = g_strdup_printf (_ ("The promo code “%s” has been used already."), code);
  else if (g_strcmp0 (server_code, "organizationMemberRequired") == 0 ||
           strstr (text, "Only organization members") != NULL)
    message = g_strdup (_ ("Only members of the code’s organization can create projects with it. "
                           "Ask the organization for an invitation first."));

  if (message != NULL)
    {
      g_free (error->message);
      error->message = message;
    }
}

static void
on_redeemed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcPromoCodes *self = g_task_get_source_object (task);
  const char *code = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcProject) project = NULL;
  KbcPromoCode *used;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      reword_redeem_error (error, code);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  project = kbc_project_new_from_json (node, &error);
  if (project == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (kbc_list_resource_find (KBC_LIST_RESOURCE (self), code) == NULL)
    {
      used = g_object_new (KBC_TYPE_PROMO_CODE, NULL);
      used->code = g_strdup (code);
      used->used_at = g_date_time_new_now_utc ();
      used->project_id = kbc_project_get_id (project);
      used->project_name = g_strdup (kbc_project_get_name (project));
      kbc_list_resource_insert (KBC_LIST_RESOURCE (self), 0, used);
      g_object_unref (used);
    }

  g_task_return_pointer (task, g_steal_pointer (&project), g_object_unref);
}

void
kbc_promo_codes_redeem_async (KbcPromoCodes *self,
                              const char *code,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *trimmed = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_PROMO_CODES (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_promo_codes_redeem_async);

  trimmed = g_strstrip (g_strdup (code));
  if (*trimmed == '\0')
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST, "%s",
                               _ ("Enter a promo code."));
      g_object_unref (task);
      return;
    }

  body = kbc_json_build_object ("code", trimmed, NULL);
  g_task_set_task_data (task, g_steal_pointer (&trimmed), g_free);
  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (self)), "POST", PROMO_CODES_PATH,
                            body, cancellable, on_redeemed, task);
}

KbcProject *
kbc_promo_codes_redeem_finish (KbcPromoCodes *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_PROMO_CODES (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
