/* kbc-client.c: the only code that speaks HTTP to a Keboola stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-client.h"

#include "kbc-error.h"
#include "kbc-json.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define TOKEN_HEADER     "X-KBC-ManageApiToken"
#define TIMEOUT_SECONDS  30 /* of silence, connecting or mid-answer (KbcClient:timeout) */
#define MAX_ATTEMPTS     3
#define FIRST_BACKOFF_MS 500
/* Bodies larger than this are parsed in a worker thread. */
#define THREADED_PARSE_BYTES (64 * 1024)
/* The nice value of the thread that parses the rest of a long list once
 * its head is out (parse_list_thread()). */
#define LIST_REST_NICE 10
/* No answer of the API comes near this (10,000 notifications are ~5 MB);
 * a body that grows past it is refused rather than kept in memory. The
 * buffer grows in powers of two, so this is one. */
#define MAX_BODY_BYTES (32 * 1024 * 1024)
/* A server that keeps sending a little at a time is never silent, so the
 * timeout alone would let it hold a request forever: the whole answer must
 * come within this many timeouts. */
#define DEADLINE_TIMEOUTS 4

struct _KbcClient
{
  GObject parent_instance;

  char *base_url; /* scheme://host[:port][/path], no trailing slash */
  char *host;
  gboolean loopback;
  SoupSession *session;
  char *token;
  GHashTable *etags; /* path → last ETag, for kbc_client_poll_async() */
  guint timeout;
};

G_DEFINE_FINAL_TYPE (KbcClient, kbc_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_BASE_URL,
  PROP_HAS_TOKEN,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  UNAUTHORIZED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char *method;
  char *path;
  GBytes *body;
  guint attempt;
  gboolean poll;
  gboolean names_item;
  gboolean had_token;
  gboolean not_modified;
  SoupMessage *message;
  GBytes *response;
  GSource *retry_source;
  GSource *cancel_source;
  /* The attempt on its way: cancelled by the caller's cancellable or by
   * the deadline (then deadline_passed). */
  GCancellable *attempt_cancellable;
  gulong caller_handler;
  GSource *deadline_source;
  gboolean deadline_passed;
  /* kbc_client_poll_with_head_async() */
  guint head_size;
  KbcClientHeadFunc head_func;
  gpointer head_data;
} Request;

static void
request_end_attempt (Request *request, GCancellable *caller)
{
  if (request->caller_handler != 0)
    g_cancellable_disconnect (caller, request->caller_handler);
  request->caller_handler = 0;
  if (request->deadline_source != NULL)
    {
      g_source_destroy (request->deadline_source);
      g_clear_pointer (&request->deadline_source, g_source_unref);
    }
  g_clear_object (&request->attempt_cancellable);
}

static void
request_clear_retry (Request *request)
{
  if (request->retry_source != NULL)
    {
      g_source_destroy (request->retry_source);
      g_clear_pointer (&request->retry_source, g_source_unref);
    }
  if (request->cancel_source != NULL)
    {
      g_source_destroy (request->cancel_source);
      g_clear_pointer (&request->cancel_source, g_source_unref);
    }
}

