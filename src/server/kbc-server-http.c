/* kbc-server-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-http.h"

#include "kbc-server-crypto.h"
#include "kbc-server-published.h"
#include "kbc-time.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

/* evhttp's own cap, which answers 413 without our JSON; bodies between
 * KBC_SERVER_MAX_BODY and this get our 400. */
#define HARD_MAX_BODY    (1024 * 1024)
#define MAX_HEADERS_SIZE (16 * 1024)
#define IDLE_TIMEOUT     60
#define TOKEN_SECRET_LEN 40
/* Of a path in the request log: longer is cut, and a run of this many
 * letters and digits is taken for a secret (a token's is 40; no word of
 * the API's paths has more than 13). */
#define LOG_PATH_MAX       200
#define LOG_SECRET_RUN_MIN 20

gint64
kbc_server_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The server's local time zone, read once: g_date_time_new_from_unix_local()
 * asks the system which zone is local each time (a readlink and a stat of
 * /etc/localtime), and every answer with a time in it did that for each. */
static GTimeZone *
local_zone (void)
{
  static gsize zone;

  if (g_once_init_enter (&zone))
    g_once_init_leave (&zone, (gsize) g_time_zone_new_local ());
  return (GTimeZone *) zone;
}

/* The last second GDateTime can hold: 9999-12-31T23:59:59Z. */
#define LAST_UNIX_TIME G_GINT64_CONSTANT (253402300799)

/* kbc_time_format() of @unix_time in the local zone, into @out, without a
 * GDateTime: three of them per time were a tenth of a verification. */
static gboolean
format_time (gint64 unix_time, char out[KBC_TIME_TEXT_SIZE])
{
  GTimeZone *zone = local_zone ();
  gint interval;
  gint32 offset = 0;
  time_t local;
  struct tm tm;

  if (unix_time <= 0 || unix_time > LAST_UNIX_TIME)
    return FALSE;
  interval = g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, unix_time);
  if (interval >= 0)
    offset = g_time_zone_get_offset (zone, interval);
  local = (time_t) (unix_time + offset);
  if (gmtime_r (&local, &tm) == NULL || tm.tm_year + 1900 > 9999)
    return FALSE;
  g_snprintf (out, KBC_TIME_TEXT_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d%02d", tm.tm_year + 1900,
              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+',
              ABS (offset) / 3600, ABS (offset) / 60 % 60);
  return TRUE;
}

char *
kbc_server_format_time (gint64 unix_time)
{
  char text[KBC_TIME_TEXT_SIZE];

  return format_time (unix_time, text) ? g_strdup (text) : NULL;
}

void
kbc_json_add_time (JsonBuilder *builder, const char *member, gint64 unix_time)
{
  g_autofree char *text = kbc_server_format_time (unix_time);

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

/* ---- JSON written as text ---- */

void
kbc_json_text_member (GString *text, const char *name)
{
  char last = text->len > 0 ? text->str[text->len - 1] : '{';

  if (last != '{' && last != '[')
    g_string_append_c (text, ',');
  kbc_json_text_string (text, NULL, name);
  g_string_append_c (text, ':');
}

void
kbc_json_text_string (GString *text, const char *member, const char *value)
{
  g_autofree char *valid = NULL;
  const char *p;

  if (member != NULL)
    kbc_json_text_member (text, member);
  if (value == NULL)
    {
      g_string_append (text, "null");
      return;
    }
  /* As json-glib would have sent it: UTF-8, invalid bytes replaced. */
  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);

  g_string_append_c (text, '"');
  for (p = value; *p != '\0'; p++)
    {
      const char *run = p;

      while (*p != '"' && *p != '\\' && (guchar) *p >= 0x20)
        p++;
      g_string_append_len (text, run, p - run);
      switch (*p)
        {
          case '\0':
            g_string_append_c (text, '"');
            return;
          case '"':
            g_string_append (text, "\\\"");
            break;
          case '\\':
            g_string_append (text, "\\\\");
            break;
          case '\n':
            g_string_append (text, "\\n");
            break;
          case '\r':
            g_string_append (text, "\\r");
            break;
          case '\t':
            g_string_append (text, "\\t");
            break;
          default:
            g_string_append_printf (text, "\\u%04x", (guchar) *p);
            break;
        }
    }
  g_string_append_c (text, '"');
}

void
kbc_json_text_int (GString *text, const char *member, gint64 value)
{
  kbc_json_text_member (text, member);
  g_string_append_printf (text, "%" G_GINT64_FORMAT, value);
}

void
kbc_json_text_boolean (GString *text, const char *member, gboolean value)
{
  kbc_json_text_member (text, member);
  g_string_append (text, value ? "true" : "false");
}

void
kbc_json_text_time (GString *text, const char *member, gint64 unix_time)
{
  char time[KBC_TIME_TEXT_SIZE];

  kbc_json_text_member (text, member);
  if (format_time (unix_time, time))
    {
      g_string_append_c (text, '"');
      g_string_append (text, time);
      g_string_append_c (text, '"');
    }
  else
    g_string_append (text, "null");
}

/* ---- requests ---- */

static const char *
method_name (enum evhttp_cmd_type type)
{
  switch (type)
    {
      case EVHTTP_REQ_GET:
        return "GET";
      case EVHTTP_REQ_POST:
        return "POST";
      case EVHTTP_REQ_HEAD:
        return "HEAD";
      case EVHTTP_REQ_PUT:
        return "PUT";
      case EVHTTP_REQ_DELETE:
        return "DELETE";
      case EVHTTP_REQ_OPTIONS:
        return "OPTIONS";
      case EVHTTP_REQ_TRACE:
        return "TRACE";
      case EVHTTP_REQ_CONNECT:
        return "CONNECT";
      case EVHTTP_REQ_PATCH:
        return "PATCH";
      default:
        return "UNKNOWN";
    }
}

