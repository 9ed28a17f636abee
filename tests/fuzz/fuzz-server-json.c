/* fuzz-server-json.c: libFuzzer target for the JSON the server writes as text
 *
 * server-json: the input (up to its first NUL) as a string written with
 * kbc_json_text_string() must read back, through json-glib, as the input
 * made valid UTF-8; and as a user's features column (hand-edited, say),
 * the whole token object must still be JSON, with an array of features.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "kbc-server-auth.h"
#include "kbc-server-http.h"

#include "kbc-fuzz.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  kbc_fuzz_init ();
  return 0;
}

static JsonNode *
parse (const GString *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text->str, &error);

  if (node == NULL)
    g_error ("not JSON: %s: %s", error->message, text->str);
  return node;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *input = g_strndup ((const char *) data, size);
  g_autofree char *expected = g_utf8_make_valid (input, -1);
  g_autoptr (GString) text = g_string_new ("[");
  g_autoptr (GString) object = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) token_node = NULL;
  JsonObject *user;
  KbcToken token = {
    .id = 1,
    .type = (char *) "session",
    .description = input,
    .created = 1764590000,
  };
  KbcUser owner = {
    .id = 1,
    .email = input,
    .name = input,
    .features = input,
  };

  kbc_json_text_string (text, NULL, input);
  g_string_append_c (text, ']');
  node = parse (text);
  g_assert (JSON_NODE_HOLDS_ARRAY (node));
  g_assert (g_strcmp0 (json_array_get_string_element (json_node_get_array (node), 0), expected) ==
            0);

  object = kbc_auth_token_text (&token, &owner, FALSE, NULL, token.created);
  token_node = parse (object);
  user = json_object_get_object_member (json_node_get_object (token_node), "user");
  g_assert (g_strcmp0 (json_object_get_string_member (user, "name"), expected) == 0);
  g_assert (json_object_get_array_member (user, "features") != NULL);
  return 0;
}
