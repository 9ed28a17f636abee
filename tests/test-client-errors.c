/* test-client-errors.c: every way a server can fail, and what the user reads
 *
 * A small hostile HTTP server on loopback, in this file, answers per path
 * what real servers out there do wrong: a web page where the API should be,
 * a redirect, a 5xx from a proxy, a body that never comes, a connection
 * closed with no answer or in the middle of the body, wrong JSON types for
 * the app's real readers, 10 MB bodies, chunked answers that never end. Each client's base URL carries the behaviour as its
 * first path segment ("http://127.0.0.1:PORT/html-404"), so the paths the
 * app asks for stay real ones ("/manage/organizations").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-client.h"
#include "kbc-error.h"
#include "kbc-notifications.h"
#include "kbc-resource.h"
#include "kbc-test-utils.h"
#include "kbc-tokens.h"

#include <string.h>

#define HOST      "127.0.0.1"
#define NOT_FOUND "The item was not found. It may have been removed."
#define TOKEN     "7-abcdefghijabcdefghijabcdefghijabcdefghij"

#define HTML_PAGE \
  "<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>Hi</h1></body></html>\n"

/* ---- the hostile server ---- */

typedef struct
{
  GSocketService *service;
  char *url; /* http://127.0.0.1:PORT */
  GCancellable *cancellable;
  GMutex lock;
  GCond idle;
  guint running;     /* connections being served */
  GHashTable *count; /* behaviour → requests seen */
} Hostile;

typedef struct
{
  const char *name;
  const char *head; /* status line and headers but Content-Length; NULL for the two below */
  const char *body;
} Behaviour;

static const Behaviour behaviours[] = {
  { "html-404", "HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n", HTML_PAGE },
  { "json-404", "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n",
    "{\"error\":\"Project not found\",\"code\":\"notFound\",\"status\":\"error\","
    "\"exceptionId\":\"x-1\"}" },
  { "405", "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nAllow: POST\r\n",
    "{\"error\":\"Method Not Allowed\",\"status\":\"error\"}" },
  { "redirect",
    "HTTP/1.1 302 Found\r\nLocation: https://login.example.net/sso?next=%2Fmanage\r\n"
    "Content-Type: text/html\r\n",
    HTML_PAGE },
  { "html-200", "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n", HTML_PAGE },
  { "malformed", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
    "{\"id\": 1, \"name\": " },
  { "html-500", "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\n", HTML_PAGE },
  { "502", "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nServer: nginx\r\n",
    "<html><body><h1>502 Bad Gateway</h1></body></html>" },
  { "503",
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 120\r\n",
    "{\"error\":\"Down for upkeep\"}" },
  /* Wrong types where the app's readers expect others: the verification's
   * user id as a string, an array for an object; the tokens list as an
   * object, and items with wrong types (only the one with a number id is a
   * token). */
  { "verify-wrong-types", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
    "{\"user\": {\"id\": \"7\", \"name\": 5, \"email\": [\"a\"]}, \"isSessionToken\": \"yes\"}" },
  { "verify-array", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
    "[{\"user\": {\"id\": 7, \"name\": \"Seven\"}}]" },
  { "tokens-object", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
    "{\"tokens\": [{\"id\": 1, \"description\": \"One\"}]}" },
  { "tokens-wrong-types", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
    "[{\"id\": \"1\", \"description\": \"a string id\"}, {\"id\": 3, \"description\": 5, "
    "\"created\": 7, \"client\": \"no\", \"isExpired\": \"no\"}, 5, \"x\", null, [], {\"id\": -2}]" },
  /* The head promises a body that never comes; the connection stays open. */
  { "stall", NULL, NULL },
  /* Content-Length 100, 20 bytes, then the connection closes. */
  { "truncated", NULL, NULL },
  /* 10 MB: a web page with a 502, and JSON cut short. */
  { "huge-502", NULL, NULL },
  { "huge-json", NULL, NULL },
  /* 1,000 notifications, whole to the last byte of its length, and then
   * a last one cut short: JSON that fails only at its end. */
  { "cut-list", NULL, NULL },
  /* Chunked and never finished: a chunk of one byte every 100 ms (never
   * silent), or chunks as fast as the client reads them. */
  { "trickle", NULL, NULL },
  { "flood", NULL, NULL },
  /* The request is read, then the connection is closed with no answer. */
  { "close", NULL, NULL },
};