static void
request_free (Request *request)
{
  request_clear_retry (request);
  g_free (request->method);
  g_free (request->path);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_object (&request->message);
  g_clear_pointer (&request->response, g_bytes_unref);
  g_free (request);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void
kbc_client_finalize (GObject *object)
{
  KbcClient *self = (KbcClient *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->etags, g_hash_table_unref);
  g_free (self->base_url);
  g_free (self->host);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (kbc_client_parent_class)->finalize (object);
}

static void
kbc_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcClient *self = KBC_CLIENT (object);

  switch (prop_id)
    {
      case PROP_BASE_URL:
        g_value_set_string (value, self->base_url);
        break;
      case PROP_HAS_TOKEN:
        g_value_set_boolean (value, self->token != NULL);
        break;
      case PROP_TIMEOUT:
        g_value_set_uint (value, self->timeout);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcClient *self = KBC_CLIENT (object);

  switch (prop_id)
    {
      case PROP_TIMEOUT:
        if (self->timeout == g_value_get_uint (value))
          break;
        self->timeout = g_value_get_uint (value);
        if (self->session != NULL)
          soup_session_set_timeout (self->session, self->timeout);
        g_object_notify_by_pspec (object, pspec);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_client_class_init (KbcClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kbc_client_finalize;
  object_class->get_property = kbc_client_get_property;
  object_class->set_property = kbc_client_set_property;

  /**
   * KbcClient:base-url:
   *
   * The stack, normalised: scheme, host, port and path without a trailing slash.
   */
  properties[PROP_BASE_URL] =
      g_param_spec_string ("base-url", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * KbcClient:has-token:
   *
   * Whether requests carry an X-KBC-ManageApiToken.
   */
  properties[PROP_HAS_TOKEN] =
      g_param_spec_boolean ("has-token", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * KbcClient:timeout:
   *
   * Seconds of silence (connecting, or in the middle of an answer) after
   * which a request fails with KBC_API_ERROR_TIMEOUT. Applies to connections
   * opened after the change; tests shorten it.
   */
  properties[PROP_TIMEOUT] =
      g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, TIMEOUT_SECONDS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbcClient::unauthorized:
   *
   * The server answered 401 to a request that carried a token: the token
   * expired or was revoked. Emitted before the request reports its error.
   */
  signals[UNAUTHORIZED] = g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kbc_client_init (KbcClient *self)
{
  self->etags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->timeout = TIMEOUT_SECONDS;
}

static gboolean
set_invalid_url_error (const char *base_url, GError **error)
{
  g_set_error (error, KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL,
               /* Translators: %s is what the user typed as the server address. */
               _ ("“%s” is not a valid server address."), base_url);
  return FALSE;
}

/* "KBC Account/1.0 (hostname)": the server lists a session under this
 * name, so that the user can tell this computer's from the others. */
static char *
dup_user_agent (void)
{
  g_autofree char *host = g_strdup (g_get_host_name ());

  /* Only what a header may carry, whatever the host is called. */
  for (char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      *p = '-';

  return g_strdup_printf ("KBC Account/%s (%s)", PACKAGE_VERSION, host);
}

KbcClient *
kbc_client_new (const char *base_url, GError **error)
{
  g_autoptr (KbcClient) self = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GString) normal = NULL;
  g_autofree char *user_agent = NULL;
  const char *scheme;
  const char *host;
  const char *path;
  gboolean loopback;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_debug ("Not a URL: %s", local_error->message);
      set_invalid_url_error (base_url, error);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  path = g_uri_get_path (uri);
  /* Credentials, queries and fragments have no place in a stack address. */
  if (host == NULL || *host == '\0' || g_uri_get_userinfo (uri) != NULL ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      set_invalid_url_error (base_url, error);
      return NULL;
    }

  loopback = host_is_loopback (host);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (!loopback)
        {
          g_set_error (error, KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL,
                       /* Translators: %s is a server address the user typed. */
                       _ ("The connection to “%s” would not be encrypted. Use an address that "
                          "starts with https://."),
                       base_url);
          return NULL;
        }
    }
  else if (g_ascii_strcasecmp (scheme, "https") != 0)
    {
      set_invalid_url_error (base_url, error);
      return NULL;
    }

  normal = g_string_new (NULL);
  g_string_append_printf (normal, "%s://", scheme);
  if (strchr (host, ':') != NULL)
    g_string_append_printf (normal, "[%s]", host);
  else
    g_string_append (normal, host);
  g_string_ascii_down (normal);
  if (g_uri_get_port (uri) > 0)
    g_string_append_printf (normal, ":%d", g_uri_get_port (uri));
  g_string_append (normal, path);
  while (normal->len > 0 && normal->str[normal->len - 1] == '/')
    g_string_truncate (normal, normal->len - 1);

  self = g_object_new (KBC_TYPE_CLIENT, NULL);
  self->base_url = g_string_free (g_steal_pointer (&normal), FALSE);
  self->host = g_ascii_strdown (host, -1);
  self->loopback = loopback;

  /* TLS is verified against the system CA database, libsoup's default. */
  user_agent = dup_user_agent ();
  self->session = soup_session_new_with_options ("timeout", self->timeout, "idle-timeout", 60,
                                                 "user-agent", user_agent, NULL);

  return g_steal_pointer (&self);
}

const char *
kbc_client_get_base_url (KbcClient *self)
{
  g_return_val_if_fail (KBC_IS_CLIENT (self), NULL);

  return self->base_url;
}

const char *
kbc_client_get_host (KbcClient *self)
{
  g_return_val_if_fail (KBC_IS_CLIENT (self), NULL);

  return self->host;
}

char *
kbc_client_dup_rp_id (KbcClient *self)
{
  g_return_val_if_fail (KBC_IS_CLIENT (self), NULL);

  /* An IP address cannot be a WebAuthn relying party id. */
  if (self->loopback)
    return g_strdup ("localhost");

  return g_strdup (self->host);
}

void
kbc_client_set_token (KbcClient *self, const char *token)
{
  gboolean had_token;

  g_return_if_fail (KBC_IS_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;

  had_token = self->token != NULL;
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);

  /* ETags belong to what the previous token could see. */
  g_hash_table_remove_all (self->etags);

  if (had_token != (self->token != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_TOKEN]);
}

gboolean
kbc_client_has_token (KbcClient *self)
{
  g_return_val_if_fail (KBC_IS_CLIENT (self), FALSE);

  return self->token != NULL;
}

static void send_attempt (GTask *task);

static gboolean
on_retry_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);

  g_clear_pointer (&request->retry_source, g_source_unref);
  request_clear_retry (request);
  request->attempt++;
  /* send_attempt() takes over the reference the retry held. */
  send_attempt (task);

  return G_SOURCE_REMOVE;
}

static gboolean
on_retry_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);

  g_clear_pointer (&request->cancel_source, g_source_unref);
  request_clear_retry (request);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
can_retry (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  return g_str_equal (request->method, "GET") && request->attempt < MAX_ATTEMPTS;
}

/* Worth another try: a connection that failed or broke. Not a certificate,
 * a name that does not exist or a server that stayed silent for the whole
 * timeout: those would only make the user wait longer for the same answer. */
static gboolean
is_transient (const GError *error)
{
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) &&
         !g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) &&
         error->domain != G_TLS_ERROR;
}

