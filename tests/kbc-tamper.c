/* kbc-tamper.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-tamper.h"

#include "kbc-webauthn.h"

JsonNode *
kbc_tamper_deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return json_from_string (text, NULL);
}

JsonObject *
kbc_tamper_response_object (JsonNode *credential)
{
  return json_object_get_object_member (json_node_get_object (credential), "response");
}

GBytes *
kbc_tamper_response_bytes (JsonNode *credential, const char *member)
{
  return kbc_webauthn_base64url_decode (
      json_object_get_string_member (kbc_tamper_response_object (credential), member));
}

void
kbc_tamper_set_response_bytes (JsonNode *credential, const char *member, GBytes *bytes)
{
  g_autofree char *text = kbc_webauthn_base64url_encode_bytes (bytes);

  json_object_set_string_member (kbc_tamper_response_object (credential), member, text);
}

JsonNode *
kbc_tamper_client_data_edit (JsonNode *credential, const char *from, const char *to)
{
  JsonNode *copy = kbc_tamper_deep_copy (credential);
  g_autoptr (GBytes) client_data = kbc_tamper_response_bytes (credential, "clientDataJSON");
  g_autoptr (GString) text =
      g_string_new_len (g_bytes_get_data (client_data, NULL), g_bytes_get_size (client_data));
  g_autoptr (GBytes) edited = NULL;

  g_assert_cmpuint (g_string_replace (text, from, to, 1), ==, 1);
  edited = g_bytes_new (text->str, text->len);
  kbc_tamper_set_response_bytes (copy, "clientDataJSON", edited);

  return copy;
}

JsonNode *
kbc_tamper_flip_byte (JsonNode *credential, const char *member, gssize index)
{
  JsonNode *copy = kbc_tamper_deep_copy (credential);
  g_autoptr (GBytes) bytes = kbc_tamper_response_bytes (credential, member);
  g_autoptr (GByteArray) array = g_byte_array_new ();
  g_autoptr (GBytes) flipped = NULL;

  g_byte_array_append (array, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  if (index < 0)
    index += array->len;
  array->data[index] ^= 0x01;
  flipped = g_byte_array_free_to_bytes (g_steal_pointer (&array));
  kbc_tamper_set_response_bytes (copy, member, flipped);

  return copy;
}
