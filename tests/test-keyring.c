/* test-keyring.c: KbcKeyring on the real Secret Service
 *
 * Runs in the session build-aux/headless.sh provides: a private D-Bus with an
 * unlocked gnome-keyring. Other tests share that keyring, so every entry here
 * uses a stack URL no one else does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-keyring.h"
#include "kbc-test-utils.h"

#include <libsecret/secret.h>
#include <unistd.h>

static char *stack_a;
static char *stack_b;

static gboolean
store (const char *stack, const char *email, const char *token, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_keyring_store_async (stack, email, token, KBC_KEYRING_KIND_SESSION, NULL, kbc_test_on_done,
                           &result);
  return kbc_keyring_store_finish (kbc_test_wait_for (&result), error);
}

static char *
lookup (const char *stack, const char *email, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_keyring_lookup_async (stack, email, cancellable, kbc_test_on_done, &result);
  return kbc_keyring_lookup_finish (kbc_test_wait_for (&result), NULL, error);
}

static gboolean
clear (const char *stack, const char *email, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_keyring_clear_async (stack, email, NULL, kbc_test_on_done, &result);
  return kbc_keyring_clear_finish (kbc_test_wait_for (&result), error);
}

static void
assert_lookup (const char *stack, const char *email, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = lookup (stack, email, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, expected);
}

static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;

  assert_lookup (stack_a, "ada@example.com", NULL);

  g_assert_true (
      store (stack_a, "ada@example.com", "12-abcdefghijABCDEFGHIJ0123456789abcdefghij", &error));
  g_assert_no_error (error);
  assert_lookup (stack_a, "ada@example.com", "12-abcdefghijABCDEFGHIJ0123456789abcdefghij");

  g_assert_true (clear (stack_a, "ada@example.com", &error));
  g_assert_no_error (error);
  assert_lookup (stack_a, "ada@example.com", NULL);

  /* Clearing what is not there is not an error. */
  g_assert_true (clear (stack_a, "ada@example.com", &error));
  g_assert_no_error (error);
}

static void
test_replace (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (store (stack_a, "grace@example.com", "1-first", &error));
  g_assert_true (store (stack_a, "grace@example.com", "2-second", &error));
  g_assert_no_error (error);
  assert_lookup (stack_a, "grace@example.com", "2-second");

  g_assert_true (clear (stack_a, "grace@example.com", &error));
  assert_lookup (stack_a, "grace@example.com", NULL);
}

static void
test_accounts_apart (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (store (stack_a, "one@example.com", "1-token-one-on-a", &error));
  g_assert_true (store (stack_a, "two@example.com", "2-token-two-on-a", &error));
  g_assert_true (store (stack_b, "one@example.com", "3-token-one-on-b", &error));
  g_assert_no_error (error);

  assert_lookup (stack_a, "one@example.com", "1-token-one-on-a");
  assert_lookup (stack_a, "two@example.com", "2-token-two-on-a");
  assert_lookup (stack_b, "one@example.com", "3-token-one-on-b");
  assert_lookup (stack_b, "two@example.com", NULL);

  g_assert_true (clear (stack_a, "one@example.com", &error));
  assert_lookup (stack_a, "one@example.com", NULL);
  assert_lookup (stack_a, "two@example.com", "2-token-two-on-a");
  assert_lookup (stack_b, "one@example.com", "3-token-one-on-b");

  g_assert_true (clear (stack_a, "two@example.com", &error));
  g_assert_true (clear (stack_b, "one@example.com", &error));
  g_assert_no_error (error);
}

