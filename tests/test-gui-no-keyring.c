/* test-gui-no-keyring.c: signing in works without a keyring, and says what that means
 *
 * Runs on its own private D-Bus (GTestDBus, a real dbus-daemon) on which
 * nothing provides the Secret Service, as on a machine without a keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsecret/secret.h>

#include "kbc-test-gui.h"
#include "kbc-test-utils.h"

#define EMAIL    "nokeyring@kbc-account.test"
#define PASSWORD "Quiet-Lagoon-Harvest-19"

static gboolean
has_toast (gpointer data)
{
  return kbc_gui_has_label (GTK_WIDGET (data), "No keyring is available");
}

static void
sign_in_without_keyring (KbcApplication *app, KbcWindow *window, gpointer data)
{
  /* Signed in all the same, with a note that the session will not be kept. */
  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, data, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  kbc_test_wait_until (has_toast, window, "the note about the keyring");
}

static void
nothing_restored (KbcApplication *app, KbcWindow *window, gpointer data)
{
  const char *message;

  /* The next start cannot restore the session, and says why. */
  kbc_gui_wait_view (window, "sign-in");
  message = kbc_sign_in_page_get_message (kbc_window_get_sign_in_page (window));
  g_assert_cmpstr (message, ==,
                   "No keyring is available, so your saved session could not be restored.");

  /* Signing in and out still work. */
  kbc_gui_sign_in (window, NULL, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  kbc_gui_sign_out (window);
  g_assert_null (kbc_session_get_account (kbc_application_get_session (app)));
}

static void
test_no_keyring (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  const char *url = kbc_test_server_get_url (server);

  kbc_gui_reset_settings ();
  kbc_test_server_add_user (server, EMAIL, "Nora Nokeyring", PASSWORD);

  kbc_gui_app_run (sign_in_without_keyring, (gpointer) url);
  kbc_gui_app_run (nothing_restored, NULL);
}

int
main (int argc, char *argv[])
{
  GTestDBus *bus;
  g_autofree char *display = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* GTestDBus unsets DISPLAY (against X11 autolaunch); the window needs it. */
  display = g_strdup (g_getenv ("DISPLAY"));
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  g_test_add_func ("/kbc/gui/no-keyring/sign-in", test_no_keyring);

  status = g_test_run ();

  /* libsecret and GTK keep the bus connection alive, which
   * g_test_dbus_down() (also run when the GTestDBus is finalized) would
   * wait for in vain: stop the daemon and let the process exit. */
  secret_service_disconnect ();
  g_test_dbus_stop (bus);

  return status;
}
