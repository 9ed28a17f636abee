/* kbc-server-u2f.h: security keys: registration and the "u2f" sign-in method
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

/* Keys one account may register. */
#define KBC_U2F_MAX_DEVICES 20
#define KBC_U2F_MAX_NAME    255

/* Adds the registration routes and the sign-in hooks of kbc-server-mfa.h. */
void      kbc_server_u2f_register   (KbcServer   *server);

/* The relying party id for @request: the host of its Host header in lower
 * case, or "localhost" for an IP address (kbc_server_webauthn_rp_id_for_host).
 * NULL when the header is missing or is not a host[:port]. */
char     *kbc_u2f_request_rp_id     (KbcRequest  *request);

/* clang-format on */

G_END_DECLS
