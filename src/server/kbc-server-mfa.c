/* kbc-server-mfa.c
 *
 * TOTP (RFC 6238 through the core's KbcTotp: SHA-1, 6 digits, 30 s, ±1 step)
 * with single-use codes: the last accepted step is kept per user and a code
 * for that step or an earlier one is a replay, rejected and recorded as a
 * security event. The seed is sealed at rest (kbc-server-crypto.h).
 *
 * Recovery codes have 16 symbols from a 31-letter alphabet (≈ 79 bits), so a
 * salted SHA-256 per code is enough: they cannot be guessed offline, unlike
 * passwords, which need argon2.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-mfa.h"

#include "kbc-server-auth.h"
#include "kbc-server-crypto.h"
#include "kbc-server-keys.h"
#include "kbc-server-notifications.h"
#include "kbc-server-webauthn.h"
#include "kbc-totp.h"

#include <string.h>

#define RECOVERY_CODE_SYMBOLS 16
#define RECOVERY_SALT_SIZE    16
#define TICKET_SECRET_LEN     40
#define WRONG_CODE            "Invalid authentication code"
#define WRONG_PASSWORD        "The current password is not correct."
#define TICKET_INVALID        "The sign-in has expired or is not valid. Please sign in again."

static gboolean
totp_enabled (KbcStore *store, gint64 user_id)
{
  g_autoptr (KbcTotpRow) row = kbc_store_totp_get (store, user_id, NULL);

  return row != NULL && row->enabled;
}

gboolean
kbc_mfa_is_enabled (KbcStore *store, gint64 user_id)
{
  return kbc_store_mfa_enabled (store, user_id);
}

static char *
totp_context (gint64 user_id)
{
  return g_strdup_printf ("kbc-totp:%" G_GINT64_FORMAT, user_id);
}

/* The seed of @row, or NULL when it cannot be opened (wrong key file). */
static guint8 *
open_secret (KbcStore *store, KbcTotpRow *row, gsize *len)
{
  g_autofree char *context = totp_context (row->user_id);

  return kbc_crypto_open (kbc_store_get_key (store), context, row->secret_sealed, len);
}