/* A plain HTTP server's answer to a TLS handshake. */
#define NOT_HTTP "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
#define STALL_HEAD \
  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":"

#define CHUNKED_HEAD \
  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
#define HUGE_BYTES (10 * 1000 * 1000)

static void
count (Hostile *self, const char *name)
{
  g_mutex_lock (&self->lock);
  g_hash_table_replace (
      self->count, g_strdup (name),
      GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->count, name)) + 1));
  g_mutex_unlock (&self->lock);
}

static guint
hostile_count (Hostile *self, const char *name)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->count, name));
  g_mutex_unlock (&self->lock);

  return n;
}

/* Reads the request head and body; returns the behaviour its path names. */
static const Behaviour *
read_request (GDataInputStream *input, char **name)
{
  g_autofree char *request_line = NULL;
  g_auto (GStrv) words = NULL;
  guint64 content_length = 0;

  request_line = g_data_input_stream_read_line (input, NULL, NULL, NULL);
  if (request_line == NULL)
    return NULL;
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (input, NULL, NULL, NULL);

      if (line == NULL)
        return NULL;
      if (*line == '\0')
        break;
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        content_length = g_ascii_strtoull (line + 15, NULL, 10);
    }
  if (content_length > 0)
    {
      g_autofree char *body = g_malloc (content_length);

      if (!g_input_stream_read_all (G_INPUT_STREAM (input), body, content_length, NULL, NULL, NULL))
        return NULL;
    }

  /* "GET /html-404/manage/organizations HTTP/1.1" */
  words = g_strsplit (request_line, " ", 3);
  if (g_strv_length (words) == 3 && words[1][0] == '/')
    {
      g_auto (GStrv) segments = g_strsplit (words[1] + 1, "/", 2);

      for (guint i = 0; i < G_N_ELEMENTS (behaviours); i++)
        {
          if (g_strcmp0 (segments[0], behaviours[i].name) == 0)
            {
              *name = g_strdup (behaviours[i].name);
              return &behaviours[i];
            }
        }
    }

  return NULL;
}

