/* test-tokens.c: KbcTokens against the real server: one GET, changes in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-error.h"
#include "kbc-test-utils.h"
#include "kbc-tokens.h"

#include <string.h>

#define EMAIL    "tokens@example.com"
#define NAME     "Toke N. Holder"
#define PASSWORD "Lantern-Violet-Harbour-58"

typedef struct
{
  KbcTestServer *server;
  KbcAccount *account;
  KbcTokens *tokens;
  guint refreshes; /* times loading went TRUE */
} Fixture;

static void
on_loading (KbcTokens *tokens, GParamSpec *pspec, Fixture *fixture)
{
  if (kbc_resource_get_loading (KBC_RESOURCE (tokens)))
    fixture->refreshes++;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->account = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  fixture->tokens = g_object_ref (kbc_account_get_tokens (fixture->account));
  g_assert_true (kbc_account_get_tokens (fixture->account) == fixture->tokens);
  g_signal_connect (fixture->tokens, "notify::loading", G_CALLBACK (on_loading), fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_signal_handlers_disconnect_by_data (fixture->tokens, fixture);
  g_clear_object (&fixture->tokens);
  g_clear_object (&fixture->account);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static KbcNewToken *
create (KbcTokens *tokens, const char *description, gint64 expires_in, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_tokens_create_async (tokens, description, expires_in, NULL, kbc_test_on_done, &result);
  return kbc_tokens_create_finish (tokens, kbc_test_wait_for (&result), error);
}

static gboolean delete (KbcTokens *tokens, KbcToken *token, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_tokens_delete_async (tokens, token, NULL, kbc_test_on_done, &result);
  return kbc_tokens_delete_finish (tokens, kbc_test_wait_for (&result), error);
}

static int
sign_out_others (KbcTokens *tokens, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_tokens_sign_out_others_async (tokens, NULL, kbc_test_on_done, &result);
  return kbc_tokens_sign_out_others_finish (tokens, kbc_test_wait_for (&result), error);
}

static guint
n_items (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fixture->tokens));
}

static KbcToken *
item_at (Fixture *fixture, guint position)
{
  g_autoptr (KbcToken) token = g_list_model_get_item (G_LIST_MODEL (fixture->tokens), position);

  return token; /* the list keeps its reference */
}

static guint
verify_status (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) response =
      kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);

  return response->status;
}

static gint64
id_of (const char *token)
{
  return g_ascii_strtoll (token, NULL, 10);
}

/* One GET: the session of this account, marked, with where it came from,
 * and a personal token. */
static void
test_refresh (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *personal = kbc_test_server_admin (fixture->server, NULL, "token", "add",
                                                     "--email", EMAIL, "--description", "CI", NULL);
  g_autofree char *agent_prefix = g_strdup_printf ("KBC Account/%s (", PACKAGE_VERSION);
  KbcToken *session;
  KbcToken *token;

  g_assert_false (kbc_resource_get_loaded (KBC_RESOURCE (fixture->tokens)));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->tokens)) == KBC_TYPE_TOKEN);
  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->refreshes, ==, 1);
  g_assert_cmpuint (n_items (fixture), ==, 2);

  session = kbc_tokens_find (fixture->tokens, id_of (kbc_account_get_token (fixture->account)));
  g_assert_nonnull (session);
  g_assert_true (kbc_token_get_is_current (session));
  g_assert_true (kbc_token_get_is_session_token (session));
  g_assert_false (kbc_token_get_is_expired (session));
  g_assert_nonnull (kbc_token_get_created (session));
  g_assert_nonnull (kbc_token_get_expires (session));
  /* The app names itself, so the session is recognisable in the list. */
  g_assert_true (g_str_has_prefix (kbc_token_get_client_name (session), agent_prefix));
  g_assert_true (g_str_has_suffix (kbc_token_get_client_name (session), ")"));
  g_assert_cmpstr (kbc_token_get_client_address (session), ==, "127.0.0.1");

  token = kbc_tokens_find (fixture->tokens, id_of (personal));
  g_assert_nonnull (token);
  g_assert_false (kbc_token_get_is_current (token));
  g_assert_false (kbc_token_get_is_session_token (token));
  g_assert_cmpstr (kbc_token_get_description (token), ==, "CI");
  g_assert_null (kbc_token_get_last_used (token));
  g_assert_null (kbc_token_get_client_name (token));
  /* Newest first. */
  g_assert_true (item_at (fixture, 0) == token);
}

