/* test-server-mfa.c: /manage/current-user/mfa and the MFA step of sign-in,
 * over real HTTP against a real kbc-account-server
 *
 * The codes are computed here with the core's KbcTotp from the secret the
 * server hands out, for chosen time steps: the server accepts now ± 1 step,
 * so a code for the step before or after the current one must pass and one
 * two steps away must not. Every code is computed at least 3 s before a step
 * boundary (see safe_step()), so the server sees the same current step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-db.h"
#include "kbc-test-utils.h"
#include "kbc-totp.h"

#include <sqlite3.h>
#include <string.h>

#define EMAIL    "ada@example.test"
#define NAME     "Ada Lovelace"
#define PASSWORD "Copper-Kettle-Morning-93"
#define WRONG_PW "Not-The-Password-1"

typedef struct
{
  KbcTestServer *server;
  gint64 user_id;
  char *token;    /* a session of the user */
  guint8 *secret; /* after enrol() */
  gsize secret_len;
  gint64 activated_step;
  GStrv recovery_codes;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  fixture->user_id = kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->token = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->secret, g_free);
  g_clear_pointer (&fixture->recovery_codes, g_strfreev);
}

/* The current time step, waiting first when the next boundary is less than
 * 3 s away. */
static gint64
safe_step (void)
{
  for (;;)
    {
      gint64 now_us = g_get_real_time ();
      gint64 into_step_us = now_us % (KBC_TOTP_PERIOD * G_USEC_PER_SEC);

      if (into_step_us <= (KBC_TOTP_PERIOD - 3) * G_USEC_PER_SEC)
        return kbc_totp_step_at (now_us / G_USEC_PER_SEC);
      g_usleep (KBC_TOTP_PERIOD * G_USEC_PER_SEC - into_step_us + 100 * 1000);
    }
}

static char *
code_at (Fixture *fixture, gint64 step)
{
  return kbc_totp_code_at_step (fixture->secret, fixture->secret_len, step);
}

/* A 6-digit code that is none of the codes the server would accept now. */
static char *
wrong_code (Fixture *fixture, gint64 step)
{
  for (guint candidate = 0;; candidate += 111111)
    {
      g_autofree char *code = g_strdup_printf ("%06u", candidate % 1000000);
      gboolean valid = FALSE;

      for (gint64 delta = -1; delta <= 1; delta++)
        {
          g_autofree char *real = code_at (fixture, step + delta);
          valid = valid || g_str_equal (real, code);
        }
      if (!valid)
        return g_steal_pointer (&code);
    }
}

static KbcTestResponse *
request (Fixture *fixture, const char *method, const char *path, const char *body)
{
  return kbc_test_server_request (fixture->server, method, path, fixture->token, body);
}

static void
assert_error (KbcTestResponse *response, guint status, const char *code, const char *field)
{
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, status);
  object = kbc_test_response_object (response);
  g_assert_nonnull (json_object_get_string_member (object, "error"));
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (object, "exceptionId"), "exception-"));
  if (code != NULL)
    g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, code);
  if (field != NULL)
    {
      JsonArray *errors = json_object_get_array_member (object, "errors");
      JsonObject *first;

      g_assert_nonnull (errors);
      g_assert_cmpuint (json_array_get_length (errors), ==, 1);
      first = json_array_get_object_element (errors, 0);
      g_assert_cmpstr (json_object_get_string_member (first, "key"), ==, field);
      g_assert_nonnull (json_object_get_string_member (first, "message"));
    }
}

static char *
password_body (const char *password)
{
  return g_strdup_printf ("{\"currentPassword\": \"%s\"}", password);
}

/* POST …/mfa/totp: keeps the secret in the fixture, returns the response. */
static KbcTestResponse *
enrol (Fixture *fixture)
{
  g_autofree char *body = password_body (PASSWORD);
  KbcTestResponse *response = request (fixture, "POST", "/manage/current-user/mfa/totp", body);
  g_autoptr (GError) error = NULL;
  const char *secret;

  g_assert_cmpuint (response->status, ==, 201);
  secret = kbc_test_response_string (response, "secret");
  g_assert_nonnull (secret);
  g_clear_pointer (&fixture->secret, g_free);
  fixture->secret = kbc_totp_base32_decode (secret, &fixture->secret_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->secret_len, ==, KBC_TOTP_SECRET_SIZE);
  return response;
}

