/* kbc-server-keys.c: security keys: registration, the "u2f" sign-in method
 * and the devices routes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Registration is two calls. POST …/mfa/u2f/registrations checks the
 * password and answers PublicKeyCredentialCreationOptionsJSON with a fresh
 * 32-byte challenge, kept in webauthn_challenges for five minutes and bound
 * to the user and the session that asked. POST …/registrations/{id} takes
 * that row (once: a second answer, good or bad, finds nothing), verifies the
 * RegistrationResponseJSON with kbc-server-webauthn.c and stores the key.
 *
 * At sign-in the ticket keeps the challenge of the options it was sent with
 * (login_tickets.challenge). Every answer takes it, so each assertion is
 * checked against a challenge at most once; a wrong answer gets fresh
 * options in its 401 while the ticket has attempts left.
 *
 * The challenges live in the database rather than in memory so that the
 * operator commands (and the tests' `challenge expire`) see them.
 *
 * The relying party id is the server's configuration (serve --rp-id,
 * "localhost" on a loopback address), never the Host header (see
 * kbc_keys_request_rp_id()); a key registered for one rp id does not sign
 * for another, as in a browser.
 *
 * The devices routes list, rename and remove the keys. Removing one needs
 * the password; removing the last factor turns MFA off, and with it the
 * recovery codes. Disabling MFA as a whole (which removes every key) is
 * kbc-server-mfa.c's.
 */
#include "config.h"

#include "kbc-server-keys.h"

#include "kbc-server-auth.h"
#include "kbc-server-mfa.h"
#include "kbc-server-notifications.h"
#include "kbc-server-webauthn.h"

#include <gio/gio.h>
#include <string.h>

#define USER_HANDLE_CONTEXT "kbc-webauthn-user-handle:"
#define NOT_FOUND \
  "The security key registration was not found or was already used. Please start again."
#define EXPIRED        "The security key registration has expired. Please start again."
#define ALREADY        "This security key is already registered."
#define TOO_MANY       "You cannot register more than 20 security keys."
#define BAD_HOST       "The request has no valid Host header."
#define NOT_REGISTERED "The security key is not registered for this account."
#define NO_CHALLENGE   "The security key request is unknown or was already used."

/* ---- the relying party ---- */

/* The configured one (serve --rp-id), never the Host header a client
 * sent: the options and their verification name the same relying party
 * whatever a client claims to have called. */
char *
kbc_keys_request_rp_id (KbcRequest *request)
{
  return g_strdup (request->server->rp_id);
}

/* ---- small pieces ---- */

/* The WebAuthn user handle: stable per account, revealing nothing (HMAC of
 * the user id under the database's secret key). */
static GBytes *
user_handle_for (KbcStore *store, gint64 user_id)
{
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, kbc_store_get_key (store), 32);
  g_autofree char *context = g_strdup_printf (USER_HANDLE_CONTEXT "%" G_GINT64_FORMAT, user_id);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) context, strlen (context));
  g_hmac_get_digest (hmac, digest, &len);
  return g_bytes_new (digest, len);
}

static GPtrArray *
credential_ids (GPtrArray *credentials)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < credentials->len; i++)
    {
      KbcCredential *credential = credentials->pdata[i];

      g_ptr_array_add (ids, g_bytes_ref (credential->credential_id));
    }
  return ids;
}

static gboolean
parse_id (const char *text, gint64 *id)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = value;
  return TRUE;
}

/* The trimmed "name" of the body, or NULL with a field error. */
static char *
require_name (KbcRequest *request, KbcFieldErrors *errors)
{
  const char *raw = kbc_request_require_string (request, errors, "name", KBC_KEYS_MAX_NAME);
  g_autofree char *name = NULL;

  if (raw == NULL)
    return NULL;
  name = g_strstrip (g_strdup (raw));
  if (*name == '\0')
    {
      kbc_field_errors_add (errors, "name", NULL, "This value should not be blank.");
      return NULL;
    }
  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      {
        kbc_field_errors_add (errors, "name", NULL,
                              "This value should not contain control characters.");
        return NULL;
      }
  return g_steal_pointer (&name);
}