/* A change (anything but a GET) whose connection broke after it may have
 * been sent: the server may have made it. "Could not reach" would invite
 * the user to make it twice; a refused connection never got anywhere. */
static gboolean
may_have_changed (Request *request, const GError *error)
{
  return !g_str_equal (request->method, "GET") && is_transient (error) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED);
}

/* Takes over the reference to @task until the retry runs or is cancelled. */
static void
schedule_retry (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint delay = FIRST_BACKOFF_MS << (request->attempt - 1);

  g_debug ("Retrying %s %s in %u ms", request->method, request->path, delay);

  request->retry_source = g_timeout_source_new (delay);
  g_source_set_callback (request->retry_source, on_retry_timeout, task, NULL);
  g_source_attach (request->retry_source, g_task_get_context (task));

  if (cancellable != NULL)
    {
      request->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (request->cancel_source, (GSourceFunc) on_retry_cancelled, task, NULL);
      g_source_attach (request->cancel_source, g_task_get_context (task));
    }
}

static JsonNode *
parse_body (GBytes *bytes, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_debug ("Malformed JSON in a response: %s",
               local_error != NULL ? local_error->message : "empty document");
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  return json_parser_steal_root (parser);
}

typedef struct
{
  GTask *task;
  JsonNode *node;
} Head;

static void
head_free (Head *head)
{
  g_object_unref (head->task);
  json_node_unref (head->node);
  g_free (head);
}

static gboolean
deliver_head (gpointer user_data)
{
  Head *head = user_data;
  Request *request = g_task_get_task_data (head->task);

  /* Posted before the task's own answer, so it comes first unless the
   * caller gave up meanwhile. */
  if (!g_task_get_completed (head->task) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (head->task)))
    request->head_func (json_node_get_array (head->node), request->head_data);
  return G_SOURCE_REMOVE;
}

/* In the worker thread: the first elements of a long list, parsed on their
 * own and sent to the caller's thread. */
