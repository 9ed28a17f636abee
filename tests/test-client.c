/* test-client.c: KbcClient over real HTTP
 *
 * Most cases talk to the real kbc-account-server. A few need a server that
 * misbehaves on purpose (malformed JSON, 503 for a while, a redirect, an
 * untrusted certificate): for those, a raw socket service in this file
 * answers fixed bytes, standing in for a broken server out there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-client.h"
#include "kbc-error.h"
#include "kbc-json.h"
#include "kbc-test-utils.h"

#include <glib/gstdio.h>
#include <string.h>

#define PASSWORD "Quartz-Lantern-Orbit-9417"

static JsonNode *
request (KbcClient *client,
         const char *method,
         const char *path,
         JsonNode *body,
         GCancellable *cancellable,
         GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_client_request_async (client, method, path, body, cancellable, kbc_test_on_done, &result);
  return kbc_client_request_finish (client, kbc_test_wait_for (&result), error);
}

static JsonNode *
poll_sync (KbcClient *client, const char *path, gboolean *not_modified, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_client_poll_async (client, path, NULL, kbc_test_on_done, &result);
  return kbc_client_poll_finish (client, kbc_test_wait_for (&result), not_modified, error);
}

static JsonNode *
credentials (const char *email, const char *password)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static KbcClient *
new_client (const char *url)
{
  g_autoptr (GError) error = NULL;
  KbcClient *client = kbc_client_new (url, &error);

  g_assert_no_error (error);
  g_assert_nonnull (client);

  return client;
}

/* Signs in over the client and returns the session token. */
static char *
sign_in (KbcClient *client, const char *email, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = credentials (email, password);
  g_autoptr (JsonNode) node = request (client, "POST", "/manage/auth/login", body, NULL, &error);
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ok");

  return g_strdup (json_object_get_string_member (object, "token"));
}

/* ---- a deliberately broken server ---- */

typedef struct
{
  GSocketService *service;
  guint16 port;
  char *url;
  GTlsCertificate *certificate; /* when set, speaks TLS */
  GMutex lock;
  GPtrArray *responses; /* raw HTTP answers; the last one repeats */
  GPtrArray *requests;  /* raw request heads received */
  int serving;          /* connections its threads are answering */
} BadServer;

static void
serve_one (BadServer *self, GSocketConnection *connection)
{
  g_autoptr (GIOStream) stream = NULL;
  g_autoptr (GDataInputStream) input = NULL;
  g_autoptr (GString) head = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  guint64 content_length = 0;

  if (self->certificate != NULL)
    {
      stream = g_tls_server_connection_new (G_IO_STREAM (connection), self->certificate, &error);
      g_assert_no_error (error);
      /* The client is expected to refuse this certificate. */
      if (!g_tls_connection_handshake (G_TLS_CONNECTION (stream), NULL, &error))
        return;
    }
  else
    stream = g_object_ref (G_IO_STREAM (connection));

  input = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (input, NULL, NULL, &error);

      if (line == NULL)
        return;
      if (*line == '\0')
        break;
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        content_length = g_ascii_strtoull (line + 15, NULL, 10);
      g_string_append_printf (head, "%s\n", line);
    }
  if (content_length > 0)
    {
      g_autofree char *body = g_malloc (content_length);

      g_input_stream_read_all (G_INPUT_STREAM (input), body, content_length, NULL, NULL, NULL);
    }

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, g_strdup (head->str));
  /* A copy: the test may free the server while this thread still writes. */
  answer = g_strdup (
      g_ptr_array_index (self->responses, MIN (self->requests->len, self->responses->len) - 1));
  g_mutex_unlock (&self->lock);

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), answer, strlen (answer), NULL,
                             NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* On the thread that started the service, before a worker takes it. */
static gboolean
on_bad_server_incoming (GSocketService *service,
                        GSocketConnection *connection,
                        GObject *source_object,
                        gpointer user_data)
{
  BadServer *self = user_data;

  g_atomic_int_inc (&self->serving);
  return FALSE;
}

static gboolean
on_bad_server_run (GThreadedSocketService *service,
                   GSocketConnection *connection,
                   GObject *source_object,
                   gpointer user_data)
{
  BadServer *self = user_data;

  /* bad_server_free() waits for this (AddressSanitizer saw a thread write
   * an answer the test had freed). */
  serve_one (self, connection);
  g_atomic_int_dec_and_test (&self->serving);
  return TRUE;
}