static void
reply_bad_host (KbcRequest *request)
{
  kbc_request_reply_error (request, 400, "badRequest", BAD_HOST, NULL);
}

/* ---- device objects ---- */

static void
add_device_members (JsonBuilder *builder, KbcDevice *device)
{
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, device->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, device->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, device->type);
  kbc_json_add_time (builder, "created", device->created);
  kbc_json_add_time (builder, "lastUsed", device->last_used);
  json_builder_set_member_name (builder, "aaguid");
  if (device->aaguid != NULL)
    json_builder_add_string_value (builder, device->aaguid);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "format");
  if (device->format != NULL)
    json_builder_add_string_value (builder, device->format);
  else
    json_builder_add_null_value (builder);
}

void
kbc_keys_add_device (JsonBuilder *builder, KbcDevice *device)
{
  json_builder_begin_object (builder);
  add_device_members (builder, device);
  json_builder_end_object (builder);
}

/* ---- POST /manage/current-user/mfa/u2f/registrations ---- */

static void
registration_start_authenticated (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (GPtrArray) credentials = NULL;
  g_autoptr (GPtrArray) exclude = NULL;
  g_autoptr (GBytes) user_handle = NULL;
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = require_name (request, errors);
  g_autofree char *rp_id = kbc_keys_request_rp_id (request);
  g_autofree char *registration_id = NULL;
  gint64 id;

  /* Both were checked before the password; the body and headers stay. */
  if (name == NULL || rp_id == NULL)
    {
      kbc_request_reply_internal (request, NULL);
      return;
    }

  credentials = kbc_store_credential_list (store, request->user->id, &error);
  if (credentials == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  challenge = kbc_server_webauthn_new_challenge ();
  id = kbc_store_registration_insert (store, request->user->id, request->token->id, challenge, name,
                                      request->now,
                                      request->now + KBC_SERVER_WEBAUTHN_CHALLENGE_TTL, &error);
  if (id == 0)
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  /* The keys the user has already: a key that holds one of them refuses. */
  exclude = credential_ids (credentials);
  user_handle = user_handle_for (store, request->user->id);
  registration_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "registrationId");
  json_builder_add_string_value (builder, registration_id);
  json_builder_set_member_name (builder, "publicKey");
  json_builder_add_value (
      builder, kbc_server_webauthn_creation_options (rp_id, user_handle, request->user->email,
                                                     request->user->name, challenge, exclude));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 201, node);
}

static void
registration_start (KbcRequest *request)
{
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autofree char *name = require_name (request, errors);
  g_autofree char *rp_id = NULL;

  /* Every field error at once; reauthenticate() reads the password again. */
  kbc_request_require_string (request, errors, "currentPassword", KBC_PASSWORD_MAX_BYTES);
  if (errors->len > 0)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  rp_id = kbc_keys_request_rp_id (request);
  if (rp_id == NULL)
    {
      reply_bad_host (request);
      return;
    }

  if (kbc_store_device_count (request->server->store, request->user->id) >= KBC_KEYS_MAX_DEVICES)
    {
      kbc_request_reply_error (request, 400, "u2fTooManyDevices", TOO_MANY, NULL);
      return;
    }

  kbc_mfa_reauthenticate (request, registration_start_authenticated);
}

/* ---- POST /manage/current-user/mfa/u2f/registrations/{registrationId} ---- */

static void
reply_verification_failed (KbcRequest *request, guint status, const char *code, const char *message)
{
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();

  kbc_field_errors_add (errors, "credential", NULL, message);
  kbc_request_reply_error (request, status, code, message, errors);
}

static void
reply_device (KbcRequest *request, gint64 device_id)
{
  g_autoptr (KbcDevice) device = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  device = kbc_store_device_get (request->server->store, request->user->id, device_id, &error);
  if (device == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  /* Keboola's own wording, shown as it is. */
  message = g_strdup_printf ("The new u2f device \"%s\" was added.", device->name);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_device_members (builder, device);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 201, node);
}