static void
request_free (KbcRequest *self)
{
  if (self->data_free != NULL)
    self->data_free (self->data);
  /* A check its handler did not close still leaves its failure counted
   * (fail closed), but not its place in the queue. */
  kbc_request_release_check (self);
  g_free (self->client);
  g_free (self->path);
  g_clear_pointer (&self->params, g_ptr_array_unref);
  g_clear_pointer (&self->body, json_node_unref);
  g_clear_pointer (&self->token, kbc_token_free);
  g_clear_pointer (&self->user, kbc_user_free);
  g_free (self);
}

const char *
kbc_request_param (KbcRequest *self, guint index)
{
  if (self->params == NULL || index >= self->params->len)
    return NULL;
  return self->params->pdata[index];
}

char *
kbc_request_dup_peer_address (KbcRequest *self)
{
  struct evhttp_connection *connection = evhttp_request_get_connection (self->req);
  char *address = NULL;
  ev_uint16_t port = 0;

  if (connection == NULL)
    return NULL;
  evhttp_connection_get_peer (connection, &address, &port);
  return address != NULL && *address != '\0' ? g_strdup (address) : NULL;
}

const char *
kbc_request_get_client (KbcRequest *self)
{
  g_autofree char *address = NULL;
  struct in6_addr ip6;

  if (self->client != NULL)
    return self->client;

  address = kbc_request_dup_peer_address (self);
  if (address == NULL)
    self->client = g_strdup ("unknown");
  else if (inet_pton (AF_INET6, address, &ip6) == 1 && !IN6_IS_ADDR_V4MAPPED (&ip6))
    {
      char text[INET6_ADDRSTRLEN];

      /* Whoever has one address of a /64 has all of them. */
      memset (ip6.s6_addr + 8, 0, 8);
      inet_ntop (AF_INET6, &ip6, text, sizeof text);
      self->client = g_strdup_printf ("%s/64", text);
    }
  else if (g_str_has_prefix (address, "::ffff:"))
    self->client = g_strdup (address + strlen ("::ffff:"));
  else
    self->client = g_steal_pointer (&address);
  return self->client;
}

static guint
count_get (GHashTable *table, const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, key));
}

static void
count_add (GHashTable *table, const char *key, int delta)
{
  guint count = count_get (table, key) + delta;

  if (count == 0)
    g_hash_table_remove (table, key);
  else
    g_hash_table_replace (table, g_strdup (key), GUINT_TO_POINTER (count));
}

KbcCheckRefusal
kbc_request_hold_check (KbcRequest *self, const char *key)
{
  KbcServer *server = self->server;
  const char *client = kbc_request_get_client (self);
  g_autofree char *account = g_ascii_strdown (key, -1);
  guint of_client = count_get (server->clients_in_flight, client);

  g_return_val_if_fail (self->check_key == NULL, KBC_CHECK_REFUSED_CLIENT);

  if (of_client >= KBC_SERVER_MAX_CHECKS_PER_CLIENT)
    return KBC_CHECK_REFUSED_CLIENT;
  if (count_get (server->checks_in_flight, account) >= KBC_SERVER_MAX_CHECKS_PER_ACCOUNT)
    return KBC_CHECK_REFUSED_ACCOUNT;
  /* The reserve is for clients that have nothing in flight. */
  if (of_client > 0 && kbc_worker_pool_get_busy (server->pool) >=
                           KBC_SERVER_MAX_QUEUED_HASHES - KBC_SERVER_RESERVED_HASHES)
    return KBC_CHECK_REFUSED_CLIENT;

  count_add (server->clients_in_flight, client, 1);
  count_add (server->checks_in_flight, account, 1);
  self->check_key = g_steal_pointer (&account);
  return KBC_CHECK_HELD;
}

void
kbc_request_release_check (KbcRequest *self)
{
  if (self->check_key == NULL)
    return;
  count_add (self->server->clients_in_flight, kbc_request_get_client (self), -1);
  count_add (self->server->checks_in_flight, self->check_key, -1);
  g_clear_pointer (&self->check_key, g_free);
}

const char *
kbc_request_get_header (KbcRequest *self, const char *name)
{
  return evhttp_find_header (evhttp_request_get_input_headers (self->req), name);
}

void
kbc_request_set_header (KbcRequest *self, const char *name, const char *value)
{
  struct evkeyvalq *headers = evhttp_request_get_output_headers (self->req);

  evhttp_remove_header (headers, name);
  evhttp_add_header (headers, name, value);
}

/* The path as the request log shows it: the decoded path (never the query
 * string, which evhttp keeps apart) up to the first character that is not
 * plain ([A-Za-z0-9/._~-]: an encoded "?", a space, a line break, "@"), a
 * run of LOG_SECRET_RUN_MIN or more letters and digits hidden, at most
 * LOG_PATH_MAX bytes. So a line is one line, and a secret someone put into
 * a path does not reach the log. */