/* Authenticator apps show "123 456"; people type what they see. */
static char *
normalize_totp_code (const char *code)
{
  GString *out = g_string_new (NULL);

  for (const char *p = code; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* ---- recovery codes ---- */

static char *
normalize_recovery_code (const char *code)
{
  GString *out = g_string_new (NULL);

  for (const char *p = code; *p != '\0'; p++)
    if (*p != '-' && *p != ' ')
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

/* Generates a fresh set; returns the codes to show once and fills @rows
 * with what is stored. */
static GStrv
generate_recovery_codes (GPtrArray **rows)
{
  g_autoptr (GStrvBuilder) shown = g_strv_builder_new ();

  *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_recovery_code_free);
  for (guint i = 0; i < KBC_MFA_RECOVERY_CODES; i++)
    {
      g_autofree char *symbols = kbc_crypto_random_code (RECOVERY_CODE_SYMBOLS);
      g_autofree char *display = NULL;
      KbcRecoveryCode *row = g_new0 (KbcRecoveryCode, 1);
      guint8 salt[RECOVERY_SALT_SIZE];
      guint8 hash[KBC_SHA256_SIZE];

      display =
          g_strdup_printf ("%.4s-%.4s-%.4s-%.4s", symbols, symbols + 4, symbols + 8, symbols + 12);
      kbc_crypto_random_bytes (salt, sizeof salt);
      kbc_crypto_salted_sha256 (salt, sizeof salt, symbols, strlen (symbols), hash);
      row->salt = g_bytes_new (salt, sizeof salt);
      row->hash = g_bytes_new (hash, sizeof hash);
      g_ptr_array_add (*rows, row);
      g_strv_builder_add (shown, display);
      explicit_bzero (symbols, strlen (symbols));
    }
  return g_strv_builder_end (shown);
}

static void
add_codes_member (JsonBuilder *builder, GStrv codes)
{
  json_builder_set_member_name (builder, "recoveryCodes");
  json_builder_begin_array (builder);
  for (guint i = 0; codes[i] != NULL; i++)
    json_builder_add_string_value (builder, codes[i]);
  json_builder_end_array (builder);
}

/* The id of the unused recovery code equal to @code, or 0. Every candidate
 * is hashed and compared, so the time does not depend on which one matched. */
static gint64
find_recovery_code (KbcStore *store, gint64 user_id, const char *code, GError **error)
{
  g_autoptr (GPtrArray) codes = kbc_store_recovery_unused (store, user_id, error);
  g_autofree char *normalized = normalize_recovery_code (code);
  gint64 found = 0;

  if (codes == NULL)
    return 0;

  for (guint i = 0; i < codes->len; i++)
    {
      KbcRecoveryCode *row = codes->pdata[i];
      guint8 hash[KBC_SHA256_SIZE];
      gsize salt_len;
      gsize hash_len;
      gconstpointer salt = g_bytes_get_data (row->salt, &salt_len);
      gconstpointer stored = g_bytes_get_data (row->hash, &hash_len);

      kbc_crypto_salted_sha256 (salt, salt_len, normalized, strlen (normalized), hash);
      if (hash_len == KBC_SHA256_SIZE && kbc_crypto_equal (hash, stored, KBC_SHA256_SIZE) &&
          found == 0)
        found = row->id;
    }
  explicit_bzero (normalized, strlen (normalized));
  return found;
}

/* ---- re-authentication with currentPassword ---- */

typedef struct
{
  KbcRequest *request;
  KbcMfaReauthDone done;
} Reauth;

static void
reauth_checked (gpointer data)
{
  g_autoptr (KbcPasswordJob) job = data;
  Reauth *reauth = job->user_data;
  KbcRequest *request = reauth->request;
  KbcMfaReauthDone done = reauth->done;

  g_free (reauth);

  if (!job->verified)
    {
      g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();

      kbc_auth_check_failed (request);
      kbc_field_errors_add (errors, "currentPassword", "currentPasswordWrong", WRONG_PASSWORD);
      kbc_request_reply_error (request, 400, "validationFailed", WRONG_PASSWORD, errors);
      return;
    }

  if (!kbc_auth_check_passed (request))
    return;
  done (request);
}

/* Checks "currentPassword" on the pool (it counts towards the sign-in rate
 * limit), then continues with @done on the loop. */
void
kbc_mfa_reauthenticate (KbcRequest *request, KbcMfaReauthDone done)
{
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  KbcPasswordJob *job;
  Reauth *reauth;
  const char *password;

  password =
      kbc_request_require_string (request, errors, "currentPassword", KBC_PASSWORD_MAX_BYTES);
  if (password == NULL)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  if (!kbc_auth_check_begin (request, request->user->email))
    return;

  reauth = g_new0 (Reauth, 1);
  reauth->request = request;
  reauth->done = done;

  job = kbc_password_job_new ();
  job->password = g_strdup (password);
  job->encoded = g_strdup (request->user->password_hash);
  job->user_data = reauth;
  kbc_server_push_work (request->server, kbc_password_job_run, reauth_checked, job);
}

/* Enabling or disabling a factor ends the user's other sessions. */
gboolean
kbc_mfa_revoke_other_sessions (KbcRequest *request, GError **error)
{
  return kbc_store_sessions_revoke_others (request->server->store, request->user->id,
                                           request->token->id, error);
}

/* ---- GET /manage/current-user/mfa ---- */

static void
mfa_state (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GError) error = NULL;
  gboolean totp;

  devices = kbc_store_device_list (store, request->user->id, &error);
  if (devices == NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  totp = totp_enabled (store, request->user->id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, totp || devices->len > 0);
  json_builder_set_member_name (builder, "totp");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, totp);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "devices");
  json_builder_begin_array (builder);
  for (guint i = 0; i < devices->len; i++)
    kbc_keys_add_device (builder, devices->pdata[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "recoveryCodesRemaining");
  json_builder_add_int_value (builder, kbc_store_recovery_remaining (store, request->user->id));
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 200, node);
}

/* ---- POST /manage/current-user/mfa/totp ---- */