static BadServer *
bad_server_new (GTlsCertificate *certificate, const char *first_response, ...)
{
  BadServer *self = g_new0 (BadServer, 1);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;
  va_list args;

  g_mutex_init (&self->lock);
  self->requests = g_ptr_array_new_with_free_func (g_free);
  self->responses = g_ptr_array_new_with_free_func (g_free);
  va_start (args, first_response);
  for (const char *r = first_response; r != NULL; r = va_arg (args, const char *))
    g_ptr_array_add (self->responses, g_strdup (r));
  va_end (args);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;

  self->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->url =
      g_strdup_printf ("%s://127.0.0.1:%u", certificate != NULL ? "https" : "http", self->port);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_bad_server_incoming), self);
  g_signal_connect (self->service, "run", G_CALLBACK (on_bad_server_run), self);
  g_socket_service_start (self->service);

  return self;
}

static guint
bad_server_count (BadServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->requests->len;
  g_mutex_unlock (&self->lock);

  return n;
}

static char *
bad_server_dup_request (BadServer *self, guint i)
{
  char *head;

  g_mutex_lock (&self->lock);
  head = g_strdup (g_ptr_array_index (self->requests, i));
  g_mutex_unlock (&self->lock);

  return head;
}

static void
bad_server_free (BadServer *self)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  while (g_atomic_int_get (&self->serving) > 0 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_clear_object (&self->service);
  g_clear_object (&self->certificate);
  g_ptr_array_unref (self->requests);
  g_ptr_array_unref (self->responses);
  g_mutex_clear (&self->lock);
  g_free (self->url);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BadServer, bad_server_free)

#define JSON_200(body)                                                                                       \
  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " G_STRINGIFY ( \
      body##_LEN) "\r\n\r\n" body

/* ---- URLs ---- */

static void
test_urls (void)
{
  const char *refused[] = {
    "http://connection.keboola.com",
    "http://example.com:80/",
    "http://10.0.0.1:8080",
    "http://192.168.1.1",
    "http://127.0.0.1.example.com",
    "http://[::ffff:10.0.0.1]",
    "http://[2001:db8::1]",
    "ftp://127.0.0.1",
    "file:///etc/passwd",
    "connection.keboola.com",
    "not a url",
    "",
    "https://",
    "https://user:secret@connection.keboola.com",
    "https://connection.keboola.com/?token=x",
    "https://connection.keboola.com/#x",
  };
  const struct
  {
    const char *url;
    const char *base;
    const char *rp_id;
  } accepted[] = {
    { "https://connection.keboola.com", "https://connection.keboola.com",
      "connection.keboola.com" },
    { "https://Connection.EU-Central-1.keboola.com/", "https://connection.eu-central-1.keboola.com",
      "connection.eu-central-1.keboola.com" },
    { "https://connection.north-europe.azure.keboola.com:443",
      "https://connection.north-europe.azure.keboola.com:443",
      "connection.north-europe.azure.keboola.com" },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080", "localhost" },
    { "http://127.45.6.7/", "http://127.45.6.7", "localhost" },
    { "http://[::1]:9000", "http://[::1]:9000", "localhost" },
    { "http://localhost:5000//", "http://localhost:5000", "localhost" },
    { "HTTP://LOCALHOST", "http://localhost", "localhost" },
    { "https://127.0.0.1:8443", "https://127.0.0.1:8443", "localhost" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (KbcClient) client = kbc_client_new (refused[i], &error);

      if (client != NULL)
        g_error ("“%s” was accepted", refused[i]);
      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (KbcClient) client = kbc_client_new ("http://connection.keboola.com", &error);

    g_assert_null (client);
    g_assert_cmpstr (error->message, ==,
                     "The connection to “http://connection.keboola.com” would not be encrypted. "
                     "Use an address that starts with https://.");
  }

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr (KbcClient) client = new_client (accepted[i].url);
      g_autofree char *rp_id = kbc_client_dup_rp_id (client);

      g_assert_cmpstr (kbc_client_get_base_url (client), ==, accepted[i].base);
      g_assert_cmpstr (rp_id, ==, accepted[i].rp_id);
      g_assert_false (kbc_client_has_token (client));
    }
}

/* ---- the real server ---- */