static char *
log_path (const char *path)
{
  GString *out;
  const char *p = path;

  if (path == NULL)
    return g_strdup ("-");

  out = g_string_new (NULL);
  while (*p != '\0' && out->len < LOG_PATH_MAX)
    {
      gsize run = 0;

      while (g_ascii_isalnum (p[run]))
        run++;
      if (run >= LOG_SECRET_RUN_MIN)
        {
          g_string_append (out, "[hidden]");
          p += run;
        }
      else if (run > 0)
        {
          g_string_append_len (out, p, run);
          p += run;
        }
      else if (*p == '/' || *p == '.' || *p == '_' || *p == '~' || *p == '-')
        g_string_append_c (out, *p++);
      else
        break;
    }
  if (*p != '\0')
    g_string_append (out, "...");
  return g_string_free (out, FALSE);
}

char *
kbc_server_log_escape (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guint8) *p);
          p++;
          continue;
        }
      /* Control characters, and the invisible ones that reorder or hide
       * text (bidi overrides and isolates, zero-width, BOM). */
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_string_append_printf (out, "\\x%02X", c);
      else if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
               (c >= 0x2066 && c <= 0x2069) || c == 0xfeff || c == 0x2028 || c == 0x2029)
        g_string_append_printf (out, "\\u%04X", c);
      else if (c == '\\')
        g_string_append (out, "\\\\");
      else
        g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

/* Whether libevent's own answers are logged (the server's --quiet). */
static gboolean errors_quiet;

static const char *
status_code_name (int status)
{
  switch (status)
    {
      case 400:
        return "badRequest";
      case 404:
        return "notFound";
      case 405:
        return "methodNotAllowed";
      case 408:
        return "requestTimeout";
      case 413:
        return "requestTooLarge";
      case 417:
        return "expectationFailed";
      case 431:
        return "headersTooLarge";
      case 501:
        return "notImplemented";
      case 503:
        return "serviceUnavailable";
      default:
        return "httpError";
    }
}

static const char *
status_message (int status)
{
  switch (status)
    {
      case 400:
        return "Malformed request.";
      case 413:
        return "The request is too large: its line, headers or body are over the limit.";
      case 417:
        return "The Expect header is not supported.";
      case 501:
        return "The method is not supported.";
      default:
        return "The request could not be served.";
    }
}

/* libevent 2.1 answers on its own what it cannot parse (400), a request
 * line, headers or body over the limits (413), an Expect it does not know
 * (417) and a method it does not allow (501), each with an HTML page made
 * by evhttp_send_error(), which it calls through the PLT. This definition
 * in the program takes the place of libevent's (ELF symbol interposition:
 * the executable's symbol wins), so those answers are Keboola's error JSON
 * like every other; test-server-hardening-input asks for each over a raw
 * socket, and fails should a libevent stop calling it this way. libevent
 * 2.2's evhttp_set_errorcb() is the way to do this once Debian has it. */
void
evhttp_send_error (struct evhttp_request *req, int error, const char *reason)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *exception_id = kbc_crypto_exception_id ();
  g_autofree char *text = NULL;
  struct evkeyvalq *headers = evhttp_request_get_output_headers (req);
  struct evbuffer *buffer = evbuffer_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, status_message (error));
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, status_code_name (error));
  json_builder_set_member_name (builder, "exceptionId");
  json_builder_add_string_value (builder, exception_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "error");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  text = json_to_string (node, FALSE);

  if (!errors_quiet)
    g_message ("- - %d (refused by the HTTP parser)", error);

  /* A request line libevent could not parse leaves its version at 0.0,
   * and libevent would answer "HTTP/0.0 400" (found by fuzzing the router):
   * such a request gets an HTTP/1.1 answer, with its Content-Length. */
  if (req->major != 1 || req->minor > 1)
    {
      req->major = 1;
      req->minor = 1;
    }

  /* As libevent does: the connection is not to be trusted any more. */
  evhttp_remove_header (headers, "Connection");
  evhttp_add_header (headers, "Connection", "close");
  evhttp_remove_header (headers, "Content-Type");
  evhttp_add_header (headers, "Content-Type", "application/json");
  evhttp_add_header (headers, "Cache-Control", "no-store");
  evbuffer_add (buffer, text, strlen (text));
  evhttp_send_reply (req, error, reason, buffer);
  evbuffer_free (buffer);
}

/* One line of the request log, as g_message() would write it (GLib 2.74's
 * "KbcServer-Message: HH:MM:SS.mmm: TEXT"), in one write(): GLib's writer
 * asks for each line whether standard error is a terminal and stats
 * /etc/localtime (glibc's localtime()), ~8% of the server's time under wrk.
 * @method and @path are plain ASCII (log_path()), nothing to escape. To a
 * terminal, where GLib colours the line, it is g_message() as before. */
static void
log_request (const char *method, const char *path, guint status, double ms)
{
  static gsize to_terminal;
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) now = NULL;
  gint64 us = g_get_real_time ();
  char line[LOG_PATH_MAX + 128];
  int len;

  if (g_once_init_enter (&to_terminal))
    g_once_init_leave (&to_terminal, isatty (STDERR_FILENO) ? 2 : 1);
  utc = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  now = utc != NULL ? g_date_time_to_timezone (utc, local_zone ()) : NULL;
  if (to_terminal == 2 || now == NULL)
    {
      g_message ("%s %s %u %.1f ms", method, path, status, ms);
      return;
    }

  len = g_snprintf (line, sizeof line, "%s-Message: %02d:%02d:%02d.%03d: %s %s %u %.1f ms\n",
                    G_LOG_DOMAIN, g_date_time_get_hour (now), g_date_time_get_minute (now),
                    g_date_time_get_second (now), (int) ((us / 1000) % 1000), method, path, status,
                    ms);
  len = MIN (len, (int) sizeof line - 1);
  line[len - 1] = '\n';
  while (len > 0)
    {
      ssize_t n = write (STDERR_FILENO, line, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      memmove (line, line + n, len - n);
      len -= n;
    }
}

