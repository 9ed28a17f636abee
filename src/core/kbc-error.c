/* kbc-error.c: the KBC_API_ERROR domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-error.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

typedef struct
{
  guint status;
  char *code;
  char *exception_id;
  char *server_message;
  guint retry_after;
  GStrv fields;   /* key, message, key, message, …, NULL */
  JsonNode *body; /* the error object, sealed */
} KbcApiErrorPrivate;

static void
kbc_api_error_private_init (KbcApiErrorPrivate *priv)
{
  memset (priv, 0, sizeof *priv);
}

static void
kbc_api_error_private_copy (const KbcApiErrorPrivate *src, KbcApiErrorPrivate *dest)
{
  dest->status = src->status;
  dest->code = g_strdup (src->code);
  dest->exception_id = g_strdup (src->exception_id);
  dest->server_message = g_strdup (src->server_message);
  dest->retry_after = src->retry_after;
  dest->fields = g_strdupv (src->fields);
  dest->body = src->body != NULL ? json_node_ref (src->body) : NULL;
}

static void
kbc_api_error_private_clear (KbcApiErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
  g_clear_pointer (&priv->exception_id, g_free);
  g_clear_pointer (&priv->server_message, g_free);
  g_clear_pointer (&priv->fields, g_strfreev);
  g_clear_pointer (&priv->body, json_node_unref);
}

G_DEFINE_EXTENDED_ERROR (KbcApiError, kbc_api_error)

/* The getters accept any GError, so callers need not check the domain first. */
static KbcApiErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != KBC_API_ERROR)
    return NULL;

  return kbc_api_error_get_private (error);
}

guint
kbc_api_error_get_status (const GError *error)
{
  KbcApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->status : 0;
}

const char *
kbc_api_error_get_code (const GError *error)
{
  KbcApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->code : NULL;
}

const char *
kbc_api_error_get_exception_id (const GError *error)
{
  KbcApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->exception_id : NULL;
}

const char *
kbc_api_error_get_server_message (const GError *error)
{
  KbcApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->server_message : NULL;
}

guint
kbc_api_error_get_retry_after (const GError *error)
{
  KbcApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->retry_after : 0;
}

const char *
kbc_api_error_get_field_message (const GError *error, const char *key)
{
  KbcApiErrorPrivate *priv = get_private (error);

  g_return_val_if_fail (key != NULL, NULL);

  if (priv == NULL || priv->fields == NULL)
    return NULL;

  for (guint i = 0; priv->fields[i] != NULL && priv->fields[i + 1] != NULL; i += 2)
    {
      if (g_str_equal (priv->fields[i], key))
        return priv->fields[i + 1];
    }

  return NULL;
}

const char *const *
kbc_api_error_get_fields (const GError *error)
{
  static const char *const empty[] = { NULL };
  KbcApiErrorPrivate *priv = get_private (error);

  if (priv == NULL || priv->fields == NULL)
    return empty;

  return (const char *const *) priv->fields;
}

JsonObject *
kbc_api_error_get_body (const GError *error)
{
  KbcApiErrorPrivate *priv = get_private (error);

  if (priv == NULL || priv->body == NULL)
    return NULL;

  return json_node_get_object (priv->body);
}

int
kbc_api_error_get_remaining_attempts (const GError *error)
{
  JsonObject *body = kbc_api_error_get_body (error);
  JsonNode *node = body != NULL ? json_object_get_member (body, "remainingAttempts") : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;

  return (int) CLAMP (json_node_get_int (node), 0, G_MAXINT);
}

guint
kbc_api_error_parse_retry_after (const char *value)
{
  g_autoptr (GDateTime) when = NULL;
  g_autoptr (GDateTime) now = NULL;
  const char *p;
  GTimeSpan span;

  if (value == NULL)
    return 0;

  while (g_ascii_isspace (*value))
    value++;

  for (p = value; g_ascii_isdigit (*p); p++)
    ;
  if (p != value)
    {
      guint64 seconds;

      while (g_ascii_isspace (*p))
        p++;
      if (*p != '\0')
        return 0;
      seconds = g_ascii_strtoull (value, NULL, 10);
      return (guint) MIN (seconds, (guint64) G_MAXINT);
    }

  /* Retry-After may also be an HTTP date. */
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return 0;
  now = g_date_time_new_now_utc ();
  span = g_date_time_difference (when, now);
  if (span <= 0)
    return 0;

  return (guint) MIN ((span + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND, (GTimeSpan) G_MAXINT);
}

/* Keboola writes "code" as a string, but older endpoints use a number. */
static char *
dup_member_as_string (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
      case G_TYPE_STRING:
        return g_strdup (json_node_get_string (node));
      case G_TYPE_INT64:
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      default:
        return NULL;
    }
}

