/* test-keyring-locked.c: KbcKeyring when there is no keyring, and when it is locked
 *
 * And what the user meets through KbcSession in each case: signing in works
 * for this session with a warning that it will not be kept, and the next
 * start says why nothing was restored.
 *
 * Locking the shared keyring of build-aux/headless.sh would break tests that
 * run in parallel, so this binary starts its own private D-Bus (GTestDBus, a
 * real dbus-daemon) and, halfway through, its own real gnome-keyring-daemon.
 * No prompter can be activated on that bus, as in any headless session:
 * unlock prompts fail instead of waiting for a person.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-keyring.h"
#include "kbc-session.h"
#include "kbc-stack.h"
#include "kbc-test-utils.h"

#include <libsecret/secret.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK    "https://connection.keboola.com"
#define EMAIL    "kept@example.com"
#define PASSWORD "Willow-Ember-Canyon-62"

static GTestDBus *bus;
static char *scratch;
static GPid keyring_pid;
/* For the sessions: one real server and the app's settings (memory
 * backend), which remember the last sign-in across the cases. */
static KbcTestServer *server;
static GSettings *settings;

static gboolean
store (const char *email, const char *token, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_keyring_store_async (STACK, email, token, KBC_KEYRING_KIND_SESSION, NULL, kbc_test_on_done,
                           &result);
  return kbc_keyring_store_finish (kbc_test_wait_for (&result), error);
}

static char *
lookup (const char *email, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_keyring_lookup_async (STACK, email, NULL, kbc_test_on_done, &result);
  return kbc_keyring_lookup_finish (kbc_test_wait_for (&result), NULL, error);
}

static gboolean
clear (const char *email, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kbc_keyring_clear_async (STACK, email, NULL, kbc_test_on_done, &result);
  return kbc_keyring_clear_finish (kbc_test_wait_for (&result), error);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
secrets_owned (void)
{
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  gboolean owned = FALSE;

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (
      connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "NameHasOwner", g_variant_new ("(s)", "org.freedesktop.secrets"), G_VARIANT_TYPE ("(b)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);

  return owned;
}

static gboolean
secrets_owned_cb (gpointer data)
{
  return secrets_owned ();
}

static gboolean
secrets_unowned_cb (gpointer data)
{
  return !secrets_owned ();
}

/* With @unlock, the "login" collection is created (or unlocked) with a
 * password on standard input and becomes the default; without, the keyring
 * has no collection at all. */
static void
start_keyring (gboolean unlock)
{
  g_autofree char *runtime = g_build_filename (scratch, "runtime", NULL);
  g_autofree char *data = g_build_filename (scratch, "data", NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  const char *argv[] = {
    "gnome-keyring-daemon",     "--foreground", "--components=secrets",
    unlock ? "--unlock" : NULL, NULL,
  };
  const char *password = "kbc-locked-test";
  int stdin_fd = -1;

  g_assert_cmpint (keyring_pid, ==, 0);
  g_mkdir_with_parents (runtime, 0700);
  g_mkdir_with_parents (data, 0700);
  /* Its own runtime directory, or it would hand the password to the
   * session's daemon and exit. */
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", runtime, TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", data, TRUE);
  envp = g_environ_unsetenv (envp, "GNOME_KEYRING_CONTROL");
  /* G_DEBUG=fatal-warnings is for the code under test. The daemon warns
   * that no prompter exists on this bus (true of any headless session)
   * and would abort on it in the middle of the lock test's calls. */
  envp = g_environ_unsetenv (envp, "G_DEBUG");

  g_spawn_async_with_pipes (NULL, (char **) argv, envp,
                            G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL,
                            NULL, NULL, &keyring_pid, &stdin_fd, NULL, NULL, &error);
  g_assert_no_error (error);
  if (unlock)
    g_assert_cmpint (write (stdin_fd, password, strlen (password)), ==, (gssize) strlen (password));
  close (stdin_fd);

  kbc_test_wait_until (secrets_owned_cb, NULL,
                       "gnome-keyring-daemon to own org.freedesktop.secrets");
}

static void
stop_keyring (void)
{
  if (keyring_pid == 0)
    return;

  kill (keyring_pid, SIGTERM);
  waitpid (keyring_pid, NULL, 0);
  g_spawn_close_pid (keyring_pid);
  keyring_pid = 0;

  kbc_test_wait_until (secrets_unowned_cb, NULL,
                       "org.freedesktop.secrets to go with gnome-keyring-daemon");
  /* libsecret's shared service holds a session with the old daemon. */
  secret_service_disconnect ();
}

static void
test_unavailable (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  /* Nothing owns org.freedesktop.secrets on this bus, and nothing can be
   * activated for it. */
  g_assert_false (store ("ada@example.com", "1-token", &error));
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==,
                   "No keyring is available, so the session cannot be kept on this computer.");
  g_clear_error (&error);

  token = lookup ("ada@example.com", &error);
  g_assert_null (token);
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  g_assert_false (clear ("ada@example.com", &error));
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_UNAVAILABLE);
}

static void
test_no_default_collection (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  /* A Secret Service with no keyring in it; creating one needs a prompt,
   * which cannot be shown here. */
  start_keyring (FALSE);

  g_assert_false (store ("ada@example.com", "1-token", &error));
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  /* Nothing stored is nothing found. */
  token = lookup ("ada@example.com", &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_assert_true (clear ("ada@example.com", &error));
  g_assert_no_error (error);

  stop_keyring ();
}

static void
test_unlocked (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  start_keyring (TRUE);

  g_assert_true (store ("ada@example.com", "1-token-before-locking", &error));
  g_assert_no_error (error);
  token = lookup ("ada@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "1-token-before-locking");
}

static void
test_locked (void)
{
  g_autoptr (SecretService) service = NULL;
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  GList *objects;

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  collection =
      secret_collection_for_alias_sync (service, "default", SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);

  objects = g_list_append (NULL, collection);
  g_assert_cmpint (secret_service_lock_sync (service, objects, NULL, NULL, &error), ==, 1);
  g_list_free (objects);
  g_assert_no_error (error);
  g_assert_true (secret_collection_get_locked (collection));

  /* An entry exists, but it cannot be read. */
  token = lookup ("ada@example.com", &error);
  g_assert_null (token);
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==,
                   "The keyring is locked. Unlock it to stay signed in on this computer.");
  g_clear_error (&error);

  g_assert_false (store ("grace@example.com", "2-token-while-locked", &error));
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_LOCKED);
  g_clear_error (&error);

  g_assert_false (clear ("ada@example.com", &error));
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_LOCKED);
}