static KbcTestResponse *
activate_with (Fixture *fixture, const char *code)
{
  g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\"}", code);

  return request (fixture, "POST", "/manage/current-user/mfa/totp/activate", body);
}

static GStrv
codes_of (KbcTestResponse *response)
{
  JsonArray *array =
      json_object_get_array_member (kbc_test_response_object (response), "recoveryCodes");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_assert_nonnull (array);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_strv_builder_add (builder, json_array_get_string_element (array, i));
  return g_strv_builder_end (builder);
}

/* Enrols and activates with the code of the current step. */
static void
enable_totp (Fixture *fixture)
{
  g_autoptr (KbcTestResponse) enrolled = enrol (fixture);
  g_autoptr (KbcTestResponse) activated = NULL;
  g_autofree char *code = NULL;

  fixture->activated_step = safe_step ();
  code = code_at (fixture, fixture->activated_step);
  activated = activate_with (fixture, code);
  g_assert_cmpuint (activated->status, ==, 200);
  g_clear_pointer (&fixture->recovery_codes, g_strfreev);
  fixture->recovery_codes = codes_of (activated);
}

static KbcTestResponse *
post_login (Fixture *fixture, const char *password)
{
  g_autofree char *body =
      g_strdup_printf ("{\"email\": \"" EMAIL "\", \"password\": \"%s\"}", password);

  return kbc_test_server_request (fixture->server, "POST", "/manage/auth/login", NULL, body);
}

/* Signs in with the password and returns the login ticket. */
static char *
login_ticket (Fixture *fixture)
{
  g_autoptr (KbcTestResponse) response = post_login (fixture, PASSWORD);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 200);
  object = kbc_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "mfa-required");
  g_assert_false (json_object_has_member (object, "token"));
  return g_strdup (json_object_get_string_member (object, "loginTicket"));
}

static KbcTestResponse *
login_mfa (Fixture *fixture, const char *ticket, const char *method, const char *code)
{
  g_autofree char *body = g_strdup_printf (
      "{\"loginTicket\": \"%s\", \"method\": \"%s\", \"code\": \"%s\"}", ticket, method, code);

  return kbc_test_server_request (fixture->server, "POST", "/manage/auth/login/mfa", NULL, body);
}

static gboolean
mfa_enabled_in_verify (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) who =
      kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);
  JsonObject *user;

  g_assert_cmpuint (who->status, ==, 200);
  user = json_object_get_object_member (kbc_test_response_object (who), "user");
  return json_object_get_boolean_member (user, "mfaEnabled");
}

static guint
token_status (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) who =
      kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);

  return who->status;
}

static gint64
db_count (Fixture *fixture, const char *sql)
{
  return kbc_test_db_int (fixture->server, sql, NULL);
}

/* ---- tests ---- */

static void
test_state_and_enrol (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) state = NULL;
  g_autoptr (KbcTestResponse) enrolled = NULL;
  g_autoptr (KbcTestResponse) pending = NULL;
  g_autofree char *expected_uri = NULL;
  g_autoptr (KbcTotpUri) parsed = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *object;
  const char *secret;
  const char *uri;

  state = request (fixture, "GET", "/manage/current-user/mfa", NULL);
  g_assert_cmpuint (state->status, ==, 200);
  object = kbc_test_response_object (state);
  g_assert_false (json_object_get_boolean_member (object, "enabled"));
  g_assert_false (
      json_object_get_boolean_member (json_object_get_object_member (object, "totp"), "enabled"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "devices")), ==,
                    0);
  g_assert_cmpint (json_object_get_int_member (object, "recoveryCodesRemaining"), ==, 0);

  enrolled = enrol (fixture);
  secret = kbc_test_response_string (enrolled, "secret");
  uri = kbc_test_response_string (enrolled, "otpauthUri");
  g_assert_true (g_regex_match_simple ("^[A-Z2-7]{32}$", secret, 0, 0));

  /* The Key URI format, exactly. */
  expected_uri = g_strdup_printf ("otpauth://totp/Keboola:" EMAIL "?secret=%s&issuer=Keboola"
                                  "&algorithm=SHA1&digits=6&period=30",
                                  secret);
  g_assert_cmpstr (uri, ==, expected_uri);
  parsed = kbc_totp_uri_parse (uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->issuer, ==, "Keboola");
  g_assert_cmpstr (parsed->account, ==, EMAIL);
  g_assert_cmpmem (parsed->secret, parsed->secret_len, fixture->secret, fixture->secret_len);

  /* Pending until activated. */
  pending = request (fixture, "GET", "/manage/current-user/mfa", NULL);
  g_assert_false (json_object_get_boolean_member (kbc_test_response_object (pending), "enabled"));
  g_assert_false (mfa_enabled_in_verify (fixture, fixture->token));
}

