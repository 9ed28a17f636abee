/* kbc-server-auth.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-auth.h"

#include "kbc-server-crypto.h"
#include "kbc-server-mfa.h"
#include "kbc-server-notifications.h"
#include "kbc-server-tokens.h"

#include <string.h>

#define TOKEN_SECRET_LEN    40
#define MAX_EMAIL_BYTES     254
#define SESSION_DESCRIPTION "KBC Account desktop session"
#define WRONG_CREDENTIALS   "Invalid email or password."

/* ---- the rate limit ---- */

/* Seconds still to wait after @count failures, the newest at @newest, when
 * @free of them cost nothing: 2 s after the last free one (times are whole
 * seconds: 1 s could be gone at once), doubling with each failure after
 * it, up to KBC_AUTH_MAX_DELAY. */
static gint64
backoff_wait (guint count, guint free, gint64 newest, gint64 now)
{
  gint64 delay;

  if (count < free)
    return 0;
  delay = (gint64) 2 << MIN (count - free, 20u);
  return MIN (delay, KBC_AUTH_MAX_DELAY) - (now - newest);
}

/* 503: without a record of the attempt, no credential is checked, so the
 * answer cannot tell whether it was right. */
static void
reply_unavailable (KbcRequest *request, const GError *error)
{
  g_message ("a credential check was refused: the attempt cannot be recorded (%s)",
             error != NULL ? error->message : "unknown error");
  kbc_request_set_header (request, "Retry-After", "30");
  kbc_request_reply_error (request, 503, "serviceUnavailable",
                           "Credentials cannot be checked right now. Please try again later.",
                           NULL);
}

gboolean
kbc_auth_check_begin (KbcRequest *request, const char *key)
{
  KbcStore *store = request->server->store;
  const char *client = kbc_request_get_client (request);
  g_autoptr (GError) error = NULL;
  guint from_client = 0;
  guint from_all = 0;
  gint64 client_newest = 0;
  gint64 all_newest = 0;
  gint64 wait;
  gint64 id;

  g_return_val_if_fail (request->check_failure_id == 0, FALSE);

  /* Bounded before anything is queued: a flood from one client, or at one
   * account, waits its turn without taking everyone's. */
  if (kbc_request_hold_check (request, key) != KBC_CHECK_HELD)
    {
      kbc_request_reply_too_many (request, 1);
      return FALSE;
    }

  /* Counted and recorded in one write transaction, so that two processes
   * on the database cannot both take the last attempt. */
  if (!kbc_store_begin (store, &error) ||
      !kbc_store_failure_count (store, key, client, request->now - KBC_AUTH_WINDOW, &from_client,
                                NULL, &client_newest, &error) ||
      !kbc_store_failure_count (store, key, NULL, request->now - KBC_AUTH_ACCOUNT_WINDOW, &from_all,
                                NULL, &all_newest, &error))
    {
      kbc_store_rollback (store);
      kbc_request_release_check (request);
      reply_unavailable (request, error);
      return FALSE;
    }

  wait = MAX (backoff_wait (from_client, KBC_AUTH_MAX_FAILURES, client_newest, request->now),
              backoff_wait (from_all, KBC_AUTH_ACCOUNT_MAX_FAILURES, all_newest, request->now));
  if (wait > 0)
    {
      kbc_store_rollback (store);
      kbc_request_release_check (request);
      kbc_request_reply_too_many (request, CLAMP (wait, 1, KBC_AUTH_MAX_DELAY));
      return FALSE;
    }

  /* Counted as a failure before it is checked, and forgotten only when it
   * passes: checks in flight count (here and in any other process on the
   * database), and a check that cannot be recorded is not made. */
  id = kbc_store_failure_add (store, key, client, request->now, &error);
  if (id == 0 || !kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      kbc_request_release_check (request);
      reply_unavailable (request, error);
      return FALSE;
    }
  request->check_failure_id = id;
  return TRUE;
}

gboolean
kbc_auth_check_passed (KbcRequest *request)
{
  KbcStore *store = request->server->store;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  g_return_val_if_fail (request->check_key != NULL, FALSE);

  /* The client's earlier failures at this account are forgiven. */
  ok =
      kbc_store_failure_remove (store, request->check_failure_id, &error) &&
      kbc_store_failure_clear (store, request->check_key, kbc_request_get_client (request), &error);
  request->check_failure_id = 0;
  kbc_request_release_check (request);
  if (!ok)
    {
      reply_unavailable (request, error);
      return FALSE;
    }
  return TRUE;
}

void
kbc_auth_check_failed (KbcRequest *request)
{
  /* The failure was recorded when the check began. */
  request->check_failure_id = 0;
  kbc_request_release_check (request);
}