static void
unref_bytes (const void *data, size_t len, void *bytes)
{
  g_bytes_unref (bytes);
}

static void
free_text (const void *data, size_t len, void *text)
{
  g_free (text);
}

static void
wipe_text (const void *data, size_t len, void *text)
{
  explicit_bzero (text, len);
  g_free (text);
}

/* Answers with @body, a JSON text the buffer refers to (NULL: none): it
 * goes out as it is, not copied, and @body_free frees @body_data once it has
 * been written. */
static void
send_reply (KbcRequest *self,
            guint status,
            const char *body,
            gsize body_len,
            evbuffer_ref_cleanup_cb body_free,
            void *body_data)
{
  struct evbuffer *buffer = NULL;

  /* Method, path, status and time only: bodies and headers carry secrets.
   * Written before the answer leaves, so a client that has its answer
   * finds the line in the log. */
  if (!self->server->config.quiet)
    {
      g_autofree char *path = log_path (self->path);

      log_request (self->method, path, status, (g_get_monotonic_time () - self->start_us) / 1000.0);
    }

  kbc_request_set_header (self, "Cache-Control", "no-store");
  if (body != NULL)
    {
      kbc_request_set_header (self, "Content-Type", "application/json");
      buffer = evbuffer_new ();
      if (body_len == 0 ||
          evbuffer_add_reference (buffer, body, body_len, body_free, body_data) != 0)
        {
          evbuffer_add (buffer, body, body_len);
          body_free (body, body_len, body_data);
        }
    }
  if (self->server->stopping)
    kbc_request_set_header (self, "Connection", "close");

  evhttp_send_reply (self->req, status, NULL, buffer);
  if (buffer != NULL)
    evbuffer_free (buffer);

  request_free (self);
}

/* @json: a JSON text, e.g. one made before and kept. */
void
kbc_request_reply_bytes (KbcRequest *self, guint status, GBytes *json)
{
  gsize len;
  const char *text = g_bytes_get_data (json, &len);

  send_reply (self, status, text, len, unref_bytes, g_bytes_ref (json));
}

void
kbc_request_reply_json (KbcRequest *self, guint status, JsonNode *node)
{
  char *text = json_to_string (node, FALSE);

  send_reply (self, status, text, strlen (text), free_text, text);
}

void
kbc_request_reply_text (KbcRequest *self, guint status, GString *text)
{
  gsize len = text->len;
  char *body = g_string_free (text, FALSE);

  send_reply (self, status, body, len, free_text, body);
}

void
kbc_request_reply_secret (KbcRequest *self, guint status, GString *text)
{
  gsize len = text->len;
  char *body = g_string_free (text, FALSE);

  /* Wiped once sent. A GString that grew left its old buffers unwiped:
   * the caller sizes it (g_string_sized_new()) not to grow. */
  send_reply (self, status, body, len, wipe_text, body);
}

void
kbc_request_reply_builder (KbcRequest *self, guint status, JsonBuilder *builder)
{
  /* json_builder_get_root() gives a reference of our own. */
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  kbc_request_reply_json (self, status, root);
}

void
kbc_request_reply_empty (KbcRequest *self, guint status)
{
  send_reply (self, status, NULL, 0, NULL, NULL);
}

void
kbc_request_reply_error (KbcRequest *self,
                         guint status,
                         const char *code,
                         const char *message,
                         KbcFieldErrors *fields)
{
  kbc_request_reply_error_extra (self, status, code, message, fields, NULL);
}

void
kbc_request_reply_error_extra (KbcRequest *self,
                               guint status,
                               const char *code,
                               const char *message,
                               KbcFieldErrors *fields,
                               JsonObject *extra)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *exception_id = kbc_crypto_exception_id ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "exceptionId");
  json_builder_add_string_value (builder, exception_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "error");
  if (fields != NULL && fields->len > 0)
    {
      json_builder_set_member_name (builder, "errors");
      json_builder_begin_array (builder);
      for (guint i = 0; i < fields->len; i++)
        {
          const KbcFieldError *field = &g_array_index (fields, KbcFieldError, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "key");
          json_builder_add_string_value (builder, field->key);
          if (field->code != NULL)
            {
              json_builder_set_member_name (builder, "code");
              json_builder_add_string_value (builder, field->code);
            }
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, field->message);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  if (extra != NULL)
    {
      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      json_object_iter_init (&iter, extra);
      while (json_object_iter_next (&iter, &member, &value))
        {
          json_builder_set_member_name (builder, member);
          json_builder_add_value (builder, json_node_copy (value));
        }
    }
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  kbc_request_reply_json (self, status, node);
}

void
kbc_request_reply_invalid (KbcRequest *self, KbcFieldErrors *fields)
{
  kbc_request_reply_error (self, 400, "validationFailed", "Invalid request data.", fields);
}

void
kbc_request_reply_too_many (KbcRequest *self, guint retry_after)
{
  g_autofree char *seconds = g_strdup_printf ("%u", MAX (retry_after, 1));

  kbc_request_set_header (self, "Retry-After", seconds);
  kbc_request_reply_error (self, 429, "tooManyAttempts",
                           "Too many failed attempts. Please try again later.", NULL);
}