static gboolean
on_hostile_run (GThreadedSocketService *service,
                GSocketConnection *connection,
                GObject *source_object,
                gpointer user_data)
{
  Hostile *self = user_data;
  GIOStream *stream = G_IO_STREAM (connection);
  GOutputStream *output = g_io_stream_get_output_stream (stream);
  g_autoptr (GDataInputStream) input = NULL;
  g_autofree char *name = NULL;
  const Behaviour *behaviour;
  const guint8 *first;
  gsize available = 0;

  g_mutex_lock (&self->lock);
  self->running++;
  g_mutex_unlock (&self->lock);

  input = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  /* A TLS handshake starts with a record of type 22. */
  if (g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (input), 1, self->cancellable, NULL) <=
      0)
    goto out;
  first = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (input), &available);
  if (available > 0 && first[0] == 0x16)
    {
      count (self, "tls");
      g_output_stream_write_all (output, NOT_HTTP, strlen (NOT_HTTP), NULL, NULL, NULL);
      goto out;
    }

  behaviour = read_request (input, &name);
  if (behaviour == NULL)
    goto out;
  count (self, name);

  if (behaviour->head != NULL)
    {
      g_autofree char *answer =
          g_strdup_printf ("%sContent-Length: %zu\r\nConnection: close\r\n\r\n%s", behaviour->head,
                           strlen (behaviour->body), behaviour->body);

      g_output_stream_write_all (output, answer, strlen (answer), NULL, NULL, NULL);
    }
  else if (g_str_equal (name, "stall"))
    {
      char byte;

      g_output_stream_write_all (output, STALL_HEAD, strlen (STALL_HEAD), NULL, NULL, NULL);
      g_output_stream_flush (output, NULL, NULL);
      /* Hold the connection until the client gives up on it (or the test
       * ends): a read that ends only when the other side closes. */
      while (g_input_stream_read (G_INPUT_STREAM (input), &byte, 1, self->cancellable, NULL) > 0)
        ;
    }
  else if (g_str_equal (name, "truncated"))
    {
      const char *cut = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        "Content-Length: 100\r\n\r\n{\"id\": 1, \"name\": \"ab";

      g_output_stream_write_all (output, cut, strlen (cut), NULL, NULL, NULL);
    }
  else if (g_str_has_prefix (name, "huge-"))
    {
      gboolean html = g_str_equal (name, "huge-502");
      g_autoptr (GString) body = g_string_new (html ? "<html><body><h1>502</h1>" : "[");
      g_autofree char *head = NULL;

      while (body->len < HUGE_BYTES)
        g_string_append (body, html ? "<p>Bad gateway, bad gateway.</p>\n"
                                    : "{\"id\": 123456, \"name\": \"Bad gateway\"},");
      head = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                              "Connection: close\r\n\r\n",
                              html ? "502 Bad Gateway" : "200 OK",
                              html ? "text/html" : "application/json", body->len);
      g_output_stream_write_all (output, head, strlen (head), NULL, NULL, NULL);
      g_output_stream_write_all (output, body->str, body->len, NULL, self->cancellable, NULL);
    }
  else if (g_str_equal (name, "cut-list"))
    {
      g_autoptr (GString) body = g_string_new ("[");
      g_autofree char *head = NULL;

      for (guint i = 0; i < 1000; i++)
        g_string_append_printf (body,
                                "{\"id\": \"%u\", \"type\": \"common\", \"title\": \"Number %u\", "
                                "\"message\": \"Some **bold** text.\", \"isRead\": false},",
                                i, i);
      g_string_append (body, "{\"id\": \"1000\", \"title\": \"Cut sh");
      head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                              body->len);
      g_output_stream_write_all (output, head, strlen (head), NULL, NULL, NULL);
      g_output_stream_write_all (output, body->str, body->len, NULL, self->cancellable, NULL);
    }
  else if (g_str_equal (name, "trickle") || g_str_equal (name, "flood"))
    {
      gboolean flood = g_str_equal (name, "flood");
      g_autofree char *chunk = NULL;

      if (flood)
        {
          g_autofree char *spaces = g_strnfill (64 * 1024, ' ');

          chunk = g_strdup_printf ("%x\r\n%s\r\n", 64 * 1024, spaces);
        }
      else
        chunk = g_strdup ("1\r\n \r\n");
      g_output_stream_write_all (output, CHUNKED_HEAD, strlen (CHUNKED_HEAD), NULL, NULL, NULL);
      /* Until the client closes the connection (or the test ends). */
      while (g_output_stream_write_all (output, chunk, strlen (chunk), NULL, self->cancellable,
                                        NULL) &&
             g_output_stream_flush (output, self->cancellable, NULL))
        {
          if (!flood)
            g_usleep (100 * 1000);
        }
    }
  /* "close": nothing at all. */

out:
  g_io_stream_close (stream, NULL, NULL);

  g_mutex_lock (&self->lock);
  self->running--;
  g_cond_broadcast (&self->idle);
  g_mutex_unlock (&self->lock);

  return TRUE;
}

static Hostile *
hostile_new (void)
{
  Hostile *self = g_new0 (Hostile, 1);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;

  g_mutex_init (&self->lock);
  g_cond_init (&self->idle);
  self->count = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  self->service = g_threaded_socket_service_new (8);
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  self->url = g_strdup_printf ("http://" HOST ":%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_signal_connect (self->service, "run", G_CALLBACK (on_hostile_run), self);
  g_socket_service_start (self->service);

  return self;
}

static void
hostile_free (Hostile *self)
{
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));

  /* A held connection lets go; no thread may outlive what it uses. */
  g_cancellable_cancel (self->cancellable);
  g_mutex_lock (&self->lock);
  while (self->running > 0)
    g_cond_wait (&self->idle, &self->lock);
  g_mutex_unlock (&self->lock);

  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->count);
  g_cond_clear (&self->idle);
  g_mutex_clear (&self->lock);
  g_free (self->url);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Hostile, hostile_free)