static void
registration_finish (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  JsonNode *credential =
      json_object_get_member (json_node_get_object (request->body), "credential");
  g_autoptr (KbcServerWebauthnRegistration) registration = NULL;
  g_autoptr (KbcCredential) existing = NULL;
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *rp_id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *aaguid = NULL;
  g_autofree char *escaped_name = NULL;
  g_autofree char *message = NULL;
  static const guint8 no_aaguid[16] = { 0 };
  gint64 id;
  gint64 expires = 0;
  gint64 device_id = 0;

  if (!parse_id (kbc_request_param (request, 0), &id))
    {
      kbc_request_reply_error (request, 404, "u2fRegistrationNotFound", NOT_FOUND, NULL);
      return;
    }
  if (credential == NULL || !JSON_NODE_HOLDS_OBJECT (credential))
    {
      g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();

      kbc_field_errors_add (errors, "credential", NULL,
                            credential == NULL || JSON_NODE_HOLDS_NULL (credential)
                                ? "This value should not be blank."
                                : "This value should be of type object.");
      kbc_request_reply_invalid (request, errors);
      return;
    }
  rp_id = kbc_keys_request_rp_id (request);
  if (rp_id == NULL)
    {
      reply_bad_host (request);
      return;
    }

  /* Taken before the checks: the challenge serves one answer, right or wrong. */
  if (!kbc_store_registration_take (store, id, request->user->id, request->token->id, &challenge,
                                    &name, &expires, &error))
    {
      if (error != NULL)
        kbc_request_reply_internal (request, error);
      else
        kbc_request_reply_error (request, 404, "u2fRegistrationNotFound", NOT_FOUND, NULL);
      return;
    }
  if (expires <= request->now)
    {
      kbc_request_reply_error (request, 400, "u2fChallengeExpired", EXPIRED, NULL);
      return;
    }

  registration =
      kbc_server_webauthn_verify_registration (credential, challenge, rp_id, NULL, &error);
  if (registration == NULL)
    {
      reply_verification_failed (request, 400, kbc_server_webauthn_error_to_code (error),
                                 error->message);
      return;
    }

  /* WebAuthn §7.1 step 22: a credential id registered to anyone is refused. */
  existing = kbc_store_credential_find (store, registration->credential_id, &error);
  if (error != NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  if (existing != NULL)
    {
      reply_verification_failed (request, 409, "u2fDeviceAlreadyRegistered", ALREADY);
      return;
    }

  /* U2F keys have no AAGUID (all zero): stored and shown as null. */
  if (memcmp (registration->aaguid, no_aaguid, sizeof no_aaguid) != 0)
    aaguid = kbc_server_webauthn_aaguid_to_string (registration->aaguid);

  /* The key's name is the user's text: in the message it reads as itself. */
  escaped_name = kbc_server_markdown_escape (name);
  message = g_strdup_printf ("The security key “%s” can now sign in to your account. If it was "
                             "not you, change your password and remove the key in **Account & "
                             "Security** at once.",
                             escaped_name);

  /* A new factor ends the user's other sessions, as TOTP does. */
  if (!kbc_store_begin (store, &error) ||
      (device_id = kbc_store_device_insert (
           store, request->user->id, name, registration->credential_id, registration->public_key,
           registration->sign_count, aaguid, registration->fmt, request->now, &error)) == 0 ||
      !kbc_mfa_revoke_other_sessions (request, &error) ||
      !kbc_server_notify_security (store, request->user->id, request->now,
                                   KBC_SECURITY_EVENT_KEY_ADDED, "Security key added", message,
                                   &error) ||
      !kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      if (g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_EXISTS))
        reply_verification_failed (request, 409, "u2fDeviceAlreadyRegistered", ALREADY);
      else
        kbc_request_reply_internal (request, error);
      return;
    }

  g_message ("security key %" G_GINT64_FORMAT " registered (%s%s)", device_id, registration->fmt,
             registration->self_attestation ? ", self attestation" : "");
  reply_device (request, device_id);
}

/* ---- GET, PATCH, DELETE /manage/current-user/mfa/devices[/{id}] ---- */

static void
devices_list (KbcRequest *request)
{
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  devices = kbc_store_device_list (request->server->store, request->user->id, &error);
  if (devices == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < devices->len; i++)
    kbc_keys_add_device (builder, devices->pdata[i]);
  json_builder_end_array (builder);
  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 200, node);
}