static void
send_head (GTask *task, Request *request)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *text = NULL;
  gsize len;
  const char *data = g_bytes_get_data (request->response, &len);
  gsize head_len = kbc_json_list_head_length (data, len, request->head_size);
  JsonNode *root;
  Head *head;

  if (head_len == 0)
    return;

  text = g_malloc (head_len + 2);
  memcpy (text, data, head_len);
  text[head_len] = ']';
  text[head_len + 1] = '\0';
  if (!json_parser_load_from_data (parser, text, (gssize) head_len + 1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return;

  head = g_new0 (Head, 1);
  head->task = g_object_ref (task);
  head->node = json_parser_steal_root (parser);
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, deliver_head, head,
                              (GDestroyNotify) head_free);
}

static void
return_parsed (GTask *task, Request *request)
{
  GError *error = NULL;
  JsonNode *node = parse_body (request->response, &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
parse_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  return_parsed (task, task_data);
}

/* A long list with a head: the head first, then the rest at a lower
 * priority, so that on a machine with few cores the window and the display
 * server drawing the head's rows come before it (the first rows of 10,000
 * notifications painted 24-32 ms after the answer this way, 30-39 ms
 * without). A thread of its own, not one of GTask's shared ones: a
 * thread's priority cannot be raised again. Takes over @data, the task. */
static gpointer
parse_list_thread (gpointer data)
{
  g_autoptr (GTask) task = data;
  Request *request = g_task_get_task_data (task);

  send_head (task, request);
#ifdef __linux__
  /* On Linux a nice value is the thread's own; raising it always works. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), LIST_REST_NICE) != 0)
    g_debug ("Could not lower the list parser's priority: %s", g_strerror (errno));
#endif
  return_parsed (task, request);
  return NULL;
}

/* The attempt failed before a whole answer came; takes over @task_ and
 * @error_. */
static void
attempt_failed (GTask *task_, GError *error_)
{
  g_autoptr (GTask) task = task_;
  g_autoptr (GError) error = error_;
  KbcClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  gboolean deadline_passed = request->deadline_passed;

  request_end_attempt (request, g_task_get_cancellable (task));

  /* The deadline cancelled it, not the caller: a server that took too long. */
  if (deadline_passed && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_debug ("%s %s: no whole answer within %u s", request->method, request->path,
               self->timeout * DEADLINE_TIMEOUTS);
      g_clear_error (&error);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The deadline passed");
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    {
      g_debug ("%s %s: an answer of over %d bytes", request->method, request->path, MAX_BODY_BYTES);
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      return;
    }

  if (is_transient (error) && can_retry (task))
    {
      g_debug ("%s %s failed: %s", request->method, request->path, error->message);
      schedule_retry (g_steal_pointer (&task));
      return;
    }

  if (may_have_changed (request, error))
    {
      g_debug ("%s %s broke: %s", request->method, request->path, error->message);
      g_task_return_new_error (
          task, KBC_API_ERROR, KBC_API_ERROR_NETWORK,
          /* Translators: %s is a host name such as connection.keboola.com. */
          _ ("The connection to %s broke before the server answered. Check whether the "
             "change was made before you try again."),
          self->host);
      return;
    }

  g_task_return_error (task, kbc_api_error_new_transport (error, self->host));
}

/* A whole answer came; takes over @task_ and @bytes_. */
static void
answer_came (GTask *task_, GBytes *bytes_)
{
  g_autoptr (GTask) task = task_;
  g_autoptr (GBytes) bytes = bytes_;
  g_autoptr (GError) error = NULL;
  KbcClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  const char *data;
  gsize len;
  guint status;

  request_end_attempt (request, g_task_get_cancellable (task));

  status = soup_message_get_status (request->message);
  headers = soup_message_get_response_headers (request->message);
  data = g_bytes_get_data (bytes, &len);
  g_debug ("%s %s -> %u (%" G_GSIZE_FORMAT " bytes)", request->method, request->path, status, len);

  if (status == SOUP_STATUS_NOT_MODIFIED && request->poll)
    {
      request->not_modified = TRUE;
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      /* A sign-in page, a portal or a web site where the API should be. */
      if (status != SOUP_STATUS_NO_CONTENT && len > 0 &&
          kbc_api_error_body_is_web_page (soup_message_headers_get_one (headers, "Content-Type"),
                                          data, len))
        {
          g_task_return_error (task, kbc_api_error_new_web_page (self->host));
          return;
        }

      if (request->poll)
        {
          const char *etag = soup_message_headers_get_one (headers, "ETag");

          if (etag != NULL)
            g_hash_table_replace (self->etags, g_strdup (request->path), g_strdup (etag));
          else
            g_hash_table_remove (self->etags, request->path);
        }

      if (status == SOUP_STATUS_NO_CONTENT || len == 0)
        {
          g_task_return_pointer (task, json_node_new (JSON_NODE_NULL),
                                 (GDestroyNotify) json_node_unref);
          return;
        }

      if (len > THREADED_PARSE_BYTES)
        {
          request->response = g_steal_pointer (&bytes);
          if (request->head_func != NULL)
            g_thread_unref (
                g_thread_new ("kbc-list-parser", parse_list_thread, g_steal_pointer (&task)));
          else
            g_task_run_in_thread (task, parse_in_thread);
          return;
        }

      {
        JsonNode *node = parse_body (bytes, &error);

        if (node == NULL)
          g_task_return_error (task, g_steal_pointer (&error));
        else
          g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
      }
      return;
    }

  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && can_retry (task))
    {
      schedule_retry (g_steal_pointer (&task));
      return;
    }

  error = kbc_api_error_new_from_response (
      status, data, len, soup_message_headers_get_one (headers, "Retry-After"), self->host,
      soup_message_headers_get_one (headers, "Content-Type"),
      soup_message_headers_get_one (headers, "Location"), request->names_item);
  if (status == SOUP_STATUS_UNAUTHORIZED && request->had_token)
    g_signal_emit (self, signals[UNAUTHORIZED], 0);

  g_task_return_error (task, g_steal_pointer (&error));
}

static gpointer
capped_realloc (gpointer data, gsize size)
{
  if (size > MAX_BODY_BYTES)
    return NULL;

  return g_realloc (data, size);
}

static void
on_body_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0)
    {
      attempt_failed (task, error);
      return;
    }

  answer_came (task, g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source)));
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GInputStream) body = NULL;
  g_autoptr (GOutputStream) sink = NULL;
  GError *error = NULL;

  body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      attempt_failed (task, error);
      return;
    }

  /* What soup_session_send_and_read_async() does, with a limit. */
  sink = g_memory_output_stream_new (NULL, 0, capped_realloc, g_free);
  g_output_stream_splice_async (
      sink, body, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
      G_PRIORITY_DEFAULT, request->attempt_cancellable, on_body_read, task);
}