static void
test_activate_window (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    int delta;
    gboolean accepted;
  } cases[] = {
    { 0, TRUE },   /* now */
    { -1, TRUE },  /* now - 30 s */
    { 1, TRUE },   /* now + 30 s */
    { -2, FALSE }, /* now - 60 s */
    { 2, FALSE },  /* now + 60 s */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (KbcTestResponse) enrolled = enrol (fixture);
      g_autoptr (KbcTestResponse) response = NULL;
      g_autofree char *code = NULL;
      gint64 step;

      g_test_message ("step delta %d", cases[i].delta);
      step = safe_step ();
      code = code_at (fixture, step + cases[i].delta);
      response = activate_with (fixture, code);

      if (cases[i].accepted)
        {
          g_autofree char *body = password_body (PASSWORD);
          g_autoptr (KbcTestResponse) removed = NULL;
          g_auto (GStrv) codes = NULL;

          g_assert_cmpuint (response->status, ==, 200);
          g_assert_true (
              json_object_get_boolean_member (kbc_test_response_object (response), "enabled"));
          codes = codes_of (response);
          g_assert_cmpuint (g_strv_length (codes), ==, 10);
          g_assert_true (mfa_enabled_in_verify (fixture, fixture->token));

          /* Reset for the next case. */
          removed = request (fixture, "DELETE", "/manage/current-user/mfa/totp", body);
          g_assert_cmpuint (removed->status, ==, 204);
          g_assert_false (mfa_enabled_in_verify (fixture, fixture->token));
        }
      else
        {
          assert_error (response, 400, "invalidAuthenticationCode", "code");
          g_assert_false (mfa_enabled_in_verify (fixture, fixture->token));
        }
    }

  /* Not codes at all. */
  {
    g_autoptr (KbcTestResponse) enrolled = enrol (fixture);
    static const char *const junk[] = { "abcdef", "12345", "1234567", "", "12345a" };

    for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
      {
        g_autoptr (KbcTestResponse) response = activate_with (fixture, junk[i]);
        g_assert_cmpuint (response->status, ==, 400);
      }
  }
}

static void
test_code_single_use (Fixture *fixture, gconstpointer data)
{
  g_autofree char *used = NULL;
  g_autofree char *next = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *ticket2 = NULL;
  g_autoptr (KbcTestResponse) replay = NULL;
  g_autoptr (KbcTestResponse) signed_in = NULL;
  g_autoptr (KbcTestResponse) replay2 = NULL;
  const char *token;

  enable_totp (fixture);
  used = code_at (fixture, fixture->activated_step);

  /* The code that activated TOTP cannot sign in: the same code twice. */
  ticket = login_ticket (fixture);
  replay = login_mfa (fixture, ticket, "totp", used);
  assert_error (replay, 401, "invalidAuthenticationCode", "code");
  /* Replays are recorded. */
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM security_events"
                                      " WHERE type = 'totp-replay'"),
                   ==, 1);

  /* The next step's code is fresh (and within now ± 30 s, as the test runs
   * in far less than a step). */
  g_assert_cmpint (safe_step (), <=, fixture->activated_step + 1);
  next = code_at (fixture, fixture->activated_step + 1);
  signed_in = login_mfa (fixture, ticket, "totp", next);
  g_assert_cmpuint (signed_in->status, ==, 201);
  token = kbc_test_response_string (signed_in, "token");
  g_assert_true (g_regex_match_simple ("^[0-9]+-[A-Za-z0-9]{40}$", token, 0, 0));
  g_assert_true (mfa_enabled_in_verify (fixture, token));

  /* …once. */
  ticket2 = login_ticket (fixture);
  replay2 = login_mfa (fixture, ticket2, "totp", next);
  assert_error (replay2, 401, "invalidAuthenticationCode", "code");
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM security_events"
                                      " WHERE type = 'totp-replay'"),
                   ==, 2);
}

