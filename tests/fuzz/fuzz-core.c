/* fuzz-core.c: libFuzzer targets for the parsers of core
 *
 * One source, one executable per parser: meson compiles it once per entry of
 * targets[] below with -DKBC_FUZZ_TARGET="name" (tests/fuzz/meson.build).
 * The JSON targets read the input as a server's answer would be read (the
 * resource classes' own parse(), in full), so every item parser and the
 * kbc-json readers under it see hostile JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "kbc-account.h"
#include "kbc-auth-methods.h"
#include "kbc-error.h"
#include "kbc-invitation.h"
#include "kbc-invitations.h"
#include "kbc-json.h"
#include "kbc-mfa.h"
#include "kbc-notification.h"
#include "kbc-notifications.h"
#include "kbc-organizations.h"
#include "kbc-project.h"
#include "kbc-promo-codes.h"
#include "kbc-security-key.h"
#include "kbc-token.h"
#include "kbc-tokens.h"
#include "kbc-totp.h"
#include "kbc-webauthn.h"

#include "kbc-fuzz.h"

#ifndef KBC_FUZZ_TARGET
#error "KBC_FUZZ_TARGET names the parser (see targets[])"
#endif

static KbcAccount *account;
static KbcClient *client;

/* Runs a resource's own parse() on @node, as a refresh does in its worker
 * thread, and frees what it made. */
static void
parse_resource (gpointer resource, JsonNode *node)
{
  KbcResourceClass *klass = KBC_RESOURCE_GET_CLASS (resource);
  g_autoptr (GError) error = NULL;
  gpointer parsed;

  parsed = klass->parse (resource, node, &error);
  g_assert (parsed != NULL || error != NULL);
  if (parsed != NULL && klass->free_parsed != NULL)
    klass->free_parsed (parsed);
}

static void
fuzz_tokens (JsonNode *node)
{
  g_autoptr (KbcTokens) tokens = kbc_tokens_new (account);
  g_autoptr (KbcToken) token = NULL;
  g_autoptr (GError) error = NULL;

  parse_resource (tokens, node);
  token = kbc_token_new_from_json (node, &error);
  g_assert (token != NULL || error != NULL);
  if (token != NULL)
    g_assert (kbc_token_get_key (token) != NULL);
}

static void
fuzz_notifications (JsonNode *node)
{
  g_autoptr (KbcNotifications) notifications = kbc_notifications_new (client);
  g_autoptr (KbcNotification) notification = NULL;
  g_autoptr (GError) error = NULL;

  parse_resource (notifications, node);
  notification = kbc_notification_new_from_json (node, &error);
  g_assert (notification != NULL || error != NULL);
  if (notification != NULL)
    {
      /* The markdown is rendered while parsing: both must be there. */
      g_assert (kbc_notification_get_markup (notification) != NULL);
      g_assert (kbc_notification_get_plain_text (notification) != NULL);
    }
}

static void
fuzz_invitations (JsonNode *node)
{
  static const KbcInvitationKind kinds[] = {
    KBC_INVITATION_PROJECT,
    KBC_INVITATION_ORGANIZATION,
    KBC_INVITATION_MAINTAINER,
  };
  g_autoptr (KbcJoinRequests) requests = kbc_join_requests_new (client);
  g_autoptr (KbcJoinRequest) request = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (KbcInvitations) invitations = kbc_invitations_new (client, kinds[i]);
      g_autoptr (KbcInvitation) invitation = NULL;
      g_autoptr (GError) item_error = NULL;

      parse_resource (invitations, node);
      invitation = kbc_invitation_new_from_json (kinds[i], node, &item_error);
      g_assert (invitation != NULL || item_error != NULL);
    }
  parse_resource (requests, node);
  request = kbc_join_request_new_from_json (node, &error);
  g_assert (request != NULL || error != NULL);
}

