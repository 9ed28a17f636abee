/* test-error.c: HTTP status and Keboola's error JSON → KBC_API_ERROR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-error.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define HOST "connection.keboola.com"

static GError *
from_json (guint status, const char *body, const char *retry_after)
{
  return kbc_api_error_new_from_response (status, body, body != NULL ? strlen (body) : 0,
                                          retry_after, HOST, "application/json", NULL, FALSE);
}

/* An answer to a request that named one item, such as /manage/projects/7. */
static GError *
from_item (guint status, const char *content_type, const char *body)
{
  return kbc_api_error_new_from_response (status, body, body != NULL ? strlen (body) : 0, NULL,
                                          HOST, content_type, NULL, TRUE);
}

static void
test_status_codes (void)
{
  const struct
  {
    guint status;
    KbcApiError code;
    const char *message;
  } cases[] = {
    { 400, KBC_API_ERROR_BAD_REQUEST, "The server did not accept the request." },
    { 401, KBC_API_ERROR_UNAUTHORIZED, "Your session has expired. Please sign in again." },
    { 403, KBC_API_ERROR_FORBIDDEN, "You do not have permission to do this." },
    /* A 404 to a request that named no item: the server lacks the endpoint. */
    { 404, KBC_API_ERROR_NOT_OFFERED,
      "The server at connection.keboola.com does not offer this feature." },
    { 405, KBC_API_ERROR_NOT_OFFERED,
      "The server at connection.keboola.com does not offer this feature." },
    { 410, KBC_API_ERROR_NOT_FOUND, "The item was not found. It may have been removed." },
    { 409, KBC_API_ERROR_CONFLICT,
      "The change conflicts with the current state. Reload and try again." },
    { 413, KBC_API_ERROR_BAD_REQUEST, "The request was too large for the server." },
    { 429, KBC_API_ERROR_TOO_MANY_REQUESTS, "Too many attempts. Try again later." },
    { 500, KBC_API_ERROR_UNAVAILABLE,
      "The server at connection.keboola.com had an internal error (HTTP 500). Try again later." },
    { 502, KBC_API_ERROR_UNAVAILABLE,
      "The server at connection.keboola.com had an internal error (HTTP 502). Try again later." },
    { 503, KBC_API_ERROR_UNAVAILABLE, "The server is down for maintenance. Try again later." },
    { 504, KBC_API_ERROR_UNAVAILABLE,
      "The server at connection.keboola.com had an internal error (HTTP 504). Try again later." },
    { 418, KBC_API_ERROR_FAILED, "The server answered with an unexpected status (418)." },
    { 304, KBC_API_ERROR_FAILED, "The server answered with an unexpected status (304)." },
    { 302, KBC_API_ERROR_REDIRECTED,
      "connection.keboola.com redirected the request elsewhere. The address may not be a "
      "Keboola stack’s API address." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = from_json (cases[i].status, NULL, NULL);

      g_assert_error (error, KBC_API_ERROR, (int) cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpuint (kbc_api_error_get_status (error), ==, cases[i].status);
      g_assert_null (kbc_api_error_get_server_message (error));
      g_assert_null (kbc_api_error_get_code (error));
      g_assert_null (kbc_api_error_get_exception_id (error));
      g_assert_cmpuint (kbc_api_error_get_retry_after (error), ==, 0);
      g_assert_null (kbc_api_error_get_fields (error)[0]);
    }
}

static void
test_keboola_body (void)
{
  const char *body =
      "{\"error\": \"Invalid request\", \"code\": \"validation\","
      " \"exceptionId\": \"exception-5f3c1\", \"status\": \"error\","
      " \"errors\": [{\"key\": \"currentPassword\", \"message\": \"Wrong password\"},"
      "              {\"key\": \"newPassword\", \"message\": \"Too short\"},"
      "              {\"key\": \"ignored\"}, 42, null]}";
  g_autoptr (GError) error = from_json (400, body, NULL);
  const char *const *fields;

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 400);
  g_assert_cmpstr (kbc_api_error_get_server_message (error), ==, "Invalid request");
  g_assert_cmpstr (kbc_api_error_get_code (error), ==, "validation");
  g_assert_cmpstr (kbc_api_error_get_exception_id (error), ==, "exception-5f3c1");
  /* An unknown 400 text is kept, behind a translated introduction. */
  g_assert_cmpstr (error->message, ==, "The server did not accept the request: Invalid request");

  g_assert_cmpstr (kbc_api_error_get_field_message (error, "currentPassword"), ==,
                   "Wrong password");
  g_assert_cmpstr (kbc_api_error_get_field_message (error, "newPassword"), ==, "Too short");
  g_assert_null (kbc_api_error_get_field_message (error, "ignored"));
  g_assert_null (kbc_api_error_get_field_message (error, "email"));

  fields = kbc_api_error_get_fields (error);
  g_assert_cmpuint (g_strv_length ((char **) fields), ==, 4);
  g_assert_cmpstr (fields[0], ==, "currentPassword");
  g_assert_cmpstr (fields[1], ==, "Wrong password");
  g_assert_cmpstr (fields[2], ==, "newPassword");
  g_assert_cmpstr (fields[3], ==, "Too short");
}

static void
test_extra_members (void)
{
  g_autoptr (GError) error = from_json (
      401, "{\"error\":\"Invalid authentication code\",\"remainingAttempts\":3,\"u\":\"x\"}", NULL);
  g_autoptr (GError) copy = g_error_copy (error);
  g_autoptr (GError) none = from_json (401, "{\"error\":\"Invalid access token\"}", NULL);
  g_autoptr (GError) html = from_json (502, "<html/>", NULL);

  g_assert_cmpint (kbc_api_error_get_remaining_attempts (error), ==, 3);
  g_assert_cmpint (kbc_api_error_get_remaining_attempts (copy), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (kbc_api_error_get_body (copy), "u"), ==, "x");
  /* Known texts are translated whatever the status. */
  g_assert_cmpstr (error->message, ==, "The authentication code is not valid.");

  g_assert_cmpint (kbc_api_error_get_remaining_attempts (none), ==, -1);
  g_assert_nonnull (kbc_api_error_get_body (none));
  g_assert_null (kbc_api_error_get_body (html));
  g_assert_cmpint (kbc_api_error_get_remaining_attempts (html), ==, -1);
}

static void
test_numeric_code (void)
{
  g_autoptr (GError) error = from_json (403, "{\"error\":\"Access denied\",\"code\":7}", NULL);

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_FORBIDDEN);
  g_assert_cmpstr (kbc_api_error_get_code (error), ==, "7");
  g_assert_cmpstr (kbc_api_error_get_server_message (error), ==, "Access denied");
  /* Statuses other than 400 and 409 speak only the user's language. */
  g_assert_cmpstr (error->message, ==, "You do not have permission to do this.");
}

