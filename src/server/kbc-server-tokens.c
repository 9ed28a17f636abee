/* kbc-server-tokens.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-tokens.h"

#include "kbc-server-auth.h"
#include "kbc-server-notifications.h"

#include <event2/http.h>
#include <string.h>

#define TOKEN_NOT_FOUND "Token not found."

/* ---- where a session came from ---- */

char *
kbc_tokens_client_name (const char *user_agent)
{
  g_autofree char *valid = NULL;
  g_autoptr (GString) name = NULL;
  guint chars = 0;
  gboolean space = FALSE;

  if (user_agent == NULL)
    return NULL;

  valid = g_utf8_make_valid (user_agent, -1);
  name = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && chars < KBC_TOKEN_MAX_CLIENT_NAME;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (g_unichar_isspace (c) || type == G_UNICODE_CONTROL)
        {
          space = name->len > 0;
          continue;
        }
      /* Bidirectional overrides and invisible characters would let a name
       * pass for another. */
      if (type == G_UNICODE_FORMAT || type == G_UNICODE_UNASSIGNED ||
          type == G_UNICODE_PRIVATE_USE || type == G_UNICODE_SURROGATE)
        continue;

      if (space && chars + 1 < KBC_TOKEN_MAX_CLIENT_NAME)
        {
          g_string_append_c (name, ' ');
          chars++;
        }
      space = FALSE;
      g_string_append_unichar (name, c);
      chars++;
    }

  if (name->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&name), FALSE);
}

gboolean
kbc_tokens_record_sign_in (KbcRequest *request,
                           KbcToken *token,
                           gboolean *new_client,
                           GError **error)
{
  KbcStore *store = request->server->store;
  g_autofree char *name = kbc_tokens_client_name (kbc_request_get_header (request, "User-Agent"));
  g_autofree char *address = kbc_request_dup_peer_address (request);

  gboolean first_time = FALSE;
  gboolean had_clients = FALSE;

  /* The very first sign-in of an account has nothing to compare with: a
   * "new client" is one beside the ones the account already used. */
  if (!kbc_store_client_any (store, token->user_id, &had_clients, error) ||
      !kbc_store_token_set_client (store, token->id, name, address, error) ||
      !kbc_store_client_record (store, token->user_id, name, address, request->now, &first_time,
                                error))
    return FALSE;
  if (new_client != NULL)
    *new_client = first_time && had_clients;

  g_free (token->client_name);
  token->client_name = g_steal_pointer (&name);
  g_free (token->client_address);
  token->client_address = g_steal_pointer (&address);
  return TRUE;
}

/* ---- the token object ---- */