static void
fuzz_projects (JsonNode *node)
{
  g_autoptr (KbcProject) project = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *limits;

  project = kbc_project_new_from_json (node, &error);
  g_assert (project != NULL || error != NULL);
  if (project == NULL)
    return;

  /* The limits' derived values are computed from what was read. */
  limits = kbc_project_get_limits (project);
  for (guint i = 0; i < g_list_model_get_n_items (limits); i++)
    {
      g_autoptr (KbcProjectLimit) limit = g_list_model_get_item (limits, i);
      g_autofree char *text = kbc_project_limit_describe (limit);
      double fraction = kbc_project_limit_get_fraction (limit);

      g_assert (text != NULL);
      g_assert (fraction >= 0.0 || fraction < 0.0); /* not NaN */
    }
}

static void
fuzz_promo_codes (JsonNode *node)
{
  g_autoptr (KbcPromoCodes) codes = kbc_promo_codes_new (client);

  parse_resource (codes, node);
}

static void
fuzz_organizations (JsonNode *node)
{
  g_autoptr (KbcOrganizations) organizations = kbc_organizations_new (client);
  g_autoptr (KbcMaintainers) maintainers = kbc_maintainers_new (client);

  parse_resource (organizations, node);
  parse_resource (maintainers, node);
}

static void
fuzz_security_keys (JsonNode *node)
{
  g_autoptr (KbcSecurityKey) key = NULL;
  g_autoptr (GError) error = NULL;

  key = kbc_security_key_new_from_json (node, &error);
  g_assert (key != NULL || error != NULL);
}

static void
fuzz_mfa (JsonNode *node)
{
  g_autoptr (KbcMfa) mfa = kbc_mfa_new (account);

  parse_resource (mfa, node);
}

static void
fuzz_auth_methods (JsonNode *node)
{
  g_autoptr (KbcAuthMethods) methods = kbc_auth_methods_new (client);

  parse_resource (methods, node);
}