static void
totp_enrol_authenticated (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autofree char *context = totp_context (request->user->id);
  g_autofree char *base32 = NULL;
  g_autofree char *uri = NULL;
  guint8 secret[KBC_TOTP_SECRET_SIZE];

  if (totp_enabled (store, request->user->id))
    {
      kbc_request_reply_error (request, 400, "mfaTotpAlreadyEnabled",
                               "TOTP is already enabled. Remove it first to set it up again.",
                               NULL);
      return;
    }

  kbc_totp_generate_secret (secret);
  sealed = kbc_crypto_seal (kbc_store_get_key (store), context, secret, sizeof secret);
  if (!kbc_store_totp_put_pending (store, request->user->id, sealed, request->token->id,
                                   request->now, &error))
    {
      explicit_bzero (secret, sizeof secret);
      kbc_request_reply_internal (request, error);
      return;
    }

  base32 = kbc_totp_base32_encode (secret, sizeof secret);
  uri = kbc_totp_build_uri (KBC_TOTP_ISSUER, request->user->email, secret, sizeof secret);
  explicit_bzero (secret, sizeof secret);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, base32);
  json_builder_set_member_name (builder, "otpauthUri");
  json_builder_add_string_value (builder, uri);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  explicit_bzero (base32, strlen (base32));
  explicit_bzero (uri, strlen (uri));
  kbc_request_reply_json (request, 201, node);
}

static void
totp_enrol (KbcRequest *request)
{
  kbc_mfa_reauthenticate (request, totp_enrol_authenticated);
}

/* ---- POST /manage/current-user/mfa/totp/activate ---- */

static void
reply_wrong_code (KbcRequest *request, guint status, const char *key)
{
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();

  kbc_field_errors_add (errors, key, NULL, WRONG_CODE);
  kbc_request_reply_error (request, status, "invalidAuthenticationCode", WRONG_CODE, errors);
}

static void
totp_activate (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (KbcTotpRow) row = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_auto (GStrv) codes = NULL;
  g_autofree char *normalized = NULL;
  const char *code;
  guint8 *secret;
  gsize secret_len = 0;
  gint64 step = 0;
  gboolean valid;

  code = kbc_request_require_string (request, errors, "code", 64);
  if (code == NULL)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  row = kbc_store_totp_get (store, request->user->id, &error);
  if (error != NULL)
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  if (row != NULL && row->enabled)
    {
      kbc_request_reply_error (request, 400, "mfaTotpAlreadyEnabled", "TOTP is already enabled.",
                               NULL);
      return;
    }
  /* Activation finishes what this same session started. */
  if (row == NULL || row->pending_token_id != request->token->id)
    {
      kbc_request_reply_error (request, 400, "mfaTotpNotPending",
                               "There is no TOTP setup to activate in this session.", NULL);
      return;
    }

  /* A code is a credential: guesses count like sign-in failures. */
  if (!kbc_auth_check_begin (request, request->user->email))
    return;

  secret = open_secret (store, row, &secret_len);
  if (secret == NULL)
    {
      kbc_auth_check_cancel (request);
      kbc_request_reply_internal (request, NULL);
      return;
    }
  normalized = normalize_totp_code (code);
  valid = kbc_totp_verify (secret, secret_len, normalized, request->now, row->last_step, &step);
  kbc_crypto_free_secret (secret, secret_len);

  if (!valid)
    {
      kbc_auth_check_failed (request);
      reply_wrong_code (request, 400, "code");
      return;
    }
  if (!kbc_auth_check_passed (request))
    return;

  codes = generate_recovery_codes (&rows);
  if (!kbc_store_begin (store, &error) ||
      !kbc_store_totp_activate (store, request->user->id, step, &error) ||
      !kbc_store_recovery_replace (store, request->user->id, rows, &error) ||
      !kbc_mfa_revoke_other_sessions (request, &error) ||
      !kbc_server_notify_security (
          store, request->user->id, request->now, KBC_SECURITY_EVENT_TOTP_ENABLED,
          "Authenticator app added",
          "Signing in to your account now asks for a code from an authenticator app, and new "
          "recovery codes were made. If it was not you, change your password and remove the app "
          "in **Account & Security** at once.",
          &error) ||
      !kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      kbc_request_reply_internal (request, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, TRUE);
  add_codes_member (builder, codes);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 200, node);
}