static void
test_schema (void)
{
  const SecretSchema *schema = kbc_keyring_get_schema ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expected = NULL;
  GList *items;

  g_assert_cmpstr (schema->name, ==, "io.github.kbcaccount.KbcAccount");
  g_assert_cmpstr (schema->attributes[0].name, ==, "stack-url");
  g_assert_cmpstr (schema->attributes[1].name, ==, "email");
  g_assert_cmpstr (schema->attributes[2].name, ==, "kind");
  g_assert_null (schema->attributes[3].name);

  g_assert_true (store (stack_b, "label@example.com", "5-labelled", &error));
  g_assert_no_error (error);

  /* What another Secret Service client (Passwords and Keys) sees. */
  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  query =
      secret_attributes_build (schema, "stack-url", stack_b, "email", "label@example.com", NULL);
  items = secret_service_search_sync (service, schema, query, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  label = secret_item_get_label (items->data);
  expected = g_strdup_printf ("KBC Account session for label@example.com on 127.0.0.1");
  g_assert_cmpstr (label, ==, expected);
  attributes = secret_item_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==,
                   "io.github.kbcaccount.KbcAccount");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "stack-url"), ==, stack_b);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "email"), ==, "label@example.com");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "kind"), ==, "session");
  g_list_free_full (items, g_object_unref);

  g_assert_true (clear (stack_b, "label@example.com", &error));
  g_assert_no_error (error);
}

/* One entry per stack and email: an access token replaces a session and
 * the other way round, and the lookup tells which it found. */
static void
test_kinds (void)
{
  const SecretSchema *schema = kbc_keyring_get_schema ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *token = NULL;
  g_autofree char *label = NULL;
  KbcKeyringKind kind = KBC_KEYRING_KIND_SESSION;
  GList *items;

  g_assert_true (store (stack_b, "kind@example.com", "6-session", &error));
  g_assert_no_error (error);

  kbc_keyring_store_async (stack_b, "kind@example.com", "7-personal", KBC_KEYRING_KIND_ACCESS_TOKEN,
                           NULL, kbc_test_on_done, &result);
  g_assert_true (kbc_keyring_store_finish (kbc_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  kbc_keyring_lookup_async (stack_b, "kind@example.com", NULL, kbc_test_on_done, &result);
  token = kbc_keyring_lookup_finish (kbc_test_wait_for (&result), &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "7-personal");
  g_assert_cmpint (kind, ==, KBC_KEYRING_KIND_ACCESS_TOKEN);

  query = secret_attributes_build (schema, "stack-url", stack_b, "email", "kind@example.com", NULL);
  items = secret_service_search_sync (NULL, schema, query, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_item_get_label (items->data);
  g_assert_cmpstr (label, ==, "KBC Account access token for kind@example.com on 127.0.0.1");
  attributes = secret_item_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "kind"), ==, "access-token");
  g_list_free_full (items, g_object_unref);

  /* And back to a session. */
  g_assert_true (store (stack_b, "kind@example.com", "8-session", &error));
  g_clear_pointer (&token, g_free);
  g_clear_object (&result);
  kbc_keyring_lookup_async (stack_b, "kind@example.com", NULL, kbc_test_on_done, &result);
  token = kbc_keyring_lookup_finish (kbc_test_wait_for (&result), &kind, &error);
  g_assert_cmpstr (token, ==, "8-session");
  g_assert_cmpint (kind, ==, KBC_KEYRING_KIND_SESSION);

  g_assert_true (clear (stack_b, "kind@example.com", &error));
  g_assert_no_error (error);
}

static void
test_cancel (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  g_cancellable_cancel (cancellable);
  token = lookup (stack_a, "ada@example.com", cancellable, &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Ports no server uses, unique to this run. */
  stack_a = g_strdup_printf ("http://127.0.0.1:%u", 1 + (guint) getpid () % 30000);
  stack_b = g_strdup_printf ("http://127.0.0.1:%u", 30001 + (guint) getpid () % 30000);

  g_test_add_func ("/kbc/keyring/round-trip", test_round_trip);
  g_test_add_func ("/kbc/keyring/replace", test_replace);
  g_test_add_func ("/kbc/keyring/accounts-apart", test_accounts_apart);
  g_test_add_func ("/kbc/keyring/schema", test_schema);
  g_test_add_func ("/kbc/keyring/kinds", test_kinds);
  g_test_add_func ("/kbc/keyring/cancel", test_cancel);

  status = g_test_run ();

  g_free (stack_a);
  g_free (stack_b);

  return status;
}