/* ---- what the user meets: KbcSession ---- */

static void
on_warning (KbcSession *session, const char *message, char **slot)
{
  g_free (*slot);
  *slot = g_strdup (message);
}

/* Signs in with the password through a session of the app (it remembers);
 * returns the session, signed in, and the warning it gave (NULL for none)
 * once the keyring has answered. */
static KbcSession *
sign_in (char **warning)
{
  KbcSession *session = kbc_session_new (settings, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  if (server == NULL)
    {
      server = kbc_test_server_new ();
      kbc_test_server_add_user (server, EMAIL, "Kim Kept", PASSWORD);
    }

  *warning = NULL;
  g_signal_connect (session, "warning", G_CALLBACK (on_warning), warning);
  kbc_session_sign_in_async (session, KBC_STACK_CUSTOM, kbc_test_server_get_url (server), EMAIL,
                             PASSWORD, NULL, kbc_test_on_done, &result);
  g_assert_cmpint (kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), &error), ==,
                   KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_IN);

  return session;
}

/* Whether the keyring holds the session of EMAIL on @stack_id. */
static gboolean
stored (const char *stack_id)
{
  const char *key = kbc_stack_get_keyring_key (stack_id, kbc_test_server_get_url (server));
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *token = NULL;

  kbc_keyring_lookup_async (key, EMAIL, NULL, kbc_test_on_done, &result);
  token = kbc_keyring_lookup_finish (kbc_test_wait_for (&result), NULL, NULL);

  return token != NULL;
}

/* The session is usable: the server answers it. */
static void
assert_works (KbcSession *session)
{
  KbcAccount *account = kbc_session_get_account (session);
  g_autoptr (GError) error = NULL;

  g_assert_true (kbc_test_refresh (kbc_account_get_tokens (account), &error));
  g_assert_no_error (error);
}

/* A new start of the app: restoring the last sign-in. */
static KbcSession *
restore (gboolean *restored, GError **error)
{
  KbcSession *session = kbc_session_new (settings, NULL);
  g_autoptr (GAsyncResult) result = NULL;

  kbc_session_restore_async (session, NULL, NULL, NULL, kbc_test_on_done, &result);
  *restored = kbc_session_restore_finish (session, kbc_test_wait_for (&result), error);

  return session;
}