/* ---- DELETE /manage/current-user/mfa/totp ---- */

static void
totp_delete_authenticated (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcTotpRow) row = NULL;
  g_autoptr (GError) error = NULL;
  gboolean last_factor;

  row = kbc_store_totp_get (store, request->user->id, &error);
  if (row == NULL)
    {
      if (error != NULL)
        kbc_request_reply_internal (request, error);
      else
        kbc_request_reply_error (request, 404, "notFound", "TOTP is not set up.", NULL);
      return;
    }

  last_factor = kbc_store_device_count (store, request->user->id) == 0;
  if (!kbc_store_begin (store, &error) ||
      !kbc_store_totp_delete (store, request->user->id, &error) ||
      (last_factor && !kbc_store_recovery_clear (store, request->user->id, &error)) ||
      (row->enabled && !kbc_mfa_revoke_other_sessions (request, &error)) ||
      (row->enabled &&
       !kbc_server_notify_security (
           store, request->user->id, request->now, KBC_SECURITY_EVENT_TOTP_REMOVED,
           "Authenticator app removed",
           last_factor ? "Signing in to your account no longer asks for a code from an "
                         "authenticator app: multi-factor authentication is off. If it was not "
                         "you, change your password at once and set up multi-factor "
                         "authentication again."
                       : "Your authenticator app no longer signs in to your account; your "
                         "security keys still do. If it was not you, change your password at "
                         "once.",
           &error)) ||
      !kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      kbc_request_reply_internal (request, error);
      return;
    }

  kbc_request_reply_empty (request, 204);
}

static void
totp_delete (KbcRequest *request)
{
  kbc_mfa_reauthenticate (request, totp_delete_authenticated);
}

/* ---- POST /manage/current-user/mfa/recovery-codes ---- */

static void
recovery_regenerate_authenticated (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_auto (GStrv) codes = NULL;

  if (!kbc_mfa_is_enabled (store, request->user->id))
    {
      kbc_request_reply_error (request, 400, "mfaNotEnabled",
                               "Multi-factor authentication is not enabled.", NULL);
      return;
    }

  codes = generate_recovery_codes (&rows);
  if (!kbc_store_begin (store, &error) ||
      !kbc_store_recovery_replace (store, request->user->id, rows, &error) ||
      !kbc_server_notify_security (
          store, request->user->id, request->now, KBC_SECURITY_EVENT_RECOVERY_CODES,
          "New recovery codes were made",
          "The recovery codes of your account were replaced: the old ones no longer work. If it "
          "was not you, change your password at once.",
          &error) ||
      !kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      kbc_request_reply_internal (request, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_codes_member (builder, codes);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 200, node);
}

static void
recovery_regenerate (KbcRequest *request)
{
  kbc_mfa_reauthenticate (request, recovery_regenerate_authenticated);
}

/* ---- DELETE /manage/current-user/mfa ---- */

static void
mfa_disable_authenticated (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (GError) error = NULL;
  gboolean was_enabled = kbc_mfa_is_enabled (store, request->user->id);

  if (!kbc_store_begin (store, &error) ||
      !kbc_store_totp_delete (store, request->user->id, &error) ||
      !kbc_store_device_delete_all (store, request->user->id, &error) ||
      !kbc_store_recovery_clear (store, request->user->id, &error) ||
      (was_enabled && !kbc_mfa_revoke_other_sessions (request, &error)) ||
      (was_enabled &&
       !kbc_server_notify_security (
           store, request->user->id, request->now, KBC_SECURITY_EVENT_MFA_DISABLED,
           "Multi-factor authentication turned off",
           "Every second factor of your account was removed: signing in now needs only the "
           "password. If it was not you, change your password at once and turn multi-factor "
           "authentication on again.",
           &error)) ||
      !kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      kbc_request_reply_internal (request, error);
      return;
    }

  kbc_request_reply_empty (request, 204);
}

static void
mfa_disable (KbcRequest *request)
{
  kbc_mfa_reauthenticate (request, mfa_disable_authenticated);
}

/* ---- the sign-in step ---- */

void
kbc_mfa_reply_required (KbcRequest *request, KbcUser *user)
{
  KbcServer *server = request->server;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) u2f = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *ticket = kbc_crypto_random_alnum (TICKET_SECRET_LEN);
  guint8 hash[KBC_SHA256_SIZE];
  gint64 ticket_id;

  kbc_crypto_sha256 (ticket, strlen (ticket), hash);
  ticket_id = kbc_store_ticket_insert (server->store, hash, user->id, request->now,
                                       request->now + server->config.ticket_lifetime, &error);
  if (ticket_id == 0)
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  if (server->key_options != NULL && kbc_store_device_count (server->store, user->id) > 0)
    {
      u2f = server->key_options (request, user, ticket_id, &error);
      if (u2f == NULL)
        {
          g_warning ("security key options: %s", error != NULL ? error->message : "failed");
          g_clear_error (&error);
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "mfa-required");
  json_builder_set_member_name (builder, "loginTicket");
  json_builder_add_string_value (builder, ticket);
  json_builder_set_member_name (builder, "methods");
  json_builder_begin_array (builder);
  /* A key is the strongest factor and the default when there is one. */
  if (u2f != NULL)
    json_builder_add_string_value (builder, "u2f");
  if (totp_enabled (server->store, user->id))
    json_builder_add_string_value (builder, "totp");
  json_builder_add_string_value (builder, "recovery");
  json_builder_end_array (builder);
  if (u2f != NULL)
    {
      json_builder_set_member_name (builder, "u2f");
      json_builder_add_value (builder, g_steal_pointer (&u2f));
    }
  json_builder_end_object (builder);

  explicit_bzero (ticket, strlen (ticket));
  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 200, node);
}