static char *
dup_string_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (node));
}

static char *translate_field (const char *key, const char *code, const char *message);

static void
string_free (gpointer string)
{
  g_string_free (string, TRUE);
}

/* errors[]: key, message pairs, each message in the user's language where
 * its code (or its text) is one the app knows; the messages of one key
 * joined, one per line. */
static GStrv
parse_fields (JsonObject *object)
{
  g_autoptr (GStrvBuilder) builder = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  JsonNode *node = json_object_get_member (object, "errors");
  JsonArray *array;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    return NULL;

  keys = g_ptr_array_new_with_free_func (g_free);
  messages = g_ptr_array_new_with_free_func (string_free);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *key = NULL;
      g_autofree char *code = NULL;
      g_autofree char *message = NULL;
      char *translated;
      guint at;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      key = dup_member_as_string (json_node_get_object (element), "key");
      code = dup_member_as_string (json_node_get_object (element), "code");
      message = dup_string_member (json_node_get_object (element), "message");
      if (message == NULL)
        continue;
      if (key == NULL)
        key = g_strdup ("");

      translated = translate_field (key, code, message);
      if (g_ptr_array_find_with_equal_func (keys, key, g_str_equal, &at))
        {
          GString *joined = messages->pdata[at];

          /* The same reason twice (two rules, one wording) is said once. */
          if (strstr (joined->str, translated) == NULL)
            g_string_append_printf (joined, "\n%s", translated);
          g_free (translated);
        }
      else
        {
          g_ptr_array_add (keys, g_steal_pointer (&key));
          g_ptr_array_add (messages, g_string_new (translated));
          g_free (translated);
        }
    }

  builder = g_strv_builder_new ();
  for (guint i = 0; i < keys->len; i++)
    {
      g_strv_builder_add (builder, keys->pdata[i]);
      g_strv_builder_add (builder, ((GString *) messages->pdata[i])->str);
    }
  return g_strv_builder_end (builder);
}

/* Returns the text between @prefix and @suffix when @text is exactly that. */
static char *
match_around (const char *text, const char *prefix, const char *suffix)
{
  gsize len = strlen (text);
  gsize plen = strlen (prefix);
  gsize slen = strlen (suffix);

  if (len <= plen + slen || !g_str_has_prefix (text, prefix) || !g_str_has_suffix (text, suffix))
    return NULL;

  return g_strndup (text + plen, len - plen - slen);
}

/* Fixed texts of Keboola's API (see API.md) and of our own endpoints, which
 * the user should read in their own language. */
static const struct
{
  const char *server;
  const char *translated;
} known_texts[] = {
  { "Only organization members can create new projects",
    N_ ("Only members of an organization can create new projects.") },
  { "Project requires users to have multi-factor authentication enabled",
    N_ ("The project requires multi-factor authentication. Turn it on in Account & Security "
        "first.") },
  { "Invalid authentication code", N_ ("The authentication code is not valid.") },
  { "Invalid email or password.", N_ ("The email or password is incorrect.") },
  { "The current password is not correct.", N_ ("The current password is not correct.") },
  { "The sign-in has expired or is not valid. Please sign in again.",
    N_ ("The sign-in has expired. Enter your email and password again.") },
  { "Invalid request data.", N_ ("Some of the values are not valid.") },
  { "This value should not be blank.", N_ ("This value must not be empty.") },
  { "The password is shorter than 12 characters",
    N_ ("The password must be at least 12 characters long.") },
  { "The password is longer than 1024 bytes", N_ ("The password is too long.") },
  { "The password contains the email address or a part of it",
    N_ ("The password must not contain your email address.") },
};

