/* kbc-error.h: the KBC_API_ERROR domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_API_ERROR (kbc_api_error_quark ())

/* Every error KbcClient reports is in this domain (or G_IO_ERROR_CANCELLED).
 * The GError message is translated and fit to show to the user. */
typedef enum
{
  KBC_API_ERROR_FAILED,            /* anything not listed below */
  KBC_API_ERROR_NETWORK,           /* the server could not be reached */
  KBC_API_ERROR_TLS,               /* the certificate did not verify */
  KBC_API_ERROR_INSECURE_URL,      /* http:// to something that is not loopback, or not a URL */
  KBC_API_ERROR_INVALID_RESPONSE,  /* malformed or unexpected JSON */
  KBC_API_ERROR_BAD_REQUEST,       /* 400: validation or business rule */
  KBC_API_ERROR_UNAUTHORIZED,      /* 401: missing, invalid, expired or revoked token; wrong credentials */
  KBC_API_ERROR_FORBIDDEN,         /* 403 */
  KBC_API_ERROR_NOT_FOUND,         /* 404 or 410: the item a request named is gone (see below) */
  KBC_API_ERROR_CONFLICT,          /* 409 */
  KBC_API_ERROR_TOO_MANY_REQUESTS, /* 429, see kbc_api_error_get_retry_after() */
  KBC_API_ERROR_UNAVAILABLE,       /* 503 maintenance, or another 5xx */
  KBC_API_ERROR_NOT_OFFERED,       /* 405, or a 404 that is not NOT_FOUND: no such endpoint here */
  KBC_API_ERROR_REDIRECTED,        /* 3xx (not 304): never followed, the token stays here */
  KBC_API_ERROR_NOT_JSON,          /* a web page (HTML) where JSON was expected */
  KBC_API_ERROR_TIMEOUT,           /* the server did not answer in time */
} KbcApiError;

/* A 404 is KBC_API_ERROR_NOT_FOUND only when all of these hold, and
 * KBC_API_ERROR_NOT_OFFERED otherwise (the server has no such endpoint, as a
 * real stack answers for what it does not publish):
 *  - the request named one item (@names_item below; KbcClient decides it
 *    from the path, see kbc_client_request_async()),
 *  - the body is Keboola's error JSON (an object with an "error" string),
 *  - and that "error" is not a router's "No route found …". */

GQuark      kbc_api_error_quark             (void);

/* Details Keboola's error JSON carries. They are attached to the GError
 * (an extended error domain) and copied with it. */
guint       kbc_api_error_get_status        (const GError *error);
const char *kbc_api_error_get_code          (const GError *error);
const char *kbc_api_error_get_exception_id  (const GError *error);
/* The server's own text ("error"), untranslated; NULL when there was none. */
const char *kbc_api_error_get_server_message (const GError *error);
/* Seconds from Retry-After, 0 when absent. */
guint       kbc_api_error_get_retry_after   (const GError *error);
/* The message of errors[] for @key, or NULL. */
const char *kbc_api_error_get_field_message (const GError *error,
                                             const char   *key);
/* All errors[] entries, as a NULL-terminated array alternating key, message. */
const char * const *kbc_api_error_get_fields (const GError *error);

/* The whole error object the server sent (immutable), for members beyond
 * the ones above; NULL when the body was not a JSON object. */
JsonObject *kbc_api_error_get_body          (const GError *error);
/* "remainingAttempts" of a failed sign-in code, or -1 when absent. */
int         kbc_api_error_get_remaining_attempts (const GError *error);

/* A refusal of the current password (a 400 with errors[] for
 * "currentPassword") gets the one wording the app uses everywhere: "The
 * current password is not correct." Returns TRUE when @error was one. */
gboolean    kbc_api_error_reword_current_password (GError *error);

/* A translation of a fixed server text (an "error" or an errors[] message
 * such as "The password is shorter than 12 characters"); NULL when the text
 * is not one the app knows. */
char       *kbc_api_error_translate_server_text (const char *text);

/* Builds an error from a status that is not a success and its body (may be
 * NULL), choosing the code and a translated message that names @host (the
 * server asked). @content_type is the media type of the body, @location the
 * Location header of a redirect, @retry_after the Retry-After header (each
 * may be NULL); @names_item: the request named one item (see above). */
GError     *kbc_api_error_new_from_response (guint         status,
                                             const char   *body,
                                             gsize         body_len,
                                             const char   *retry_after,
                                             const char   *host,
                                             const char   *content_type,
                                             const char   *location,
                                             gboolean      names_item);

/* Transport failures, naming @host (may be NULL):
 *  - G_TLS_ERROR becomes KBC_API_ERROR_TLS,
 *  - G_IO_ERROR_TIMED_OUT KBC_API_ERROR_TIMEOUT,
 *  - a host name that does not resolve (G_RESOLVER_ERROR_NOT_FOUND,
 *    G_IO_ERROR_HOST_NOT_FOUND) KBC_API_ERROR_NETWORK that says so,
 *  - anything else KBC_API_ERROR_NETWORK;
 * G_IO_ERROR_CANCELLED is copied as is. */
GError     *kbc_api_error_new_transport     (const GError *cause,
                                             const char   *host);
/* KBC_API_ERROR_INVALID_RESPONSE: a body that is not the JSON expected. */
GError     *kbc_api_error_new_invalid_response (void);
/* KBC_API_ERROR_NOT_JSON: @host answered with a web page. */
GError     *kbc_api_error_new_web_page      (const char   *host);
/* Whether a body is a web page rather than data: its media type is HTML, or
 * it starts with "<". @content_type may carry parameters ("; charset=…"). */
gboolean    kbc_api_error_body_is_web_page  (const char   *content_type,
                                             const char   *body,
                                             gsize         body_len);
/* Seconds from a Retry-After value (delta seconds or an HTTP date); 0 when
 * absent, malformed or in the past. */
guint       kbc_api_error_parse_retry_after (const char   *value);

/* clang-format on */

G_END_DECLS
