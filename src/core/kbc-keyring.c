/* kbc-keyring.c: the session token in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-keyring.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

GQuark
kbc_keyring_error_quark (void)
{
  return g_quark_from_static_string ("kbc-keyring-error-quark");
}

static const SecretSchema schema = {
  "io.github.kbcaccount.KbcAccount",
  SECRET_SCHEMA_NONE,
  {
      { "stack-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
      /* "session" (signed in with a password) or "access-token" */
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

const void *
kbc_keyring_get_schema (void)
{
  return &schema;
}

/* Turns what libsecret or D-Bus reported into KBC_KEYRING_ERROR, keeping
 * cancellation as it is. */
static GError *
map_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  g_debug ("Secret Service: %s (%s %d)", error->message, g_quark_to_string (error->domain),
           error->code);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new_literal (
        KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_LOCKED,
        _ ("The keyring is locked. Unlock it to stay signed in on this computer."));

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
      error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR ||
      error->domain == G_SPAWN_ERROR)
    return g_error_new_literal (
        KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_UNAVAILABLE,
        _ ("No keyring is available, so the session cannot be kept on this computer."));

  return g_error_new_literal (KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_FAILED,
                              _ ("The keyring could not be used."));
}

static GError *
new_locked_error (void)
{
  return g_error_new_literal (
      KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_LOCKED,
      _ ("The keyring is locked. Unlock it to stay signed in on this computer."));
}

static char *
dup_host (const char *stack_url)
{
  g_autoptr (GUri) uri = g_uri_parse (stack_url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (stack_url);

  return g_strdup (g_uri_get_host (uri));
}

/* Store: the entry of the same stack, email and kind is replaced in place
 * (a lookup never finds none in between); then any entry of the same stack
 * and email with another kind, or none (written before kinds were
 * recorded), goes, so one account never has two. */

typedef struct
{
  char *stack_url;
  char *email;
  KbcKeyringKind kind;
} Store;

static void
store_free (gpointer data)
{
  Store *store = data;

  g_free (store->stack_url);
  g_free (store->email);
  g_free (store);
}

static const char *
kind_to_string (KbcKeyringKind kind)
{
  return kind == KBC_KEYRING_KIND_ACCESS_TOKEN ? "access-token" : "session";
}

/* In a worker thread, with libsecret's blocking calls. */
static void
remove_other_kinds (GTask *task,
                    gpointer source_object,
                    gpointer task_data,
                    GCancellable *cancellable)
{
  Store *store = task_data;
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (GError) error = NULL;
  const char *kind = kind_to_string (store->kind);
  GList *items;

  query =
      secret_attributes_build (&schema, "stack-url", store->stack_url, "email", store->email, NULL);
  items = secret_service_search_sync (NULL, &schema, query, SECRET_SEARCH_ALL, cancellable, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr (GHashTable) attributes = secret_item_get_attributes (l->data);
      g_autoptr (GError) delete_error = NULL;

      if (g_strcmp0 (g_hash_table_lookup (attributes, "kind"), kind) == 0)
        continue;
      if (!secret_item_delete_sync (l->data, cancellable, &delete_error))
        g_debug ("Could not remove an older keyring entry: %s", delete_error->message);
    }
  g_list_free_full (items, g_object_unref);

  g_task_return_boolean (task, TRUE);
}

static void
on_store_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  g_task_run_in_thread (task, remove_other_kinds);
}

void
kbc_keyring_store_async (const char *stack_url,
                         const char *email,
                         const char *token,
                         KbcKeyringKind kind,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task;
  Store *store;
  g_autofree char *host = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (stack_url != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_keyring_store_async);

  store = g_new0 (Store, 1);
  store->stack_url = g_strdup (stack_url);
  store->email = g_strdup (email);
  store->kind = kind;
  g_task_set_task_data (task, store, store_free);

  host = dup_host (stack_url);
  if (kind == KBC_KEYRING_KIND_ACCESS_TOKEN)
    /* Translators: the name of the keyring entry, as seen in Passwords and
     * Keys. The first %s is an email address, the second a server such as
     * connection.keboola.com. */
    label = g_strdup_printf (_ ("KBC Account access token for %s on %s"), email, host);
  else
    /* Translators: the name of the keyring entry, as seen in Passwords and
     * Keys. The first %s is an email address, the second a server such as
     * connection.keboola.com. */
    label = g_strdup_printf (_ ("KBC Account session for %s on %s"), email, host);

  secret_password_store (&schema, SECRET_COLLECTION_DEFAULT, label, token, cancellable,
                         on_store_done, task, "stack-url", stack_url, "email", email, "kind",
                         kind_to_string (kind), NULL);
}