/* No keyring: signing in works for this session and says it will not be
 * kept; the next start says why there is nothing to restore, and signing in
 * works again. */
static void
test_unavailable_session (void)
{
  g_autoptr (KbcSession) first = NULL;
  g_autoptr (KbcSession) next = NULL;
  g_autoptr (KbcSession) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *warning_again = NULL;
  gboolean restored = TRUE;

  first = sign_in (&warning);
  KBC_TEST_WAIT_FOR (warning != NULL);
  g_assert_cmpstr (warning, ==,
                   "No keyring is available, so the session cannot be kept on this computer.");
  assert_works (first);

  next = restore (&restored, &error);
  g_assert_false (restored);
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_UNAVAILABLE);
  g_assert_cmpint (kbc_session_get_state (next), ==, KBC_SESSION_STATE_SIGNED_OUT);
  g_assert_cmpstr (kbc_session_get_message (next), ==,
                   "No keyring is available, so your saved session could not be restored.");

  again = sign_in (&warning_again);
  KBC_TEST_WAIT_FOR (warning_again != NULL);
  assert_works (again);
}

/* An unlocked keyring keeps the session: no warning. */
static void
test_unlocked_session (void)
{
  g_autoptr (KbcSession) first = NULL;
  g_autoptr (KbcSession) next = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;
  gboolean restored = FALSE;

  first = sign_in (&warning);
  /* The session stores its token after the sign-in has answered. */
  KBC_TEST_WAIT_FOR (stored (kbc_session_get_stack_id (first)));
  next = restore (&restored, &error);
  g_assert_no_error (error);
  g_assert_true (restored);
  g_assert_cmpint (kbc_session_get_state (next), ==, KBC_SESSION_STATE_SIGNED_IN);
  g_assert_null (warning);
}

/* The keyring locked (by test_locked): the saved session cannot be read, and
 * the next start says so; signing in works for this session and says it
 * will not be kept. */
static void
test_locked_session (void)
{
  g_autoptr (KbcSession) next = NULL;
  g_autoptr (KbcSession) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;
  gboolean restored = TRUE;

  next = restore (&restored, &error);
  g_assert_false (restored);
  g_assert_error (error, KBC_KEYRING_ERROR, KBC_KEYRING_ERROR_LOCKED);
  g_assert_cmpint (kbc_session_get_state (next), ==, KBC_SESSION_STATE_SIGNED_OUT);
  g_assert_cmpstr (kbc_session_get_message (next), ==,
                   "The keyring is locked, so your saved session could not be restored.");

  again = sign_in (&warning);
  KBC_TEST_WAIT_FOR (warning != NULL);
  g_assert_cmpstr (warning, ==,
                   "The keyring is locked. Unlock it to stay signed in on this computer.");
  assert_works (again);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  scratch = g_dir_make_tmp ("kbc-keyring-XXXXXX", NULL);
  g_assert_nonnull (scratch);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  settings = g_settings_new (APP_ID);

  /* In this order: no service, a service without a keyring, then a
   * keyring, then that keyring locked. */
  g_test_add_func ("/kbc/keyring-locked/unavailable", test_unavailable);
  g_test_add_func ("/kbc/keyring-locked/unavailable-session", test_unavailable_session);
  g_test_add_func ("/kbc/keyring-locked/no-default-collection", test_no_default_collection);
  g_test_add_func ("/kbc/keyring-locked/unlocked", test_unlocked);
  g_test_add_func ("/kbc/keyring-locked/unlocked-session", test_unlocked_session);
  g_test_add_func ("/kbc/keyring-locked/locked", test_locked);
  g_test_add_func ("/kbc/keyring-locked/locked-session", test_locked_session);

  status = g_test_run ();

  g_clear_pointer (&server, kbc_test_server_free);
  g_clear_object (&settings);

  stop_keyring ();
  /* libsecret keeps the session bus connection alive, which
   * g_test_dbus_down() (and so unreffing @bus) would wait for in vain:
   * stop the daemon and leave the object to the process's end. */
  secret_service_disconnect ();
  g_test_dbus_stop (bus);
  remove_tree (scratch);
  g_free (scratch);

  return status;
}