void
kbc_auth_check_cancel (KbcRequest *request)
{
  g_autoptr (GError) error = NULL;

  if (request->check_failure_id != 0 &&
      !kbc_store_failure_remove (request->server->store, request->check_failure_id, &error))
    g_message ("a check that was not made stays counted: %s", error->message);
  request->check_failure_id = 0;
  kbc_request_release_check (request);
}

/* ---- tokens ---- */

char *
kbc_auth_issue_token (KbcStore *store,
                      gint64 user_id,
                      const char *type,
                      const char *description,
                      gint64 now,
                      gint64 expires,
                      gint64 *out_id,
                      GError **error)
{
  g_autofree char *secret = kbc_crypto_random_alnum (TOKEN_SECRET_LEN);
  guint8 hash[KBC_SHA256_SIZE];
  char *token_string;
  gint64 id;

  kbc_crypto_sha256 (secret, TOKEN_SECRET_LEN, hash);
  id = kbc_store_token_insert (store, user_id, type, description, hash, now, expires, error);
  if (id == 0)
    {
      explicit_bzero (secret, TOKEN_SECRET_LEN);
      return NULL;
    }

  token_string = g_strdup_printf ("%" G_GINT64_FORMAT "-%s", id, secret);
  explicit_bzero (secret, TOKEN_SECRET_LEN);

  if (out_id != NULL)
    *out_id = id;
  return token_string;
}

char *
kbc_auth_issue_session (KbcServer *server,
                        KbcUser *user,
                        gint64 now,
                        KbcToken **out_token,
                        GError **error)
{
  char *token_string;
  gint64 id = 0;

  token_string =
      kbc_auth_issue_token (server->store, user->id, KBC_TOKEN_TYPE_SESSION, SESSION_DESCRIPTION,
                            now, now + server->config.session_lifetime, &id, error);
  if (token_string == NULL)
    return NULL;

  if (out_token != NULL)
    *out_token = kbc_store_token_by_id (server->store, id, error);
  return token_string;
}

/* The user's features: the column is JSON text, "[]" unless someone put
 * more there; anything but an array is sent as []. */
static void
add_features (GString *text, const char *features)
{
  g_autoptr (JsonNode) node = NULL;

  kbc_json_text_member (text, "features");
  if (features == NULL || g_str_equal (features, "[]"))
    {
      g_string_append (text, "[]");
      return;
    }
  node = json_from_string (features, NULL);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *array = json_to_string (node, FALSE);

      g_string_append (text, array);
    }
  else
    g_string_append (text, "[]");
}

static gsize
text_len (const char *text)
{
  return text != NULL ? strlen (text) : 0;
}

GString *
kbc_auth_token_text (KbcToken *token,
                     KbcUser *user,
                     gboolean mfa_enabled,
                     const char *token_string,
                     gint64 now)
{
  /* Big enough for all of it, each string escaped at its longest (6 bytes
   * a byte), so the one with a secret never grows and leaves a copy
   * behind: kbc_request_reply_secret(). */
  GString *text = g_string_sized_new (
      1024 + 6 * (text_len (token->description) + 2 * text_len (user->name) +
                  text_len (user->email) + text_len (user->features) + text_len (token_string)));

  g_string_append_c (text, '{');
  if (token_string != NULL)
    {
      kbc_json_text_string (text, "status", "ok");
    }
  kbc_json_text_int (text, "id", token->id);
  kbc_json_text_string (text, "description", token->description);
  kbc_json_text_time (text, "created", token->created);
  kbc_json_text_time (text, "lastUsed", token->last_used);
  kbc_json_text_time (text, "expires", token->expires);
  kbc_json_text_boolean (text, "isSessionToken", g_str_equal (token->type, KBC_TOKEN_TYPE_SESSION));
  kbc_json_text_boolean (text, "isExpired", kbc_token_is_expired (token, now));
  kbc_json_text_boolean (text, "isDisabled", token->disabled);
  kbc_json_text_member (text, "scopes");
  g_string_append (text, "[]");
  /* The reference's type of a user's token, session or personal alike;
   * isSessionToken tells them apart. */
  kbc_json_text_string (text, "type", KBC_TOKEN_TYPE_ADMIN);

  kbc_json_text_member (text, "creator");
  g_string_append_c (text, '{');
  kbc_json_text_int (text, "id", user->id);
  kbc_json_text_string (text, "name", user->name);
  g_string_append_c (text, '}');

  kbc_json_text_member (text, "user");
  g_string_append_c (text, '{');
  kbc_json_text_int (text, "id", user->id);
  kbc_json_text_string (text, "name", user->name);
  kbc_json_text_string (text, "email", user->email);
  kbc_json_text_boolean (text, "mfaEnabled", mfa_enabled);
  add_features (text, user->features);
  kbc_json_text_boolean (text, "canAccessLogs", user->can_access_logs);
  kbc_json_text_boolean (text, "isSuperAdmin", user->is_super_admin);
  g_string_append_c (text, '}');

  if (token_string != NULL)
    {
      kbc_json_text_string (text, "token", token_string);
    }
  g_string_append_c (text, '}');
  return text;
}