static void
reply_device_not_found (KbcRequest *request)
{
  kbc_request_reply_error (request, 404, "notFound", "Device not found.", NULL);
}

static void
device_rename (KbcRequest *request)
{
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *name = NULL;
  const char *raw_name;
  gint64 id;

  if (!parse_id (kbc_request_param (request, 0), &id))
    {
      reply_device_not_found (request);
      return;
    }
  raw_name = kbc_request_require_string (request, errors, "name", KBC_KEYS_MAX_NAME);
  if (raw_name != NULL)
    {
      name = g_strstrip (g_strdup (raw_name));
      if (*name == '\0')
        kbc_field_errors_add (errors, "name", NULL, "This value should not be blank.");
    }
  if (errors->len > 0)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  if (!kbc_store_device_rename (request->server->store, request->user->id, id, name, &error))
    {
      if (g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND))
        reply_device_not_found (request);
      else
        kbc_request_reply_internal (request, error);
      return;
    }

  devices = kbc_store_device_list (request->server->store, request->user->id, &error);
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      KbcDevice *device = devices->pdata[i];

      if (device->id != id)
        continue;
      builder = json_builder_new ();
      kbc_keys_add_device (builder, device);
      node = json_builder_get_root (builder);
      kbc_request_reply_json (request, 200, node);
      return;
    }
  reply_device_not_found (request);
}

static void
device_delete_authenticated (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcDevice) device = NULL;
  g_autofree char *escaped_name = NULL;
  g_autofree char *message = NULL;
  gboolean still_enabled;
  gint64 id = 0;

  parse_id (kbc_request_param (request, 0), &id);
  if (!kbc_store_begin (store, &error) ||
      (device = kbc_store_device_get (store, request->user->id, id, &error)) == NULL ||
      !kbc_store_device_delete (store, request->user->id, id, &error))
    {
      kbc_store_rollback (store);
      /* No device and no error: the user has no such key. */
      if (error == NULL || g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND))
        reply_device_not_found (request);
      else
        kbc_request_reply_internal (request, error);
      return;
    }

  /* Removing the last factor turns MFA off, and its recovery codes die. */
  still_enabled = kbc_mfa_is_enabled (store, request->user->id);
  escaped_name = kbc_server_markdown_escape (device->name);
  message = g_strdup_printf (
      still_enabled ? "The security key “%s” no longer signs in to your account. If it was not "
                      "you, change your password at once."
                    : "The security key “%s” no longer signs in to your account, and it was the "
                      "last second factor: multi-factor authentication is off. If it was not you, "
                      "change your password at once and set it up again.",
      escaped_name);
  if ((!still_enabled && !kbc_store_recovery_clear (store, request->user->id, &error)) ||
      !kbc_mfa_revoke_other_sessions (request, &error) ||
      !kbc_server_notify_security (store, request->user->id, request->now,
                                   KBC_SECURITY_EVENT_KEY_REMOVED, "Security key removed", message,
                                   &error) ||
      !kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      kbc_request_reply_internal (request, error);
      return;
    }

  kbc_request_reply_empty (request, 204);
}

static void
device_delete (KbcRequest *request)
{
  gint64 id;

  if (!parse_id (kbc_request_param (request, 0), &id))
    {
      reply_device_not_found (request);
      return;
    }
  kbc_mfa_reauthenticate (request, device_delete_authenticated);
}

/* ---- the sign-in method (KbcServer.key_options, key_verify) ---- */

static JsonNode *
sign_in_options (KbcRequest *request, KbcUser *user, gint64 ticket_id, GError **error)
{
  KbcStore *store = request->server->store;
  g_autoptr (GPtrArray) credentials = NULL;
  g_autoptr (GPtrArray) allow = NULL;
  g_autoptr (GBytes) challenge = NULL;
  g_autofree char *rp_id = kbc_keys_request_rp_id (request);

  if (rp_id == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, BAD_HOST);
      return NULL;
    }

  credentials = kbc_store_credential_list (store, user->id, error);
  if (credentials == NULL)
    return NULL;

  challenge = kbc_server_webauthn_new_challenge ();
  if (!kbc_store_ticket_set_challenge (store, ticket_id, challenge, error))
    return NULL;

  allow = credential_ids (credentials);
  return kbc_server_webauthn_request_options (rp_id, challenge, allow);
}

