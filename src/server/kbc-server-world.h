/* kbc-server-world.h: the routes of invitations, join requests, promo codes,
 * organizations, maintainers and projects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

void     kbc_server_world_register (KbcServer        *server);

/* Adds the reference's project object (with its organization, limits and
 * metrics) to @builder. */
gboolean kbc_server_add_project    (JsonBuilder      *builder,
                                    KbcStore         *store,
                                    const KbcStoreProject *project,
                                    GError          **error);

#define KBC_MFA_REQUIRED_MESSAGE "Project requires users to have multi-factor authentication enabled"

/* clang-format on */

G_END_DECLS