/* A wrong answer: counts against the ticket (which dies at the limit) and
 * the account's sign-in rate limit. A security key answer used up the
 * ticket's challenge, so while attempts remain the reply carries fresh
 * options ("u2f") for the next try. */
static void
reply_login_failed (KbcRequest *request,
                    KbcUser *user,
                    KbcLoginTicket *ticket,
                    const char *key,
                    const char *code,
                    const char *message,
                    gboolean renew_u2f)
{
  KbcServer *server = request->server;
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (JsonObject) extra = json_object_new ();
  g_autoptr (GError) error = NULL;
  guint attempts;
  guint remaining;

  kbc_auth_check_failed (request);

  attempts = kbc_store_ticket_fail (server->store, ticket->id, &error);
  if (attempts >= KBC_MFA_TICKET_ATTEMPTS)
    kbc_store_ticket_delete (server->store, ticket->id, NULL);
  remaining = attempts >= KBC_MFA_TICKET_ATTEMPTS ? 0 : KBC_MFA_TICKET_ATTEMPTS - attempts;

  /* The account's sign-in limit may end the tries sooner than the ticket:
   * the count is of the wrong answers still taken before either refuses. */
  {
    g_autofree char *email_key = g_ascii_strdown (user->email, -1);
    g_autoptr (GError) count_error = NULL;
    guint failures = 0;

    /* The free attempts of this client at this account (then the limit
     * makes each wait, see kbc_auth_check_begin()). */
    if (kbc_store_failure_count (server->store, email_key, kbc_request_get_client (request),
                                 request->now - KBC_AUTH_WINDOW, &failures, NULL, NULL,
                                 &count_error))
      remaining =
          MIN (remaining, failures >= KBC_AUTH_MAX_FAILURES ? 0 : KBC_AUTH_MAX_FAILURES - failures);
    else
      g_warning ("cannot count failed sign-ins: %s", count_error->message);
  }

  json_object_set_int_member (extra, "remainingAttempts", remaining);
  if (renew_u2f && remaining > 0 && server->key_options != NULL)
    {
      g_autoptr (GError) options_error = NULL;
      JsonNode *options = server->key_options (request, user, ticket->id, &options_error);

      if (options != NULL)
        json_object_set_member (extra, "u2f", options);
      else
        g_warning ("security key options: %s",
                   options_error != NULL ? options_error->message : "failed");
    }
  kbc_field_errors_add (errors, key, NULL, message);
  kbc_request_reply_error_extra (request, 401, code, message, errors, extra);
}