static gboolean
webauthn_fail (GError **error, KbcServerWebauthnError code, const char *message)
{
  g_set_error_literal (error, KBC_SERVER_WEBAUTHN_ERROR, code, message);
  return FALSE;
}

static gboolean
sign_in_verify (KbcRequest *request,
                KbcUser *user,
                gint64 ticket_id,
                JsonNode *credential,
                GError **error)
{
  KbcStore *store = request->server->store;
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (GBytes) credential_id = NULL;
  g_autoptr (KbcCredential) stored = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *rp_id = NULL;
  guint32 new_count = 0;

  /* Taken first, so that this answer, whatever it is, was the last one
   * checked against this challenge. */
  challenge = kbc_store_ticket_take_challenge (store, ticket_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (challenge == NULL)
    return webauthn_fail (error, KBC_SERVER_WEBAUTHN_ERROR_CHALLENGE_UNKNOWN, NO_CHALLENGE);

  rp_id = kbc_keys_request_rp_id (request);
  if (rp_id == NULL)
    return webauthn_fail (error, KBC_SERVER_WEBAUTHN_ERROR_RP_ID_MISMATCH, BAD_HOST);

  credential_id = kbc_server_webauthn_get_credential_id (credential);
  if (credential_id == NULL)
    return webauthn_fail (error, KBC_SERVER_WEBAUTHN_ERROR_MALFORMED,
                          "The credential is malformed.");

  stored = kbc_store_credential_find (store, credential_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (stored == NULL || stored->user_id != user->id)
    return webauthn_fail (error, KBC_SERVER_WEBAUTHN_ERROR_CREDENTIAL_MISMATCH, NOT_REGISTERED);

  if (!kbc_server_webauthn_verify_assertion (credential, challenge, rp_id, NULL,
                                             stored->credential_id, stored->public_key,
                                             stored->sign_count, &new_count, &local_error))
    {
      if (g_error_matches (local_error, KBC_SERVER_WEBAUTHN_ERROR,
                           KBC_SERVER_WEBAUTHN_ERROR_COUNTER_NOT_INCREASED))
        {
          /* The signature was the key's own: someone holds a copy of it. */
          g_message ("user %" G_GINT64_FORMAT ": security key %" G_GINT64_FORMAT
                     " reported sign counter %u after %u: possibly cloned",
                     user->id, stored->id, new_count, stored->sign_count);
          kbc_store_event_add (store, user->id, KBC_MFA_EVENT_U2F_CLONED, request->now, NULL);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!kbc_store_credential_use (store, stored->id, stored->sign_count, new_count, request->now,
                                 &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Another sign-in with this key moved the counter meanwhile. */
      return webauthn_fail (error, KBC_SERVER_WEBAUTHN_ERROR_COUNTER_NOT_INCREASED,
                            "The security key's signature counter did not increase; it may have "
                            "been cloned.");
    }

  return TRUE;
}

/* The calls that carry "currentPassword". */
#define REAUTH (KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY | KBC_ROUTE_HASHES)

static const KbcRoute routes[] = {
  { "POST", "/manage/current-user/mfa/u2f/registrations", REAUTH, registration_start },
  { "POST", "/manage/current-user/mfa/u2f/registrations/{}", KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY,
    registration_finish },
  { "GET", "/manage/current-user/mfa/devices", KBC_ROUTE_AUTH, devices_list },
  { "PATCH", "/manage/current-user/mfa/devices/{}", KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY,
    device_rename },
  { "DELETE", "/manage/current-user/mfa/devices/{}", REAUTH, device_delete },
};

void
kbc_server_keys_register (KbcServer *server)
{
  kbc_server_add_routes (server, routes, G_N_ELEMENTS (routes));
  server->key_options = sign_in_options;
  server->key_verify = sign_in_verify;
}