/* Byte 0 picks the status, byte 1 the other inputs; the rest is the body. */
static void
fuzz_api_error (const guint8 *data, gsize size)
{
  static const guint statuses[] = { 400, 401, 403, 404, 405, 409, 410, 422, 429, 500, 502, 503 };
  static const char *const content_types[] = { "application/json", "text/html; charset=utf-8", NULL,
                                               "text/plain" };
  g_autoptr (GError) error = NULL;
  const char *const *fields;
  guint8 flags;
  guint status;

  if (size < 2)
    return;
  status = statuses[data[0] % G_N_ELEMENTS (statuses)];
  if (data[0] >= 0xf0)
    status = 300 + data[0] % 8; /* a redirect */
  flags = data[1];
  data += 2;
  size -= 2;

  error = kbc_api_error_new_from_response (
      status, (const char *) data, size, (flags & 1) ? "120" : NULL, "stack.example.com",
      content_types[(flags >> 1) % 4], (flags & 8) ? "https://example.com/elsewhere" : NULL,
      (flags & 16) != 0);
  g_assert (error != NULL && error->domain == KBC_API_ERROR);
  g_assert (error->message != NULL && g_utf8_validate (error->message, -1, NULL));

  fields = kbc_api_error_get_fields (error);
  /* Alternating key and message. */
  for (guint i = 0; fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    g_assert (kbc_api_error_get_field_message (error, fields[i]) != NULL);
  (void) kbc_api_error_get_code (error);
  (void) kbc_api_error_get_server_message (error);
  (void) kbc_api_error_get_remaining_attempts (error);
  (void) kbc_api_error_get_retry_after (error);
  (void) kbc_api_error_reword_current_password (error);
}

static void
fuzz_otpauth_uri (const guint8 *data, gsize size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  KbcTotpUri *uri;

  uri = kbc_totp_uri_parse (text, &error);
  if (uri == NULL)
    {
      g_assert (error != NULL);
      return;
    }

  /* What parses can be used: a code, and a URI that parses the same. */
  g_assert (uri->secret != NULL && uri->secret_len > 0);
  {
    g_autofree char *code = kbc_totp_code_at (uri->secret, uri->secret_len, 1700000000);
    g_autofree char *again = NULL;
    KbcTotpUri *reparsed;

    g_assert (code != NULL);
    /* kbc_totp_build_uri() takes a named issuer and account only; a
     * colon in either is encoded and parses back. */
    if (uri->issuer != NULL && *uri->issuer != '\0' && uri->account != NULL &&
        *uri->account != '\0')
      {
        again = kbc_totp_build_uri (uri->issuer, uri->account, uri->secret, uri->secret_len);
        reparsed = kbc_totp_uri_parse (again, NULL);
        g_assert (reparsed != NULL);
        g_assert (reparsed->secret_len == uri->secret_len);
        g_assert (memcmp (reparsed->secret, uri->secret, uri->secret_len) == 0);
        kbc_totp_uri_free (reparsed);
      }
  }
  kbc_totp_uri_free (uri);
}

static void
fuzz_base32 (const guint8 *data, gsize size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree guint8 *decoded = NULL;
  g_autofree char *encoded = NULL;
  g_autofree guint8 *again = NULL;
  gsize len = 0;
  gsize again_len = 0;

  /* Decoding arbitrary text, then a round trip of arbitrary bytes. */
  decoded = kbc_totp_base32_decode (text, &len, NULL);
  if (decoded != NULL)
    {
      g_autofree char *reencoded = kbc_totp_base32_encode (decoded, len);

      g_assert (reencoded != NULL);
    }

  if (size == 0)
    return;
  encoded = kbc_totp_base32_encode (data, size);
  again = kbc_totp_base32_decode (encoded, &again_len, NULL);
  g_assert (again != NULL);
  g_assert (again_len == size);
  g_assert (memcmp (again, data, size) == 0);
}

/* The WebAuthn JSON the app reads from the server (options) and the
 * server reads from the app (credentials, client data). */
static void
fuzz_webauthn_json (JsonNode *node, const guint8 *data, gsize size)
{
  KbcWebauthnClientData *client_data;
  KbcWebauthnCreationOptions *creation;
  KbcWebauthnRequestOptions *request;
  KbcWebauthnCredential *credential;

  client_data = kbc_webauthn_client_data_parse ((const char *) data, size, NULL);
  g_clear_pointer (&client_data, kbc_webauthn_client_data_free);
  if (node == NULL)
    return;

  creation = kbc_webauthn_creation_options_parse (node, NULL);
  if (creation != NULL)
    {
      /* What parses can be written back. */
      JsonNode *back = kbc_webauthn_creation_options_to_json (creation);

      g_assert (back != NULL);
      json_node_unref (back);
      kbc_webauthn_creation_options_free (creation);
    }
  request = kbc_webauthn_request_options_parse (node, NULL);
  if (request != NULL)
    {
      JsonNode *back = kbc_webauthn_request_options_to_json (request);

      g_assert (back != NULL);
      json_node_unref (back);
      kbc_webauthn_request_options_free (request);
    }
  for (int registration = 0; registration < 2; registration++)
    {
      credential = kbc_webauthn_credential_parse (node, registration, NULL);
      g_clear_pointer (&credential, kbc_webauthn_credential_free);
    }
}

/* The end of a long list's first elements (KbcClient shows them before the
 * rest is parsed): never past the input, always at a comma, and when the
 * whole input is a list of more, the prefix is exactly its first ones. */
static void
fuzz_list_head (const guint8 *data, gsize size)
{
  static const guint sizes[] = { 1, 2, 25 };
  g_autoptr (JsonParser) whole = json_parser_new ();
  JsonArray *array = NULL;

  /* json-glib also reads what JSON is not, and no API sends: strings in
   * single quotes, comments. The scanner does not: a head cut in one of
   * them does not parse and is not shown (the fuzzer found both). Only the
   * structure is checked there. */
  if (memchr (data, '\'', size) == NULL && memchr (data, '/', size) == NULL &&
      memchr (data, '#', size) == NULL && g_utf8_validate ((const char *) data, size, NULL) &&
      json_parser_load_from_data (whole, (const char *) data, size, NULL) &&
      json_parser_get_root (whole) != NULL && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (whole)))
    array = json_node_get_array (json_parser_get_root (whole));

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gsize len = kbc_json_list_head_length ((const char *) data, size, sizes[i]);
      g_autoptr (JsonParser) head = NULL;
      g_autofree char *text = NULL;
      JsonArray *elements;

      if (len > 0)
        g_assert (len < size && data[len] == ',');
      if (array == NULL)
        continue;
      if (json_array_get_length (array) <= sizes[i])
        {
          g_assert (len == 0);
          continue;
        }

      g_assert (len > 0);
      text = g_strdup_printf ("%.*s]", (int) len, (const char *) data);
      head = json_parser_new ();
      g_assert (json_parser_load_from_data (head, text, -1, NULL));
      elements = json_node_get_array (json_parser_get_root (head));
      g_assert (json_array_get_length (elements) == sizes[i]);
      for (guint j = 0; j < sizes[i]; j++)
        g_assert (json_node_equal (json_array_get_element (elements, j),
                                   json_array_get_element (array, j)));
    }
}

