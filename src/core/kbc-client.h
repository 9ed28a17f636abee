/* kbc-client.h: the only code that speaks HTTP to a Keboola stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_CLIENT (kbc_client_get_type ())
G_DECLARE_FINAL_TYPE (KbcClient, kbc_client, KBC, CLIENT, GObject)

/* Fails with KBC_API_ERROR_INSECURE_URL unless @base_url is https://, or
 * http:// to a loopback address (127.0.0.0/8, ::1, localhost). */
KbcClient  *kbc_client_new              (const char          *base_url,
                                         GError             **error);
const char *kbc_client_get_base_url     (KbcClient           *self);
/* The host of the base URL, lower case (IPv6 without brackets). */
const char *kbc_client_get_host         (KbcClient           *self);
/* The relying-party id for security keys: the host, or "localhost" for loopback. */
char       *kbc_client_dup_rp_id        (KbcClient           *self);

/* The X-KBC-ManageApiToken sent with every request; NULL for none.
 * Properties: base-url, has-token (with notify), timeout (seconds of silence
 * before a request fails with KBC_API_ERROR_TIMEOUT; 30 by default; the
 * whole answer must also come within four times that, so that a server that
 * trickles cannot hold a request forever).
 * Signal: unauthorized. */
void        kbc_client_set_token        (KbcClient           *self,
                                         const char          *token);
gboolean    kbc_client_has_token        (KbcClient           *self);

/* @method is "GET", "POST", "PUT", "PATCH" or "DELETE"; @path starts with
 * "/manage/". @body is sent as JSON when not NULL.
 *
 * The result is the parsed JSON body, or a JSON null node for an empty body
 * (204, 202). A 401 on a request that carried a token also emits
 * ::unauthorized.
 *
 * Errors are KBC_API_ERROR (kbc-error.h), worded for people and naming the
 * host where it helps. A 404 is KBC_API_ERROR_NOT_FOUND ("The item was not
 * found") only when @path names one item, that is when its last segment is an
 * id (all digits, or a UUID: "/manage/projects/123"), and the server said so
 * in Keboola's error JSON; a 404 on any other path ("/manage/organizations"),
 * a 404 whose body is not Keboola's error JSON (a web page) or a router's
 * "No route found", and a 405, are KBC_API_ERROR_NOT_OFFERED: this server has
 * no such endpoint. A redirect is never followed (the token must not travel):
 * KBC_API_ERROR_REDIRECTED. A web page instead of JSON is
 * KBC_API_ERROR_NOT_JSON, a silent server KBC_API_ERROR_TIMEOUT, a body
 * over 32 MiB KBC_API_ERROR_INVALID_RESPONSE (it is never kept whole). A
 * change (not a GET) whose connection broke after it was sent is
 * KBC_API_ERROR_NETWORK worded so that the user checks before repeating it.
 *
 * GETs are retried, at most 3 tries with backoff (0.5 s, 1 s), on a broken or
 * refused connection and on 503; never on a timeout (the user has waited a
 * whole timeout already), a certificate, a host name that does not exist, a
 * redirect, a 404 or a web page. */
void        kbc_client_request_async    (KbcClient           *self,
                                         const char          *method,
                                         const char          *path,
                                         JsonNode            *body,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* The same, for a path that names one item whatever its last segment looks
 * like ("/manage/current-user/mfa/totp"): a 404 with Keboola's error JSON is
 * KBC_API_ERROR_NOT_FOUND. Finish with kbc_client_request_finish(). */
void        kbc_client_request_item_async (KbcClient           *self,
                                           const char          *method,
                                           const char          *path,
                                           JsonNode            *body,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
JsonNode   *kbc_client_request_finish   (KbcClient           *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Like request, but for lists the app polls: sends If-None-Match with the
 * last ETag of @path and reports @not_modified on 304 (the result is then NULL
 * with no error). */
void        kbc_client_poll_async       (KbcClient           *self,
                                         const char          *path,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* Called on the main thread with the first elements of a long list. */
typedef void (*KbcClientHeadFunc) (JsonArray *head,
                                   gpointer   user_data);
/* Like poll, and when the answer is a list long enough to be parsed in a
 * worker thread, calls @head_func with its first @head_size elements
 * before the whole answer is parsed (and before @callback), so that they
 * can be shown at once; not when the request fails or is cancelled first.
 * The head is parsed on its own: the answer may still turn out malformed.
 * Ends with kbc_client_poll_finish(). */
void        kbc_client_poll_with_head_async (KbcClient          *self,
                                             const char         *path,
                                             guint               head_size,
                                             KbcClientHeadFunc   head_func,
                                             gpointer            head_data,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
JsonNode   *kbc_client_poll_finish      (KbcClient           *self,
                                         GAsyncResult        *result,
                                         gboolean            *not_modified,
                                         GError             **error);

/* clang-format on */

G_END_DECLS