static void
test_session_vs_text (void)
{
  g_autoptr (GError) error = from_json (401, "{\"error\":\"Invalid access token\"}", NULL);

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "Your session has expired. Please sign in again.");
  g_assert_cmpstr (kbc_api_error_get_server_message (error), ==, "Invalid access token");
}

static void
test_malformed_body (void)
{
  const char *bodies[] = {
    "<html><body>502 Bad Gateway</body></html>",
    "{\"error\": ",
    "[1, 2, 3]",
    "\"just a string\"",
    "{\"error\": 12, \"errors\": \"not a list\", \"exceptionId\": {}}",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (GError) error = from_json (502, bodies[i], NULL);

      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_UNAVAILABLE);
      g_assert_cmpuint (kbc_api_error_get_status (error), ==, 502);
      g_assert_null (kbc_api_error_get_server_message (error));
      g_assert_null (kbc_api_error_get_exception_id (error));
      g_assert_null (kbc_api_error_get_fields (error)[0]);
    }

  {
    /* Not NUL-terminated: only body_len bytes count. */
    const char raw[] = "{\"error\":\"Cut\"}garbage";
    g_autoptr (GError) error =
        kbc_api_error_new_from_response (409, raw, 15, NULL, HOST, NULL, NULL, FALSE);

    g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_CONFLICT);
    g_assert_cmpstr (kbc_api_error_get_server_message (error), ==, "Cut");
    g_assert_cmpstr (error->message, ==, "The change conflicts with the current state: Cut");
  }
}