static void
test_login_answer (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcTestResponse) response = NULL;
  g_autofree char *keys = NULL;
  JsonObject *object;
  JsonArray *methods;

  enable_totp (fixture);
  response = post_login (fixture, PASSWORD);
  g_assert_cmpuint (response->status, ==, 200);
  object = kbc_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "mfa-required");
  g_assert_true (g_regex_match_simple (
      "^[A-Za-z0-9]{40}$", json_object_get_string_member (object, "loginTicket"), 0, 0));
  methods = json_object_get_array_member (object, "methods");
  g_assert_cmpuint (json_array_get_length (methods), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (methods, 0), ==, "totp");
  g_assert_cmpstr (json_array_get_string_element (methods, 1), ==, "recovery");

  /* A wrong password still gets the plain 401, no ticket. */
  {
    g_autoptr (KbcTestResponse) wrong = post_login (fixture, WRONG_PW);
    assert_error (wrong, 401, NULL, NULL);
  }
}

static void
test_recovery_codes (Fixture *fixture, gconstpointer data)
{
  g_autofree char *ticket = NULL;
  g_autoptr (KbcTestResponse) first = NULL;
  g_autoptr (KbcTestResponse) again = NULL;
  g_autoptr (KbcTestResponse) shouted = NULL;
  g_autoptr (KbcTestResponse) state = NULL;
  g_autoptr (KbcTestResponse) regenerated = NULL;
  g_autoptr (KbcTestResponse) old = NULL;
  g_autoptr (KbcTestResponse) fresh = NULL;
  g_autoptr (GString) loud = NULL;
  g_auto (GStrv) new_codes = NULL;
  g_autofree char *body = password_body (PASSWORD);

  enable_totp (fixture);
  g_assert_cmpuint (g_strv_length (fixture->recovery_codes), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_assert_true (g_regex_match_simple ("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$",
                                           fixture->recovery_codes[i], 0, 0));
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (fixture->recovery_codes[i], !=, fixture->recovery_codes[j]);
    }

  /* Stored only as salted hashes (test_secrets_at_rest looks for the codes). */
  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM recovery_codes"
                                      " WHERE length(salt) >= 16 AND length(hash) = 32"),
                   ==, 10);

  ticket = login_ticket (fixture);
  first = login_mfa (fixture, ticket, "recovery", fixture->recovery_codes[0]);
  g_assert_cmpuint (first->status, ==, 201);

  state = request (fixture, "GET", "/manage/current-user/mfa", NULL);
  g_assert_cmpint (
      json_object_get_int_member (kbc_test_response_object (state), "recoveryCodesRemaining"), ==,
      9);

  /* Each code works once. */
  g_clear_pointer (&ticket, g_free);
  ticket = login_ticket (fixture);
  again = login_mfa (fixture, ticket, "recovery", fixture->recovery_codes[0]);
  assert_error (again, 401, "invalidAuthenticationCode", "code");

  /* Typed without dashes, in capitals: still the code. */
  loud = g_string_new (fixture->recovery_codes[1]);
  g_string_replace (loud, "-", "", 0);
  g_string_ascii_up (loud);
  shouted = login_mfa (fixture, ticket, "recovery", loud->str);
  g_assert_cmpuint (shouted->status, ==, 201);

  /* Regenerating kills the old set. */
  regenerated = request (fixture, "POST", "/manage/current-user/mfa/recovery-codes", body);
  g_assert_cmpuint (regenerated->status, ==, 200);
  new_codes = codes_of (regenerated);
  g_assert_cmpuint (g_strv_length (new_codes), ==, 10);

  g_clear_pointer (&ticket, g_free);
  ticket = login_ticket (fixture);
  old = login_mfa (fixture, ticket, "recovery", fixture->recovery_codes[2]);
  assert_error (old, 401, "invalidAuthenticationCode", "code");
  fresh = login_mfa (fixture, ticket, "recovery", new_codes[0]);
  g_assert_cmpuint (fresh->status, ==, 201);

  {
    g_autoptr (KbcTestResponse) after = request (fixture, "GET", "/manage/current-user/mfa", NULL);
    g_assert_cmpint (
        json_object_get_int_member (kbc_test_response_object (after), "recoveryCodesRemaining"), ==,
        9);
  }
}