/* A client of @behaviour, with a token that must never leave for elsewhere. */
static KbcClient *
hostile_client (Hostile *self, const char *scheme, const char *behaviour)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  KbcClient *client;

  url = g_strdup_printf ("%s%s/%s", scheme, self->url + strlen ("http"), behaviour);
  client = kbc_client_new (url, &error);
  g_assert_no_error (error);
  kbc_client_set_token (client, TOKEN);

  return client;
}

static GError *
request_error (KbcClient *client, const char *method, const char *path)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (JsonNode) node = NULL;
  GError *error = NULL;

  kbc_client_request_async (client, method, path, NULL, NULL, kbc_test_on_done, &result);
  node = kbc_client_request_finish (client, kbc_test_wait_for (&result), &error);
  g_assert_null (node);
  g_assert_nonnull (error);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  return error;
}

/* ---- a list resource, to see what KbcResource makes of each answer ---- */

#define TEST_TYPE_THINGS (test_things_get_type ())
G_DECLARE_DERIVABLE_TYPE (TestThings, test_things, TEST, THINGS, KbcResource)

struct _TestThingsClass
{
  KbcResourceClass parent_class;
};

G_DEFINE_TYPE (TestThings, test_things, KBC_TYPE_RESOURCE)

static gpointer
test_things_parse (KbcResource *self, JsonNode *node, GError **error)
{
  return GINT_TO_POINTER (1);
}

static void
test_things_apply (KbcResource *self, gpointer parsed)
{
}

static void
test_things_class_init (TestThingsClass *klass)
{
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);

  resource_class->path = "/manage/things";
  resource_class->parse = test_things_parse;
  resource_class->apply = test_things_apply;
}

static void
test_things_init (TestThings *self)
{
}

/* One item, read as a resource: its path ends in an id. */
#define TEST_TYPE_PROJECT (test_project_get_type ())
G_DECLARE_FINAL_TYPE (TestProject, test_project, TEST, PROJECT, TestThings)

struct _TestProject
{
  TestThings parent_instance;
};

G_DEFINE_FINAL_TYPE (TestProject, test_project, TEST_TYPE_THINGS)

static void
test_project_class_init (TestProjectClass *klass)
{
  KBC_RESOURCE_CLASS (klass)->path = "/manage/projects/7";
}

static void
test_project_init (TestProject *self)
{
}

/* Refreshes a @type resource of @behaviour; returns the refresh's error. */
static GError *
refresh_error (Hostile *hostile, GType type, const char *behaviour, gboolean *offered)
{
  g_autoptr (KbcClient) client = hostile_client (hostile, "http", behaviour);
  g_autoptr (KbcResource) resource = g_object_new (type, "client", client, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  GError *error = NULL;

  kbc_resource_refresh_async (resource, NULL, kbc_test_on_done, &result);
  g_assert_false (kbc_resource_refresh_finish (resource, kbc_test_wait_for (&result), &error));
  g_assert_nonnull (error);
  g_assert_false (kbc_resource_get_loaded (resource));

  *offered = kbc_resource_get_offered (resource);
  /* Not offered is not an error to show; anything else is. */
  if (*offered)
    g_assert_true (g_error_matches (kbc_resource_get_error (resource), error->domain, error->code));
  else
    g_assert_null (kbc_resource_get_error (resource));

  return error;
}

/* ---- the cases ---- */

typedef struct
{
  Hostile *hostile;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->hostile = hostile_new ();
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->hostile, hostile_free);
}

/* A web page answering 404: the server has no such endpoint, whatever the
 * path; and never "the item was not found". */
static void
test_html_404 (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "html-404");
  const char *paths[] = { "/manage/organizations", "/manage/projects/7",
                          "/manage/notifications/6f1c7a52-3b0e-4d8e-9a51-2c8e6c4b1f00" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GError) error = request_error (client, "GET", paths[i]);

      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
      g_assert_cmpuint (kbc_api_error_get_status (error), ==, 404);
      g_assert_cmpstr (error->message, ==,
                       HOST " answered with a web page instead of data. Check that the address is "
                            "a Keboola stack.");
    }
  /* Not worth a retry. */
  g_assert_cmpuint (hostile_count (fixture->hostile, "html-404"), ==, G_N_ELEMENTS (paths));
}

/* Keboola's error JSON on 404: an item the request named is gone; on a
 * collection, the endpoint is not there. */