static void
add_nullable_string (JsonBuilder *builder, const char *member, const char *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
kbc_tokens_token_json (KbcToken *token, const char *token_string, gint64 now)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  gboolean session = g_strcmp0 (token->type, KBC_TOKEN_TYPE_SESSION) == 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, token->id);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, token->description != NULL ? token->description : "");
  /* A session's is the time it signed in. */
  kbc_json_add_time (builder, "created", token->created);
  kbc_json_add_time (builder, "lastUsed", token->last_used);
  kbc_json_add_time (builder, "expires", token->expires);
  json_builder_set_member_name (builder, "isExpired");
  json_builder_add_boolean_value (builder, kbc_token_is_expired (token, now));
  json_builder_set_member_name (builder, "isDisabled");
  json_builder_add_boolean_value (builder, token->disabled);
  json_builder_set_member_name (builder, "isSessionToken");
  json_builder_add_boolean_value (builder, session);
  /* The reference's type of a user's token; isSessionToken tells them apart. */
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, KBC_TOKEN_TYPE_ADMIN);
  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);

  /* Ours: where a session signed in from. */
  json_builder_set_member_name (builder, "client");
  if (token->client_name != NULL || token->client_address != NULL)
    {
      json_builder_begin_object (builder);
      add_nullable_string (builder, "name", token->client_name);
      add_nullable_string (builder, "address", token->client_address);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  if (token_string != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token_string);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---- GET /manage/current-user/tokens ---- */

static void
list_tokens (KbcRequest *request)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tokens = NULL;
  g_autoptr (JsonArray) array = NULL;
  g_autoptr (JsonNode) node = NULL;

  tokens = kbc_store_token_list (request->server->store, request->user->id, &error);
  if (tokens == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  array = json_array_sized_new (tokens->len);
  for (guint i = 0; i < tokens->len; i++)
    json_array_add_element (array, kbc_tokens_token_json (tokens->pdata[i], NULL, request->now));

  node = json_node_init_array (json_node_alloc (), array);
  kbc_request_reply_json (request, 200, node);
}

/* ---- POST /manage/current-user/tokens ---- */

/* The description: required, one line of text. NULL (and a field error
 * with a code) when it is not usable. */
static char *
take_description (JsonObject *body, KbcFieldErrors *errors)
{
  JsonNode *node = json_object_get_member (body, "description");
  g_autofree char *description = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      kbc_field_errors_add (errors, "description", "required", "This value should not be blank.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      kbc_field_errors_add (errors, "description", "invalidType",
                            "This value should be of type string.");
      return NULL;
    }

  description = g_strstrip (g_strdup (json_node_get_string (node)));
  if (*description == '\0')
    {
      kbc_field_errors_add (errors, "description", "blank", "This value should not be blank.");
      return NULL;
    }
  if (g_utf8_strlen (description, -1) > KBC_TOKEN_MAX_DESCRIPTION)
    {
      kbc_field_errors_add (errors, "description", "tooLong",
                            "This value is too long. It should have " G_STRINGIFY (
                                KBC_TOKEN_MAX_DESCRIPTION) " characters or less.");
      return NULL;
    }
  for (const char *p = description; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        kbc_field_errors_add (errors, "description", "invalidCharacters",
                              "This value must not contain control characters.");
        return NULL;
      }

  return g_steal_pointer (&description);
}

/* expiresIn: whole seconds within the bounds; there is no "never". 0 (and
 * a field error with a code) when it is not usable. */
static gint64
take_expires_in (JsonObject *body, KbcFieldErrors *errors)
{
  JsonNode *node = json_object_get_member (body, "expiresIn");
  gint64 seconds;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      kbc_field_errors_add (errors, "expiresIn", "required",
                            "A management token must expire: give expiresIn in seconds.");
      return 0;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      kbc_field_errors_add (errors, "expiresIn", "invalidType",
                            "This value should be a whole number of seconds.");
      return 0;
    }

  seconds = json_node_get_int (node);
  if (seconds < KBC_TOKEN_MIN_LIFETIME)
    {
      kbc_field_errors_add (errors, "expiresIn", "tooShort",
                            "A token must be valid for at least an hour (3600 seconds).");
      return 0;
    }
  if (seconds > KBC_TOKEN_MAX_LIFETIME)
    {
      kbc_field_errors_add (errors, "expiresIn", "tooLong",
                            "A token can be valid for a year (31536000 seconds) at most.");
      return 0;
    }

  return seconds;
}