static void
test_wrong_password (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *method;
    const char *path;
  } calls[] = {
    { "POST", "/manage/current-user/mfa/totp" },
    { "DELETE", "/manage/current-user/mfa/totp" },
    { "POST", "/manage/current-user/mfa/recovery-codes" },
    { "DELETE", "/manage/current-user/mfa" },
  };
  g_autofree char *wrong = password_body (WRONG_PW);

  enable_totp (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr (KbcTestResponse) response = NULL;
      g_autoptr (KbcTestResponse) missing = NULL;

      g_test_message ("%s %s", calls[i].method, calls[i].path);
      response = request (fixture, calls[i].method, calls[i].path, wrong);
      assert_error (response, 400, NULL, "currentPassword");
      missing = request (fixture, calls[i].method, calls[i].path, "{}");
      assert_error (missing, 400, NULL, "currentPassword");
    }

  /* Nothing changed. */
  g_assert_true (mfa_enabled_in_verify (fixture, fixture->token));
  {
    g_autoptr (KbcTestResponse) state = request (fixture, "GET", "/manage/current-user/mfa", NULL);
    g_assert_cmpint (
        json_object_get_int_member (kbc_test_response_object (state), "recoveryCodesRemaining"), ==,
        10);
  }
}

static void
test_ticket_attempts (Fixture *fixture, gconstpointer data)
{
  g_autofree char *ticket = NULL;
  g_autofree char *ticket2 = NULL;
  g_autofree char *right = NULL;
  g_autofree char *wrong = NULL;
  g_autoptr (KbcTestResponse) dead = NULL;
  g_autoptr (KbcTestResponse) fresh = NULL;
  gint64 step;

  enable_totp (fixture);
  ticket = login_ticket (fixture);

  step = safe_step ();
  wrong = wrong_code (fixture, step);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (KbcTestResponse) response = login_mfa (fixture, ticket, "totp", wrong);
      assert_error (response, 401, "invalidAuthenticationCode", "code");
      g_assert_cmpint (
          json_object_get_int_member (kbc_test_response_object (response), "remainingAttempts"), ==,
          4 - i);
    }

  /* The ticket died after five wrong codes: even the right one fails now. */
  step = safe_step ();
  right = code_at (fixture, MAX (step, fixture->activated_step + 1));
  dead = login_mfa (fixture, ticket, "totp", right);
  assert_error (dead, 401, "loginTicketInvalid", NULL);

  /* A new sign-in gets a new ticket. */
  ticket2 = login_ticket (fixture);
  g_assert_cmpint (safe_step (), <=, fixture->activated_step + 1);
  fresh = login_mfa (fixture, ticket2, "totp", right);
  g_assert_cmpuint (fresh->status, ==, 201);
}

static void
test_ticket_expiry (Fixture *fixture, gconstpointer data)
{
  g_autofree char *ticket = NULL;
  g_autofree char *right = NULL;
  g_autofree char *out = NULL;
  g_autoptr (KbcTestResponse) expired = NULL;
  g_autoptr (KbcTestResponse) forged = NULL;
  g_autoptr (KbcTestResponse) missing = NULL;

  enable_totp (fixture);
  ticket = login_ticket (fixture);

  /* `login-ticket expire` ends pending sign-ins now, as 5 minutes would. */
  out = kbc_test_server_admin (fixture->server, NULL, "login-ticket", "expire", "--email", EMAIL,
                               NULL);
  g_assert_cmpint (g_ascii_strtoll (out, NULL, 10), ==, fixture->user_id);

  right = code_at (fixture, MAX (safe_step (), fixture->activated_step + 1));
  expired = login_mfa (fixture, ticket, "totp", right);
  assert_error (expired, 401, "loginTicketInvalid", NULL);

  forged = login_mfa (fixture, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "totp", right);
  assert_error (forged, 401, "loginTicketInvalid", NULL);

  missing = kbc_test_server_request (fixture->server, "POST", "/manage/auth/login/mfa", NULL,
                                     "{\"method\": \"totp\"}");
  g_assert_cmpuint (missing->status, ==, 400);
}

static void
test_ticket_lifetime (void)
{
  /* The same with a real clock: tickets live --ticket-lifetime seconds. */
  g_autoptr (KbcTestServer) server = kbc_test_server_new_with_args ("--ticket-lifetime", "1", NULL);
  Fixture fixture = { server, 0 };
  g_autofree char *ticket = NULL;
  g_autoptr (KbcTestResponse) expired = NULL;

  fixture.user_id = kbc_test_server_add_user (server, EMAIL, NAME, PASSWORD);
  fixture.token = kbc_test_server_login (server, EMAIL, PASSWORD);
  enable_totp (&fixture);
  ticket = login_ticket (&fixture);

  /* Two seconds is past the one-second lifetime whatever the rounding. */
  g_usleep (2100 * 1000);
  {
    g_autofree char *right = code_at (&fixture, MAX (safe_step (), fixture.activated_step + 1));
    expired = login_mfa (&fixture, ticket, "totp", right);
    assert_error (expired, 401, "loginTicketInvalid", NULL);
  }

  fixture.server = NULL;
  fixture_tear_down (&fixture, NULL);
}