void
kbc_auth_reply_session (KbcRequest *request, KbcUser *user)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcToken) token = NULL;
  GString *text;
  g_autofree char *token_string = NULL;
  gboolean new_client = FALSE;

  token_string = kbc_auth_issue_session (request->server, user, request->now, &token, &error);
  if (token_string == NULL || token == NULL ||
      !kbc_tokens_record_sign_in (request, token, &new_client, &error))
    {
      if (token_string != NULL)
        explicit_bzero (token_string, strlen (token_string));
      kbc_request_reply_internal (request, error);
      return;
    }
  /* A sign-in from a client the account never used is told to its owner
   * (ASVS 2.5.5); a notification that could not be stored is logged, the
   * sign-in stands. */
  if (new_client)
    {
      g_autofree char *client = kbc_server_markdown_escape (
          token->client_name != NULL ? token->client_name : "an unknown app");
      g_autofree char *address = kbc_server_markdown_escape (
          token->client_address != NULL ? token->client_address : "an unknown address");
      g_autofree char *message = g_strdup_printf (
          "Your account was signed in from **%s** at %s, a client it had not used before. If it "
          "was not you, change your password and revoke the session on the Access Tokens page.",
          client, address);
      g_autoptr (GError) notify_error = NULL;

      if (!kbc_server_notify_security (request->server->store, user->id, request->now,
                                       KBC_SECURITY_EVENT_NEW_CLIENT, "New sign-in to your account",
                                       message, &notify_error))
        g_message ("Could not send the sign-in notification: %s", notify_error->message);
    }

  text = kbc_auth_token_text (token, user, kbc_mfa_is_enabled (request->server->store, user->id),
                              token_string, request->now);
  explicit_bzero (token_string, strlen (token_string));
  kbc_request_reply_secret (request, 201, text);
}

/* ---- POST /manage/auth/login ---- */

typedef struct
{
  KbcRequest *request;
  char *email;
  gint64 user_id;
} LoginData;

static void
login_data_free (gpointer data)
{
  LoginData *login = data;

  g_free (login->email);
  g_free (login);
}

static void
login_checked (gpointer data)
{
  g_autoptr (KbcPasswordJob) job = data;
  KbcRequest *request = job->user_data;
  LoginData *login = request->data;
  KbcServer *server = request->server;
  g_autoptr (KbcUser) user = NULL;
  g_autoptr (GError) error = NULL;

  if (!job->verified || login->user_id == 0)
    {
      kbc_auth_check_failed (request);
      kbc_request_reply_error (request, 401, "invalidCredentials", WRONG_CREDENTIALS, NULL);
      return;
    }
  if (!kbc_auth_check_passed (request))
    return;

  user = kbc_store_user_by_id (server->store, login->user_id, &error);
  if (user == NULL)
    {
      if (error != NULL)
        kbc_request_reply_internal (request, error);
      else
        kbc_request_reply_error (request, 401, "invalidCredentials", WRONG_CREDENTIALS, NULL);
      return;
    }

  if (kbc_mfa_is_enabled (server->store, user->id))
    kbc_mfa_reply_required (request, user);
  else
    kbc_auth_reply_session (request, user);
}

static void
login (KbcRequest *request)
{
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (KbcUser) user = NULL;
  g_autoptr (GError) error = NULL;
  KbcPasswordJob *job;
  LoginData *login;
  const char *email;
  const char *password;

  email = kbc_request_require_string (request, errors, "email", MAX_EMAIL_BYTES);
  password = kbc_request_require_string (request, errors, "password", KBC_PASSWORD_MAX_BYTES);
  if (errors->len > 0)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  if (!kbc_auth_check_begin (request, email))
    return;

  user = kbc_store_user_by_email (request->server->store, email, &error);
  if (error != NULL)
    {
      kbc_auth_check_cancel (request);
      kbc_request_reply_internal (request, error);
      return;
    }

  login = g_new0 (LoginData, 1);
  login->email = g_strdup (email);
  login->user_id = user != NULL ? user->id : 0;
  request->data = login;
  request->data_free = login_data_free;

  /* A missing account is checked against the dummy hash: the same work and
   * the same answer as a wrong password. */
  job = kbc_password_job_new ();
  job->password = g_strdup (password);
  job->encoded = user != NULL ? g_strdup (user->password_hash) : NULL;
  job->user_data = request;
  kbc_server_push_work (request->server, kbc_password_job_run, login_checked, job);
}