typedef void (*JsonFunc) (JsonNode *node);
typedef void (*BytesFunc) (const guint8 *data, gsize size);

static const struct
{
  const char *name;
  JsonFunc json;   /* the input parsed as JSON first (skipped when it is not) */
  BytesFunc bytes; /* the input as it is */
} targets[] = {
  { "tokens", fuzz_tokens, NULL },
  { "notifications", fuzz_notifications, NULL },
  { "invitations", fuzz_invitations, NULL },
  { "projects", fuzz_projects, NULL },
  { "promo-codes", fuzz_promo_codes, NULL },
  { "organizations", fuzz_organizations, NULL },
  { "security-keys", fuzz_security_keys, NULL },
  { "mfa", fuzz_mfa, NULL },
  { "auth-methods", fuzz_auth_methods, NULL },
  { "api-error", NULL, fuzz_api_error },
  { "otpauth-uri", NULL, fuzz_otpauth_uri },
  { "base32", NULL, fuzz_base32 },
  { "list-head", NULL, fuzz_list_head },
  { "webauthn-json", NULL, NULL }, /* both: see LLVMFuzzerTestOneInput */
};

static guint target;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  kbc_fuzz_init ();

  for (target = 0; target < G_N_ELEMENTS (targets); target++)
    if (g_str_equal (targets[target].name, KBC_FUZZ_TARGET))
      break;
  g_assert (target < G_N_ELEMENTS (targets));

  /* Objects that are never connected: parse() touches neither. */
  account = kbc_account_new ("http://127.0.0.1:9", &error);
  g_assert_no_error (error);
  client = g_object_ref (kbc_account_get_client (account));
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonNode *root = NULL;

  if (targets[target].bytes != NULL)
    {
      targets[target].bytes (data, size);
      return 0;
    }

  /* As KbcClient reads a body: JSON of at most the size given, in UTF-8. */
  parser = json_parser_new ();
  /* json-glib also reads what JSON is not, and no API sends: strings in
   * single quotes, comments. The scanner does not: a head cut in one of
   * them does not parse and is not shown (the fuzzer found both). Only the
   * structure is checked there. */
  if (memchr (data, '\'', size) == NULL && memchr (data, '/', size) == NULL &&
      memchr (data, '#', size) == NULL && g_utf8_validate ((const char *) data, size, NULL) &&
      json_parser_load_from_data (parser, (const char *) data, size, NULL))
    root = json_parser_get_root (parser);

  if (targets[target].json != NULL)
    {
      if (root != NULL)
        targets[target].json (root);
    }
  else
    fuzz_webauthn_json (root, data, size);
  return 0;
}
