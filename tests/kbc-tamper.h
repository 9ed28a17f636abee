/* kbc-tamper.h: altered copies of WebAuthn responses, for verification tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

/* A copy that shares nothing with @node (json_node_copy() shares objects). */
JsonNode   *kbc_tamper_deep_copy           (JsonNode   *node);
/* The "response" object of a RegistrationResponseJSON or
 * AuthenticationResponseJSON. */
JsonObject *kbc_tamper_response_object     (JsonNode   *credential);
/* A base64url member of the response, decoded / set from @bytes. */
GBytes     *kbc_tamper_response_bytes      (JsonNode   *credential,
                                            const char *member);
void        kbc_tamper_set_response_bytes  (JsonNode   *credential,
                                            const char *member,
                                            GBytes     *bytes);
/* A copy of @credential with the first @from replaced by @to in its
 * clientDataJSON (the test fails when @from is not there). */
JsonNode   *kbc_tamper_client_data_edit    (JsonNode   *credential,
                                            const char *from,
                                            const char *to);
/* A copy of @credential with one bit of the byte at @index (from the end
 * when negative) of a binary response member flipped. */
JsonNode   *kbc_tamper_flip_byte           (JsonNode   *credential,
                                            const char *member,
                                            gssize      index);

/* clang-format on */

G_END_DECLS