static void
test_sign_in_and_verify (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  gint64 id = kbc_test_server_add_user (server, "ada@example.com", "Ada Lovelace", PASSWORD);
  g_autoptr (KbcClient) client = new_client (kbc_test_server_get_url (server));
  g_autofree char *token = sign_in (client, "ada@example.com", PASSWORD);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *user;

  g_assert_nonnull (token);
  kbc_client_set_token (client, token);
  g_assert_true (kbc_client_has_token (client));

  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_no_error (error);
  user = json_object_get_object_member (json_node_get_object (node), "user");
  g_assert_nonnull (user);
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, "ada@example.com");
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Ada Lovelace");
}

static void
on_unauthorized (KbcClient *client, guint *count)
{
  (*count)++;
}

static void
test_unauthorized (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcClient) client = new_client (kbc_test_server_get_url (server));
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  guint count = 0;

  g_signal_connect (client, "unauthorized", G_CALLBACK (on_unauthorized), &count);

  /* Without a token a 401 is not about a session. */
  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 401);
  g_assert_nonnull (kbc_api_error_get_server_message (error));
  g_assert_cmpuint (count, ==, 0);
  g_clear_error (&error);

  kbc_client_set_token (client, "123-notarealtokennotarealtokennotarealtoken");
  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "Your session has expired. Please sign in again.");
  g_assert_cmpuint (count, ==, 1);
}

static void
test_wrong_password (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcClient) client = new_client (kbc_test_server_get_url (server));
  g_autoptr (JsonNode) body = credentials ("grace@example.com", "Not-The-Password-123");
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  kbc_test_server_add_user (server, "grace@example.com", "Grace Hopper", PASSWORD);
  node = request (client, "POST", "/manage/auth/login", body, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 401);
}

static void
test_empty_body (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcClient) client = new_client (kbc_test_server_get_url (server));
  g_autofree char *token = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  kbc_test_server_add_user (server, "alan@example.com", "Alan Turing", PASSWORD);
  token = sign_in (client, "alan@example.com", PASSWORD);
  kbc_client_set_token (client, token);

  /* 204 → a JSON null node, not an error. */
  node = request (client, "POST", "/manage/auth/logout", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_NULL (node));
  g_clear_pointer (&node, json_node_unref);

  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
}

static void
test_bad_request (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcClient) client = new_client (kbc_test_server_get_url (server));
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_int_value (builder, 42);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  node = request (client, "POST", "/manage/auth/login", body, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 400);
  g_assert_nonnull (kbc_api_error_get_server_message (error));
  g_assert_nonnull (kbc_api_error_get_fields (error)[0]);
  g_clear_error (&error);

  /* A path the server does not have is not an item that is gone. */
  node = request (client, "GET", "/manage/no-such-thing", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 404);
  g_clear_error (&error);

  /* Nor is an id under it: the server's router says it has no such route. */
  node = request (client, "GET", "/manage/no-such-thing/42", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
}

static JsonNode *
request_item (KbcClient *client,
              const char *method,
              const char *path,
              JsonNode *body,
              GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_client_request_item_async (client, method, path, body, NULL, kbc_test_on_done, &result);
  return kbc_client_request_finish (client, kbc_test_wait_for (&result), error);
}

/* "The item was not found" is for an item the request named, and only when
 * the server says it is gone. */
static void
test_item_gone (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcClient) client = new_client (kbc_test_server_get_url (server));
  g_autoptr (JsonNode) rename = kbc_json_build_object ("name", "Spare", NULL);
  g_autoptr (JsonNode) password = kbc_json_build_object ("currentPassword", PASSWORD, NULL);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  kbc_test_server_add_user (server, "grace@example.com", "Grace Hopper", PASSWORD);
  token = sign_in (client, "grace@example.com", PASSWORD);
  kbc_client_set_token (client, token);

  /* The last segment is an id. */
  node = request (client, "PATCH", "/manage/current-user/mfa/devices/424242", rename, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "The item was not found. It may have been removed.");
  g_clear_error (&error);

  /* A fixed path names no item, unless the caller says it does. */
  node = request (client, "DELETE", "/manage/current-user/mfa/totp", password, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
  g_assert_cmpstr (error->message, ==, "The server at 127.0.0.1 does not offer this feature.");
  g_clear_error (&error);

  node = request_item (client, "DELETE", "/manage/current-user/mfa/totp", password, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND);
  g_assert_cmpstr (kbc_api_error_get_server_message (error), ==, "TOTP is not set up.");
  g_clear_error (&error);

  /* Not even then for a route the server does not have. */
  node = request_item (client, "GET", "/manage/no-such-thing", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
}

static void
test_dead_server (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcClient) client = new_client (kbc_test_server_get_url (server));
  g_autoptr (JsonNode) body = credentials ("nobody@example.com", PASSWORD);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  kbc_test_server_stop (server);

  /* A GET is retried with backoff, then gives up. */
  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==, "Could not reach 127.0.0.1. Check your connection.");
  g_clear_error (&error);

  /* A POST is not retried. */
  node = request (client, "POST", "/manage/auth/login", body, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_clear_error (&error);

  /* And the same client works again once the server is back. */
  kbc_test_server_restart (server);
  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcClient) client = new_client (kbc_test_server_get_url (server));
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  /* Cancelled before it starts. */
  g_cancellable_cancel (cancellable);
  node = request (client, "GET", "/manage/tokens/verify", NULL, cancellable, &error);
  g_assert_null (node);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelled while waiting to retry a dead server. */
  kbc_test_server_stop (server);
  g_cancellable_reset (cancellable);
  g_timeout_add (100, cancel_later, cancellable);
  node = request (client, "GET", "/manage/tokens/verify", NULL, cancellable, &error);
  g_assert_null (node);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- servers that misbehave ---- */