void
kbc_request_reply_internal (KbcRequest *self, const GError *error)
{
  g_autofree char *path = log_path (self->path);

  /* The GError text is ours (SQLite or key file), never user input. */
  g_warning ("%s %s: %s", self->method, path, error != NULL ? error->message : "failed");
  kbc_request_reply_error (self, 500, "internalError", "Internal server error.", NULL);
}

static void
field_error_clear (gpointer data)
{
  KbcFieldError *field = data;

  g_free (field->key);
  g_free (field->code);
  g_free (field->message);
}

KbcFieldErrors *
kbc_field_errors_new (void)
{
  GArray *errors = g_array_new (FALSE, FALSE, sizeof (KbcFieldError));

  g_array_set_clear_func (errors, field_error_clear);
  return errors;
}

void
kbc_field_errors_free (KbcFieldErrors *errors)
{
  if (errors != NULL)
    g_array_unref (errors);
}

void
kbc_field_errors_add (KbcFieldErrors *errors,
                      const char *key,
                      const char *code,
                      const char *message)
{
  KbcFieldError field = {
    .key = g_strdup (key),
    .code = g_strdup (code),
    .message = g_strdup (message),
  };

  g_array_append_val (errors, field);
}

static const char *
get_string (KbcRequest *self,
            KbcFieldErrors *errors,
            const char *key,
            gsize max_len,
            gboolean required)
{
  JsonObject *object;
  JsonNode *node;
  const char *value;

  object = self->body != NULL ? json_node_get_object (self->body) : NULL;
  node = object != NULL ? json_object_get_member (object, key) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        kbc_field_errors_add (errors, key, NULL, "This value should not be blank.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      kbc_field_errors_add (errors, key, NULL, "This value should be of type string.");
      return NULL;
    }

  value = json_node_get_string (node);
  if (required && *value == '\0')
    {
      kbc_field_errors_add (errors, key, NULL, "This value should not be blank.");
      return NULL;
    }
  if (max_len > 0 && strlen (value) > max_len)
    {
      g_autofree char *message = g_strdup_printf (
          "This value is too long. It should have %" G_GSIZE_FORMAT " characters or less.",
          max_len);
      kbc_field_errors_add (errors, key, NULL, message);
      return NULL;
    }
  return value;
}

const char *
kbc_request_require_string (KbcRequest *self,
                            KbcFieldErrors *errors,
                            const char *key,
                            gsize max_len)
{
  return get_string (self, errors, key, max_len, TRUE);
}

const char *
kbc_request_optional_string (KbcRequest *self,
                             KbcFieldErrors *errors,
                             const char *key,
                             gsize max_len)
{
  return get_string (self, errors, key, max_len, FALSE);
}

/* ---- authentication ---- */

/* Parses "<id>-<40 alphanumerics>" and finds the token. Replies and returns
 * FALSE when it cannot be used. */
static gboolean
authenticate (KbcRequest *self, KbcRouteFlags flags)
{
  KbcStore *store = self->server->store;
  g_autoptr (KbcToken) token = NULL;
  g_autoptr (KbcUser) user = NULL;
  g_autoptr (GError) error = NULL;
  guint8 hash[KBC_SHA256_SIZE];
  const char *header;
  const char *dash;
  const char *secret;
  gint64 id = 0;
  gboolean well_formed;

  header = kbc_request_get_header (self, "X-KBC-ManageApiToken");
  if (header == NULL || *header == '\0')
    {
      kbc_request_reply_error (self, 401, "tokenMissing", "Access token must be set", NULL);
      return FALSE;
    }

  dash = strchr (header, '-');
  secret = dash != NULL ? dash + 1 : NULL;
  well_formed =
      dash != NULL && dash > header && dash - header <= 18 && strlen (secret) == TOKEN_SECRET_LEN;
  for (const char *p = header; well_formed && p < dash; p++)
    well_formed = g_ascii_isdigit (*p);
  for (const char *p = secret; well_formed && *p != '\0'; p++)
    well_formed = g_ascii_isalnum (*p);
  if (well_formed)
    id = g_ascii_strtoll (header, NULL, 10);

  /* The token, its user and, where the answer tells it, the MFA state in
   * one read transaction: SQLite's locks (two fcntl() each way) are taken
   * and dropped once for all. They count only if the token's checks pass
   * below. */
  if (id > 0 && kbc_store_begin_read (store, &error))
    {
      token = kbc_store_token_by_id (store, id, &error);
      if (token != NULL)
        user = kbc_store_user_by_id (store, token->user_id, &error);
      if (user != NULL && (flags & KBC_ROUTE_MFA_STATE))
        self->mfa_enabled = kbc_store_mfa_enabled (store, user->id);
      if (error == NULL)
        kbc_store_commit (store, &error);
      kbc_store_rollback (store);
    }
  if (error != NULL)
    {
      kbc_request_reply_internal (self, error);
      return FALSE;
    }

  /* Hash even when there is no such token, so both cost the same. */
  kbc_crypto_sha256 (secret != NULL ? secret : "", secret != NULL ? strlen (secret) : 0, hash);
  if (token == NULL || g_bytes_get_size (token->secret_hash) != KBC_SHA256_SIZE ||
      !kbc_crypto_equal (hash, g_bytes_get_data (token->secret_hash, NULL), KBC_SHA256_SIZE))
    {
      kbc_request_reply_error (self, 401, "tokenInvalid", "Invalid access token", NULL);
      return FALSE;
    }

  if (kbc_token_is_expired (token, self->now))
    {
      kbc_request_reply_error (self, 401, "tokenExpired", "Access token has expired", NULL);
      return FALSE;
    }
  if (token->disabled)
    {
      kbc_request_reply_error (self, 401, "tokenDisabled", "Access token is disabled", NULL);
      return FALSE;
    }

  if (user == NULL)
    {
      kbc_request_reply_error (self, 401, "tokenInvalid", "Invalid access token", NULL);
      return FALSE;
    }

  /* Once a minute at most: a burst of requests must not turn every read
   * into a write. */
  if (kbc_store_token_needs_touch (token, self->now))
    {
      if (!kbc_store_token_touch (store, token->id, self->now, &error))
        {
          kbc_request_reply_internal (self, error);
          return FALSE;
        }
      token->last_used = self->now;
    }

  self->token = g_steal_pointer (&token);
  self->user = g_steal_pointer (&user);
  return TRUE;
}