static void
test_retry_after (void)
{
  const struct
  {
    guint status;
    const char *header;
    guint seconds;
    const char *message;
  } cases[] = {
    { 429, "120", 120, "Too many attempts. Try again in 2 minutes." },
    { 429, "61", 61, "Too many attempts. Try again in 2 minutes." },
    { 429, "60", 60, "Too many attempts. Try again in 1 minute." },
    { 429, "900", 900, "Too many attempts. Try again in 15 minutes." },
    { 429, "1", 1, "Too many attempts. Try again in 1 second." },
    { 429, " 30 ", 30, "Too many attempts. Try again in 30 seconds." },
    { 429, "soon", 0, "Too many attempts. Try again later." },
    { 429, "-5", 0, "Too many attempts. Try again later." },
    { 429, "12abc", 0, "Too many attempts. Try again later." },
    { 429, NULL, 0, "Too many attempts. Try again later." },
    { 429, "Wed, 21 Oct 2015 07:28:00 GMT", 0, "Too many attempts. Try again later." },
    { 503, "600", 600, "The server is down for maintenance. Try again in 10 minutes." },
    { 503, "30", 30, "The server is down for maintenance. Try again in 1 minute." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error =
          from_json (cases[i].status, "{\"error\":\"Too many\"}", cases[i].header);

      g_assert_cmpuint (kbc_api_error_get_retry_after (error), ==, cases[i].seconds);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  {
    /* An HTTP date an hour ahead. */
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr (GDateTime) later = g_date_time_add_seconds (now, 3600);
    g_autofree char *header = soup_date_time_to_string (later, SOUP_DATE_HTTP);
    g_autoptr (GError) error = from_json (429, NULL, header);
    guint seconds = kbc_api_error_get_retry_after (error);

    g_assert_cmpuint (seconds, >, 3500);
    g_assert_cmpuint (seconds, <=, 3601);
    g_assert_cmpstr (error->message, ==, "Too many attempts. Try again in 60 minutes.");
  }
}

static void
test_known_messages (void)
{
  const struct
  {
    guint status;
    const char *server;
    const char *message;
  } cases[] = {
    { 400, "Promo Code SPRING24 doen't exists", "The promo code “SPRING24” does not exist." },
    { 400, "Promo code SPRING24 is already used.",
      "The promo code “SPRING24” has already been used." },
    { 400, "Only organization members can create new projects",
      "Only members of an organization can create new projects." },
    { 400, "Project requires users to have multi-factor authentication enabled",
      "The project requires multi-factor authentication. Turn it on in Account & Security first." },
    { 400, "Invalid authentication code", "The authentication code is not valid." },
    { 400, "Invalid request data.", "Some of the values are not valid." },
    { 400, "The current password is not correct.", "The current password is not correct." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *body = NULL;
      g_autoptr (GError) error = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, cases[i].server);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      body = json_to_string (root, FALSE);

      error = from_json (cases[i].status, body, NULL);
      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpstr (kbc_api_error_get_server_message (error), ==, cases[i].server);
    }
}

static void
test_translate_server_text (void)
{
  const char *pairs[] = {
    "The password is shorter than 12 characters",
    "The password must be at least 12 characters long.",
    "The password contains the email address or a part of it",
    "The password must not contain your email address.",
    "This value should not be blank.",
    "This value must not be empty.",
    "Invalid email or password.",
    "The email or password is incorrect.",
    "The sign-in has expired or is not valid. Please sign in again.",
    "The sign-in has expired. Enter your email and password again.",
    "Promo Code X-1 doen't exists",
    "The promo code “X-1” does not exist.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i += 2)
    {
      g_autofree char *translated = kbc_api_error_translate_server_text (pairs[i]);

      g_assert_cmpstr (translated, ==, pairs[i + 1]);
    }

  g_assert_null (kbc_api_error_translate_server_text (NULL));
  g_assert_null (kbc_api_error_translate_server_text ("The password fails the dictionary check"));
  g_assert_null (kbc_api_error_translate_server_text ("Promo Code  doen't exists"));

  {
    /* Waiting times beat a known text. */
    g_autoptr (GError) error = from_json (429, "{\"error\":\"Invalid email or password.\"}", "90");

    g_assert_cmpstr (error->message, ==, "Too many attempts. Try again in 2 minutes.");
  }
}

static void
test_copy (void)
{
  g_autoptr (GError) error =
      from_json (429,
                 "{\"error\":\"Slow down\",\"code\":\"rate\",\"exceptionId\":\"x1\","
                 "\"errors\":[{\"key\":\"email\",\"message\":\"Too many\"}]}",
                 "300");
  g_autoptr (GError) copy = g_error_copy (error);

  g_clear_error (&error);
  g_assert_error (copy, KBC_API_ERROR, KBC_API_ERROR_TOO_MANY_REQUESTS);
  g_assert_cmpuint (kbc_api_error_get_status (copy), ==, 429);
  g_assert_cmpstr (kbc_api_error_get_code (copy), ==, "rate");
  g_assert_cmpstr (kbc_api_error_get_exception_id (copy), ==, "x1");
  g_assert_cmpstr (kbc_api_error_get_server_message (copy), ==, "Slow down");
  g_assert_cmpuint (kbc_api_error_get_retry_after (copy), ==, 300);
  g_assert_cmpstr (kbc_api_error_get_field_message (copy, "email"), ==, "Too many");
}

static void
test_other_domains (void)
{
  g_autoptr (GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  g_autoptr (GError) plain = g_error_new_literal (KBC_API_ERROR, KBC_API_ERROR_FAILED, "Plain");

  /* No criticals for errors that carry no details. */
  g_assert_cmpuint (kbc_api_error_get_status (io), ==, 0);
  g_assert_null (kbc_api_error_get_code (io));
  g_assert_null (kbc_api_error_get_exception_id (io));
  g_assert_null (kbc_api_error_get_server_message (io));
  g_assert_cmpuint (kbc_api_error_get_retry_after (io), ==, 0);
  g_assert_null (kbc_api_error_get_field_message (io, "x"));
  g_assert_null (kbc_api_error_get_fields (io)[0]);
  g_assert_null (kbc_api_error_get_fields (NULL)[0]);

  g_assert_cmpuint (kbc_api_error_get_status (plain), ==, 0);
  g_assert_null (kbc_api_error_get_server_message (plain));
  g_assert_null (kbc_api_error_get_fields (plain)[0]);
}

/* "The item was not found" only when Keboola says an item the request named
 * is gone; every other 404 means the endpoint is not there. */
static void
test_not_found_or_not_offered (void)
{
  const char *gone = "{\"error\":\"Project not found\",\"code\":\"notFound\","
                     "\"status\":\"error\",\"exceptionId\":\"x\"}";
  const char *no_route = "{\"error\":\"No route found for \\\"GET /manage/x/7\\\"\","
                         "\"code\":\"notFound\",\"status\":\"error\"}";
  const char *html = "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>";
  const char *web_page = "connection.keboola.com answered with a web page instead of data. "
                         "Check that the address is a Keboola stack.";
  const char *not_offered = "The server at connection.keboola.com does not offer this feature.";
  const char *not_found = "The item was not found. It may have been removed.";
  const struct
  {
    gboolean names_item;
    const char *content_type;
    const char *body;
    KbcApiError code;
    const char *message;
  } cases[] = {
    { TRUE, "application/json", gone, KBC_API_ERROR_NOT_FOUND, not_found },
    { TRUE, NULL, gone, KBC_API_ERROR_NOT_FOUND, not_found },
    { FALSE, "application/json", gone, KBC_API_ERROR_NOT_OFFERED, not_offered },
    { TRUE, "application/json", no_route, KBC_API_ERROR_NOT_OFFERED, not_offered },
    { TRUE, "text/html; charset=UTF-8", html, KBC_API_ERROR_NOT_OFFERED, web_page },
    { TRUE, NULL, html, KBC_API_ERROR_NOT_OFFERED, web_page },
    { FALSE, "text/html", html, KBC_API_ERROR_NOT_OFFERED, web_page },
    { TRUE, "application/json", "{\"message\":\"Not here\"}", KBC_API_ERROR_NOT_OFFERED,
      not_offered },
    { TRUE, "application/json", "[]", KBC_API_ERROR_NOT_OFFERED, not_offered },
    { TRUE, "text/plain", "Not Found", KBC_API_ERROR_NOT_OFFERED, not_offered },
    { TRUE, NULL, NULL, KBC_API_ERROR_NOT_OFFERED, not_offered },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = kbc_api_error_new_from_response (
          404, cases[i].body, cases[i].body != NULL ? strlen (cases[i].body) : 0, NULL, HOST,
          cases[i].content_type, NULL, cases[i].names_item);

      g_test_message ("case %u", i);
      g_assert_error (error, KBC_API_ERROR, (int) cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpuint (kbc_api_error_get_status (error), ==, 404);
    }

  {
    /* 405 is never an item that is gone. */
    g_autoptr (GError) error = from_item (405, "application/json", gone);

    g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
    g_assert_cmpstr (error->message, ==, not_offered);
  }
}

static void
test_redirect (void)
{
  const struct
  {
    guint status;
    const char *location;
    const char *message;
  } cases[] = {
    { 302, "https://login.example.net/sso?next=/manage",
      "connection.keboola.com redirected the request to login.example.net. The address may not "
      "be a Keboola stack’s API address." },
    { 301, "HTTPS://WWW.Keboola.COM/",
      "connection.keboola.com redirected the request to "
      "www.keboola.com. The address may not be a Keboola stack’s API address." },
    { 307, "/login",
      "connection.keboola.com redirected the request elsewhere. The address may "
      "not be a Keboola stack’s API address." },
    { 308, "https://connection.keboola.com/v2/manage",
      "connection.keboola.com redirected the request elsewhere. The address may not be a Keboola "
      "stack’s API address." },
    { 303, NULL,
      "connection.keboola.com redirected the request elsewhere. The address may not "
      "be a Keboola stack’s API address." },
    { 302, "::not a url::",
      "connection.keboola.com redirected the request elsewhere. The address "
      "may not be a Keboola stack’s API address." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error =
          kbc_api_error_new_from_response (cases[i].status, "<html>Moved</html>", 18, NULL, HOST,
                                           "text/html", cases[i].location, TRUE);

      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_REDIRECTED);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpuint (kbc_api_error_get_status (error), ==, cases[i].status);
    }
}

static void
test_web_page (void)
{
  const struct
  {
    const char *content_type;
    const char *body;
    gboolean web_page;
  } cases[] = {
    { "text/html", "{}", TRUE },
    { "TEXT/HTML; charset=utf-8", NULL, TRUE },
    { "text/html;charset=utf-8", "", TRUE },
    { "application/xhtml+xml", NULL, TRUE },
    { "text/htmlx", "{}", FALSE },
    { "application/json", "<html></html>", TRUE },
    { NULL, "\xEF\xBB\xBF \r\n <!DOCTYPE html>", TRUE },
    { "application/json", "{\"a\": \"<b>\"}", FALSE },
    { "application/json", "[1]", FALSE },
    { "text/plain", "OK", FALSE },
    { NULL, "   ", FALSE },
    { NULL, NULL, FALSE },
  };
  g_autoptr (GError) error = kbc_api_error_new_web_page (HOST);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = cases[i].body != NULL ? strlen (cases[i].body) : 0;

      g_test_message ("case %u", i);
      g_assert_true (kbc_api_error_body_is_web_page (cases[i].content_type, cases[i].body, len) ==
                     cases[i].web_page);
    }

  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_JSON);
  g_assert_cmpstr (error->message, ==,
                   "connection.keboola.com answered with a web page instead of data. Check that "
                   "the address is a Keboola stack.");
  g_assert_cmpuint (kbc_api_error_get_status (error), ==, 0);
}

static void
test_transport (void)
{
  g_autoptr (GError) refused =
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "Connection refused");
  g_autoptr (GError) resolver =
      g_error_new_literal (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "No such host");
  g_autoptr (GError) tls =
      g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "Unacceptable certificate");
  g_autoptr (GError) cancelled =
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  g_autoptr (GError) a = kbc_api_error_new_transport (refused, "connection.keboola.com");
  g_autoptr (GError) b = kbc_api_error_new_transport (resolver, "example.invalid");
  g_autoptr (GError) c = kbc_api_error_new_transport (tls, "connection.keboola.com");
  g_autoptr (GError) d = kbc_api_error_new_transport (cancelled, "connection.keboola.com");
  g_autoptr (GError) e = kbc_api_error_new_transport (refused, NULL);
  g_autoptr (GError) f = kbc_api_error_new_invalid_response ();
  g_autoptr (GError) timed_out =
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Socket I/O timed out");
  g_autoptr (GError) host_not_found =
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND, "No such host");
  g_autoptr (GError) not_tls =
      g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_NOT_TLS, "Peer sent non-TLS data");
  g_autoptr (GError) g = kbc_api_error_new_transport (timed_out, "connection.keboola.com");
  g_autoptr (GError) h = kbc_api_error_new_transport (timed_out, NULL);
  g_autoptr (GError) i = kbc_api_error_new_transport (host_not_found, "example.invalid");
  g_autoptr (GError) temporary = g_error_new_literal (
      G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE, "Temporary failure in name resolution");
  g_autoptr (GError) unresolved = kbc_api_error_new_transport (temporary, "conection.keboola.com");
  g_autoptr (GError) j = kbc_api_error_new_transport (not_tls, "connection.keboola.com");
  g_autoptr (GError) k = kbc_api_error_new_transport (tls, NULL);

  g_assert_error (a, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (a->message, ==,
                   "Could not reach connection.keboola.com. Check your connection.");
  g_assert_error (b, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  /* A name that does not resolve is a wrong address, not a bad connection. */
  g_assert_cmpstr (b->message, ==,
                   "The server name example.invalid was not found. Check the address.");
  g_assert_error (c, KBC_API_ERROR, KBC_API_ERROR_TLS);
  g_assert_cmpstr (c->message, ==,
                   "The certificate of connection.keboola.com could not be verified.");
  g_assert_error (d, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (e, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (e->message, ==, "Could not reach the server. Check your connection.");
  g_assert_error (f, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (f->message, ==, "The server sent a response the app could not understand.");
  g_assert_error (g, KBC_API_ERROR, KBC_API_ERROR_TIMEOUT);
  g_assert_cmpstr (g->message, ==, "connection.keboola.com did not answer in time.");
  g_assert_error (h, KBC_API_ERROR, KBC_API_ERROR_TIMEOUT);
  g_assert_cmpstr (h->message, ==, "The server did not answer in time.");
  g_assert_error (i, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (i->message, ==,
                   "The server name example.invalid was not found. Check the address.");
  /* A name that cannot be resolved is about the name, not the connection. */
  g_assert_error (unresolved, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_cmpstr (unresolved->message, ==,
                   "The server name conection.keboola.com was not found. Check the address.");
  g_assert_error (j, KBC_API_ERROR, KBC_API_ERROR_TLS);
  g_assert_cmpstr (j->message, ==,
                   "A secure connection to connection.keboola.com could not be made.");
  g_assert_error (k, KBC_API_ERROR, KBC_API_ERROR_TLS);
  g_assert_cmpstr (k->message, ==, "The server’s certificate could not be verified.");
  /* Raw transport texts stay out of what the user reads. */
  g_assert_null (strstr (a->message, "refused"));
}

/* A rule's code gives the app's own words (the minimum taken from the
 * text); two reasons for one field are both said; an unknown code keeps the
 * server's text. */
static void
test_field_codes (void)
{
  const char *body =
      "{\"error\": \"Invalid request data.\", \"errors\": ["
      " {\"key\": \"newPassword\", \"code\": \"tooShort\","
      "  \"message\": \"The password is shorter than 8 characters\"},"
      " {\"key\": \"newPassword\", \"code\": \"dictionary\", \"message\": \"it is too simplistic\"},"
      " {\"key\": \"newPassword\", \"code\": \"dictionary\", \"message\": \"based on a word\"},"
      " {\"key\": \"currentPassword\", \"code\": \"currentPasswordWrong\", \"message\": \"No.\"},"
      " {\"key\": \"name\", \"code\": \"somethingNew\", \"message\": \"Name taken\"}]}";
  g_autoptr (GError) error = from_json (400, body, NULL);

  g_assert_cmpstr (kbc_api_error_get_field_message (error, "newPassword"), ==,
                   "The password must be at least 8 characters long.\n"
                   "The password is based on a dictionary word or is too simple.");
  g_assert_cmpstr (kbc_api_error_get_field_message (error, "currentPassword"), ==,
                   "The current password is not correct.");
  g_assert_cmpstr (kbc_api_error_get_field_message (error, "name"), ==, "Name taken");
  g_assert_cmpuint (g_strv_length ((char **) kbc_api_error_get_fields (error)), ==, 6);
}

/* A blank body parses as JSON with no root: the error is still made, without
 * a critical (found by tests/fuzz, corpus/api-error/blank-body.bin). */
static void
test_blank_body (void)
{
  static const char *const bodies[] = { " ", "\n", " \r\n\t " };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (GError) error =
          kbc_api_error_new_from_response (400, bodies[i], strlen (bodies[i]), NULL,
                                           "stack.example.com", "application/json", NULL, FALSE);

      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
      g_assert_null (kbc_api_error_get_body (error));
      g_assert_null (kbc_api_error_get_code (error));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/error/status-codes", test_status_codes);
  g_test_add_func ("/kbc/error/keboola-body", test_keboola_body);
  g_test_add_func ("/kbc/error/extra-members", test_extra_members);
  g_test_add_func ("/kbc/error/numeric-code", test_numeric_code);
  g_test_add_func ("/kbc/error/session-vs-text", test_session_vs_text);
  g_test_add_func ("/kbc/error/malformed-body", test_malformed_body);
  g_test_add_func ("/kbc/error/retry-after", test_retry_after);
  g_test_add_func ("/kbc/error/known-messages", test_known_messages);
  g_test_add_func ("/kbc/error/translate-server-text", test_translate_server_text);
  g_test_add_func ("/kbc/error/field-codes", test_field_codes);
  g_test_add_func ("/kbc/error/copy", test_copy);
  g_test_add_func ("/kbc/error/other-domains", test_other_domains);
  g_test_add_func ("/kbc/error/not-found-or-not-offered", test_not_found_or_not_offered);
  g_test_add_func ("/kbc/error/redirect", test_redirect);
  g_test_add_func ("/kbc/error/web-page", test_web_page);
  g_test_add_func ("/kbc/error/transport", test_transport);
  g_test_add_func ("/kbc/error/blank-body", test_blank_body);

  return g_test_run ();
}