static void
test_shared_rate_limit (Fixture *fixture, gconstpointer data)
{
  g_autofree char *ticket = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *right = NULL;
  g_autoptr (KbcTestResponse) limited = NULL;
  g_autoptr (KbcTestResponse) limited_login = NULL;
  gint64 step;

  enable_totp (fixture);

  /* The ticket first: a right password forgives the client's failures
   * before it. */
  ticket = login_ticket (fixture);
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr (KbcTestResponse) response = post_login (fixture, WRONG_PW);
      assert_error (response, 401, NULL, NULL);
    }

  step = safe_step ();
  wrong = wrong_code (fixture, step);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (KbcTestResponse) response = login_mfa (fixture, ticket, "totp", wrong);
      assert_error (response, 401, "invalidAuthenticationCode", NULL);
      /* The count is exact: the account's limit comes before the ticket's. */
      g_assert_cmpint (
          json_object_get_int_member (kbc_test_response_object (response), "remainingAttempts"), ==,
          1 - i);
    }

  /* Ten failures of either kind: the right code is refused too. */
  right = code_at (fixture, MAX (step, fixture->activated_step + 1));
  limited = login_mfa (fixture, ticket, "totp", right);
  assert_error (limited, 429, NULL, NULL);
  g_assert_nonnull (limited->retry_after);
  g_assert_cmpint (g_ascii_strtoll (limited->retry_after, NULL, 10), >, 0);

  limited_login = post_login (fixture, PASSWORD);
  assert_error (limited_login, 429, NULL, NULL);
}

static void
test_sessions_revoked (Fixture *fixture, gconstpointer data)
{
  g_autofree char *other = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *ticket = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = password_body (PASSWORD);
  g_autoptr (KbcTestResponse) signed_in = NULL;
  g_autoptr (KbcTestResponse) disabled = NULL;
  g_autoptr (KbcTestResponse) state = NULL;
  g_autoptr (KbcTestResponse) plain_login = NULL;
  const char *third;

  g_assert_cmpuint (token_status (fixture, other), ==, 200);

  /* Enabling a factor ends the other sessions, not the calling one. */
  enable_totp (fixture);
  g_assert_cmpuint (token_status (fixture, other), ==, 401);
  g_assert_cmpuint (token_status (fixture, fixture->token), ==, 200);
  g_assert_true (mfa_enabled_in_verify (fixture, fixture->token));

  ticket = login_ticket (fixture);
  g_assert_cmpint (safe_step (), <=, fixture->activated_step + 1);
  code = code_at (fixture, fixture->activated_step + 1);
  signed_in = login_mfa (fixture, ticket, "totp", code);
  g_assert_cmpuint (signed_in->status, ==, 201);
  third = kbc_test_response_string (signed_in, "token");

  /* So does disabling. */
  disabled = request (fixture, "DELETE", "/manage/current-user/mfa", body);
  g_assert_cmpuint (disabled->status, ==, 204);
  g_assert_cmpuint (token_status (fixture, third), ==, 401);
  g_assert_false (mfa_enabled_in_verify (fixture, fixture->token));

  state = request (fixture, "GET", "/manage/current-user/mfa", NULL);
  g_assert_false (json_object_get_boolean_member (kbc_test_response_object (state), "enabled"));
  g_assert_cmpint (
      json_object_get_int_member (kbc_test_response_object (state), "recoveryCodesRemaining"), ==,
      0);

  /* And sign-in no longer asks for a code. */
  plain_login = post_login (fixture, PASSWORD);
  g_assert_cmpuint (plain_login->status, ==, 201);
}

