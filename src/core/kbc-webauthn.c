/* kbc-webauthn.c: the W3C WebAuthn JSON shapes, clientDataJSON and the CBOR around them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-webauthn.h"

#include <cbor.h>
#include <glib/gi18n-lib.h>
#include <openssl/sha.h>
#include <string.h>

G_DEFINE_QUARK (kbc - webauthn - error - quark, kbc_webauthn_error)

/* -- encodings -- */

static const char base64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
kbc_webauthn_base64url_encode (const guint8 *data, gsize len)
{
  GString *out = g_string_sized_new ((len + 2) / 3 * 4);
  gsize i;

  for (i = 0; i + 2 < len; i += 3)
    {
      guint32 n = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8) | data[i + 2];

      g_string_append_c (out, base64url_alphabet[(n >> 18) & 63]);
      g_string_append_c (out, base64url_alphabet[(n >> 12) & 63]);
      g_string_append_c (out, base64url_alphabet[(n >> 6) & 63]);
      g_string_append_c (out, base64url_alphabet[n & 63]);
    }

  if (len - i == 1)
    {
      guint32 n = (guint32) data[i] << 16;

      g_string_append_c (out, base64url_alphabet[(n >> 18) & 63]);
      g_string_append_c (out, base64url_alphabet[(n >> 12) & 63]);
    }
  else if (len - i == 2)
    {
      guint32 n = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8);

      g_string_append_c (out, base64url_alphabet[(n >> 18) & 63]);
      g_string_append_c (out, base64url_alphabet[(n >> 12) & 63]);
      g_string_append_c (out, base64url_alphabet[(n >> 6) & 63]);
    }

  return g_string_free (out, FALSE);
}

char *
kbc_webauthn_base64url_encode_bytes (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return kbc_webauthn_base64url_encode (data, len);
}

static int
base64url_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

GBytes *
kbc_webauthn_base64url_decode (const char *text)
{
  g_autoptr (GByteArray) out = NULL;
  gsize len;
  guint32 acc = 0;
  int bits = 0;

  if (text == NULL)
    return NULL;

  len = strlen (text);
  while (len > 0 && text[len - 1] == '=')
    len--;
  /* One character alone cannot hold a byte. */
  if (len % 4 == 1)
    return NULL;

  out = g_byte_array_sized_new ((guint) (len * 3 / 4));
  for (gsize i = 0; i < len; i++)
    {
      int v = base64url_value (text[i]);

      if (v < 0)
        return NULL;
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          guint8 byte;

          bits -= 8;
          byte = (acc >> bits) & 0xff;
          g_byte_array_append (out, &byte, 1);
        }
    }

  /* Leftover bits must be zero in a canonical encoding. */
  if ((acc & ((1u << bits) - 1)) != 0)
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

void
kbc_webauthn_sha256 (const void *data, gsize len, guint8 out[32])
{
  SHA256 (data, len, out);
}

/* -- JSON helpers -- */

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, KBC_WEBAUTHN_ERROR, KBC_WEBAUTHN_ERROR_INVALID,
               /* Translators: %s names a part of a WebAuthn message, e.g. "challenge". */
               _ ("Malformed security key data: %s"), what);
  return FALSE;
}

static JsonObject *
get_object (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
get_string (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static GBytes *
get_base64url (JsonObject *object, const char *member)
{
  return kbc_webauthn_base64url_decode (get_string (object, member));
}

/* A non-negative integer member, or @def when absent or not one. */
static gint64
get_int (JsonObject *object, const char *member, gint64 def)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return def;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      /* Out of range (1e300) the cast is undefined (UBSan, in the
       * webauthn-json fuzz target); NaN fails both tests. */
      if (value >= -9.2e18 && value <= 9.2e18)
        return (gint64) value;
    }

  return def;
}