static void
test_json_404 (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "json-404");
  g_autoptr (GError) item = request_error (client, "GET", "/manage/projects/7");
  g_autoptr (GError) uuid = request_error (
      client, "DELETE", "/manage/notifications/6f1c7a52-3b0e-4d8e-9a51-2c8e6c4b1f00");
  g_autoptr (GError) collection = request_error (client, "GET", "/manage/organizations");

  g_assert_error (item, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND);
  g_assert_cmpstr (item->message, ==, NOT_FOUND);
  g_assert_cmpstr (kbc_api_error_get_code (item), ==, "notFound");
  g_assert_cmpstr (kbc_api_error_get_server_message (item), ==, "Project not found");
  g_assert_error (uuid, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND);

  g_assert_error (collection, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
  g_assert_cmpstr (collection->message, ==, "The server at " HOST " does not offer this feature.");
  g_assert_cmpuint (hostile_count (fixture->hostile, "json-404"), ==, 3);
}

static void
test_405 (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "405");
  g_autoptr (GError) collection = request_error (client, "GET", "/manage/current-user/tokens");
  g_autoptr (GError) item = request_error (client, "DELETE", "/manage/current-user/tokens/12");

  g_assert_error (collection, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
  g_assert_cmpuint (kbc_api_error_get_status (collection), ==, 405);
  g_assert_cmpstr (collection->message, ==, "The server at " HOST " does not offer this feature.");
  g_assert_error (item, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
}

/* A redirect is never followed: the token would go with it. */
static void
test_redirect (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "redirect");
  g_autoptr (GError) error = request_error (client, "GET", "/manage/tokens/verify");

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_REDIRECTED);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 302);
  g_assert_cmpstr (error->message, ==,
                   HOST " redirected the request to login.example.net. The address may not be a "
                        "Keboola stack’s API address.");
  g_assert_cmpuint (hostile_count (fixture->hostile, "redirect"), ==, 1);
}

/* 200 with a web page: a portal or a web site where the API should be. */
static void
test_html_200 (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "html-200");
  g_autoptr (GError) error = request_error (client, "GET", "/manage/tokens/verify");
  g_autoptr (GError) polled = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  gboolean not_modified = TRUE;

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_JSON);
  g_assert_cmpstr (error->message, ==,
                   HOST " answered with a web page instead of data. Check that the address is a "
                        "Keboola stack.");

  kbc_client_poll_async (client, "/manage/notifications", NULL, kbc_test_on_done, &result);
  g_assert_null (
      kbc_client_poll_finish (client, kbc_test_wait_for (&result), &not_modified, &polled));
  g_assert_error (polled, KBC_API_ERROR, KBC_API_ERROR_NOT_JSON);
  g_assert_false (not_modified);
  g_assert_cmpuint (hostile_count (fixture->hostile, "html-200"), ==, 2);
}

static void
test_malformed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "malformed");
  g_autoptr (GError) error = request_error (client, "GET", "/manage/tokens/verify");

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The server sent a response the app could not understand.");
}

static void
test_5xx (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) html_500 = hostile_client (fixture->hostile, "http", "html-500");
  g_autoptr (KbcClient) bad_gateway = hostile_client (fixture->hostile, "http", "502");
  g_autoptr (KbcClient) maintenance = hostile_client (fixture->hostile, "http", "503");
  g_autoptr (GError) a = request_error (html_500, "GET", "/manage/tokens/verify");
  g_autoptr (GError) b = request_error (bad_gateway, "POST", "/manage/current-user/promo-codes");
  g_autoptr (GError) c = request_error (maintenance, "PUT", "/manage/notifications");

  g_assert_error (a, KBC_API_ERROR, KBC_API_ERROR_UNAVAILABLE);
  g_assert_cmpstr (a->message, ==,
                   "The server at " HOST " had an internal error (HTTP 500). Try again later.");
  g_assert_null (kbc_api_error_get_server_message (a));
  g_assert_error (b, KBC_API_ERROR, KBC_API_ERROR_UNAVAILABLE);
  g_assert_cmpstr (b->message, ==,
                   "The server at " HOST " had an internal error (HTTP 502). Try again later.");
  /* 503 keeps the maintenance wording and the wait it asks for. */
  g_assert_error (c, KBC_API_ERROR, KBC_API_ERROR_UNAVAILABLE);
  g_assert_cmpstr (c->message, ==, "The server is down for maintenance. Try again in 2 minutes.");
  g_assert_cmpuint (kbc_api_error_get_retry_after (c), ==, 120);
}