/* ---- routing ---- */

/* The end of the path segment at @s: the next '/' or the end. */
static const char *
segment_end (const char *s)
{
  while (*s != '\0' && *s != '/')
    s++;
  return s;
}

/* Whether @path has the segments of @pattern, where "{}" stands for any
 * non-empty segment; if so, @params gets those segments (NULL: none). Every
 * request tries the routes in turn: nothing is allocated for a route that
 * does not match. */
static gboolean
match_pattern (const char *pattern, const char *path, GPtrArray **params)
{
  GPtrArray *found = NULL;
  guint n_params = 0;

  for (const char *p = pattern, *q = path;;)
    {
      const char *p_end = segment_end (p);
      const char *q_end = segment_end (q);

      if (p_end - p == 2 && p[0] == '{' && p[1] == '}')
        {
          if (q_end == q)
            return FALSE;
          n_params++;
        }
      else if (p_end - p != q_end - q || memcmp (p, q, p_end - p) != 0)
        return FALSE;

      if (*p_end == '\0' || *q_end == '\0')
        {
          if (*p_end != *q_end)
            return FALSE;
          break;
        }
      p = p_end + 1;
      q = q_end + 1;
    }

  if (n_params > 0)
    {
      found = g_ptr_array_new_full (n_params, g_free);
      for (const char *p = pattern, *q = path;;)
        {
          const char *p_end = segment_end (p);
          const char *q_end = segment_end (q);

          if (p_end - p == 2 && p[0] == '{' && p[1] == '}')
            g_ptr_array_add (found, g_strndup (q, q_end - q));
          if (*p_end == '\0')
            break;
          p = p_end + 1;
          q = q_end + 1;
        }
    }

  *params = found;
  return TRUE;
}

/* Whether a string of the JSON @text has a \u0000 escape, which a C string
 * would silently cut: the password "secret\u0000anything" must not become
 * "secret". Sets @member to the top-level member it is in (NULL: none). */
static gboolean
has_nul_escape (const char *text, gsize len, char **member)
{
  g_autoptr (GString) key = NULL;
  g_autofree char *last_key = NULL;
  gboolean in_string = FALSE;
  gboolean expect_key = FALSE;
  int depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\' && i + 1 < len)
            {
              if (text[i + 1] == 'u' && i + 5 < len && strncmp (text + i + 2, "0000", 4) == 0)
                {
                  *member = key != NULL ? g_string_free (g_steal_pointer (&key), FALSE)
                                        : g_steal_pointer (&last_key);
                  return TRUE;
                }
              if (key != NULL)
                g_string_append_len (key, text + i, 2);
              i++;
            }
          else if (c == '"')
            {
              in_string = FALSE;
              if (key != NULL)
                {
                  g_free (last_key);
                  last_key = g_string_free (g_steal_pointer (&key), FALSE);
                }
            }
          else if (key != NULL)
            g_string_append_c (key, c);
          continue;
        }

      switch (c)
        {
          case '"':
            in_string = TRUE;
            if (depth == 1 && expect_key)
              key = g_string_new (NULL);
            break;
          case '{':
          case '[':
            depth++;
            expect_key = depth == 1 && c == '{';
            break;
          case '}':
          case ']':
            depth--;
            break;
          case ',':
            expect_key = expect_key || depth == 1;
            break;
          case ':':
            if (depth == 1)
              expect_key = FALSE;
            break;
          default:
            break;
        }
    }
  return FALSE;
}

static gboolean
parse_body (KbcRequest *self)
{
  struct evbuffer *input = evhttp_request_get_input_buffer (self->req);
  gsize length = evbuffer_get_length (input);
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (length > KBC_SERVER_MAX_BODY)
    {
      kbc_request_reply_error (self, 400, "bodyTooLarge",
                               "Request body is too large (the limit is 65536 bytes).", NULL);
      return FALSE;
    }

  text = g_malloc (length + 1);
  evbuffer_copyout (input, text, length);
  text[length] = '\0';

  {
    g_autofree char *member = NULL;

    if (has_nul_escape (text, length, &member))
      {
        g_autoptr (KbcFieldErrors) fields = kbc_field_errors_new ();

        explicit_bzero (text, length);
        kbc_field_errors_add (fields, member != NULL ? member : "body", "invalidCharacters",
                              "This value must not contain a NUL character.");
        kbc_request_reply_invalid (self, fields);
        return FALSE;
      }
  }

  parser = json_parser_new ();
  if (length == 0 || strlen (text) != length || !g_utf8_validate (text, length, NULL) ||
      !json_parser_load_from_data (parser, text, length, &error))
    {
      kbc_request_reply_error (self, 400, "malformedJson", "Request body is not valid JSON.", NULL);
      explicit_bzero (text, length);
      return FALSE;
    }
  explicit_bzero (text, length);

  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      kbc_request_reply_error (self, 400, "malformedJson", "Request body must be a JSON object.",
                               NULL);
      return FALSE;
    }

  self->body = json_node_ref (json_parser_get_root (parser));
  return TRUE;
}