/* ---- POST /manage/auth/logout ---- */

static void
logout (KbcRequest *request)
{
  g_autoptr (GError) error = NULL;

  if (!kbc_store_token_delete (request->server->store, request->token->id, &error) &&
      !g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND))
    {
      kbc_request_reply_internal (request, error);
      return;
    }
  kbc_request_reply_empty (request, 204);
}

/* ---- GET /manage/tokens/verify ---- */

static void
verify (KbcRequest *request)
{
  kbc_request_reply_text (request, 200,
                          kbc_auth_token_text (request->token, request->user, request->mfa_enabled,
                                               NULL, request->now));
}

/* ---- GET /manage/auth/methods ---- */

/* Ours: a client asks before it sends a password, and a real stack (where
 * this is a 404) gets only tokens. */
static void
methods (KbcRequest *request)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "methods");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "password");
  json_builder_add_string_value (builder, "token");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  kbc_request_reply_json (request, 200, node);
}

/* ---- PUT /manage/current-user/password ---- */

static void
password_checked (gpointer data)
{
  g_autoptr (KbcPasswordJob) job = data;
  KbcRequest *request = job->user_data;
  KbcServer *server = request->server;
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (GError) error = NULL;

  if (job->verified)
    {
      if (!kbc_auth_check_passed (request))
        return;
    }
  else
    {
      kbc_auth_check_failed (request);
      kbc_field_errors_add (errors, "currentPassword", "currentPasswordWrong",
                            "The current password is not correct.");
    }
  for (guint i = 0; job->policy_problems != NULL && i < job->policy_problems->len; i++)
    {
      const KbcPasswordProblem *problem =
          &g_array_index (job->policy_problems, KbcPasswordProblem, i);

      kbc_field_errors_add (errors, "newPassword", problem->code, problem->message);
    }

  if (errors->len > 0 || job->new_hash == NULL)
    {
      /* The first broken rule is the headline. */
      kbc_request_reply_error (request, 400, "validationFailed",
                               g_array_index (errors, KbcFieldError, 0).message, errors);
      return;
    }

  if (!kbc_store_begin (server->store, &error) ||
      !kbc_store_user_set_password (server->store, request->user->id, job->new_hash, &error) ||
      !kbc_store_sessions_revoke_others (server->store, request->user->id, request->token->id,
                                         &error) ||
      /* A sign-in waiting for its second factor began with the old
       * password: it ends too. */
      !kbc_store_ticket_delete_user (server->store, request->user->id, &error) ||
      !kbc_server_notify_security (
          server->store, request->user->id, request->now, KBC_SECURITY_EVENT_PASSWORD_CHANGED,
          "Your password was changed",
          "The password of your account was changed, and your other sessions were signed out. "
          "If it was not you, reset your password at once and check your sign-in methods.",
          &error) ||
      !kbc_store_commit (server->store, &error))
    {
      kbc_store_rollback (server->store);
      kbc_request_reply_internal (request, error);
      return;
    }

  kbc_request_reply_empty (request, 204);
}

static void
change_password (KbcRequest *request)
{
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  KbcPasswordJob *job;
  const char *current;
  const char *new_password;

  current = kbc_request_require_string (request, errors, "currentPassword", KBC_PASSWORD_MAX_BYTES);
  new_password = kbc_request_require_string (request, errors, "newPassword", 0);
  if (errors->len > 0)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  if (!kbc_auth_check_begin (request, request->user->email))
    return;

  job = kbc_password_job_new ();
  job->password = g_strdup (current);
  job->encoded = g_strdup (request->user->password_hash);
  job->new_password = g_strdup (new_password);
  job->email = g_strdup (request->user->email);
  job->user_data = request;
  kbc_server_push_work (request->server, kbc_password_job_run, password_checked, job);
}

static const KbcRoute routes[] = {
  { "POST", "/manage/auth/login", KBC_ROUTE_JSON_BODY | KBC_ROUTE_HASHES, login },
  { "POST", "/manage/auth/logout", KBC_ROUTE_AUTH, logout },
  { "GET", "/manage/auth/methods", KBC_ROUTE_PUBLIC, methods },
  { "GET", "/manage/tokens/verify", KBC_ROUTE_AUTH | KBC_ROUTE_MFA_STATE, verify },
  { "PUT", "/manage/current-user/password", KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY | KBC_ROUTE_HASHES,
    change_password },
};

void
kbc_server_auth_register (KbcServer *server)
{
  kbc_server_add_routes (server, routes, G_N_ELEMENTS (routes));
}