/* Create: the list grows in place, the secret comes once and works. */
static void
test_create (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcNewToken) created = NULL;
  g_autoptr (KbcNewToken) copy = NULL;
  guint changes = 0;

  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  g_signal_connect_swapped (fixture->tokens, "items-changed", G_CALLBACK (kbc_test_count),
                            &changes);

  created = create (fixture->tokens, "Nightly export", 7 * 24 * 3600, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_true (g_regex_match_simple ("^[0-9]+-[A-Za-z0-9]{40}$", created->secret, 0, 0));
  g_assert_cmpint (kbc_token_get_id (created->token), ==, id_of (created->secret));
  g_assert_cmpstr (kbc_token_get_description (created->token), ==, "Nightly export");
  g_assert_false (kbc_token_get_is_session_token (created->token));
  g_assert_false (kbc_token_get_is_current (created->token));
  g_assert_cmpint (g_date_time_difference (kbc_token_get_expires (created->token),
                                           kbc_token_get_created (created->token)),
                   ==, 7 * 24 * 3600 * G_TIME_SPAN_SECOND);

  /* In place, at the top, without another GET. */
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (n_items (fixture), ==, 2);
  g_assert_true (item_at (fixture, 0) == created->token);
  g_assert_cmpuint (fixture->refreshes, ==, 1);

  g_assert_cmpuint (verify_status (fixture, created->secret), ==, 200);

  /* The boxed copy is a copy. */
  copy = g_boxed_copy (KBC_TYPE_NEW_TOKEN, created);
  g_assert_cmpstr (copy->secret, ==, created->secret);
  g_assert_true (copy->token == created->token);

  /* A refresh keeps the object. */
  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  g_assert_true (kbc_tokens_find (fixture->tokens, kbc_token_get_id (created->token)) ==
                 created->token);
  g_signal_handlers_disconnect_by_data (fixture->tokens, &changes);
}

/* What the server refuses comes back in the app's words; the list stays. */
static void
test_create_refused (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *description;
    gint64 expires_in;
    const char *message;
  } cases[] = {
    { "Too short", 3599, "A token must be valid for at least an hour." },
    { "Too long", 365 * 24 * 3600 + 1, "A token can be valid for a year at most." },
    { "   ", 3600, "Give the token a name." },
    { "Two\nlines", 3600, "The name must be a single line of text." },
  };
  g_autoptr (GError) error = NULL;

  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (KbcNewToken) created =
          create (fixture->tokens, cases[i].description, cases[i].expires_in, &error);

      g_assert_null (created);
      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_clear_error (&error);
    }
  g_assert_cmpuint (n_items (fixture), ==, 1);
  g_assert_true (kbc_account_get_signed_in (fixture->account));
}

/* Delete: out of the list in place; the token stops working. Gone
 * already is as good. */
static void
test_delete (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcNewToken) first = create (fixture->tokens, "First", 3600, &error);
  g_autoptr (KbcNewToken) second = create (fixture->tokens, "Second", 3600, &error);
  g_autofree char *second_path = g_strdup_printf ("/manage/current-user/tokens/%" G_GINT64_FORMAT,
                                                  kbc_token_get_id (second->token));

  g_assert_no_error (error);
  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  g_assert_cmpuint (n_items (fixture), ==, 3);

  g_assert_true (delete (fixture->tokens, first->token, &error));
  g_assert_no_error (error);
  g_assert_null (kbc_tokens_find (fixture->tokens, kbc_token_get_id (first->token)));
  g_assert_cmpuint (n_items (fixture), ==, 2);
  g_assert_cmpuint (verify_status (fixture, first->secret), ==, 401);
  g_assert_cmpuint (verify_status (fixture, second->secret), ==, 200);

  /* Deleted elsewhere first. */
  {
    g_autoptr (KbcTestResponse) response = kbc_test_server_request (
        fixture->server, "DELETE", second_path, kbc_account_get_token (fixture->account), NULL);
    g_assert_cmpuint (response->status, ==, 204);
  }
  g_assert_true (delete (fixture->tokens, second->token, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_items (fixture), ==, 1);
  g_assert_cmpuint (fixture->refreshes, ==, 1);
}

/* A refresh updates the items a row would be bound to. */
static void
test_update_in_place (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *personal = kbc_test_server_admin (
      fixture->server, NULL, "token", "add", "--email", EMAIL, "--description", "Soon used", NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, id_of (personal));
  g_autofree char *out = NULL;
  guint last_used_notes = 0;
  guint expired_notes = 0;
  KbcToken *token;

  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  token = kbc_tokens_find (fixture->tokens, id_of (personal));
  g_assert_null (kbc_token_get_last_used (token));
  g_signal_connect_swapped (token, "notify::last-used", G_CALLBACK (kbc_test_count),
                            &last_used_notes);
  g_signal_connect_swapped (token, "notify::is-expired", G_CALLBACK (kbc_test_count),
                            &expired_notes);

  g_assert_cmpuint (verify_status (fixture, personal), ==, 200);
  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  g_assert_true (kbc_tokens_find (fixture->tokens, id_of (personal)) == token);
  g_assert_nonnull (kbc_token_get_last_used (token));
  g_assert_cmpuint (last_used_notes, ==, 1);

  out = kbc_test_server_admin (fixture->server, NULL, "token", "expire", "--id", id, NULL);
  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  g_assert_true (kbc_tokens_find (fixture->tokens, id_of (personal)) == token);
  g_assert_true (kbc_token_get_is_expired (token));
  g_assert_cmpuint (expired_notes, ==, 1);
  g_assert_cmpuint (last_used_notes, ==, 1);
  g_signal_handlers_disconnect_by_data (token, &last_used_notes);
  g_signal_handlers_disconnect_by_data (token, &expired_notes);
}