/* One Content-Length of digits only, or one "Transfer-Encoding: chunked"
 * and no Content-Length: anything else could be read differently by a
 * proxy in front of us (request smuggling). libevent 2.1 reads the first
 * Content-Length and takes "+5"; what it cannot read at all it answers
 * itself (400, see evhttp_send_error() below). */
static gboolean
framing_is_sound (struct evhttp_request *req)
{
  struct evkeyvalq *headers = evhttp_request_get_input_headers (req);
  struct evkeyval *header;
  guint lengths = 0;
  guint encodings = 0;

  TAILQ_FOREACH (header, headers, next)
  {
    if (g_ascii_strcasecmp (header->key, "Content-Length") == 0)
      {
        if (++lengths > 1 || *header->value == '\0')
          return FALSE;
        for (const char *p = header->value; *p != '\0'; p++)
          if (!g_ascii_isdigit (*p))
            return FALSE;
      }
    else if (g_ascii_strcasecmp (header->key, "Transfer-Encoding") == 0)
      {
        if (++encodings > 1 || g_ascii_strcasecmp (header->value, "chunked") != 0)
          return FALSE;
      }
  }
  return lengths + encodings <= 1;
}

static void
dispatch (struct evhttp_request *req, void *user_data)
{
  KbcServer *server = user_data;
  KbcRequest *self;
  const struct evhttp_uri *uri;
  const KbcRoute *route = NULL;
  g_autoptr (GString) allow = NULL;
  const char *raw_path;
  size_t path_len = 0;

  self = g_new0 (KbcRequest, 1);
  self->server = server;
  self->req = req;
  self->start_us = g_get_monotonic_time ();
  self->now = kbc_server_now ();
  self->method = method_name (evhttp_request_get_command (req));

  uri = evhttp_request_get_evhttp_uri (req);
  raw_path = uri != NULL ? evhttp_uri_get_path (uri) : NULL;
  if (raw_path != NULL)
    self->path = evhttp_uridecode (raw_path, 0, &path_len);
  if (self->path == NULL || strlen (self->path) != path_len ||
      !g_utf8_validate (self->path, -1, NULL))
    {
      g_free (self->path);
      self->path = g_strdup ("-");
      kbc_request_reply_error (self, 400, "badRequest", "Malformed request path.", NULL);
      return;
    }

  /* Whatever follows on this connection is not to be trusted either. */
  if (!framing_is_sound (req))
    {
      kbc_request_set_header (self, "Connection", "close");
      kbc_request_reply_error (self, 400, "badRequest",
                               "Conflicting or malformed Content-Length or Transfer-Encoding.",
                               NULL);
      return;
    }

  if (server->stopping)
    {
      kbc_request_set_header (self, "Retry-After", "1");
      kbc_request_reply_error (self, 503, "maintenance", "The server is shutting down.", NULL);
      return;
    }

  for (guint i = 0; i < server->routes->len; i++)
    {
      const KbcRoute *candidate = &g_array_index (server->routes, KbcRoute, i);
      g_autoptr (GPtrArray) params = NULL;

      if (!match_pattern (candidate->pattern, self->path, &params))
        continue;

      if (g_str_equal (candidate->method, self->method))
        {
          route = candidate;
          self->params = g_steal_pointer (&params);
          break;
        }

      if (allow == NULL)
        allow = g_string_new (candidate->method);
      else
        g_string_append_printf (allow, ", %s", candidate->method);
    }

  if (route == NULL && allow != NULL)
    {
      g_autofree char *message =
          g_strdup_printf ("No route found for \"%s %s\": Method Not Allowed (Allow: %s)",
                           self->method, self->path, allow->str);
      kbc_request_set_header (self, "Allow", allow->str);
      kbc_request_reply_error (self, 405, "methodNotAllowed", message, NULL);
      return;
    }
  if (route == NULL)
    {
      g_autofree char *message =
          g_strdup_printf ("No route found for \"%s %s\"", self->method, self->path);
      kbc_request_reply_error (self, 404, "notFound", message, NULL);
      return;
    }

  /* The pool has few threads but its queue would grow without bound. */
  if ((route->flags & KBC_ROUTE_HASHES) &&
      kbc_worker_pool_get_busy (server->pool) >= KBC_SERVER_MAX_QUEUED_HASHES)
    {
      kbc_request_set_header (self, "Retry-After", "1");
      kbc_request_reply_error (self, 503, "serverBusy",
                               "The server is busy. Please try again in a moment.", NULL);
      return;
    }

  if ((route->flags & KBC_ROUTE_AUTH) && !authenticate (self, route->flags))
    return;
  if ((route->flags & KBC_ROUTE_JSON_BODY) && !parse_body (self))
    return;

  route->handler (self);
}

/* ---- the server ---- */

static void
stop_when_idle (gpointer data)
{
  KbcServer *self = data;
  struct timeval flush = { 0, 100 * 1000 };

  /* A moment for the last replies to leave. */
  if (self->stopping)
    event_base_loopexit (self->base, &flush);
}

