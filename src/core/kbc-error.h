/* kbc-error.h: the KBC_API_ERROR domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

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
  KBC_API_ERROR_NOT_FOUND,         /* 404 */
  KBC_API_ERROR_CONFLICT,          /* 409 */
  KBC_API_ERROR_TOO_MANY_REQUESTS, /* 429, see kbc_api_error_get_retry_after() */
  KBC_API_ERROR_UNAVAILABLE,       /* 503 maintenance, or 5xx */
} KbcApiError;

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

/* Builds an error from an HTTP status and a parsed body (may be NULL),
 * choosing the code and a translated message. */
GError     *kbc_api_error_new_from_response (guint         status,
                                             const char   *body,
                                             gsize         body_len,
                                             const char   *retry_after);

/* clang-format on */

G_END_DECLS
