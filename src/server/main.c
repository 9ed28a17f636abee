/* main.c: kbc-account-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-admin.h"

int
main (int argc, char **argv)
{
  return kbc_server_main (argc, argv);
}