#define MALFORMED     "{\"id\": 1, \"name\": "
#define MALFORMED_LEN 18
#define OK_BODY       "{\"ok\": true}"
#define OK_BODY_LEN   12
#define UNAVAILABLE_503                                                    \
  "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n" \
  "Retry-After: 120\r\nConnection: close\r\nContent-Length: 27\r\n\r\n"    \
  "{\"error\":\"Down for upkeep\"}"

static void
test_malformed_json (void)
{
  g_autoptr (BadServer) bad = bad_server_new (NULL, JSON_200 (MALFORMED), NULL);
  g_autoptr (KbcClient) client = new_client (bad->url);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The server sent a response the app could not understand.");
  /* Not a transport failure: no retry. */
  g_assert_cmpuint (bad_server_count (bad), ==, 1);
}

static char *
json_response (const char *body)
{
  return g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Connection: close\r\nContent-Length: %zu\r\n\r\n%s",
                          strlen (body), body);
}

static void
test_large_body (void)
{
  g_autoptr (GString) good = g_string_new ("[");
  g_autoptr (GString) bad = NULL;
  g_autofree char *good_response = NULL;
  g_autofree char *bad_response = NULL;
  g_autoptr (BadServer) server = NULL;
  g_autoptr (KbcClient) client = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  /* Well over the size that is parsed in a worker thread. */
  for (guint i = 0; i < 50000; i++)
    g_string_append_printf (good, "%s%u", i > 0 ? "," : "", i);
  g_string_append (good, "]");
  bad = g_string_new_len (good->str, good->len - 1);
  good_response = json_response (good->str);
  bad_response = json_response (bad->str);

  server = bad_server_new (NULL, good_response, bad_response, NULL);
  client = new_client (server->url);

  node = request (client, "GET", "/manage/notifications", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 50000);
  g_assert_cmpint (json_array_get_int_element (json_node_get_array (node), 49999), ==, 49999);
  g_clear_pointer (&node, json_node_unref);

  node = request (client, "GET", "/manage/notifications", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
}

static void
test_retry_503 (void)
{
  g_autoptr (BadServer) bad =
      bad_server_new (NULL, UNAVAILABLE_503, UNAVAILABLE_503, JSON_200 (OK_BODY), NULL);
  g_autoptr (KbcClient) client = new_client (bad->url);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  /* GET: two 503s, then the answer. */
  node = request (client, "GET", "/manage/organizations", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "ok"));
  g_assert_cmpuint (bad_server_count (bad), ==, 3);
}

static void
test_retry_gives_up (void)
{
  g_autoptr (BadServer) bad = bad_server_new (NULL, UNAVAILABLE_503, NULL);
  g_autoptr (KbcClient) client = new_client (bad->url);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = request (client, "GET", "/manage/organizations", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAVAILABLE);
  g_assert_cmpuint (kbc_api_error_get_retry_after (error), ==, 120);
  g_assert_cmpstr (kbc_api_error_get_server_message (error), ==, "Down for upkeep");
  g_assert_cmpstr (error->message, ==,
                   "The server is down for maintenance. Try again in 2 minutes.");
  g_assert_cmpuint (bad_server_count (bad), ==, 3);
  g_clear_error (&error);

  /* A PUT is not idempotent here: one try only. */
  node = request (client, "PUT", "/manage/notifications", NULL, NULL, &error);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAVAILABLE);
  g_assert_cmpuint (bad_server_count (bad), ==, 4);
}