/* Every other session goes, one DELETE each; this one and personal tokens stay. */
static void
test_sign_out_others (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *laptop = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  g_autofree char *personal = kbc_test_server_admin (fixture->server, NULL, "token", "add",
                                                     "--email", EMAIL, "--description", "CI", NULL);
  g_autofree char *phone = NULL;
  g_autofree char *log = NULL;
  const char *deletes;

  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  g_assert_cmpuint (n_items (fixture), ==, 3);
  /* One more signs in after the list was read: it goes too. */
  phone = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);

  g_assert_cmpint (sign_out_others (fixture->tokens, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (verify_status (fixture, laptop), ==, 401);
  g_assert_cmpuint (verify_status (fixture, phone), ==, 401);
  g_assert_cmpuint (verify_status (fixture, personal), ==, 200);
  g_assert_cmpuint (verify_status (fixture, kbc_account_get_token (fixture->account)), ==, 200);
  g_assert_cmpuint (n_items (fixture), ==, 2);
  g_assert_nonnull (kbc_tokens_find (fixture->tokens, id_of (personal)));
  g_assert_true (kbc_account_get_signed_in (fixture->account));

  log = kbc_test_server_get_log (fixture->server);
  deletes = strstr (log, "DELETE /manage/current-user/tokens/");
  g_assert_nonnull (deletes);

  /* Nothing left to sign out. */
  g_assert_cmpint (sign_out_others (fixture->tokens, &error), ==, 0);
  g_assert_no_error (error);
}

/* A failed refresh keeps the list and says why. */
static void
test_refresh_fails (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  KbcToken *session;

  g_assert_true (kbc_test_refresh (fixture->tokens, &error));
  session = item_at (fixture, 0);
  kbc_test_server_stop (fixture->server);

  g_assert_false (kbc_test_refresh (fixture->tokens, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NETWORK);
  g_assert_nonnull (kbc_resource_get_error (KBC_RESOURCE (fixture->tokens)));
  g_assert_true (kbc_resource_get_offered (KBC_RESOURCE (fixture->tokens)));
  g_assert_cmpuint (n_items (fixture), ==, 1);
  g_assert_true (item_at (fixture, 0) == session);
}

/* A stack that keeps tokens in its web page: not offered, no error. */
static void
test_not_offered (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new_with_args ("--published-only", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcAccount) account = NULL;
  g_autoptr (GAsyncResult) adopted = NULL;
  g_autofree char *token = NULL;
  KbcTokens *tokens;

  kbc_test_server_add_user (server, EMAIL, NAME, PASSWORD);
  token = kbc_test_server_admin (server, NULL, "token", "add", "--email", EMAIL, "--description",
                                 "Stack", NULL);
  account = kbc_account_new (kbc_test_server_get_url (server), &error);
  g_assert_no_error (error);
  kbc_account_adopt_token_async (account, token, NULL, kbc_test_on_done, &adopted);
  g_assert_true (kbc_account_adopt_token_finish (account, kbc_test_wait_for (&adopted), &error));

  tokens = kbc_account_get_tokens (account);
  g_assert_false (kbc_test_refresh (tokens, &error));
  g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_NOT_OFFERED);
  g_assert_false (kbc_resource_get_offered (KBC_RESOURCE (tokens)));
  g_assert_null (kbc_resource_get_error (KBC_RESOURCE (tokens)));
  g_assert_false (kbc_resource_get_loaded (KBC_RESOURCE (tokens)));
  g_assert_true (kbc_account_get_signed_in (account));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kbc/tokens/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("refresh", test_refresh);
  ADD ("create", test_create);
  ADD ("create-refused", test_create_refused);
  ADD ("delete", test_delete);
  ADD ("update-in-place", test_update_in_place);
  ADD ("sign-out-others", test_sign_out_others);
  ADD ("refresh-fails", test_refresh_fails);
  g_test_add_func ("/kbc/tokens/not-offered", test_not_offered);

#undef ADD

  return g_test_run ();
}