static void
add_base64url (JsonBuilder *builder, const char *member, GBytes *bytes)
{
  g_autofree char *text = kbc_webauthn_base64url_encode_bytes (bytes);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

static void
add_string (JsonBuilder *builder, const char *member, const char *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

/* [{"type":"public-key","id":…,"transports":["usb"]}, …] */
static void
add_descriptors (JsonBuilder *builder, const char *member, GPtrArray *ids)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      json_builder_begin_object (builder);
      add_string (builder, "type", "public-key");
      add_base64url (builder, "id", g_ptr_array_index (ids, i));
      json_builder_set_member_name (builder, "transports");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "usb");
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* Descriptors of another type than "public-key" are skipped, as WebAuthn says. */
static gboolean
parse_descriptors (JsonObject *object, const char *member, GPtrArray *out, GError **error)
{
  JsonArray *array;

  if (json_object_get_member (object, member) == NULL)
    return TRUE;

  array = get_array (object, member);
  if (array == NULL)
    return invalid (error, member);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *descriptor = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      GBytes *id;

      if (descriptor == NULL)
        return invalid (error, member);
      if (g_strcmp0 (get_string (descriptor, "type"), "public-key") != 0)
        continue;
      id = get_base64url (descriptor, "id");
      if (id == NULL || g_bytes_get_size (id) == 0 || g_bytes_get_size (id) > 1023)
        {
          g_clear_pointer (&id, g_bytes_unref);
          return invalid (error, member);
        }
      g_ptr_array_add (out, id);
    }

  return TRUE;
}

/* -- clientDataJSON -- */

const char *
kbc_webauthn_ceremony_to_string (KbcWebauthnCeremony ceremony)
{
  return ceremony == KBC_WEBAUTHN_CREATE ? "webauthn.create" : "webauthn.get";
}

char *
kbc_webauthn_origin_for_rp_id (const char *rp_id)
{
  return g_strconcat ("https://", rp_id, NULL);
}

char *
kbc_webauthn_client_data_new (KbcWebauthnCeremony ceremony, GBytes *challenge, const char *origin)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  /* The member order of the WebAuthn spec's serialisation (§5.8.1.1). */
  json_builder_begin_object (builder);
  add_string (builder, "type", kbc_webauthn_ceremony_to_string (ceremony));
  add_base64url (builder, "challenge", challenge);
  add_string (builder, "origin", origin);
  json_builder_set_member_name (builder, "crossOrigin");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

KbcWebauthnClientData *
kbc_webauthn_client_data_parse (const char *json, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (KbcWebauthnClientData) data = g_new0 (KbcWebauthnClientData, 1);
  JsonObject *object;
  JsonNode *cross_origin;

  if (json == NULL || !g_utf8_validate (json, (gssize) len, NULL) ||
      !json_parser_load_from_data (parser, json, (gssize) len, NULL) ||
      json_parser_get_root (parser) == NULL /* blank text */ ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "clientDataJSON");
      return NULL;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  data->type = g_strdup (get_string (object, "type"));
  data->challenge = get_base64url (object, "challenge");
  data->origin = g_strdup (get_string (object, "origin"));
  if (data->type == NULL || data->challenge == NULL || data->origin == NULL)
    {
      invalid (error, "clientDataJSON");
      return NULL;
    }

  cross_origin = json_object_get_member (object, "crossOrigin");
  if (cross_origin != NULL && JSON_NODE_HOLDS_VALUE (cross_origin) &&
      json_node_get_value_type (cross_origin) == G_TYPE_BOOLEAN)
    data->cross_origin = json_node_get_boolean (cross_origin);
  else if (cross_origin != NULL && !JSON_NODE_HOLDS_NULL (cross_origin))
    {
      invalid (error, "crossOrigin");
      return NULL;
    }

  return g_steal_pointer (&data);
}

void
kbc_webauthn_client_data_free (KbcWebauthnClientData *data)
{
  if (data == NULL)
    return;

  g_free (data->type);
  g_clear_pointer (&data->challenge, g_bytes_unref);
  g_free (data->origin);
  g_free (data);
}

/* -- creation options -- */

KbcWebauthnCreationOptions *
kbc_webauthn_creation_options_new (void)
{
  KbcWebauthnCreationOptions *options = g_new0 (KbcWebauthnCreationOptions, 1);

  options->algorithms = g_array_new (FALSE, FALSE, sizeof (gint64));
  options->exclude_credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  return options;
}