static void
reply_login_code_failed (KbcRequest *request,
                         KbcUser *user,
                         KbcLoginTicket *ticket,
                         const char *key)
{
  reply_login_failed (request, user, ticket, key, "invalidAuthenticationCode", WRONG_CODE, FALSE);
}

static void
login_succeeded (KbcRequest *request, KbcUser *user, KbcLoginTicket *ticket)
{
  if (!kbc_auth_check_passed (request))
    return;
  kbc_store_ticket_delete (request->server->store, ticket->id, NULL);
  kbc_auth_reply_session (request, user);
}

static void
login_totp (KbcRequest *request, KbcUser *user, KbcLoginTicket *ticket, const char *code)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcTotpRow) row = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = NULL;
  guint8 *secret;
  gsize secret_len = 0;
  gint64 step = 0;
  gboolean valid;
  gboolean replay = FALSE;

  row = kbc_store_totp_get (store, user->id, &error);
  if (row == NULL || !row->enabled)
    {
      kbc_auth_check_cancel (request);
      if (error != NULL)
        kbc_request_reply_internal (request, error);
      else
        kbc_request_reply_error (request, 400, "mfaMethodNotAvailable",
                                 "TOTP is not enabled for this account.", NULL);
      return;
    }

  secret = open_secret (store, row, &secret_len);
  if (secret == NULL)
    {
      kbc_auth_check_cancel (request);
      kbc_request_reply_internal (request, NULL);
      return;
    }
  normalized = normalize_totp_code (code);
  valid = kbc_totp_verify (secret, secret_len, normalized, request->now, row->last_step, &step);
  if (!valid)
    {
      gint64 ignored;

      /* Would it have been right but for the single-use rule? */
      replay = kbc_totp_verify (secret, secret_len, normalized, request->now, G_MININT64, &ignored);
    }
  kbc_crypto_free_secret (secret, secret_len);

  /* advance() refuses a step that is not newer, so a replay racing us through
   * another process still fails. */
  if (valid && !kbc_store_totp_advance (store, user->id, step, &error))
    {
      if (error != NULL)
        {
          kbc_auth_check_cancel (request);
          kbc_request_reply_internal (request, error);
          return;
        }
      valid = FALSE;
      replay = TRUE;
    }

  if (!valid)
    {
      if (replay)
        kbc_store_event_add (store, user->id, KBC_MFA_EVENT_TOTP_REPLAY, request->now, NULL);
      reply_login_code_failed (request, user, ticket, "code");
      return;
    }

  login_succeeded (request, user, ticket);
}

static void
login_recovery (KbcRequest *request, KbcUser *user, KbcLoginTicket *ticket, const char *code)
{
  KbcStore *store = request->server->store;
  g_autoptr (GError) error = NULL;
  gint64 code_id;

  code_id = find_recovery_code (store, user->id, code, &error);
  if (error == NULL && code_id != 0 &&
      !kbc_store_recovery_use (store, code_id, request->now, &error))
    code_id = 0;
  if (error != NULL)
    {
      kbc_auth_check_cancel (request);
      kbc_request_reply_internal (request, error);
      return;
    }

  if (code_id == 0)
    {
      reply_login_code_failed (request, user, ticket, "code");
      return;
    }

  login_succeeded (request, user, ticket);
}

