/* kbc-tokens.c: the account's tokens: personal management tokens and desktop sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-tokens.h"

#include "kbc-error.h"
#include "kbc-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define TOKENS_PATH "/manage/current-user/tokens"

struct _KbcTokens
{
  KbcListResource parent_instance;

  KbcAccount *account; /* weak: the account owns this */
};

G_DEFINE_FINAL_TYPE (KbcTokens, kbc_tokens, KBC_TYPE_LIST_RESOURCE)
G_DEFINE_BOXED_TYPE (KbcNewToken, kbc_new_token, kbc_new_token_copy, kbc_new_token_free)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

KbcNewToken *
kbc_new_token_copy (const KbcNewToken *new_token)
{
  KbcNewToken *copy = g_new0 (KbcNewToken, 1);

  copy->token = new_token->token != NULL ? g_object_ref (new_token->token) : NULL;
  copy->secret = g_strdup (new_token->secret);
  return copy;
}

void
kbc_new_token_free (KbcNewToken *new_token)
{
  if (new_token == NULL)
    return;

  g_clear_object (&new_token->token);
  if (new_token->secret != NULL)
    explicit_bzero (new_token->secret, strlen (new_token->secret));
  g_free (new_token->secret);
  g_free (new_token);
}

/* The id of the token the account uses ("<id>-<secret>"), or 0. */
static gint64
current_id (KbcTokens *self)
{
  const char *token = self->account != NULL ? kbc_account_get_token (self->account) : NULL;

  if (token == NULL || !g_ascii_isdigit (*token))
    return 0;
  return g_ascii_strtoll (token, NULL, 10);
}

/* ---- the list ---- */

static gpointer
kbc_tokens_parse_item (KbcListResource *list, JsonNode *element, GError **error)
{
  return kbc_token_new_from_json (element, error);
}

static const char *
kbc_tokens_get_key (gpointer item)
{
  return kbc_token_get_key (item);
}

static void
kbc_tokens_update_item (gpointer existing, gpointer fresh)
{
  kbc_token_update (existing, fresh);
}

/* Which token is the account's own is known here, on the main thread,
 * before the base class adopts the items. */
static void
kbc_tokens_apply (KbcResource *resource, gpointer parsed)
{
  KbcTokens *self = KBC_TOKENS (resource);
  GPtrArray *items = parsed;
  gint64 current = current_id (self);

  for (guint i = 0; i < items->len; i++)
    kbc_token_set_is_current (items->pdata[i],
                              current > 0 && kbc_token_get_id (items->pdata[i]) == current);

  KBC_RESOURCE_CLASS (kbc_tokens_parent_class)->apply (resource, parsed);
}

/* ---- GObject ---- */

static void
kbc_tokens_dispose (GObject *object)
{
  KbcTokens *self = KBC_TOKENS (object);

  g_clear_weak_pointer (&self->account);

  G_OBJECT_CLASS (kbc_tokens_parent_class)->dispose (object);
}

static void
kbc_tokens_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcTokens *self = KBC_TOKENS (object);

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
kbc_tokens_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcTokens *self = KBC_TOKENS (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_set_weak_pointer (&self->account, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_tokens_class_init (KbcTokensClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  KbcListResourceClass *list_class = KBC_LIST_RESOURCE_CLASS (klass);

  object_class->dispose = kbc_tokens_dispose;
  object_class->get_property = kbc_tokens_get_property;
  object_class->set_property = kbc_tokens_set_property;

  resource_class->path = TOKENS_PATH;
  resource_class->apply = kbc_tokens_apply;

  list_class->item_type = KBC_TYPE_TOKEN;
  list_class->parse_item = kbc_tokens_parse_item;
  list_class->get_key = kbc_tokens_get_key;
  list_class->update_item = kbc_tokens_update_item;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_tokens_init (KbcTokens *self)
{
}

KbcTokens *
kbc_tokens_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_TOKENS, "account", account, "client",
                       kbc_account_get_client (account), NULL);
}

KbcAccount *
kbc_tokens_get_account (KbcTokens *self)
{
  g_return_val_if_fail (KBC_IS_TOKENS (self), NULL);

  return self->account;
}

KbcToken *
kbc_tokens_find (KbcTokens *self, gint64 id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (KBC_IS_TOKENS (self), NULL);

  key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  return kbc_list_resource_find (KBC_LIST_RESOURCE (self), key);
}

static char *
item_path (KbcToken *token)
{
  return g_strdup_printf (TOKENS_PATH "/%" G_GINT64_FORMAT, kbc_token_get_id (token));
}

/* ---- creating ---- */

/* The server names the rule a field broke (errors[].code); say what to
 * change in the app's words. */
static void
reword_create_error (GError *error)
{
  JsonObject *body;
  JsonArray *errors;
  JsonObject *first;
  const char *key;
  const char *code;
  const char *message = NULL;

  if (!g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST))
    return;

  body = kbc_api_error_get_body (error);
  errors = kbc_json_get_array (body, "errors");
  if (errors == NULL || json_array_get_length (errors) == 0)
    return;
  first = kbc_json_object (json_array_get_element (errors, 0));
  key = kbc_json_get_string (first, "key");
  code = kbc_json_get_string (first, "code");

  if (g_strcmp0 (key, "description") == 0)
    {
      if (g_strcmp0 (code, "tooLong") == 0)
        message = _ ("The name is too long. Use at most 255 characters.");
      else if (g_strcmp0 (code, "invalidCharacters") == 0)
        message = _ ("The name must be a single line of text.");
      else
        message = _ ("Give the token a name.");
    }
  else if (g_strcmp0 (key, "expiresIn") == 0)
    {
      if (g_strcmp0 (code, "tooShort") == 0)
        message = _ ("A token must be valid for at least an hour.");
      else if (g_strcmp0 (code, "tooLong") == 0)
        message = _ ("A token can be valid for a year at most.");
      else
        message = _ ("Choose how long the token will be valid.");
    }

  if (message != NULL)
    {
      g_free (error->message);
      error->message = g_strdup (message);
    }
}

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcTokens *self = g_task_get_source_object (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcNewToken) created = NULL;
  JsonObject *object;
  const char *secret;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      reword_create_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  object = kbc_json_object (node);
  secret = kbc_json_get_string (object, "token");
  created = g_new0 (KbcNewToken, 1);
  created->token = kbc_token_new_from_json (node, &error);
  if (created->token == NULL || secret == NULL || *secret == '\0')
    {
      g_debug ("The created token came without its id or its secret");
      g_task_return_error (task, error != NULL ? g_steal_pointer (&error)
                                               : kbc_api_error_new_invalid_response ());
      return;
    }
  created->secret = g_strdup (secret);
  /* The answer goes now; its copy of the secret with it. */
  explicit_bzero ((char *) secret, strlen (secret));

  /* A refresh may have brought it already. */
  if (kbc_list_resource_find (KBC_LIST_RESOURCE (self), kbc_token_get_key (created->token)) == NULL)
    kbc_list_resource_insert (KBC_LIST_RESOURCE (self), 0, created->token);
  else
    {
      KbcToken *listed =
          kbc_list_resource_find (KBC_LIST_RESOURCE (self), kbc_token_get_key (created->token));

      g_set_object (&created->token, listed);
    }

  g_task_return_pointer (task, g_steal_pointer (&created), (GDestroyNotify) kbc_new_token_free);
}