void
kbc_webauthn_creation_options_free (KbcWebauthnCreationOptions *options)
{
  if (options == NULL)
    return;

  g_free (options->rp_id);
  g_free (options->rp_name);
  g_clear_pointer (&options->user_id, g_bytes_unref);
  g_free (options->user_name);
  g_free (options->user_display_name);
  g_clear_pointer (&options->challenge, g_bytes_unref);
  g_clear_pointer (&options->algorithms, g_array_unref);
  g_clear_pointer (&options->exclude_credentials, g_ptr_array_unref);
  g_free (options->attestation);
  g_free (options->user_verification);
  g_free (options);
}

KbcWebauthnCreationOptions *
kbc_webauthn_creation_options_parse (JsonNode *node, GError **error)
{
  g_autoptr (KbcWebauthnCreationOptions) options = kbc_webauthn_creation_options_new ();
  JsonObject *object;
  JsonObject *rp;
  JsonObject *user;
  JsonArray *params;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "PublicKeyCredentialCreationOptionsJSON");
      return NULL;
    }
  object = json_node_get_object (node);

  rp = get_object (object, "rp");
  options->rp_id = g_strdup (get_string (rp, "id"));
  options->rp_name = g_strdup (get_string (rp, "name"));
  if (rp == NULL || options->rp_name == NULL)
    {
      invalid (error, "rp");
      return NULL;
    }

  user = get_object (object, "user");
  options->user_id = get_base64url (user, "id");
  options->user_name = g_strdup (get_string (user, "name"));
  options->user_display_name = g_strdup (get_string (user, "displayName"));
  if (options->user_id == NULL || g_bytes_get_size (options->user_id) == 0 ||
      g_bytes_get_size (options->user_id) > 64 || options->user_name == NULL ||
      options->user_display_name == NULL)
    {
      invalid (error, "user");
      return NULL;
    }

  options->challenge = get_base64url (object, "challenge");
  if (options->challenge == NULL || g_bytes_get_size (options->challenge) < 16)
    {
      invalid (error, "challenge");
      return NULL;
    }

  params = get_array (object, "pubKeyCredParams");
  if (params == NULL)
    {
      invalid (error, "pubKeyCredParams");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (params); i++)
    {
      JsonNode *element = json_array_get_element (params, i);
      JsonObject *param = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      gint64 alg;

      if (param == NULL || g_strcmp0 (get_string (param, "type"), "public-key") != 0)
        continue;
      alg = get_int (param, "alg", 0);
      if (alg != 0)
        g_array_append_val (options->algorithms, alg);
    }

  if (!parse_descriptors (object, "excludeCredentials", options->exclude_credentials, error))
    return NULL;

  options->timeout_ms = (guint) CLAMP (get_int (object, "timeout", 0), 0, G_MAXUINT);
  options->attestation = g_strdup (get_string (object, "attestation"));
  options->user_verification =
      g_strdup (get_string (get_object (object, "authenticatorSelection"), "userVerification"));

  return g_steal_pointer (&options);
}