/* Headers, then silence: the client's timeout ends it, and it is not
 * retried. The test's only clock is that timeout; the waits give up long
 * after it. */
static void
test_stalled_body (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "stall");
  g_autoptr (GError) error = NULL;
  guint timeout = 0;

  g_object_get (client, "timeout", &timeout, NULL);
  g_assert_cmpuint (timeout, ==, 30);
  g_object_set (client, "timeout", 1, NULL);

  error = request_error (client, "GET", "/manage/organizations");
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, HOST " did not answer in time.");
  g_assert_cmpuint (hostile_count (fixture->hostile, "stall"), ==, 1);
}

static void
test_closed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "close");
  g_autoptr (GError) get = request_error (client, "GET", "/manage/organizations");
  g_autoptr (GError) post = NULL;

  g_assert_error (get, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (get->message, ==, "Could not reach " HOST ". Check your connection.");
  /* A broken connection is worth the retries of a GET… */
  g_assert_cmpuint (hostile_count (fixture->hostile, "close"), ==, 3);

  /* …and a POST is tried once. */
  post = request_error (client, "POST", "/manage/current-user/promo-codes");
  g_assert_error (post, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpuint (hostile_count (fixture->hostile, "close"), ==, 4);
}

/* A host name that does not resolve: the name was not found, not "check
 * your connection". */
static void
test_unknown_host (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) failed = NULL;
  g_autoptr (KbcClient) client = kbc_client_new ("https://no-such-stack.invalid", &error);

  g_assert_no_error (error);
  failed = request_error (client, "GET", "/manage/auth/methods");
  g_assert_error (failed, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (failed->message, ==,
                   "The server name no-such-stack.invalid was not found. Check the address.");
}

/* https:// to a server that speaks plain HTTP. */
static void
test_tls (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "https", "html-200");
  g_autoptr (GError) error = request_error (client, "GET", "/manage/tokens/verify");

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_TLS);
  g_assert_cmpstr (error->message, ==, "A secure connection to " HOST " could not be made.");
  /* No retry, and no request ever reached the plain side. */
  g_assert_cmpuint (hostile_count (fixture->hostile, "tls"), ==, 1);
  g_assert_cmpuint (hostile_count (fixture->hostile, "html-200"), ==, 0);
}

/* The main loop's pulse while a request is on its way: a source every
 * 50 ms that counts. Whether it ran at all is what matters (nothing blocked
 * the loop), not how often. */
static gboolean
tick (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

#define UNDERSTOOD "The server sent a response the app could not understand."

/* Wrong types through the app's real readers: the token verification (the
 * sign-in with a token) and the tokens list. */
static void
test_wrong_types (Fixture *fixture, gconstpointer data)
{
  const char *verify[] = { "verify-wrong-types", "verify-array" };

  for (guint i = 0; i < G_N_ELEMENTS (verify); i++)
    {
      g_autofree char *url = g_strdup_printf ("%s/%s", fixture->hostile->url, verify[i]);
      g_autoptr (KbcAccount) account = kbc_account_new (url, NULL);
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;

      kbc_account_adopt_token_async (account, TOKEN, NULL, kbc_test_on_done, &result);
      g_assert_false (
          kbc_account_adopt_token_finish (account, kbc_test_wait_for (&result), &error));
      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
      g_assert_cmpstr (error->message, ==, UNDERSTOOD);
      g_assert_false (kbc_account_get_signed_in (account));
      g_assert_null (kbc_account_get_token (account));
    }

  /* An object for the list. */
  {
    g_autofree char *url = g_strdup_printf ("%s/tokens-object", fixture->hostile->url);
    g_autoptr (KbcAccount) account = kbc_account_new (url, NULL);
    KbcTokens *tokens = kbc_account_get_tokens (account);
    g_autoptr (GError) error = NULL;

    g_assert_false (kbc_test_refresh (tokens, &error));
    g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
    g_assert_cmpstr (kbc_resource_get_error (KBC_RESOURCE (tokens))->message, ==, UNDERSTOOD);
    g_assert_true (kbc_resource_get_offered (KBC_RESOURCE (tokens)));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tokens)), ==, 0);
  }

  /* Items of the wrong types are left out; wrong members read as absent. */
  {
    g_autofree char *url = g_strdup_printf ("%s/tokens-wrong-types", fixture->hostile->url);
    g_autoptr (KbcAccount) account = kbc_account_new (url, NULL);
    KbcTokens *tokens = kbc_account_get_tokens (account);
    g_autoptr (KbcToken) token = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_true (kbc_test_refresh (tokens, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tokens)), ==, 1);
    token = g_list_model_get_item (G_LIST_MODEL (tokens), 0);
    g_assert_cmpint (kbc_token_get_id (token), ==, 3);
    g_assert_null (kbc_token_get_description (token));
    g_assert_null (kbc_token_get_created (token));
    g_assert_false (kbc_token_get_is_expired (token));
  }
}