#define ETAG_200                                                                               \
  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"v1\"\r\nConnection: close\r\n" \
  "Content-Length: 2\r\n\r\n[]"
#define NOT_MODIFIED "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n"

static void
test_poll_etag (void)
{
  g_autoptr (BadServer) bad = bad_server_new (NULL, ETAG_200, NOT_MODIFIED, NULL);
  g_autoptr (KbcClient) client = new_client (bad->url);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gboolean not_modified = TRUE;

  kbc_client_set_token (client, "7-abcdefghijabcdefghijabcdefghijabcdefghij");

  node = poll_sync (client, "/manage/notifications", &not_modified, &error);
  g_assert_no_error (error);
  g_assert_false (not_modified);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_clear_pointer (&node, json_node_unref);

  node = poll_sync (client, "/manage/notifications", &not_modified, &error);
  g_assert_no_error (error);
  g_assert_true (not_modified);
  g_assert_null (node);

  first = bad_server_dup_request (bad, 0);
  second = bad_server_dup_request (bad, 1);
  g_assert_null (strstr (first, "If-None-Match"));
  g_assert_nonnull (strstr (second, "If-None-Match: \"v1\""));
  /* The token goes in the header, never in the URL. */
  g_assert_true (g_str_has_prefix (first, "GET /manage/notifications HTTP/1.1\n"));
  g_assert_nonnull (
      strstr (first, "X-KBC-ManageApiToken: 7-abcdefghijabcdefghijabcdefghijabcdefghij"));
}

#define REDIRECT                                                                          \
  "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/elsewhere\r\nConnection: close\r\n" \
  "Content-Length: 0\r\n\r\n"

static void
test_no_redirect (void)
{
  g_autoptr (BadServer) bad = bad_server_new (NULL, REDIRECT, NULL);
  g_autoptr (KbcClient) client = new_client (bad->url);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  /* Following it would hand the token to another server. */
  kbc_client_set_token (client, "7-abcdefghijabcdefghijabcdefghijabcdefghij");
  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_REDIRECTED);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 302);
  g_assert_cmpuint (bad_server_count (bad), ==, 1);
}

static GTlsCertificate *
make_self_signed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kbc-tls-XXXXXX", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autoptr (GError) error = NULL;
  GTlsCertificate *certificate;
  int status = -1;
  const char *argv[] = {
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "2",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
    NULL,
  };

  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);

  return certificate;
}

static void
test_untrusted_certificate (void)
{
  g_autoptr (GTlsCertificate) certificate = make_self_signed ();
  g_autoptr (BadServer) bad = bad_server_new (certificate, JSON_200 (OK_BODY), NULL);
  g_autoptr (KbcClient) client = new_client (bad->url);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_str_has_prefix (bad->url, "https://"));
  node = request (client, "GET", "/manage/tokens/verify", NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_TLS);
  g_assert_cmpstr (error->message, ==, "The certificate of 127.0.0.1 could not be verified.");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/client/urls", test_urls);
  g_test_add_func ("/kbc/client/sign-in-and-verify", test_sign_in_and_verify);
  g_test_add_func ("/kbc/client/unauthorized", test_unauthorized);
  g_test_add_func ("/kbc/client/wrong-password", test_wrong_password);
  g_test_add_func ("/kbc/client/empty-body", test_empty_body);
  g_test_add_func ("/kbc/client/bad-request", test_bad_request);
  g_test_add_func ("/kbc/client/item-gone", test_item_gone);
  g_test_add_func ("/kbc/client/dead-server", test_dead_server);
  g_test_add_func ("/kbc/client/cancel", test_cancel);
  g_test_add_func ("/kbc/client/malformed-json", test_malformed_json);
  g_test_add_func ("/kbc/client/large-body", test_large_body);
  g_test_add_func ("/kbc/client/retry-503", test_retry_503);
  g_test_add_func ("/kbc/client/retry-gives-up", test_retry_gives_up);
  g_test_add_func ("/kbc/client/poll-etag", test_poll_etag);
  g_test_add_func ("/kbc/client/no-redirect", test_no_redirect);
  g_test_add_func ("/kbc/client/untrusted-certificate", test_untrusted_certificate);

  return g_test_run ();
}
