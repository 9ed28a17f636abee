/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "kbc-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (KbcApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* KBC_LOCALEDIR: the translations of an uninstalled build (build-aux/kbc run). */
  bindtextdomain (GETTEXT_PACKAGE,
                  g_getenv ("KBC_LOCALEDIR") != NULL ? g_getenv ("KBC_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("KBC Account"));

  app = kbc_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