/* A body cut short by the closed connection: a GET is worth its retries,
 * a change may have been made. */
static void
test_truncated (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "truncated");
  g_autoptr (GError) get = request_error (client, "GET", "/manage/tokens/verify");
  g_autoptr (GError) post = NULL;

  g_assert_error (get, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (get->message, ==, "Could not reach " HOST ". Check your connection.");
  g_assert_cmpuint (hostile_count (fixture->hostile, "truncated"), ==, 3);

  post = request_error (client, "POST", "/manage/current-user/tokens");
  g_assert_error (post, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (post->message, ==,
                   "The connection to " HOST " broke before the server answered. Check whether "
                   "the change was made before you try again.");
  g_assert_cmpuint (hostile_count (fixture->hostile, "truncated"), ==, 4);
}

/* 10 MB answers: read and parsed without holding the main loop, and each
 * is a message for people. */
static void
test_huge (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) page = hostile_client (fixture->hostile, "http", "huge-502");
  g_autoptr (KbcClient) json = hostile_client (fixture->hostile, "http", "huge-json");
  g_autoptr (GError) a = NULL;
  g_autoptr (GError) b = NULL;
  guint ticks = 0;
  guint ticker = g_timeout_add (50, tick, &ticks);

  a = request_error (page, "GET", "/manage/notifications");
  g_assert_error (a, KBC_API_ERROR, KBC_API_ERROR_UNAVAILABLE);
  g_assert_cmpstr (a->message, ==,
                   "The server at " HOST " had an internal error (HTTP 502). Try again later.");
  b = request_error (json, "GET", "/manage/notifications");
  g_assert_error (b, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (b->message, ==, UNDERSTOOD);
  g_source_remove (ticker);
  g_assert_cmpuint (ticks, >, 0);
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, guint *most)
{
  *most = MAX (*most, g_list_model_get_n_items (model));
}

/* A long list whose end is malformed: its first items were shown before
 * the rest was parsed, and are taken back; nothing of it stays. */
static void
test_cut_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) client = hostile_client (fixture->hostile, "http", "cut-list");
  g_autoptr (KbcNotifications) notifications = kbc_notifications_new (client);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  guint most = 0;

  g_signal_connect (notifications, "items-changed", G_CALLBACK (on_items_changed), &most);
  kbc_resource_refresh_async (KBC_RESOURCE (notifications), NULL, kbc_test_on_done, &result);
  g_assert_false (kbc_resource_refresh_finish (KBC_RESOURCE (notifications),
                                               kbc_test_wait_for (&result), &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, UNDERSTOOD);

  g_assert_cmpuint (most, ==, KBC_NOTIFICATIONS_HEAD_SIZE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (notifications)), ==, 0);
  g_assert_false (kbc_resource_get_loaded (KBC_RESOURCE (notifications)));
  g_assert_true (g_error_matches (kbc_resource_get_error (KBC_RESOURCE (notifications)),
                                  KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE));
  g_assert_cmpuint (kbc_notifications_get_unread_count (notifications), ==, 0);
  g_assert_cmpuint (hostile_count (fixture->hostile, "cut-list"), ==, 1);
}