JsonNode *
kbc_webauthn_creation_options_to_json (const KbcWebauthnCreationOptions *options)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "rp");
  json_builder_begin_object (builder);
  if (options->rp_id != NULL)
    add_string (builder, "id", options->rp_id);
  add_string (builder, "name", options->rp_name);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  add_base64url (builder, "id", options->user_id);
  add_string (builder, "name", options->user_name);
  add_string (builder, "displayName", options->user_display_name);
  json_builder_end_object (builder);

  add_base64url (builder, "challenge", options->challenge);

  json_builder_set_member_name (builder, "pubKeyCredParams");
  json_builder_begin_array (builder);
  for (guint i = 0; i < options->algorithms->len; i++)
    {
      json_builder_begin_object (builder);
      add_string (builder, "type", "public-key");
      json_builder_set_member_name (builder, "alg");
      json_builder_add_int_value (builder, g_array_index (options->algorithms, gint64, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (options->timeout_ms > 0)
    {
      json_builder_set_member_name (builder, "timeout");
      json_builder_add_int_value (builder, options->timeout_ms);
    }

  add_descriptors (builder, "excludeCredentials", options->exclude_credentials);

  json_builder_set_member_name (builder, "authenticatorSelection");
  json_builder_begin_object (builder);
  add_string (builder, "authenticatorAttachment", "cross-platform");
  add_string (builder, "residentKey", "discouraged");
  json_builder_set_member_name (builder, "requireResidentKey");
  json_builder_add_boolean_value (builder, FALSE);
  add_string (builder, "userVerification",
              options->user_verification != NULL ? options->user_verification : "discouraged");
  json_builder_end_object (builder);

  add_string (builder, "attestation",
              options->attestation != NULL ? options->attestation : "direct");

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* -- request options -- */

KbcWebauthnRequestOptions *
kbc_webauthn_request_options_new (void)
{
  KbcWebauthnRequestOptions *options = g_new0 (KbcWebauthnRequestOptions, 1);

  options->allow_credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  return options;
}

void
kbc_webauthn_request_options_free (KbcWebauthnRequestOptions *options)
{
  if (options == NULL)
    return;

  g_clear_pointer (&options->challenge, g_bytes_unref);
  g_free (options->rp_id);
  g_clear_pointer (&options->allow_credentials, g_ptr_array_unref);
  g_free (options->user_verification);
  g_free (options);
}

KbcWebauthnRequestOptions *
kbc_webauthn_request_options_parse (JsonNode *node, GError **error)
{
  g_autoptr (KbcWebauthnRequestOptions) options = kbc_webauthn_request_options_new ();
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "PublicKeyCredentialRequestOptionsJSON");
      return NULL;
    }
  object = json_node_get_object (node);

  options->challenge = get_base64url (object, "challenge");
  if (options->challenge == NULL || g_bytes_get_size (options->challenge) < 16)
    {
      invalid (error, "challenge");
      return NULL;
    }

  options->rp_id = g_strdup (get_string (object, "rpId"));
  if (!parse_descriptors (object, "allowCredentials", options->allow_credentials, error))
    return NULL;
  options->timeout_ms = (guint) CLAMP (get_int (object, "timeout", 0), 0, G_MAXUINT);
  options->user_verification = g_strdup (get_string (object, "userVerification"));

  return g_steal_pointer (&options);
}

JsonNode *
kbc_webauthn_request_options_to_json (const KbcWebauthnRequestOptions *options)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_base64url (builder, "challenge", options->challenge);
  if (options->timeout_ms > 0)
    {
      json_builder_set_member_name (builder, "timeout");
      json_builder_add_int_value (builder, options->timeout_ms);
    }
  if (options->rp_id != NULL)
    add_string (builder, "rpId", options->rp_id);
  add_descriptors (builder, "allowCredentials", options->allow_credentials);
  add_string (builder, "userVerification",
              options->user_verification != NULL ? options->user_verification : "discouraged");
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* -- CBOR helpers -- */

static void
map_add (cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
  cbor_map_add (map, (struct cbor_pair){ .key = cbor_move (key), .value = cbor_move (value) });
}

static cbor_item_t *
bytes_item (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return cbor_build_bytestring (data, len);
}

static GBytes *
serialize (cbor_item_t *item)
{
  guint8 *buf = NULL;
  size_t buf_size = 0;
  size_t len;
  GBytes *bytes;

  len = cbor_serialize_alloc (item, &buf, &buf_size);
  if (len == 0)
    return NULL;

  bytes = g_bytes_new (buf, len);
  free (buf);

  return bytes;
}

static cbor_item_t *
map_get (cbor_item_t *map, const char *key)
{
  struct cbor_pair *pairs = cbor_map_handle (map);

  for (size_t i = 0; i < cbor_map_size (map); i++)
    if (cbor_isa_string (pairs[i].key) && cbor_string_is_definite (pairs[i].key) &&
        cbor_string_length (pairs[i].key) == strlen (key) &&
        memcmp (cbor_string_handle (pairs[i].key), key, strlen (key)) == 0)
      return pairs[i].value;

  return NULL;
}

static cbor_item_t *
map_get_int (cbor_item_t *map, gint64 key)
{
  struct cbor_pair *pairs = cbor_map_handle (map);

  for (size_t i = 0; i < cbor_map_size (map); i++)
    {
      cbor_item_t *k = pairs[i].key;
      gint64 value;

      if (cbor_isa_uint (k))
        value = (gint64) cbor_get_int (k);
      else if (cbor_isa_negint (k))
        value = -1 - (gint64) cbor_get_int (k);
      else
        continue;

      if (value == key)
        return pairs[i].value;
    }

  return NULL;
}

static GBytes *
item_to_bytes (cbor_item_t *item)
{
  if (item == NULL || !cbor_isa_bytestring (item) || !cbor_bytestring_is_definite (item))
    return NULL;

  return g_bytes_new (cbor_bytestring_handle (item), cbor_bytestring_length (item));
}

/* -- authenticator data -- */

typedef struct
{
  gsize remaining;
  gboolean plausible;
} SizeCheck;

static void
check_array_size (void *context, size_t size)
{
  SizeCheck *check = context;

  /* Each element takes at least a byte. */
  if (size > check->remaining)
    check->plausible = FALSE;
}

static void
check_map_size (void *context, size_t size)
{
  SizeCheck *check = context;

  if (size > check->remaining / 2)
    check->plausible = FALSE;
}

/* cbor_load(), after checking that no array or map in @data claims more
 * elements than there are bytes left: libcbor 0.8 allocates a definite
 * array or map at its declared size before it reads the elements, so a
 * few hostile bytes could ask for gigabytes (found by the fuzzer,
 * tests/fuzz/corpus/server-webauthn-cbor/huge-map.cbor). */
static cbor_item_t *
load_cbor (const guint8 *data, gsize len, struct cbor_load_result *result)
{
  struct cbor_callbacks callbacks = cbor_empty_callbacks;
  SizeCheck check = { 0, TRUE };
  gsize offset = 0;

  callbacks.array_start = check_array_size;
  callbacks.map_start = check_map_size;
  while (offset < len && check.plausible)
    {
      struct cbor_decoder_result decoded;

      check.remaining = len - offset;
      decoded = cbor_stream_decode (data + offset, len - offset, &callbacks, &check);
      /* What does not decode is cbor_load()'s to refuse. */
      if (decoded.status != CBOR_DECODER_FINISHED || decoded.read == 0)
        break;
      offset += decoded.read;
    }
  if (!check.plausible)
    {
      result->read = 0;
      result->error.code = CBOR_ERR_MALFORMATED;
      result->error.position = offset;
      return NULL;
    }

  return cbor_load (data, len, result);
}

KbcWebauthnAuthData *
kbc_webauthn_auth_data_parse (GBytes *auth_data, GError **error)
{
  g_autoptr (KbcWebauthnAuthData) out = g_new0 (KbcWebauthnAuthData, 1);
  gsize len = 0;
  const guint8 *data = auth_data != NULL ? g_bytes_get_data (auth_data, &len) : NULL;
  gsize pos = 37;

  /* rpIdHash (32) flags (1) signCount (4, big endian) [attestedCredentialData] [extensions] */
  if (data == NULL || len < 37)
    {
      invalid (error, "authenticatorData");
      return NULL;
    }

  memcpy (out->rp_id_hash, data, 32);
  out->flags = data[32];
  out->sign_count = ((guint32) data[33] << 24) | ((guint32) data[34] << 16) |
                    ((guint32) data[35] << 8) | data[36];

  if (out->flags & KBC_WEBAUTHN_FLAG_AT)
    {
      struct cbor_load_result result;
      cbor_item_t *key;
      gsize id_len;

      /* aaguid (16) credentialIdLength (2) credentialId credentialPublicKey (COSE) */
      if (len < pos + 18)
        {
          invalid (error, "attestedCredentialData");
          return NULL;
        }
      memcpy (out->aaguid, data + pos, 16);
      id_len = ((gsize) data[pos + 16] << 8) | data[pos + 17];
      pos += 18;
      if (id_len == 0 || id_len > 1023 || len < pos + id_len)
        {
          invalid (error, "credentialId");
          return NULL;
        }
      out->credential_id = g_bytes_new (data + pos, id_len);
      pos += id_len;

      key = load_cbor (data + pos, len - pos, &result);
      if (key == NULL || !cbor_isa_map (key))
        {
          if (key != NULL)
            cbor_decref (&key);
          invalid (error, "credentialPublicKey");
          return NULL;
        }
      cbor_decref (&key);
      out->credential_public_key = g_bytes_new (data + pos, result.read);
      out->has_attested_credential = TRUE;
      pos += result.read;
    }

  if (out->flags & KBC_WEBAUTHN_FLAG_ED)
    {
      struct cbor_load_result result;
      cbor_item_t *extensions = load_cbor (data + pos, len - pos, &result);

      if (extensions == NULL || !cbor_isa_map (extensions))
        {
          if (extensions != NULL)
            cbor_decref (&extensions);
          invalid (error, "extensions");
          return NULL;
        }
      cbor_decref (&extensions);
      pos += result.read;
    }

  if (pos != len)
    {
      invalid (error, "authenticatorData");
      return NULL;
    }

  return g_steal_pointer (&out);
}

void
kbc_webauthn_auth_data_free (KbcWebauthnAuthData *auth_data)
{
  if (auth_data == NULL)
    return;

  g_clear_pointer (&auth_data->credential_id, g_bytes_unref);
  g_clear_pointer (&auth_data->credential_public_key, g_bytes_unref);
  g_free (auth_data);
}

gboolean
kbc_webauthn_cose_es256_to_point (GBytes *cose_key, guint8 point[65])
{
  struct cbor_load_result result;
  cbor_item_t *map;
  cbor_item_t *x;
  cbor_item_t *y;
  cbor_item_t *kty;
  cbor_item_t *alg;
  cbor_item_t *crv;
  gsize len = 0;
  const guint8 *data = cose_key != NULL ? g_bytes_get_data (cose_key, &len) : NULL;
  gboolean ok = FALSE;

  if (data == NULL || len == 0)
    return FALSE;

  map = load_cbor (data, len, &result);
  if (map == NULL)
    return FALSE;

  /* kty 2 (EC2), alg -7 (ES256), crv 1 (P-256), x and y of 32 bytes. */
  if (cbor_isa_map (map) && result.read == len)
    {
      kty = map_get_int (map, 1);
      alg = map_get_int (map, 3);
      crv = map_get_int (map, -1);
      x = map_get_int (map, -2);
      y = map_get_int (map, -3);

      ok = kty != NULL && cbor_isa_uint (kty) && cbor_get_int (kty) == 2 && alg != NULL &&
           cbor_isa_negint (alg) && cbor_get_int (alg) == 6 && crv != NULL && cbor_isa_uint (crv) &&
           cbor_get_int (crv) == 1 && x != NULL && cbor_isa_bytestring (x) &&
           cbor_bytestring_is_definite (x) && cbor_bytestring_length (x) == 32 && y != NULL &&
           cbor_isa_bytestring (y) && cbor_bytestring_is_definite (y) &&
           cbor_bytestring_length (y) == 32;
      if (ok)
        {
          point[0] = 0x04;
          memcpy (point + 1, cbor_bytestring_handle (x), 32);
          memcpy (point + 33, cbor_bytestring_handle (y), 32);
        }
    }

  cbor_decref (&map);

  return ok;
}

/* -- attestation object -- */

GBytes *
kbc_webauthn_attestation_object_new (const char *fmt, GBytes *auth_data, GBytes *sig, GBytes *x5c)
{
  gboolean u2f = g_strcmp0 (fmt, "fido-u2f") == 0;
  cbor_item_t *statement;
  cbor_item_t *object;
  GBytes *bytes;

  g_return_val_if_fail (fmt != NULL && auth_data != NULL && sig != NULL, NULL);

  /* fido-u2f has no "alg" (WebAuthn §8.6); packed has (§8.2). */
  statement = cbor_new_definite_map ((u2f ? 1 : 2) + (x5c != NULL ? 1 : 0));
  if (!u2f)
    map_add (statement, cbor_build_string ("alg"),
             cbor_build_negint8 (-1 - KBC_WEBAUTHN_COSE_ES256));
  map_add (statement, cbor_build_string ("sig"), bytes_item (sig));
  if (x5c != NULL)
    {
      cbor_item_t *chain = cbor_new_definite_array (1);

      cbor_array_push (chain, cbor_move (bytes_item (x5c)));
      map_add (statement, cbor_build_string ("x5c"), chain);
    }

  object = cbor_new_definite_map (3);
  map_add (object, cbor_build_string ("fmt"), cbor_build_string (fmt));
  map_add (object, cbor_build_string ("attStmt"), statement);
  map_add (object, cbor_build_string ("authData"), bytes_item (auth_data));

  bytes = serialize (object);
  cbor_decref (&object);

  return bytes;
}

KbcWebauthnAttestation *
kbc_webauthn_attestation_object_parse (GBytes *object, GError **error)
{
  g_autoptr (KbcWebauthnAttestation) out = g_new0 (KbcWebauthnAttestation, 1);
  struct cbor_load_result result;
  cbor_item_t *map;
  cbor_item_t *fmt;
  cbor_item_t *statement;
  cbor_item_t *alg;
  cbor_item_t *x5c;
  gsize len = 0;
  const guint8 *data = object != NULL ? g_bytes_get_data (object, &len) : NULL;

  if (data == NULL || len == 0 || (map = load_cbor (data, len, &result)) == NULL)
    {
      invalid (error, "attestationObject");
      return NULL;
    }

  if (!cbor_isa_map (map) || result.read != len)
    goto fail;

  fmt = map_get (map, "fmt");
  statement = map_get (map, "attStmt");
  out->auth_data = item_to_bytes (map_get (map, "authData"));
  if (fmt == NULL || !cbor_isa_string (fmt) || !cbor_string_is_definite (fmt) ||
      statement == NULL || !cbor_isa_map (statement) || out->auth_data == NULL)
    goto fail;
  out->fmt = g_strndup ((const char *) cbor_string_handle (fmt), cbor_string_length (fmt));

  alg = map_get (statement, "alg");
  if (alg != NULL)
    {
      if (cbor_isa_negint (alg))
        out->alg = -1 - (gint64) cbor_get_int (alg);
      else if (cbor_isa_uint (alg))
        out->alg = (gint64) cbor_get_int (alg);
      else
        goto fail;
      out->has_alg = TRUE;
    }

  if (map_get (statement, "sig") != NULL &&
      (out->sig = item_to_bytes (map_get (statement, "sig"))) == NULL)
    goto fail;

  x5c = map_get (statement, "x5c");
  if (x5c != NULL)
    {
      /* The attestation certificate comes first; a chain is not verified. */
      if (!cbor_isa_array (x5c) || cbor_array_size (x5c) == 0 ||
          (out->x5c = item_to_bytes (cbor_array_handle (x5c)[0])) == NULL)
        goto fail;
    }

  cbor_decref (&map);
  return g_steal_pointer (&out);

fail:
  cbor_decref (&map);
  invalid (error, "attestationObject");
  return NULL;
}

void
kbc_webauthn_attestation_free (KbcWebauthnAttestation *attestation)
{
  if (attestation == NULL)
    return;

  g_free (attestation->fmt);
  g_clear_pointer (&attestation->auth_data, g_bytes_unref);
  g_clear_pointer (&attestation->sig, g_bytes_unref);
  g_clear_pointer (&attestation->x5c, g_bytes_unref);
  g_free (attestation);
}

/* -- responses -- */

static void
begin_credential (JsonBuilder *builder, GBytes *credential_id)
{
  json_builder_begin_object (builder);
  add_base64url (builder, "id", credential_id);
  add_base64url (builder, "rawId", credential_id);
  add_string (builder, "type", "public-key");
}

static void
end_credential (JsonBuilder *builder)
{
  add_string (builder, "authenticatorAttachment", "cross-platform");
  json_builder_set_member_name (builder, "clientExtensionResults");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

JsonNode *
kbc_webauthn_registration_response_new (GBytes *credential_id,
                                        const char *client_data_json,
                                        GBytes *attestation_object,
                                        GBytes *auth_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *client_data =
      kbc_webauthn_base64url_encode ((const guint8 *) client_data_json, strlen (client_data_json));

  begin_credential (builder, credential_id);
  json_builder_set_member_name (builder, "response");
  json_builder_begin_object (builder);
  add_string (builder, "clientDataJSON", client_data);
  add_base64url (builder, "attestationObject", attestation_object);
  if (auth_data != NULL)
    add_base64url (builder, "authenticatorData", auth_data);
  json_builder_set_member_name (builder, "transports");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "usb");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "publicKeyAlgorithm");
  json_builder_add_int_value (builder, KBC_WEBAUTHN_COSE_ES256);
  json_builder_end_object (builder);
  end_credential (builder);

  return json_builder_get_root (builder);
}