char *
kbc_api_error_translate_server_text (const char *text)
{
  g_autofree char *value = NULL;

  if (text == NULL)
    return NULL;

  if ((value = match_around (text, "Promo Code ", " doen't exists")) != NULL ||
      (value = match_around (text, "Promo Code ", " doesn't exist")) != NULL ||
      (value = match_around (text, "Promo code ", " doesn't exist.")) != NULL)
    /* Translators: %s is a promo code. */
    return g_strdup_printf (_ ("The promo code “%s” does not exist."), value);

  if ((value = match_around (text, "Promo code ", " is already used.")) != NULL)
    /* Translators: %s is a promo code. */
    return g_strdup_printf (_ ("The promo code “%s” has already been used."), value);

  for (guint i = 0; i < G_N_ELEMENTS (known_texts); i++)
    {
      if (g_str_equal (text, known_texts[i].server))
        return g_strdup (_ (known_texts[i].translated));
    }

  return NULL;
}

/* The minimum a "tooShort" names ("… shorter than 12 characters"), or 12. */
static int
minimum_of (const char *message)
{
  for (const char *p = message; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      return (int) CLAMP (g_ascii_strtoll (p, NULL, 10), 1, 1024);
  return 12;
}

/* A field's reason in the user's language: by its code (the server's
 * stable name of the rule), else by its text, else the server's own text. */
static char *
translate_field (const char *key, const char *code, const char *message)
{
  /* A NULL key: any field. The first match wins. */
  static const struct
  {
    const char *key;
    const char *code;
    const char *translated;
  } known_codes[] = {
    { NULL, "currentPasswordWrong", N_ ("The current password is not correct.") },
    { "newPassword", "tooLong", N_ ("The password is too long.") },
    { NULL, "containsEmail", N_ ("The password must not contain your email address.") },
    { NULL, "dictionary", N_ ("The password is based on a dictionary word or is too simple.") },
    { NULL, "common",
      N_ ("The password is one of the most common passwords. Choose a less obvious one.") },
    { NULL, "samePassword", N_ ("The new password must differ from the current one.") },
    { NULL, "tooSimilar", N_ ("The new password is too similar to the current one.") },
    { NULL, "palindrome", N_ ("The password must not read the same backwards.") },
    { NULL, "caseChangesOnly",
      N_ ("The new password must differ from the current one in more than upper and lower "
          "case.") },
    { NULL, "rotated", N_ ("The new password must not be the current one rotated.") },
    { "name", "blank", N_ ("Enter your name.") },
    { "name", "tooLong", N_ ("The name is too long. Use at most 255 characters.") },
    { "name", "invalidCharacters", N_ ("The name must be a single line of text.") },
    { NULL, "invalidCharacters", N_ ("The value contains characters that are not allowed.") },
    { NULL, "required", N_ ("This value must not be empty.") },
    { NULL, "blank", N_ ("This value must not be empty.") },
  };
  char *known;

  if (g_strcmp0 (key, "newPassword") == 0 && g_strcmp0 (code, "tooShort") == 0)
    {
      int minimum = minimum_of (message);

      return g_strdup_printf (
          /* Translators: %d is the least number of characters a password must have. */
          g_dngettext (GETTEXT_PACKAGE, "The password must be at least %d character long.",
                       "The password must be at least %d characters long.", minimum),
          minimum);
    }

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (known_codes); i++)
    if (g_str_equal (code, known_codes[i].code) &&
        (known_codes[i].key == NULL || g_strcmp0 (key, known_codes[i].key) == 0))
      return g_strdup (_ (known_codes[i].translated));

  known = kbc_api_error_translate_server_text (message);
  return known != NULL ? known : g_strdup (message);
}

static char *
wait_message (guint status, guint retry_after)
{
  guint minutes;

  if (status == 429)
    {
      if (retry_after == 0)
        return g_strdup (_ ("Too many attempts. Try again later."));
      if (retry_after < 60)
        return g_strdup_printf (
            /* Translators: %d is a number of seconds. */
            g_dngettext (GETTEXT_PACKAGE, "Too many attempts. Try again in %d second.",
                         "Too many attempts. Try again in %d seconds.", retry_after),
            (int) retry_after);
      minutes = (retry_after + 59) / 60;
      return g_strdup_printf (
          /* Translators: %d is a number of minutes. */
          g_dngettext (GETTEXT_PACKAGE, "Too many attempts. Try again in %d minute.",
                       "Too many attempts. Try again in %d minutes.", minutes),
          (int) minutes);
    }

  if (retry_after == 0)
    return g_strdup (_ ("The server is down for maintenance. Try again later."));
  minutes = (retry_after + 59) / 60;
  return g_strdup_printf (
      /* Translators: %d is a number of minutes. */
      g_dngettext (GETTEXT_PACKAGE, "The server is down for maintenance. Try again in %d minute.",
                   "The server is down for maintenance. Try again in %d minutes.", minutes),
      (int) minutes);
}

