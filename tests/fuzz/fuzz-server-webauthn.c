/* fuzz-server-webauthn.c: libFuzzer targets for the server's WebAuthn checks
 *
 * Built twice (tests/fuzz/meson.build):
 *   server-webauthn-cbor  the input is CBOR: an attestation object, put into
 *                         an otherwise well-formed registration response
 *                         (right challenge and origin, the credential id its
 *                         own authenticator data names) and verified as the
 *                         server verifies one; and the same bytes as the
 *                         authenticator data of an assertion, and as a
 *                         COSE key.
 *   server-webauthn-json  the input is a whole RegistrationResponseJSON or
 *                         AuthenticationResponseJSON, verified both ways.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "kbc-server-webauthn.h"
#include "kbc-webauthn.h"

#include "kbc-fuzz.h"

#ifndef KBC_FUZZ_TARGET
#error "KBC_FUZZ_TARGET is server-webauthn-cbor or server-webauthn-json"
#endif

#define RP_ID "localhost"

/* A P-256 public key (openssl ecparam -name prime256v1 -genkey) as a COSE
 * key {1: 2, 3: -7, -1: 1, -2: x, -3: y}, so that an assertion reaches the
 * signature check. */
static const guint8 cose_key[] = {
  0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, 0x4e, 0x77, 0xbc, 0xac, 0x19, 0x32,
  0x8b, 0xca, 0x8b, 0x21, 0x8b, 0xb7, 0x6e, 0xe5, 0xe2, 0xee, 0xfb, 0x91, 0x1f, 0x2f, 0x5c, 0x46,
  0xe2, 0x61, 0x2b, 0xcf, 0xaf, 0x60, 0x4b, 0x30, 0xa6, 0x5f, 0x22, 0x58, 0x20, 0x16, 0x7d, 0xbc,
  0x4f, 0x9f, 0xe1, 0x4c, 0x6b, 0xba, 0x44, 0xd8, 0x73, 0x91, 0x29, 0x26, 0xbb, 0x04, 0x0f, 0xdc,
  0x65, 0xfe, 0xd5, 0xe6, 0x67, 0x03, 0xf6, 0xe0, 0x03, 0x11, 0x4f, 0x17, 0x18,
};

static GBytes *challenge;
static GBytes *public_key;
static GBytes *fixed_id;
static char *create_client_data;
static char *get_client_data;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  static const guint8 challenge_bytes[KBC_SERVER_WEBAUTHN_CHALLENGE_SIZE] = { 1, 2, 3, 4, 5 };
  static const guint8 id_bytes[16] = { 0xc1, 0xed };
  g_autofree char *origin = kbc_webauthn_origin_for_rp_id (RP_ID);
  guint8 point[65];

  kbc_fuzz_init ();
  challenge = g_bytes_new_static (challenge_bytes, sizeof challenge_bytes);
  public_key = g_bytes_new_static (cose_key, sizeof cose_key);
  fixed_id = g_bytes_new_static (id_bytes, sizeof id_bytes);
  create_client_data = kbc_webauthn_client_data_new (KBC_WEBAUTHN_CREATE, challenge, origin);
  get_client_data = kbc_webauthn_client_data_new (KBC_WEBAUTHN_GET, challenge, origin);
  g_assert (kbc_webauthn_cose_es256_to_point (public_key, point));
  return 0;
}

static void
verify_registration (JsonNode *credential)
{
  g_autoptr (KbcServerWebauthnRegistration) registration = NULL;
  g_autoptr (GError) error = NULL;

  registration =
      kbc_server_webauthn_verify_registration (credential, challenge, RP_ID, NULL, &error);
  g_assert (registration != NULL || error != NULL);
}

static void
verify_assertion (JsonNode *credential, GBytes *credential_id)
{
  g_autoptr (GError) error = NULL;
  guint32 count = 0;
  gboolean ok;

  ok = kbc_server_webauthn_verify_assertion (credential, challenge, RP_ID, NULL, credential_id,
                                             public_key, 0, &count, &error);
  g_assert (ok || error != NULL);
}

static void
fuzz_cbor (GBytes *bytes)
{
  g_autoptr (KbcWebauthnAttestation) attestation = NULL;
  g_autoptr (KbcWebauthnAuthData) auth_data = NULL;
  g_autoptr (KbcWebauthnAuthData) own = NULL;
  g_autoptr (JsonNode) registration = NULL;
  g_autoptr (JsonNode) assertion = NULL;
  g_autoptr (GBytes) signature = g_bytes_new_static ("\x30\x06\x02\x01\x01\x02\x01\x01", 8);
  GBytes *id = fixed_id;
  guint8 point[65];

  /* The core parsers on their own. */
  own = kbc_webauthn_auth_data_parse (bytes, NULL);
  if (own != NULL && own->credential_public_key != NULL)
    (void) kbc_webauthn_cose_es256_to_point (own->credential_public_key, point);
  (void) kbc_webauthn_cose_es256_to_point (bytes, point);

  attestation = kbc_webauthn_attestation_object_parse (bytes, NULL);
  if (attestation != NULL)
    auth_data = kbc_webauthn_auth_data_parse (attestation->auth_data, NULL);
  /* The id the authenticator data names, so the check gets past it. */
  if (auth_data != NULL && auth_data->credential_id != NULL &&
      g_bytes_get_size (auth_data->credential_id) > 0)
    id = auth_data->credential_id;

  registration = kbc_webauthn_registration_response_new (
      id, create_client_data, bytes, attestation != NULL ? attestation->auth_data : NULL);
  verify_registration (registration);

  assertion =
      kbc_webauthn_authentication_response_new (fixed_id, get_client_data, bytes, signature, NULL);
  verify_assertion (assertion, fixed_id);
}

static void
fuzz_json (const guint8 *data, gsize size)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GBytes) id = NULL;
  JsonNode *root;

  if (!g_utf8_validate ((const char *) data, size, NULL) ||
      !json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return;

  verify_registration (root);
  /* Against the id it claims, to get past the first check. */
  id = kbc_server_webauthn_get_credential_id (root);
  verify_assertion (root, id != NULL ? id : fixed_id);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (g_str_equal (KBC_FUZZ_TARGET, "server-webauthn-cbor"))
    {
      g_autoptr (GBytes) bytes = g_bytes_new (data, size);

      fuzz_cbor (bytes);
    }
  else
    fuzz_json (data, size);
  return 0;
}
