/* kbc-server-keys.h: security keys: registration, the "u2f" sign-in method
 * and the devices routes (list, rename, remove)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-server-http.h"

G_BEGIN_DECLS

/* clang-format off */

/* Keys one account may register. */
#define KBC_KEYS_MAX_DEVICES 20
#define KBC_KEYS_MAX_NAME    255

/* Adds the registration and devices routes, and sets the server's
 * key_options and key_verify for the MFA sign-in step. */
void      kbc_server_keys_register  (KbcServer   *server);

/* The relying party id for @request: the server's (serve --rp-id), the
 * same for the options and their verification; never from the Host
 * header. */
char     *kbc_keys_request_rp_id    (KbcRequest  *request);

/* A device object {id, name, type, created, lastUsed, aaguid, format}, as the
 * devices list, GET …/mfa and the registration answer show it. */
void      kbc_keys_add_device       (JsonBuilder *builder,
                                     KbcDevice   *device);

/* clang-format on */

G_END_DECLS