static gboolean
on_deadline (gpointer user_data)
{
  Request *request = user_data;

  g_clear_pointer (&request->deadline_source, g_source_unref);
  request->deadline_passed = TRUE;
  g_cancellable_cancel (request->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* Sends one attempt; takes over the reference to @task. */
static void
send_attempt (GTask *task)
{
  KbcClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autofree char *url = g_strconcat (self->base_url, request->path, NULL);
  SoupMessageHeaders *headers;

  g_clear_object (&request->message);
  request->message = soup_message_new (request->method, url);
  if (request->message == NULL)
    {
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED,
                               _ ("The request could not be built."));
      g_object_unref (task);
      return;
    }

  /* A redirect would carry the token to wherever it points. */
  soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  request->had_token = self->token != NULL;
  if (self->token != NULL)
    soup_message_headers_replace (headers, TOKEN_HEADER, self->token);
  if (request->poll)
    {
      const char *etag = g_hash_table_lookup (self->etags, request->path);

      if (etag != NULL)
        soup_message_headers_replace (headers, "If-None-Match", etag);
    }
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (request->message, "application/json", request->body);

  g_debug ("%s %s (attempt %u)", request->method, request->path, request->attempt);

  request->attempt_cancellable = g_cancellable_new ();
  request->deadline_passed = FALSE;
  if (g_task_get_cancellable (task) != NULL)
    request->caller_handler =
        g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (on_caller_cancelled),
                               g_object_ref (request->attempt_cancellable), g_object_unref);
  request->deadline_source = g_timeout_source_new_seconds (self->timeout * DEADLINE_TIMEOUTS);
  g_source_set_callback (request->deadline_source, on_deadline, request, NULL);
  g_source_attach (request->deadline_source, g_task_get_context (task));

  soup_session_send_async (self->session, request->message, G_PRIORITY_DEFAULT,
                           request->attempt_cancellable, on_sent, task);
}