static void
login_u2f (KbcRequest *request, KbcUser *user, KbcLoginTicket *ticket)
{
  JsonObject *body = json_node_get_object (request->body);
  JsonNode *credential = json_object_get_member (body, "credential");
  g_autoptr (GError) error = NULL;
  const char *code;

  if (credential == NULL || !JSON_NODE_HOLDS_OBJECT (credential))
    {
      g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();

      kbc_auth_check_cancel (request);
      kbc_field_errors_add (errors, "credential", NULL, "This value should be of type object.");
      kbc_request_reply_invalid (request, errors);
      return;
    }

  if (!request->server->key_verify (request, user, ticket->id, credential, &error))
    {
      if (error == NULL || error->domain != KBC_SERVER_WEBAUTHN_ERROR)
        {
          kbc_auth_check_cancel (request);
          kbc_request_reply_internal (request, error);
          return;
        }
      /* At sign-in a credential that is not the account's is a key that
       * is not registered for it. */
      code = error->code == KBC_SERVER_WEBAUTHN_ERROR_CREDENTIAL_MISMATCH
                 ? "u2fKeyNotRegistered"
                 : kbc_server_webauthn_error_to_code (error);
      reply_login_failed (request, user, ticket, "credential", code, error->message, TRUE);
      return;
    }

  login_succeeded (request, user, ticket);
}

static void
login_mfa (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (KbcUser) user = NULL;
  g_autoptr (GError) error = NULL;
  KbcLoginTicket ticket = { 0 };
  guint8 hash[KBC_SHA256_SIZE];
  const char *ticket_text;
  const char *method;
  const char *code = NULL;

  ticket_text = kbc_request_require_string (request, errors, "loginTicket", 256);
  method = kbc_request_require_string (request, errors, "method", 32);
  if (method != NULL && !g_str_equal (method, "totp") && !g_str_equal (method, "recovery") &&
      !g_str_equal (method, "u2f"))
    kbc_field_errors_add (errors, "method", NULL, "The value you selected is not a valid choice.");
  if (method != NULL && (g_str_equal (method, "totp") || g_str_equal (method, "recovery")))
    code = kbc_request_require_string (request, errors, "code", 64);
  if (errors->len > 0)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  kbc_crypto_sha256 (ticket_text, strlen (ticket_text), hash);
  if (!kbc_store_ticket_get (store, hash, &ticket, &error) || ticket.expires <= request->now ||
      ticket.attempts >= KBC_MFA_TICKET_ATTEMPTS)
    {
      if (error != NULL)
        kbc_request_reply_internal (request, error);
      else
        kbc_request_reply_error (request, 401, "loginTicketInvalid", TICKET_INVALID, NULL);
      return;
    }

  user = kbc_store_user_by_id (store, ticket.user_id, &error);
  if (user == NULL)
    {
      if (error != NULL)
        kbc_request_reply_internal (request, error);
      else
        kbc_request_reply_error (request, 401, "loginTicketInvalid", TICKET_INVALID, NULL);
      return;
    }

  if (g_str_equal (method, "u2f") &&
      (request->server->key_verify == NULL || kbc_store_device_count (store, user->id) == 0))
    {
      kbc_request_reply_error (request, 400, "mfaMethodNotAvailable",
                               "Security keys are not available for this account.", NULL);
      return;
    }

  /* The codes share the sign-in rate limit of the account. */
  if (!kbc_auth_check_begin (request, user->email))
    return;

  if (g_str_equal (method, "totp"))
    login_totp (request, user, &ticket, code);
  else if (g_str_equal (method, "recovery"))
    login_recovery (request, user, &ticket, code);
  else
    login_u2f (request, user, &ticket);
}

/* The calls that carry "currentPassword". */
#define REAUTH (KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY | KBC_ROUTE_HASHES)

static const KbcRoute routes[] = {
  { "POST", "/manage/auth/login/mfa", KBC_ROUTE_JSON_BODY, login_mfa },
  { "GET", "/manage/current-user/mfa", KBC_ROUTE_AUTH, mfa_state },
  { "DELETE", "/manage/current-user/mfa", REAUTH, mfa_disable },
  { "POST", "/manage/current-user/mfa/totp", REAUTH, totp_enrol },
  { "DELETE", "/manage/current-user/mfa/totp", REAUTH, totp_delete },
  { "POST", "/manage/current-user/mfa/totp/activate", KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY,
    totp_activate },
  { "POST", "/manage/current-user/mfa/recovery-codes", REAUTH, recovery_regenerate },
};

void
kbc_server_mfa_register (KbcServer *server)
{
  kbc_server_add_routes (server, routes, G_N_ELEMENTS (routes));
}