gboolean
kbc_api_error_body_is_web_page (const char *content_type, const char *body, gsize body_len)
{
  static const char *const html_types[] = { "text/html", "application/xhtml+xml" };
  gsize i = 0;

  if (content_type != NULL)
    {
      while (g_ascii_isspace (*content_type))
        content_type++;
      for (guint t = 0; t < G_N_ELEMENTS (html_types); t++)
        {
          gsize len = strlen (html_types[t]);

          if (g_ascii_strncasecmp (content_type, html_types[t], len) == 0 &&
              (content_type[len] == '\0' || content_type[len] == ';' ||
               g_ascii_isspace (content_type[len])))
            return TRUE;
        }
    }

  if (body == NULL)
    return FALSE;

  /* A byte order mark and blanks may come before "<!DOCTYPE html>". */
  if (body_len >= 3 && memcmp (body, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  while (i < body_len && g_ascii_isspace (body[i]))
    i++;

  return i < body_len && body[i] == '<';
}

/* The host a Location header points to, or NULL when it names none (a
 * relative reference) or the same @host. */
static char *
dup_location_host (const char *location, const char *host)
{
  g_autoptr (GUri) uri = NULL;
  const char *target;

  if (location == NULL)
    return NULL;

  uri = g_uri_parse (location, G_URI_FLAGS_NONE, NULL);
  target = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (target == NULL || *target == '\0' || g_ascii_strcasecmp (target, host) == 0)
    return NULL;

  return g_ascii_strdown (target, -1);
}

/* @keboola_error: the "error" string of Keboola's error JSON, NULL when the
 * body was not that. */
static KbcApiError
code_for_status (guint status, gboolean names_item, const char *keboola_error)
{
  if (status >= 300 && status <= 399 && status != 304)
    return KBC_API_ERROR_REDIRECTED;

  switch (status)
    {
      case 400:
      case 413:
      case 422:
        return KBC_API_ERROR_BAD_REQUEST;
      case 401:
        return KBC_API_ERROR_UNAUTHORIZED;
      case 403:
        return KBC_API_ERROR_FORBIDDEN;
      case 404:
        /* Only Keboola itself says an item is gone; a proxy's page or a
         * router's refusal means the endpoint is not there. */
        if (names_item && keboola_error != NULL &&
            !g_str_has_prefix (keboola_error, "No route found"))
          return KBC_API_ERROR_NOT_FOUND;
        return KBC_API_ERROR_NOT_OFFERED;
      case 405:
        return KBC_API_ERROR_NOT_OFFERED;
      case 410:
        return KBC_API_ERROR_NOT_FOUND;
      case 409:
        return KBC_API_ERROR_CONFLICT;
      case 429:
        return KBC_API_ERROR_TOO_MANY_REQUESTS;
      default:
        if (status >= 500 && status <= 599)
          return KBC_API_ERROR_UNAVAILABLE;
        return KBC_API_ERROR_FAILED;
    }
}

static char *
redirect_message (const char *host, const char *location)
{
  g_autofree char *target = dup_location_host (location, host);

  if (target != NULL)
    return g_strdup_printf (
        /* Translators: the first %s is the host name of the server the app
         * asked (connection.keboola.com), the second the host it redirected to. */
        _ ("%s redirected the request to %s. The address may not be a Keboola stack’s API "
           "address."),
        host, target);

  /* Translators: %s is a host name such as connection.keboola.com. */
  return g_strdup_printf (_ ("%s redirected the request elsewhere. The address may not be a "
                             "Keboola stack’s API address."),
                          host);
}

static char *
web_page_message (const char *host)
{
  /* Translators: %s is a host name such as connection.keboola.com. */
  return g_strdup_printf (_ ("%s answered with a web page instead of data. Check that the address "
                             "is a Keboola stack."),
                          host);
}

static char *
message_for (KbcApiError code,
             guint status,
             const char *server_message,
             guint retry_after,
             const char *host,
             gboolean web_page,
             const char *location)
{
  /* Waiting times come from the status and Retry-After, not the text; and
   * the server's text about a path it lacks or a redirect says nothing. */
  if (code != KBC_API_ERROR_TOO_MANY_REQUESTS && code != KBC_API_ERROR_UNAVAILABLE &&
      code != KBC_API_ERROR_NOT_OFFERED && code != KBC_API_ERROR_REDIRECTED)
    {
      char *known = kbc_api_error_translate_server_text (server_message);

      if (known != NULL)
        return known;
    }

  switch (code)
    {
      case KBC_API_ERROR_BAD_REQUEST:
        if (status == 413)
          return g_strdup (_ ("The request was too large for the server."));
        if (server_message != NULL && *server_message != '\0')
          /* Translators: %s is the server's own explanation, in English. */
          return g_strdup_printf (_ ("The server did not accept the request: %s"), server_message);
        return g_strdup (_ ("The server did not accept the request."));

      case KBC_API_ERROR_UNAUTHORIZED:
        return g_strdup (_ ("Your session has expired. Please sign in again."));

      case KBC_API_ERROR_FORBIDDEN:
        return g_strdup (_ ("You do not have permission to do this."));

      case KBC_API_ERROR_NOT_FOUND:
        return g_strdup (_ ("The item was not found. It may have been removed."));

      case KBC_API_ERROR_NOT_OFFERED:
        if (web_page)
          return web_page_message (host);
        /* Translators: %s is a host name such as connection.keboola.com. */
        return g_strdup_printf (_ ("The server at %s does not offer this feature."), host);

      case KBC_API_ERROR_REDIRECTED:
        return redirect_message (host, location);

      case KBC_API_ERROR_CONFLICT:
        if (server_message != NULL && *server_message != '\0')
          /* Translators: %s is the server's own explanation, in English. */
          return g_strdup_printf (_ ("The change conflicts with the current state: %s"),
                                  server_message);
        return g_strdup (_ ("The change conflicts with the current state. Reload and try again."));

      case KBC_API_ERROR_TOO_MANY_REQUESTS:
        return wait_message (429, retry_after);

      case KBC_API_ERROR_UNAVAILABLE:
        if (status == 503)
          return wait_message (503, retry_after);
        return g_strdup_printf (
            /* Translators: %s is a host name such as connection.keboola.com, %u an
             * HTTP status code such as 500. */
            _ ("The server at %s had an internal error (HTTP %u). Try again later."), host, status);

      case KBC_API_ERROR_FAILED:
      case KBC_API_ERROR_NETWORK:
      case KBC_API_ERROR_TLS:
      case KBC_API_ERROR_INSECURE_URL:
      case KBC_API_ERROR_INVALID_RESPONSE:
      case KBC_API_ERROR_NOT_JSON:
      case KBC_API_ERROR_TIMEOUT:
      default:
        /* Translators: %u is an HTTP status code such as 418. */
        return g_strdup_printf (_ ("The server answered with an unexpected status (%u)."), status);
    }
}

GError *
kbc_api_error_new_from_response (guint status,
                                 const char *body,
                                 gsize body_len,
                                 const char *retry_after,
                                 const char *host,
                                 const char *content_type,
                                 const char *location,
                                 gboolean names_item)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autofree char *message = NULL;
  KbcApiErrorPrivate *priv;
  KbcApiError code;
  JsonObject *object = NULL;
  GError *error;
  char *server_message = NULL;
  char *error_code = NULL;
  char *exception_id = NULL;
  GStrv fields = NULL;
  gboolean web_page;
  gboolean keboola_error = FALSE;
  guint retry;

  g_return_val_if_fail (host != NULL, NULL);

  web_page = kbc_api_error_body_is_web_page (content_type, body, body_len);
  if (body != NULL && body_len > 0 && !web_page)
    {
      g_autoptr (GError) parse_error = NULL;

      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, body, (gssize) body_len, &parse_error))
        g_debug ("HTTP %u with a body that is not JSON: %s", status, parse_error->message);
      /* Blank text parses, to no root at all. */
      else if (json_parser_get_root (parser) != NULL &&
               JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        object = json_node_get_object (json_parser_get_root (parser));
    }

  if (object != NULL)
    {
      server_message = dup_string_member (object, "error");
      keboola_error = server_message != NULL;
      if (server_message == NULL)
        server_message = dup_string_member (object, "message");
      error_code = dup_member_as_string (object, "code");
      exception_id = dup_string_member (object, "exceptionId");
      fields = parse_fields (object);
    }

  retry = kbc_api_error_parse_retry_after (retry_after);
  code = code_for_status (status, names_item, keboola_error ? server_message : NULL);
  message = message_for (code, status, server_message, retry, host, web_page, location);

  g_debug ("HTTP %u from %s: %s (code %s, exception %s%s%s)", status, host,
           server_message != NULL ? server_message
           : web_page             ? "a web page"
                                  : "no message",
           error_code != NULL ? error_code : "none", exception_id != NULL ? exception_id : "none",
           location != NULL ? ", to " : "", location != NULL ? location : "");

  error = g_error_new_literal (KBC_API_ERROR, code, message);
  priv = kbc_api_error_get_private (error);
  priv->status = status;
  priv->code = error_code;
  priv->exception_id = exception_id;
  priv->server_message = server_message;
  priv->retry_after = retry;
  priv->fields = fields;
  if (object != NULL)
    priv->body = json_node_ref (json_parser_get_root (parser));

  return error;
}