gboolean
kbc_keyring_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_keyring_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Lookup: a search that asks to unlock, so a locked keyring is told apart
 * from a missing entry (secret_password_lookup() reports both as NULL). */

static void
on_lookup_searched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretValue) value = NULL;
  GList *items;
  SecretItem *item;
  gboolean locked;
  const char *text;

  items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  if (items == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  item = items->data;
  locked = secret_item_get_locked (item);
  if (!locked)
    {
      g_autoptr (GHashTable) attributes = secret_item_get_attributes (item);

      value = secret_item_get_secret (item);
      /* Entries from before kinds were recorded are sessions. */
      if (g_strcmp0 (g_hash_table_lookup (attributes, "kind"), "access-token") == 0)
        g_object_set_data (G_OBJECT (task), "kbc-kind",
                           GINT_TO_POINTER (KBC_KEYRING_KIND_ACCESS_TOKEN));
    }
  g_list_free_full (items, g_object_unref);

  if (value == NULL && locked)
    {
      g_debug ("The keyring entry stayed locked");
      g_task_return_error (task, new_locked_error ());
      return;
    }

  /* Unlocked but without its secret: removed between the search and the
   * reading (a sign-out or a forgotten session at the same time). */
  if (value == NULL)
    {
      g_debug ("The keyring entry went away while it was read");
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  text = secret_value_get_text (value);
  if (text == NULL)
    {
      g_task_return_new_error (task, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_FAILED,
                               _ ("The keyring entry is damaged."));
      return;
    }

  g_task_return_pointer (task, g_strdup (text), g_free);
}

static void
on_lookup_service (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service = NULL;
  GHashTable *attributes = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  secret_service_search (service, &schema, attributes,
                         SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS, cancellable,
                         on_lookup_searched, g_steal_pointer (&task));
}

void
kbc_keyring_lookup_async (const char *stack_url,
                          const char *email,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task;

  g_return_if_fail (stack_url != NULL);
  g_return_if_fail (email != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_keyring_lookup_async);
  g_task_set_task_data (
      task, secret_attributes_build (&schema, "stack-url", stack_url, "email", email, NULL),
      (GDestroyNotify) g_hash_table_unref);

  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, on_lookup_service, task);
}

char *
kbc_keyring_lookup_finish (GAsyncResult *result, KbcKeyringKind *kind, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_keyring_lookup_async, NULL);

  if (kind != NULL)
    *kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (result), "kbc-kind"));
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Clear: secret_password_clear() skips entries it cannot unlock and calls
 * that success, so look for locked entries first. */

static void
on_clear_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* FALSE without an error means there was nothing to remove. */
  if (!secret_service_clear_finish (SECRET_SERVICE (source), result, &error) && error != NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_clear_searched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GHashTable *attributes = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gboolean locked = FALSE;
  GList *items;

  items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    locked |= secret_item_get_locked (l->data);
  g_list_free_full (items, g_object_unref);

  if (locked)
    {
      g_debug ("A keyring entry to remove stayed locked");
      g_task_return_error (task, new_locked_error ());
      return;
    }

  secret_service_clear (SECRET_SERVICE (source), &schema, attributes, cancellable, on_clear_done,
                        g_steal_pointer (&task));
}

static void
on_clear_service (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service = NULL;
  GHashTable *attributes = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  secret_service_search (service, &schema, attributes, SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                         cancellable, on_clear_searched, g_steal_pointer (&task));
}

void
kbc_keyring_clear_async (const char *stack_url,
                         const char *email,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task;

  g_return_if_fail (stack_url != NULL);
  g_return_if_fail (email != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_keyring_clear_async);
  g_task_set_task_data (
      task, secret_attributes_build (&schema, "stack-url", stack_url, "email", email, NULL),
      (GDestroyNotify) g_hash_table_unref);

  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, on_clear_service, task);
}

gboolean
kbc_keyring_clear_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_keyring_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