/* Chunked answers that never end: one that trickles is never silent, so
 * only the whole answer's deadline (four timeouts) ends it; one that floods
 * ends when it passes what the client keeps in memory. Neither is retried,
 * and the main loop runs meanwhile. */
static void
test_never_ending (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcClient) trickle = hostile_client (fixture->hostile, "http", "trickle");
  g_autoptr (KbcClient) flood = hostile_client (fixture->hostile, "http", "flood");
  g_autoptr (GError) a = NULL;
  g_autoptr (GError) b = NULL;
  guint ticks = 0;
  guint ticker = g_timeout_add (50, tick, &ticks);

  /* Within the tests' wait for a result (20 s): 4 s, and 16 s at most. */
  g_object_set (trickle, "timeout", 1, NULL);
  g_object_set (flood, "timeout", 4, NULL);

  a = request_error (trickle, "GET", "/manage/notifications");
  g_assert_error (a, KBC_API_ERROR, KBC_API_ERROR_TIMEOUT);
  g_assert_cmpstr (a->message, ==, HOST " did not answer in time.");
  g_assert_cmpuint (hostile_count (fixture->hostile, "trickle"), ==, 1);
  g_assert_cmpuint (ticks, >, 0);

  b = request_error (flood, "GET", "/manage/notifications");
  g_assert_error (b, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (b->message, ==, UNDERSTOOD);
  g_assert_cmpuint (hostile_count (fixture->hostile, "flood"), ==, 1);
  g_source_remove (ticker);
}

/* A list's GET: 404 and 405 mean the server does not offer it (not an
 * error); everything else is an error, and the resource stays offered. */
static void
test_resource (Fixture *fixture, gconstpointer data)
{
  const struct
  {
    GType type;
    const char *behaviour;
    KbcApiError code;
    gboolean offered;
  } cases[] = {
    { TEST_TYPE_THINGS, "html-404", KBC_API_ERROR_NOT_OFFERED, FALSE },
    { TEST_TYPE_THINGS, "json-404", KBC_API_ERROR_NOT_OFFERED, FALSE },
    { TEST_TYPE_THINGS, "405", KBC_API_ERROR_NOT_OFFERED, FALSE },
    { TEST_TYPE_THINGS, "redirect", KBC_API_ERROR_REDIRECTED, TRUE },
    { TEST_TYPE_THINGS, "html-200", KBC_API_ERROR_NOT_JSON, TRUE },
    { TEST_TYPE_THINGS, "html-500", KBC_API_ERROR_UNAVAILABLE, TRUE },
    /* An item that is gone is an error, not a resource the server lacks. */
    { TEST_TYPE_PROJECT, "json-404", KBC_API_ERROR_NOT_FOUND, TRUE },
    { TEST_TYPE_PROJECT, "html-404", KBC_API_ERROR_NOT_OFFERED, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean offered = TRUE;

      g_test_message ("%s of %s", g_type_name (cases[i].type), cases[i].behaviour);
      error = refresh_error (fixture->hostile, cases[i].type, cases[i].behaviour, &offered);
      g_assert_error (error, KBC_API_ERROR, (int) cases[i].code);
      g_assert_true (offered == cases[i].offered);
      if (cases[i].code != KBC_API_ERROR_NOT_FOUND)
        g_assert_cmpstr (error->message, !=, NOT_FOUND);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/client-errors/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("html-404", test_html_404);
  ADD ("json-404", test_json_404);
  ADD ("405", test_405);
  ADD ("redirect", test_redirect);
  ADD ("html-200", test_html_200);
  ADD ("malformed", test_malformed);
  ADD ("5xx", test_5xx);
  ADD ("stalled-body", test_stalled_body);
  ADD ("closed", test_closed);
  ADD ("tls", test_tls);
  ADD ("resource", test_resource);
  ADD ("wrong-types", test_wrong_types);
  ADD ("truncated", test_truncated);
  ADD ("huge", test_huge);
  ADD ("cut-list", test_cut_list);
  ADD ("never-ending", test_never_ending);

#undef ADD

  g_test_add_func ("/kbc/client-errors/unknown-host", test_unknown_host);

  return g_test_run ();
}
