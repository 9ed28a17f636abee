/* kbc-security-key.h: one security key of the account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_SECURITY_KEY (kbc_security_key_get_type ())
G_DECLARE_FINAL_TYPE (KbcSecurityKey, kbc_security_key, KBC, SECURITY_KEY, GObject)

/* Properties (read-only, with notify): id, name, created (GDateTime),
 * last-used (GDateTime, NULL when never used), format ("packed" for a FIDO2
 * key, "fido-u2f" for a U2F-only one, NULL when the server did not say),
 * aaguid (NULL for none). KbcMfa changes the name in place after a rename. */

gint64       kbc_security_key_get_id        (KbcSecurityKey *self);
const char  *kbc_security_key_get_name      (KbcSecurityKey *self);
GDateTime   *kbc_security_key_get_created   (KbcSecurityKey *self);
GDateTime   *kbc_security_key_get_last_used (KbcSecurityKey *self);
const char  *kbc_security_key_get_format    (KbcSecurityKey *self);
const char  *kbc_security_key_get_aaguid    (KbcSecurityKey *self);

/* For core: a device object of the API ({id, name, created, lastUsed,
 * format, aaguid}); KBC_API_ERROR_INVALID_RESPONSE without an id or a name. */
KbcSecurityKey *kbc_security_key_new_from_json (JsonNode     *node,
                                                GError      **error);
void         kbc_security_key_set_name      (KbcSecurityKey *self,
                                             const char     *name);

/* clang-format on */

G_END_DECLS