static void
create_token (KbcRequest *request)
{
  JsonObject *body = json_node_get_object (request->body);
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcToken) token = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *description = NULL;
  char *token_string;
  gint64 expires_in;
  gint64 id = 0;

  description = take_description (body, errors);
  expires_in = take_expires_in (body, errors);
  if (errors->len > 0)
    {
      /* The first broken rule is the headline. */
      kbc_request_reply_error (request, 400, "validationFailed",
                               g_array_index (errors, KbcFieldError, 0).message, errors);
      return;
    }

  token_string =
      kbc_auth_issue_token (request->server->store, request->user->id, KBC_TOKEN_TYPE_ADMIN,
                            description, request->now, request->now + expires_in, &id, &error);
  if (token_string != NULL)
    token = kbc_store_token_by_id (request->server->store, id, &error);
  if (token == NULL)
    {
      if (token_string != NULL)
        explicit_bzero (token_string, strlen (token_string));
      g_free (token_string);
      kbc_request_reply_internal (request, error);
      return;
    }

  /* A token made elsewhere is seen here (ASVS 2.5.5). The token exists
   * either way; a notification that could not be stored is logged. */
  {
    g_autofree char *name = kbc_server_markdown_escape (description);
    g_autofree char *message = g_strdup_printf (
        "A personal access token, **%s**, was created for your account. If it was not you, "
        "delete it on the Access Tokens page and change your password.",
        name);
    g_autoptr (GError) notify_error = NULL;

    if (!kbc_server_notify_security (request->server->store, request->user->id, request->now,
                                     KBC_SECURITY_EVENT_TOKEN_CREATED,
                                     "A personal access token was created", message, &notify_error))
      g_message ("Could not send the token notification: %s", notify_error->message);
  }

  /* The only time the secret leaves: the database keeps its hash. */
  node = kbc_tokens_token_json (token, token_string, request->now);
  explicit_bzero (token_string, strlen (token_string));
  g_free (token_string);
  kbc_request_reply_json (request, 201, node);
}

/* ---- GET·DELETE /manage/current-user/tokens/{id} ---- */

/* The caller's token named by the path; replies 404 (or 500) and returns
 * NULL when there is none: another user's token is not there. */
static KbcToken *
find_own_token (KbcRequest *request, gint64 *out_id)
{
  const char *param = kbc_request_param (request, 0);
  g_autoptr (KbcToken) token = NULL;
  g_autoptr (GError) error = NULL;
  guint64 id = 0;

  if (param != NULL && strlen (param) <= 18 && g_ascii_isdigit (param[0]) &&
      g_ascii_string_to_unsigned (param, 10, 1, G_MAXINT64, &id, NULL))
    token = kbc_store_token_by_id (request->server->store, (gint64) id, &error);
  if (error != NULL)
    {
      kbc_request_reply_internal (request, error);
      return NULL;
    }
  if (token == NULL || token->user_id != request->user->id)
    {
      kbc_request_reply_error (request, 404, "tokenNotFound", TOKEN_NOT_FOUND, NULL);
      return NULL;
    }

  if (out_id != NULL)
    *out_id = (gint64) id;
  return g_steal_pointer (&token);
}

static void
get_token (KbcRequest *request)
{
  g_autoptr (KbcToken) token = find_own_token (request, NULL);
  g_autoptr (JsonNode) node = NULL;

  if (token == NULL)
    return;

  node = kbc_tokens_token_json (token, NULL, request->now);
  kbc_request_reply_json (request, 200, node);
}

static void
delete_token (KbcRequest *request)
{
  g_autoptr (KbcToken) token = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = 0;

  token = find_own_token (request, &id);
  if (token == NULL)
    return;

  if (!kbc_store_token_delete_for_user (request->server->store, request->user->id, id, &error))
    {
      /* Deleted by a request that raced this one: as good. */
      if (!g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND))
        {
          kbc_request_reply_internal (request, error);
          return;
        }
    }

  kbc_request_reply_empty (request, 204);
}

static const KbcRoute routes[] = {
  { "GET", "/manage/current-user/tokens", KBC_ROUTE_AUTH, list_tokens },
  { "POST", "/manage/current-user/tokens", KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY, create_token },
  { "GET", "/manage/current-user/tokens/{}", KBC_ROUTE_AUTH, get_token },
  { "DELETE", "/manage/current-user/tokens/{}", KBC_ROUTE_AUTH, delete_token },
};

void
kbc_server_tokens_register (KbcServer *server)
{
  kbc_server_add_routes (server, routes, G_N_ELEMENTS (routes));
}
