/* kbc-server-profile.h: the user's own profile: PATCH /manage/current-user {"name"} (ours)
 *
 * Keboola publishes no call that changes the user's name, so `serve
 * --published-only` does not serve it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

/* Of a user's name, in bytes. */
#define KBC_PROFILE_MAX_NAME 255

void        kbc_server_profile_register (KbcServer *server);

/* clang-format on */

G_END_DECLS
