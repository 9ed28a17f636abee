/* kbc-server-admin.h: the kbc-account-server command line
 *
 * Every subcommand takes --db PATH, works while `serve` runs on the same
 * database, prints the id of what it created alone on one line (`token add`:
 * the token, once), and exits non-zero with a one-line reason on standard
 * error when the input is bad. Standard output is for that line alone:
 * GLib's messages (the request log of `serve`) go to standard error.
 * New operator commands (maintainer, organization, project, member, invite,
 * promo, notify) are one entry each in the command table of the .c file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

/* Set by a program that runs kbc_server_main() inside itself with a log
 * writer of its own (the fuzz targets): GLib takes one writer per process. */
extern gboolean kbc_server_keep_log_writer;

int         kbc_server_main           (int          argc,
                                       char       **argv);

/* Checks an email address the way `user add` does; NULL when it is fine,
 * otherwise the reason. */
const char *kbc_server_check_email    (const char  *email);

/* A project role the API takes: admin, guest, readOnly or share. */
gboolean    kbc_server_is_project_role (const char *role);

/* clang-format on */

G_END_DECLS