static void
test_activation_belongs_to_session (Fixture *fixture, gconstpointer data)
{
  g_autofree char *other = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autoptr (KbcTestResponse) enrolled = enrol (fixture);
  g_autoptr (KbcTestResponse) stolen = NULL;
  g_autoptr (KbcTestResponse) own = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;

  code = code_at (fixture, safe_step ());
  body = g_strdup_printf ("{\"code\": \"%s\"}", code);
  stolen = kbc_test_server_request (fixture->server, "POST",
                                    "/manage/current-user/mfa/totp/activate", other, body);
  assert_error (stolen, 400, "mfaTotpNotPending", NULL);

  own = activate_with (fixture, code);
  g_assert_cmpuint (own->status, ==, 200);
}

static void
test_reconfigure (Fixture *fixture, gconstpointer data)
{
  g_autofree char *body = password_body (PASSWORD);
  g_autofree guint8 *old_secret = NULL;
  g_autoptr (KbcTestResponse) again = NULL;
  g_autoptr (KbcTestResponse) removed = NULL;
  g_autoptr (KbcTestResponse) removed_twice = NULL;
  g_autoptr (KbcTestResponse) enrolled = NULL;

  enable_totp (fixture);
  old_secret = g_memdup2 (fixture->secret, fixture->secret_len);

  /* Enrolling over an active TOTP is refused… */
  again = request (fixture, "POST", "/manage/current-user/mfa/totp", body);
  assert_error (again, 400, "mfaTotpAlreadyEnabled", NULL);

  /* …reconfiguring is delete, then enrol. */
  removed = request (fixture, "DELETE", "/manage/current-user/mfa/totp", body);
  g_assert_cmpuint (removed->status, ==, 204);
  g_assert_false (mfa_enabled_in_verify (fixture, fixture->token));
  removed_twice = request (fixture, "DELETE", "/manage/current-user/mfa/totp", body);
  assert_error (removed_twice, 404, NULL, NULL);

  enrolled = enrol (fixture);
  g_assert_false (memcmp (old_secret, fixture->secret, fixture->secret_len) == 0);
  {
    g_autoptr (KbcTestResponse) state = request (fixture, "GET", "/manage/current-user/mfa", NULL);
    /* The old factor's recovery codes died with it. */
    g_assert_cmpint (
        json_object_get_int_member (kbc_test_response_object (state), "recoveryCodesRemaining"), ==,
        0);
  }
}

/* Security keys are registered through issue 4's routes; until then a row
 * written straight into the database stands for one. */