void
kbc_tokens_create_async (KbcTokens *self,
                         const char *description,
                         gint64 expires_in,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_TOKENS (self));
  g_return_if_fail (description != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_tokens_create_async);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  json_builder_set_member_name (builder, "expiresIn");
  json_builder_add_int_value (builder, expires_in);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (self)), "POST", TOKENS_PATH,
                            body, cancellable, on_created, task);
}

KbcNewToken *
kbc_tokens_create_finish (KbcTokens *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_TOKENS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_tokens_create_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- deleting ---- */

/* A DELETE of @token; runs @done with its task when the list has changed. */
static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcTokens *self = g_task_get_source_object (task);
  KbcToken *token = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  /* Gone already (deleted elsewhere) is what was asked for. */
  if (node == NULL && !g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  kbc_list_resource_remove (KBC_LIST_RESOURCE (self), kbc_token_get_key (token));
  g_task_return_boolean (task, TRUE);
}

void
kbc_tokens_delete_async (KbcTokens *self,
                         KbcToken *token,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_TOKENS (self));
  g_return_if_fail (KBC_IS_TOKEN (token));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_tokens_delete_async);
  g_task_set_task_data (task, g_object_ref (token), g_object_unref);

  path = item_path (token);
  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (self)), "DELETE", path, NULL,
                            cancellable, on_deleted, task);
}

gboolean
kbc_tokens_delete_finish (KbcTokens *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_TOKENS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_tokens_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- signing out the other sessions ---- */

typedef struct
{
  guint pending;
  int signed_out;
  GError *error; /* the first failure */
} SignOut;

static void
sign_out_free (SignOut *sign_out)
{
  g_clear_error (&sign_out->error);
  g_free (sign_out);
}

static void
sign_out_finish_one (GTask *task)
{
  SignOut *sign_out = g_task_get_task_data (task);

  if (--sign_out->pending > 0)
    return;

  if (sign_out->error != NULL)
    g_task_return_error (task, g_steal_pointer (&sign_out->error));
  else
    g_task_return_int (task, sign_out->signed_out);
}

static void
on_session_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignOut *sign_out = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (kbc_tokens_delete_finish (KBC_TOKENS (source), result, &error))
    sign_out->signed_out++;
  else if (sign_out->error == NULL)
    sign_out->error = g_steal_pointer (&error);

  sign_out_finish_one (task);
}

static void
on_refreshed_for_sign_out (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KbcTokens *self = KBC_TOKENS (source);
  SignOut *sign_out = g_task_get_task_data (task);
  g_autoptr (GPtrArray) others = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  GListModel *model = G_LIST_MODEL (self);

  if (!kbc_resource_refresh_finish (KBC_RESOURCE (self), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (KbcToken) token = g_list_model_get_item (model, i);

      if (kbc_token_get_is_session_token (token) && !kbc_token_get_is_current (token))
        g_ptr_array_add (others, g_steal_pointer (&token));
    }

  /* One more than the requests, released below, so that answers that come
   * at once do not end the task before every request is out. */
  sign_out->pending = others->len + 1;
  for (guint i = 0; i < others->len; i++)
    kbc_tokens_delete_async (self, others->pdata[i], g_task_get_cancellable (task),
                             on_session_deleted, g_object_ref (task));
  sign_out_finish_one (task);
}

void
kbc_tokens_sign_out_others_async (KbcTokens *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  GTask *task;

  g_return_if_fail (KBC_IS_TOKENS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_tokens_sign_out_others_async);
  g_task_set_task_data (task, g_new0 (SignOut, 1), (GDestroyNotify) sign_out_free);

  /* Sessions that signed in since the list was read go too. */
  kbc_resource_refresh_async (KBC_RESOURCE (self), cancellable, on_refreshed_for_sign_out, task);
}

int
kbc_tokens_sign_out_others_finish (KbcTokens *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_TOKENS (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_tokens_sign_out_others_async,
                        -1);

  return (int) g_task_propagate_int (G_TASK (result), error);
}