JsonNode *
kbc_webauthn_authentication_response_new (GBytes *credential_id,
                                          const char *client_data_json,
                                          GBytes *auth_data,
                                          GBytes *signature,
                                          GBytes *user_handle)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *client_data =
      kbc_webauthn_base64url_encode ((const guint8 *) client_data_json, strlen (client_data_json));

  begin_credential (builder, credential_id);
  json_builder_set_member_name (builder, "response");
  json_builder_begin_object (builder);
  add_string (builder, "clientDataJSON", client_data);
  add_base64url (builder, "authenticatorData", auth_data);
  add_base64url (builder, "signature", signature);
  if (user_handle != NULL && g_bytes_get_size (user_handle) > 0)
    add_base64url (builder, "userHandle", user_handle);
  json_builder_end_object (builder);
  end_credential (builder);

  return json_builder_get_root (builder);
}

KbcWebauthnCredential *
kbc_webauthn_credential_parse (JsonNode *node, gboolean registration, GError **error)
{
  g_autoptr (KbcWebauthnCredential) out = g_new0 (KbcWebauthnCredential, 1);
  g_autoptr (GBytes) id = NULL;
  JsonObject *object;
  JsonObject *response;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "credential");
      return NULL;
    }
  object = json_node_get_object (node);

  id = get_base64url (object, "id");
  out->id = get_base64url (object, "rawId");
  if (id == NULL || out->id == NULL || g_bytes_get_size (out->id) == 0 ||
      !g_bytes_equal (id, out->id))
    {
      invalid (error, "rawId");
      return NULL;
    }

  out->type = g_strdup (get_string (object, "type"));
  if (out->type == NULL)
    {
      invalid (error, "type");
      return NULL;
    }

  response = get_object (object, "response");
  out->client_data_json = get_base64url (response, "clientDataJSON");
  if (out->client_data_json == NULL)
    {
      invalid (error, "clientDataJSON");
      return NULL;
    }

  if (registration)
    {
      out->attestation_object = get_base64url (response, "attestationObject");
      if (out->attestation_object == NULL)
        {
          invalid (error, "attestationObject");
          return NULL;
        }
    }
  else
    {
      out->authenticator_data = get_base64url (response, "authenticatorData");
      out->signature = get_base64url (response, "signature");
      if (out->authenticator_data == NULL || out->signature == NULL)
        {
          invalid (error, out->authenticator_data == NULL ? "authenticatorData" : "signature");
          return NULL;
        }
      if (get_string (response, "userHandle") != NULL &&
          (out->user_handle = get_base64url (response, "userHandle")) == NULL)
        {
          invalid (error, "userHandle");
          return NULL;
        }
    }

  return g_steal_pointer (&out);
}

void
kbc_webauthn_credential_free (KbcWebauthnCredential *credential)
{
  if (credential == NULL)
    return;

  g_clear_pointer (&credential->id, g_bytes_unref);
  g_free (credential->type);
  g_clear_pointer (&credential->client_data_json, g_bytes_unref);
  g_clear_pointer (&credential->attestation_object, g_bytes_unref);
  g_clear_pointer (&credential->authenticator_data, g_bytes_unref);
  g_clear_pointer (&credential->signature, g_bytes_unref);
  g_clear_pointer (&credential->user_handle, g_bytes_unref);
  g_free (credential);
}