static void
on_signal (evutil_socket_t fd, short what, void *user_data)
{
  KbcServer *self = user_data;

  if (self->stopping)
    {
      event_base_loopbreak (self->base);
      return;
    }

  g_message ("signal %d: stopping", (int) fd);
  self->stopping = TRUE;
  if (self->socket != NULL)
    {
      evhttp_del_accept_socket (self->http, self->socket);
      self->socket = NULL;
    }
  if (kbc_worker_pool_get_busy (self->pool) == 0)
    stop_when_idle (self);
}

KbcServer *
kbc_server_new (KbcStore *store, const KbcServerConfig *config)
{
  static gsize threads_ready;
  KbcServer *self;

  /* Before the first event_base: the pool wakes the loop from its threads. */
  if (g_once_init_enter (&threads_ready))
    {
      if (evthread_use_pthreads () != 0)
        g_error ("libevent has no pthreads support");
      g_once_init_leave (&threads_ready, 1);
    }

  self = g_new0 (KbcServer, 1);
  self->config = *config;
  if (self->config.session_lifetime <= 0 ||
      self->config.session_lifetime > KBC_SERVER_SESSION_LIFETIME)
    self->config.session_lifetime = KBC_SERVER_SESSION_LIFETIME;
  if (self->config.ticket_lifetime <= 0 ||
      self->config.ticket_lifetime > KBC_SERVER_TICKET_LIFETIME)
    self->config.ticket_lifetime = KBC_SERVER_TICKET_LIFETIME;
  if (self->config.hash_threads == 0)
    self->config.hash_threads = KBC_SERVER_HASH_THREADS;

  self->store = store;
  self->routes = g_array_new (FALSE, FALSE, sizeof (KbcRoute));
  self->checks_in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->clients_in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rp_id = g_strdup (config->rp_id != NULL ? config->rp_id : "localhost");
  self->config.rp_id = self->rp_id;
  errors_quiet = self->config.quiet;
  {
    struct event_config *event_config = event_config_new ();

    /* evhttp turns reading and writing on and off several times for one
     * request: with the change list, epoll hears only of the net change
     * once per loop iteration (an epoll_ctl() each time was ~5% of the
     * time under wrk). */
    event_config_set_flag (event_config, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    self->base = event_base_new_with_config (event_config);
    event_config_free (event_config);
  }
  self->http = evhttp_new (self->base);
  self->pool = kbc_worker_pool_new (self->base, self->config.hash_threads);
  kbc_worker_pool_set_idle_func (self->pool, stop_when_idle, self);

  evhttp_set_allowed_methods (self->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                              EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                              EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
  evhttp_set_max_body_size (self->http, HARD_MAX_BODY);
  evhttp_set_max_headers_size (self->http, MAX_HEADERS_SIZE);
  evhttp_set_timeout (self->http, IDLE_TIMEOUT);
  evhttp_set_gencb (self->http, dispatch, self);

  self->signals[0] = evsignal_new (self->base, SIGTERM, on_signal, self);
  self->signals[1] = evsignal_new (self->base, SIGINT, on_signal, self);
  for (guint i = 0; i < G_N_ELEMENTS (self->signals); i++)
    event_add (self->signals[i], NULL);

  return self;
}

void
kbc_server_free (KbcServer *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->signals); i++)
    g_clear_pointer (&self->signals[i], event_free);
  /* Runs the completions of any job still queued, which answer their
   * requests, before the connections go away. */
  g_clear_pointer (&self->pool, kbc_worker_pool_free);
  g_clear_pointer (&self->http, evhttp_free);
  g_clear_pointer (&self->base, event_base_free);
  g_clear_pointer (&self->routes, g_array_unref);
  g_clear_pointer (&self->checks_in_flight, g_hash_table_unref);
  g_clear_pointer (&self->clients_in_flight, g_hash_table_unref);
  g_clear_pointer (&self->notification_lists, g_hash_table_unref);
  g_free (self->rp_id);
  g_clear_pointer (&self->store, kbc_store_free);
  g_free (self->url);
  g_free (self);
}

void
kbc_server_add_routes (KbcServer *self, const KbcRoute *routes, gsize n_routes)
{
  for (gsize i = 0; i < n_routes; i++)
    if (!self->config.published_only ||
        kbc_server_route_is_published (routes[i].method, routes[i].pattern))
      g_array_append_val (self->routes, routes[i]);
}

guint16
kbc_server_listen (KbcServer *self, const char *host, guint16 port, GError **error)
{
  struct sockaddr_storage address;
  socklen_t address_len = sizeof address;
  evutil_socket_t fd;

  self->socket = evhttp_bind_socket_with_handle (self->http, host, port);
  if (self->socket == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot listen on %s port %u: %s", host,
                   port, g_strerror (errno));
      return 0;
    }

  fd = evhttp_bound_socket_get_fd (self->socket);
  if (getsockname (fd, (struct sockaddr *) &address, &address_len) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "getsockname: %s", g_strerror (errno));
      return 0;
    }

  if (address.ss_family == AF_INET6)
    return ntohs (((struct sockaddr_in6 *) &address)->sin6_port);
  return ntohs (((struct sockaddr_in *) &address)->sin_port);
}

void
kbc_server_run (KbcServer *self)
{
  event_base_dispatch (self->base);
}

void
kbc_server_push_work (KbcServer *self, KbcWorkFunc work, KbcWorkFunc done, gpointer data)
{
  kbc_worker_pool_push (self->pool, work, done, data);
}