static gint64
insert_device (Fixture *fixture, const char *name)
{
  sqlite3_stmt *stmt;
  sqlite3 *db;
  gint64 id;

  g_assert_cmpint (sqlite3_open (kbc_test_server_get_db (fixture->server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO mfa_devices (user_id, name, credential_id,"
                                       " public_key, aaguid, created) VALUES (?1, ?2,"
                                       " randomblob (32), x'a5', ?3, strftime ('%s', 'now'))",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, fixture->user_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, "00000000-0000-0000-0000-000000000000", -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  id = sqlite3_last_insert_rowid (db);
  sqlite3_close (db);
  return id;
}

static void
test_devices (Fixture *fixture, gconstpointer data)
{
  gint64 id = insert_device (fixture, "Blue key");
  g_autofree char *path =
      g_strdup_printf ("/manage/current-user/mfa/devices/%" G_GINT64_FORMAT, id);
  g_autofree char *wrong = password_body (WRONG_PW);
  g_autofree char *right = password_body (PASSWORD);
  g_autoptr (KbcTestResponse) list = NULL;
  g_autoptr (KbcTestResponse) state = NULL;
  g_autoptr (KbcTestResponse) renamed = NULL;
  g_autoptr (KbcTestResponse) blank = NULL;
  g_autoptr (KbcTestResponse) unknown = NULL;
  g_autoptr (KbcTestResponse) not_a_number = NULL;
  g_autoptr (KbcTestResponse) refused = NULL;
  g_autoptr (KbcTestResponse) removed = NULL;
  g_autoptr (KbcTestResponse) after = NULL;
  JsonObject *device;

  list = request (fixture, "GET", "/manage/current-user/mfa/devices", NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (list->json));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list->json)), ==, 1);
  device = json_array_get_object_element (json_node_get_array (list->json), 0);
  g_assert_cmpint (json_object_get_int_member (device, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (device, "name"), ==, "Blue key");
  g_assert_cmpstr (json_object_get_string_member (device, "type"), ==, "u2f");
  g_assert_nonnull (json_object_get_string_member (device, "created"));
  g_assert_true (json_object_get_null_member (device, "lastUsed"));
  g_assert_cmpstr (json_object_get_string_member (device, "aaguid"), ==,
                   "00000000-0000-0000-0000-000000000000");
  /* A row without a format (a key registered before it was kept). */
  g_assert_true (json_object_get_null_member (device, "format"));

  /* A key is a factor: MFA is on. */
  state = request (fixture, "GET", "/manage/current-user/mfa", NULL);
  g_assert_true (json_object_get_boolean_member (kbc_test_response_object (state), "enabled"));
  g_assert_true (mfa_enabled_in_verify (fixture, fixture->token));

  renamed = request (fixture, "PATCH", path, "{\"name\": \"  Red key \"}");
  g_assert_cmpuint (renamed->status, ==, 200);
  g_assert_cmpstr (kbc_test_response_string (renamed, "name"), ==, "Red key");
  blank = request (fixture, "PATCH", path, "{\"name\": \"   \"}");
  assert_error (blank, 400, NULL, "name");
  unknown =
      request (fixture, "PATCH", "/manage/current-user/mfa/devices/999999", "{\"name\": \"x\"}");
  assert_error (unknown, 404, NULL, NULL);
  not_a_number =
      request (fixture, "PATCH", "/manage/current-user/mfa/devices/abc", "{\"name\": \"x\"}");
  assert_error (not_a_number, 404, NULL, NULL);

  /* Removing needs the password; removing the last factor turns MFA off. */
  refused = request (fixture, "DELETE", path, wrong);
  assert_error (refused, 400, NULL, "currentPassword");
  removed = request (fixture, "DELETE", path, right);
  g_assert_cmpuint (removed->status, ==, 204);
  after = request (fixture, "GET", "/manage/current-user/mfa", NULL);
  g_assert_false (json_object_get_boolean_member (kbc_test_response_object (after), "enabled"));
  g_assert_false (mfa_enabled_in_verify (fixture, fixture->token));
}

static gboolean
file_contains (const char *path, const guint8 *needle, gsize needle_len)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  for (gsize i = 0; needle_len <= len && i <= len - needle_len; i++)
    if (memcmp (contents + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static void
test_secrets_at_rest (Fixture *fixture, gconstpointer data)
{
  const char *db = kbc_test_server_get_db (fixture->server);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *base32 = NULL;
  const char *paths[] = { db, wal };

  enable_totp (fixture);
  base32 = kbc_totp_base32_encode (fixture->secret, fixture->secret_len);

  g_assert_cmpint (db_count (fixture, "SELECT count(*) FROM mfa_totp WHERE enabled = 1"), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_assert_false (file_contains (paths[i], fixture->secret, fixture->secret_len));
      g_assert_false (file_contains (paths[i], (const guint8 *) base32, strlen (base32)));
      for (guint j = 0; fixture->recovery_codes[j] != NULL; j++)
        {
          g_autoptr (GString) plain = g_string_new (fixture->recovery_codes[j]);

          g_string_replace (plain, "-", "", 0);
          g_assert_false (file_contains (paths[i], (const guint8 *) fixture->recovery_codes[j],
                                         strlen (fixture->recovery_codes[j])));
          g_assert_false (file_contains (paths[i], (const guint8 *) plain->str, plain->len));
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/server-mfa/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  /* Two groups, run as two meson tests (-p) so that each stays short. */
  ADD ("settings/state-and-enrol", test_state_and_enrol);
  ADD ("settings/activate-window", test_activate_window);
  ADD ("settings/wrong-password", test_wrong_password);
  ADD ("settings/activation-belongs-to-session", test_activation_belongs_to_session);
  ADD ("settings/reconfigure", test_reconfigure);
  ADD ("settings/secrets-at-rest", test_secrets_at_rest);
  ADD ("settings/sessions-revoked", test_sessions_revoked);
  ADD ("settings/devices", test_devices);
  ADD ("sign-in/code-single-use", test_code_single_use);
  ADD ("sign-in/login-answer", test_login_answer);
  ADD ("sign-in/recovery-codes", test_recovery_codes);
  ADD ("sign-in/ticket-attempts", test_ticket_attempts);
  ADD ("sign-in/ticket-expiry", test_ticket_expiry);
  ADD ("sign-in/shared-rate-limit", test_shared_rate_limit);
  g_test_add_func ("/kbc/server-mfa/sign-in/ticket-lifetime", test_ticket_lifetime);

#undef ADD

  return g_test_run ();
}