static gboolean
is_host_not_found (const GError *error)
{
  /* Any failure to resolve the name (a temporary one included, which is
   * what a mistyped name gets from some resolvers) is about the name. */
  return error->domain == G_RESOLVER_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND);
}

GError *
kbc_api_error_new_transport (const GError *cause, const char *host)
{
  gboolean named;

  g_return_val_if_fail (cause != NULL, NULL);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (cause);

  g_debug ("Transport error talking to %s: %s (%s %d)", host != NULL ? host : "the server",
           cause->message, g_quark_to_string (cause->domain), cause->code);

  named = host != NULL && *host != '\0';

  if (cause->domain == G_TLS_ERROR)
    {
      if (!named)
        return g_error_new_literal (KBC_API_ERROR, KBC_API_ERROR_TLS,
                                    _ ("The server’s certificate could not be verified."));
      if (cause->code == G_TLS_ERROR_BAD_CERTIFICATE ||
          cause->code == G_TLS_ERROR_CERTIFICATE_REQUIRED)
        return g_error_new (KBC_API_ERROR, KBC_API_ERROR_TLS,
                            /* Translators: %s is a host name such as connection.keboola.com. */
                            _ ("The certificate of %s could not be verified."), host);
      return g_error_new (KBC_API_ERROR, KBC_API_ERROR_TLS,
                          /* Translators: %s is a host name such as connection.keboola.com. */
                          _ ("A secure connection to %s could not be made."), host);
    }

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      if (!named)
        return g_error_new_literal (KBC_API_ERROR, KBC_API_ERROR_TIMEOUT,
                                    _ ("The server did not answer in time."));
      return g_error_new (KBC_API_ERROR, KBC_API_ERROR_TIMEOUT,
                          /* Translators: %s is a host name such as connection.keboola.com. */
                          _ ("%s did not answer in time."), host);
    }

  if (!named)
    return g_error_new_literal (KBC_API_ERROR, KBC_API_ERROR_NETWORK,
                                _ ("Could not reach the server. Check your connection."));

  if (is_host_not_found (cause))
    return g_error_new (KBC_API_ERROR, KBC_API_ERROR_NETWORK,
                        /* Translators: %s is a host name such as connection.keboola.com. */
                        _ ("The server name %s was not found. Check the address."), host);

  return g_error_new (KBC_API_ERROR, KBC_API_ERROR_NETWORK,
                      /* Translators: %s is a host name such as connection.keboola.com. */
                      _ ("Could not reach %s. Check your connection."), host);
}

GError *
kbc_api_error_new_web_page (const char *host)
{
  g_autofree char *message = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  message = web_page_message (host);
  return g_error_new_literal (KBC_API_ERROR, KBC_API_ERROR_NOT_JSON, message);
}

GError *
kbc_api_error_new_invalid_response (void)
{
  return g_error_new_literal (KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE,
                              _ ("The server sent a response the app could not understand."));
}

gboolean
kbc_api_error_reword_current_password (GError *error)
{
  if (!g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST) ||
      kbc_api_error_get_field_message (error, "currentPassword") == NULL)
    return FALSE;

  g_free (error->message);
  error->message = g_strdup (_ ("The current password is not correct."));
  return TRUE;
}