/* Whether the last segment of @path is an id: digits or a UUID. */
static gboolean
path_ends_in_id (const char *path)
{
  g_autofree char *last = NULL;
  const char *slash = strrchr (path, '/');
  gsize len;

  if (slash == NULL)
    return FALSE;
  len = strcspn (slash + 1, "?#");
  if (len == 0)
    return FALSE;
  last = g_strndup (slash + 1, len);

  if (strspn (last, "0123456789") == len)
    return TRUE;

  return g_uuid_string_is_valid (last);
}

/* The task of a request, not sent yet; NULL when @cancellable is cancelled
 * already (the callback is told). */
static GTask *
new_request (KbcClient *self,
             const char *method,
             const char *path,
             JsonNode *body,
             gboolean poll,
             gboolean names_item,
             gpointer source_tag,
             GCancellable *cancellable,
             GAsyncReadyCallback callback,
             gpointer user_data)
{
  GTask *task;
  Request *request;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  request = g_new0 (Request, 1);
  request->method = g_ascii_strup (method, -1);
  request->path = g_strdup (path);
  request->poll = poll;
  request->names_item = names_item || path_ends_in_id (path);
  request->attempt = 1;
  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize len = strlen (text);

      request->body = g_bytes_new_take (g_steal_pointer (&text), len);
    }
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return NULL;
    }

  return task;
}

/* Sends a request made by new_request(), if there is one. */
static void
send_request (GTask *task)
{
  if (task != NULL)
    send_attempt (task);
}

void
kbc_client_request_async (KbcClient *self,
                          const char *method,
                          const char *path,
                          JsonNode *body,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (KBC_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  send_request (new_request (self, method, path, body, FALSE, FALSE, kbc_client_request_async,
                             cancellable, callback, user_data));
}

void
kbc_client_request_item_async (KbcClient *self,
                               const char *method,
                               const char *path,
                               JsonNode *body,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (KBC_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* One source tag: kbc_client_request_finish() ends both. */
  send_request (new_request (self, method, path, body, FALSE, TRUE, kbc_client_request_async,
                             cancellable, callback, user_data));
}

JsonNode *
kbc_client_request_finish (KbcClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_client_request_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kbc_client_poll_async (KbcClient *self,
                       const char *path,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (KBC_IS_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  send_request (new_request (self, "GET", path, NULL, TRUE, FALSE, kbc_client_poll_async,
                             cancellable, callback, user_data));
}

void
kbc_client_poll_with_head_async (KbcClient *self,
                                 const char *path,
                                 guint head_size,
                                 KbcClientHeadFunc head_func,
                                 gpointer head_data,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task;
  Request *request;

  g_return_if_fail (KBC_IS_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (head_size > 0 && head_func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_request (self, "GET", path, NULL, TRUE, FALSE, kbc_client_poll_async, cancellable,
                      callback, user_data);
  if (task == NULL)
    return;
  request = g_task_get_task_data (task);
  request->head_size = head_size;
  request->head_func = head_func;
  request->head_data = head_data;
  send_attempt (task);
}

JsonNode *
kbc_client_poll_finish (KbcClient *self,
                        GAsyncResult *result,
                        gboolean *not_modified,
                        GError **error)
{
  Request *request;

  g_return_val_if_fail (KBC_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_client_poll_async, NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (not_modified != NULL)
    *not_modified = FALSE;

  if (g_task_had_error (G_TASK (result)))
    return g_task_propagate_pointer (G_TASK (result), error);

  if (not_modified != NULL)
    *not_modified = request->not_modified;

  return g_task_propagate_pointer (G_TASK (result), error);
}
