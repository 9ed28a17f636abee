/* kbc-soft-key.c: a software USB security key that libfido2 talks to over CTAPHID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The device side of CTAPHID (FIDO CTAP 2.0 §8.1): 64-byte frames, channels
 * from INIT, messages split into an initialisation frame and continuation
 * frames. Requests are handled when their last frame is written; a request
 * that needs a touch stays pending, and read() answers it (or sends
 * KEEPALIVE frames) as the simulated user acts. Credentials are kept in a
 * table: the credential id is 32 random bytes.
 */
#include "config.h"

#include "kbc-soft-key.h"

#include "kbc-fido.h"

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

#define FRAME_LEN        64
#define INIT_DATA_LEN    (FRAME_LEN - 7)
#define CONT_DATA_LEN    (FRAME_LEN - 5)
#define MAX_MESSAGE_LEN  (INIT_DATA_LEN + 128 * CONT_DATA_LEN)
#define CRED_ID_LEN      32
#define KEEPALIVE_MS     100
#define REPLY_LATENCY_MS 2 /* a USB interrupt transfer is never instant */
#define DEFAULT_UP_MS    30000
#define PIN_MAX_RETRIES  8

/* CTAPHID error codes (CTAP 2.0 §8.1.9.1.6). */
#define HID_ERR_INVALID_CMD 0x01
#define HID_ERR_INVALID_LEN 0x03
#define HID_ERR_INVALID_SEQ 0x04
#define HID_ERR_BUSY        0x06

#define KEEPALIVE_UPNEEDED 0x02

/* Not in libfido2 1.12's fido/err.h. */
#define CTAP2_ERR_INVALID_SUBCOMMAND 0x3e

/* ISO 7816 status words used by U2F. */
#define SW_NO_ERROR                 0x9000
#define SW_CONDITIONS_NOT_SATISFIED 0x6985
#define SW_WRONG_DATA               0x6a80
#define SW_WRONG_LENGTH             0x6700
#define SW_INS_NOT_SUPPORTED        0x6d00
#define SW_CLA_NOT_SUPPORTED        0x6e00

#define U2F_REGISTER     0x01
#define U2F_AUTHENTICATE 0x02
#define U2F_VERSION      0x03
#define U2F_AUTH_ENFORCE 0x03
#define U2F_AUTH_CHECK   0x07
#define U2F_AUTH_NO_UP   0x08

/* A handler's answer when it must wait for a touch first. */
#define STATUS_NEED_TOUCH 0x100

typedef struct
{
  guint8 id[CRED_ID_LEN];
  guint8 rp_id_hash[32];
  EVP_PKEY *key;
} Credential;

typedef struct _Handle Handle;

/* A CTAP2 request waiting for a touch. */
typedef struct
{
  Handle *handle;
  guint32 cid;
  GBytes *request; /* the CBOR command byte and parameters */
  gint64 deadline;
  gint64 next_keepalive;
  gboolean cancelled;
} Pending;

struct _KbcSoftKey
{
  /* Every reference; of those, the test's (kbc_soft_key_ref/unref) are
   * owners, counted under the registry lock. */
  gatomicrefcount ref_count;
  guint owners;
  GMutex mutex;
  GCond cond;

  char *path;
  KbcSoftKeyKind kind;

  KbcSoftKeyTouch touch;
  guint touch_delay_ms;
  gboolean touched;
  gint64 wait_start;
  guint up_timeout_ms;
  gboolean up_flag;
  KbcSoftKeyAttestation attestation;

  EVP_PKEY *attestation_key;
  GBytes *attestation_cert;
  GPtrArray *credentials; /* of Credential, shared with clones */
  guint32 counter;
  guint n_touch_requests;

  gboolean has_pin;
  guint8 pin_hash[16];
  int pin_retries;
  EVP_PKEY *agreement_key;
  guint8 pin_token[32];

  gboolean plugged;
  guint generation;
  guint32 next_cid;
  Pending *pending;
};

struct _Handle
{
  KbcSoftKey *key;
  guint generation;
  GQueue frames; /* of Frame, to the host */

  /* The request being assembled. */
  gboolean assembling;
  guint32 cid;
  guint8 cmd;
  gsize expected;
  guint8 next_seq;
  GByteArray *message;
};

typedef struct
{
  guint8 data[FRAME_LEN];
  gint64 ready_at;
} Frame;

G_LOCK_DEFINE_STATIC (registry);
static GPtrArray *registry; /* of KbcSoftKey, weak */
static guint next_key_number;

static void
credential_free (Credential *cred)
{
  EVP_PKEY_free (cred->key);
  g_free (cred);
}

/* -- crypto -- */

static EVP_PKEY *
ec_generate (void)
{
  return EVP_EC_gen ("P-256");
}

/* 0x04 || x || y */
static gboolean
ec_public_point (EVP_PKEY *key, guint8 out[65])
{
  size_t len = 0;

  return EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PUB_KEY, out, 65, &len) == 1 &&
         len == 65 && out[0] == 0x04;
}

static EVP_PKEY *
ec_from_xy (const guint8 *x, const guint8 *y)
{
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY *key = NULL;
  guint8 point[65];

  point[0] = 0x04;
  memcpy (point + 1, x, 32);
  memcpy (point + 33, y, 32);

  if ((bld = OSSL_PARAM_BLD_new ()) == NULL ||
      !OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point) ||
      (params = OSSL_PARAM_BLD_to_param (bld)) == NULL ||
      (ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL)) == NULL ||
      EVP_PKEY_fromdata_init (ctx) <= 0 ||
      EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    key = NULL;

  EVP_PKEY_CTX_free (ctx);
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);

  return key;
}

/* ECDSA with SHA-256, DER-encoded as WebAuthn and U2F want it. */
static GBytes *
ec_sign (EVP_PKEY *key, const guint8 *data, gsize len)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  size_t sig_len = 0;
  guint8 *sig = NULL;

  if (EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, key) != 1 ||
      EVP_DigestSign (ctx, NULL, &sig_len, data, len) != 1)
    {
      EVP_MD_CTX_free (ctx);
      return NULL;
    }

  sig = g_malloc (sig_len);
  if (EVP_DigestSign (ctx, sig, &sig_len, data, len) != 1)
    g_clear_pointer (&sig, g_free);

  EVP_MD_CTX_free (ctx);

  return sig != NULL ? g_bytes_new_take (sig, sig_len) : NULL;
}

/* PIN protocol 1: SHA-256 of the x coordinate of the ECDH point. */
static gboolean
ecdh_shared_secret (EVP_PKEY *mine, EVP_PKEY *peer, guint8 out[32])
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new (mine, NULL);
  guint8 z[32];
  size_t z_len = sizeof z;
  gboolean ok;

  ok = ctx != NULL && EVP_PKEY_derive_init (ctx) == 1 &&
       EVP_PKEY_derive_set_peer (ctx, peer) == 1 && EVP_PKEY_derive (ctx, z, &z_len) == 1 &&
       z_len == 32;
  EVP_PKEY_CTX_free (ctx);

  if (ok)
    SHA256 (z, z_len, out);

  return ok;
}

/* AES-256-CBC with a zero IV and no padding, as PIN protocol 1 uses it. */
static gboolean
aes_cbc (gboolean encrypt, const guint8 key[32], const guint8 *in, gsize len, guint8 *out)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  const guint8 iv[16] = { 0 };
  int n = 0;
  int m = 0;
  gboolean ok;

  ok = len % 16 == 0 && ctx != NULL &&
       EVP_CipherInit_ex (ctx, EVP_aes_256_cbc (), NULL, key, iv, encrypt ? 1 : 0) == 1 &&
       EVP_CIPHER_CTX_set_padding (ctx, 0) == 1 &&
       EVP_CipherUpdate (ctx, out, &n, in, (int) len) == 1 &&
       EVP_CipherFinal_ex (ctx, out + n, &m) == 1 && (gsize) (n + m) == len;
  EVP_CIPHER_CTX_free (ctx);

  return ok;
}

static void
hmac_sha256 (const guint8 *key, gsize key_len, const guint8 *data, gsize len, guint8 out[32])
{
  unsigned int out_len = 32;

  HMAC (EVP_sha256 (), key, (int) key_len, data, len, out, &out_len);
}

static GBytes *
make_attestation_cert (EVP_PKEY *key)
{
  X509 *cert = X509_new ();
  X509_NAME *name;
  X509_EXTENSION *ext;
  guint8 *der = NULL;
  int len;

  X509_set_version (cert, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (cert), (long) g_random_int_range (1, G_MAXINT32));
  X509_gmtime_adj (X509_getm_notBefore (cert), -24 * 3600);
  X509_gmtime_adj (X509_getm_notAfter (cert), 10L * 365 * 24 * 3600);
  X509_set_pubkey (cert, key);

  /* The subject the packed format asks for (WebAuthn §8.2.1). */
  name = X509_get_subject_name (cert);
  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_ASC, (const guint8 *) "CZ", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_ASC, (const guint8 *) "KBC Account Tests", -1, -1,
                              0);
  X509_NAME_add_entry_by_txt (name, "OU", MBSTRING_ASC,
                              (const guint8 *) "Authenticator Attestation", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const guint8 *) "KBC Soft Key Attestation",
                              -1, -1, 0);
  X509_set_issuer_name (cert, name);

  ext = X509V3_EXT_conf_nid (NULL, NULL, NID_basic_constraints, "critical,CA:FALSE");
  X509_add_ext (cert, ext, -1);
  X509_EXTENSION_free (ext);

  if (X509_sign (cert, key, EVP_sha256 ()) <= 0 || (len = i2d_X509 (cert, &der)) <= 0)
    g_error ("kbc-soft-key: cannot make the attestation certificate");

  X509_free (cert);

  {
    GBytes *bytes = g_bytes_new (der, (gsize) len);

    OPENSSL_free (der);
    return bytes;
  }
}

/* -- CBOR helpers -- */

static void
map_add (cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
  cbor_map_add (map, (struct cbor_pair){ .key = cbor_move (key), .value = cbor_move (value) });
}

/* CTAP2 canonical CBOR: integers in their shortest form. */
static cbor_item_t *
build_int (gint64 value)
{
  gboolean negative = value < 0;
  guint64 n = negative ? (guint64) (-1 - value) : (guint64) value;

  if (n <= G_MAXUINT8)
    return negative ? cbor_build_negint8 ((guint8) n) : cbor_build_uint8 ((guint8) n);
  if (n <= G_MAXUINT16)
    return negative ? cbor_build_negint16 ((guint16) n) : cbor_build_uint16 ((guint16) n);
  if (n <= G_MAXUINT32)
    return negative ? cbor_build_negint32 ((guint32) n) : cbor_build_uint32 ((guint32) n);

  return negative ? cbor_build_negint64 (n) : cbor_build_uint64 (n);
}

static gboolean
item_get_int (cbor_item_t *item, gint64 *out)
{
  if (cbor_isa_uint (item))
    *out = (gint64) cbor_get_int (item);
  else if (cbor_isa_negint (item))
    *out = -1 - (gint64) cbor_get_int (item);
  else
    return FALSE;

  return TRUE;
}

static cbor_item_t *
map_get_int (cbor_item_t *map, gint64 key)
{
  struct cbor_pair *pairs;
  gint64 k;

  if (map == NULL || !cbor_isa_map (map))
    return NULL;

  pairs = cbor_map_handle (map);
  for (size_t i = 0; i < cbor_map_size (map); i++)
    if (item_get_int (pairs[i].key, &k) && k == key)
      return pairs[i].value;

  return NULL;
}

static cbor_item_t *
map_get_str (cbor_item_t *map, const char *key)
{
  struct cbor_pair *pairs;

  if (map == NULL || !cbor_isa_map (map))
    return NULL;

  pairs = cbor_map_handle (map);
  for (size_t i = 0; i < cbor_map_size (map); i++)
    if (cbor_isa_string (pairs[i].key) && cbor_string_is_definite (pairs[i].key) &&
        cbor_string_length (pairs[i].key) == strlen (key) &&
        memcmp (cbor_string_handle (pairs[i].key), key, strlen (key)) == 0)
      return pairs[i].value;

  return NULL;
}

static gboolean
item_get_bytes (cbor_item_t *item, const guint8 **ptr, gsize *len)
{
  if (item == NULL || !cbor_isa_bytestring (item) || !cbor_bytestring_is_definite (item))
    return FALSE;

  *ptr = cbor_bytestring_handle (item);
  *len = cbor_bytestring_length (item);
  return TRUE;
}

static char *
item_dup_string (cbor_item_t *item)
{
  if (item == NULL || !cbor_isa_string (item) || !cbor_string_is_definite (item))
    return NULL;

  return g_strndup ((const char *) cbor_string_handle (item), cbor_string_length (item));
}

/* A missing option is @def; one that is not a boolean is -1. */
static int
map_get_bool (cbor_item_t *map, const char *key, gboolean def)
{
  cbor_item_t *item = map_get_str (map, key);

  if (item == NULL)
    return def;
  if (!cbor_is_bool (item))
    return -1;

  return cbor_get_bool (item);
}

static cbor_item_t *
cose_key_new (EVP_PKEY *key, gint64 alg)
{
  cbor_item_t *map = cbor_new_definite_map (5);
  guint8 point[65];

  if (!ec_public_point (key, point))
    g_error ("kbc-soft-key: no public point");

  map_add (map, build_int (1), build_int (2));   /* kty: EC2 */
  map_add (map, build_int (3), build_int (alg)); /* alg */
  map_add (map, build_int (-1), build_int (1));  /* crv: P-256 */
  map_add (map, build_int (-2), cbor_build_bytestring (point + 1, 32));
  map_add (map, build_int (-3), cbor_build_bytestring (point + 33, 32));

  return map;
}

static void
append_item (GByteArray *out, cbor_item_t *item)
{
  guint8 *buf = NULL;
  size_t buf_size = 0;
  size_t len;

  len = cbor_serialize_alloc (item, &buf, &buf_size);
  g_byte_array_append (out, buf, (guint) len);
  free (buf);
}

static void
append_be32 (GByteArray *out, guint32 value)
{
  guint8 be[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, be, 4);
}

/* -- the key -- */

static void
registry_add (KbcSoftKey *key)
{
  G_LOCK (registry);
  if (registry == NULL)
    registry = g_ptr_array_new ();
  g_ptr_array_add (registry, key);
  key->path = g_strdup_printf ("kbc-soft-key:%u", ++next_key_number);
  G_UNLOCK (registry);
}

static KbcSoftKey *
key_ref (KbcSoftKey *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void key_release (KbcSoftKey *self);

/* Returns a new reference (not an owner's), to be dropped with key_release(). */
static KbcSoftKey *
registry_lookup (const char *path)
{
  KbcSoftKey *found = NULL;

  G_LOCK (registry);
  for (guint i = 0; registry != NULL && i < registry->len; i++)
    {
      KbcSoftKey *key = g_ptr_array_index (registry, i);

      if (g_strcmp0 (key->path, path) == 0)
        {
          found = key_ref (key);
          break;
        }
    }
  G_UNLOCK (registry);

  return found;
}

static void
power_up (KbcSoftKey *self)
{
  g_clear_pointer (&self->agreement_key, EVP_PKEY_free);
  self->agreement_key = ec_generate ();
  RAND_bytes (self->pin_token, sizeof self->pin_token);
  self->plugged = TRUE;
  self->generation++;
  self->touched = FALSE;
  self->wait_start = 0;
}

static KbcSoftKey *
soft_key_alloc (KbcSoftKeyKind kind)
{
  KbcSoftKey *self = g_new0 (KbcSoftKey, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->owners = 1;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->kind = kind;
  self->touch = KBC_SOFT_KEY_TOUCH_AUTO;
  self->up_timeout_ms = DEFAULT_UP_MS;
  self->up_flag = TRUE;
  self->attestation = KBC_SOFT_KEY_ATTESTATION_X5C;
  self->next_cid = 0x4b424300; /* "KBC\0" */
  power_up (self);

  return self;
}

KbcSoftKey *
kbc_soft_key_new (KbcSoftKeyKind kind)
{
  KbcSoftKey *self = soft_key_alloc (kind);

  self->attestation_key = ec_generate ();
  self->attestation_cert = make_attestation_cert (self->attestation_key);
  self->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) credential_free);
  registry_add (self);

  return self;
}

KbcSoftKey *
kbc_soft_key_clone (KbcSoftKey *self)
{
  KbcSoftKey *clone = soft_key_alloc (self->kind);

  g_mutex_lock (&self->mutex);
  EVP_PKEY_up_ref (self->attestation_key);
  clone->attestation_key = self->attestation_key;
  clone->attestation_cert = g_bytes_ref (self->attestation_cert);
  clone->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) credential_free);
  for (guint i = 0; i < self->credentials->len; i++)
    {
      Credential *cred = g_ptr_array_index (self->credentials, i);
      Credential *copy = g_memdup2 (cred, sizeof *cred);

      EVP_PKEY_up_ref (copy->key);
      g_ptr_array_add (clone->credentials, copy);
    }
  clone->counter = self->counter;
  clone->attestation = self->attestation;
  clone->has_pin = self->has_pin;
  memcpy (clone->pin_hash, self->pin_hash, sizeof clone->pin_hash);
  clone->pin_retries = self->pin_retries;
  g_mutex_unlock (&self->mutex);

  registry_add (clone);

  return clone;
}

KbcSoftKey *
kbc_soft_key_ref (KbcSoftKey *self)
{
  G_LOCK (registry);
  self->owners++;
  G_UNLOCK (registry);

  return key_ref (self);
}

/* When the last owner lets go, the key leaves the bus at once, as a real key
 * pulled out: no manifest lists it and no open finds it, even while libfido2
 * still holds a handle to it. KbcFido closes its devices only after it has
 * reported (when its task is freed, possibly in a worker thread a moment
 * later), so otherwise a key could outlive its test case and answer in the
 * next one. */
void
kbc_soft_key_unref (KbcSoftKey *self)
{
  G_LOCK (registry);
  g_assert (self->owners > 0);
  if (--self->owners == 0)
    g_ptr_array_remove (registry, self);
  G_UNLOCK (registry);

  key_release (self);
}

static void
key_release (KbcSoftKey *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->attestation_key, EVP_PKEY_free);
  g_clear_pointer (&self->agreement_key, EVP_PKEY_free);
  g_clear_pointer (&self->attestation_cert, g_bytes_unref);
  g_clear_pointer (&self->credentials, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->path);
  g_free (self);
}

const char *
kbc_soft_key_get_path (KbcSoftKey *self)
{
  return self->path;
}

KbcSoftKeyKind
kbc_soft_key_get_kind (KbcSoftKey *self)
{
  return self->kind;
}

void
kbc_soft_key_set_touch (KbcSoftKey *self, KbcSoftKeyTouch touch, guint delay_ms)
{
  g_mutex_lock (&self->mutex);
  self->touch = touch;
  self->touch_delay_ms = delay_ms;
  self->touched = FALSE;
  self->wait_start = 0;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
kbc_soft_key_touch (KbcSoftKey *self)
{
  g_mutex_lock (&self->mutex);
  self->touched = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
kbc_soft_key_set_user_presence_timeout (KbcSoftKey *self, guint timeout_ms)
{
  g_mutex_lock (&self->mutex);
  self->up_timeout_ms = timeout_ms;
  g_mutex_unlock (&self->mutex);
}

void
kbc_soft_key_set_attestation (KbcSoftKey *self, KbcSoftKeyAttestation attestation)
{
  g_mutex_lock (&self->mutex);
  self->attestation = attestation;
  g_mutex_unlock (&self->mutex);
}

void
kbc_soft_key_set_user_present_flag (KbcSoftKey *self, gboolean set)
{
  g_mutex_lock (&self->mutex);
  self->up_flag = set;
  g_mutex_unlock (&self->mutex);
}

void
kbc_soft_key_set_pin (KbcSoftKey *self, const char *pin, int retries)
{
  guint8 hash[32];

  g_return_if_fail (self->kind == KBC_SOFT_KEY_FIDO2);

  g_mutex_lock (&self->mutex);
  self->has_pin = pin != NULL;
  if (pin != NULL)
    {
      SHA256 ((const guint8 *) pin, strlen (pin), hash);
      memcpy (self->pin_hash, hash, sizeof self->pin_hash);
    }
  self->pin_retries = pin != NULL ? retries : PIN_MAX_RETRIES;
  g_mutex_unlock (&self->mutex);
}

gboolean
kbc_soft_key_has_pin (KbcSoftKey *self)
{
  gboolean has_pin;

  g_mutex_lock (&self->mutex);
  has_pin = self->has_pin;
  g_mutex_unlock (&self->mutex);

  return has_pin;
}

int
kbc_soft_key_get_pin_retries (KbcSoftKey *self)
{
  int retries;

  g_mutex_lock (&self->mutex);
  retries = self->pin_retries;
  g_mutex_unlock (&self->mutex);

  return retries;
}

guint32
kbc_soft_key_get_counter (KbcSoftKey *self)
{
  guint32 counter;

  g_mutex_lock (&self->mutex);
  counter = self->counter;
  g_mutex_unlock (&self->mutex);

  return counter;
}

void
kbc_soft_key_set_counter (KbcSoftKey *self, guint32 counter)
{
  g_mutex_lock (&self->mutex);
  self->counter = counter;
  g_mutex_unlock (&self->mutex);
}

guint
kbc_soft_key_get_n_credentials (KbcSoftKey *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->credentials->len;
  g_mutex_unlock (&self->mutex);

  return n;
}

guint
kbc_soft_key_count_credentials_for (KbcSoftKey *self, const char *rp_id)
{
  guint8 hash[32];
  guint n = 0;

  SHA256 ((const guint8 *) rp_id, strlen (rp_id), hash);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->credentials->len; i++)
    {
      Credential *cred = g_ptr_array_index (self->credentials, i);

      if (memcmp (cred->rp_id_hash, hash, 32) == 0)
        n++;
    }
  g_mutex_unlock (&self->mutex);

  return n;
}

guint
kbc_soft_key_get_n_touch_requests (KbcSoftKey *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->n_touch_requests;
  g_mutex_unlock (&self->mutex);

  return n;
}

static void
pending_free (Pending *pending)
{
  g_bytes_unref (pending->request);
  g_free (pending);
}

/* Called with the mutex held. */
static void
unplug_locked (KbcSoftKey *self)
{
  self->plugged = FALSE;
  g_clear_pointer (&self->pending, pending_free);
  g_cond_broadcast (&self->cond);
}

void
kbc_soft_key_unplug (KbcSoftKey *self)
{
  g_mutex_lock (&self->mutex);
  unplug_locked (self);
  g_mutex_unlock (&self->mutex);
}

void
kbc_soft_key_plug (KbcSoftKey *self)
{
  g_mutex_lock (&self->mutex);
  if (!self->plugged)
    power_up (self);
  g_mutex_unlock (&self->mutex);
}

gboolean
kbc_soft_key_is_plugged (KbcSoftKey *self)
{
  gboolean plugged;

  g_mutex_lock (&self->mutex);
  plugged = self->plugged;
  g_mutex_unlock (&self->mutex);

  return plugged;
}

/* -- the simulated user -- */

/* The key starts (or goes on) waiting for a touch. */
static void
wait_begin (KbcSoftKey *self, gint64 now)
{
  if (self->wait_start == 0)
    {
      self->wait_start = now;
      self->n_touch_requests++;
    }
  if (self->touch == KBC_SOFT_KEY_TOUCH_UNPLUG)
    unplug_locked (self);
}

static gboolean
touch_available (KbcSoftKey *self, gint64 now)
{
  switch (self->touch)
    {
      case KBC_SOFT_KEY_TOUCH_AUTO:
        return TRUE;
      case KBC_SOFT_KEY_TOUCH_MANUAL:
        return self->touched;
      case KBC_SOFT_KEY_TOUCH_DELAYED:
        return self->wait_start != 0 &&
               now >= self->wait_start + self->touch_delay_ms * G_TIME_SPAN_MILLISECOND;
      case KBC_SOFT_KEY_TOUCH_NEVER:
      case KBC_SOFT_KEY_TOUCH_UNPLUG:
      default:
        return FALSE;
    }
}

static void
touch_consume (KbcSoftKey *self)
{
  self->touched = FALSE;
  self->wait_start = 0;
}

/* -- credentials -- */

static Credential *
credential_find (KbcSoftKey *self, const guint8 *id, gsize id_len, const guint8 rp_id_hash[32])
{
  if (id_len != CRED_ID_LEN)
    return NULL;

  for (guint i = 0; i < self->credentials->len; i++)
    {
      Credential *cred = g_ptr_array_index (self->credentials, i);

      if (memcmp (cred->id, id, CRED_ID_LEN) == 0 && memcmp (cred->rp_id_hash, rp_id_hash, 32) == 0)
        return cred;
    }

  return NULL;
}

static Credential *
credential_new (KbcSoftKey *self, const guint8 rp_id_hash[32])
{
  Credential *cred = g_new0 (Credential, 1);

  RAND_bytes (cred->id, CRED_ID_LEN);
  memcpy (cred->rp_id_hash, rp_id_hash, 32);
  cred->key = ec_generate ();
  g_ptr_array_add (self->credentials, cred);

  return cred;
}

/* -- frames -- */

static void
queue_message (Handle *handle,
               guint32 cid,
               guint8 cmd,
               const guint8 *data,
               gsize len,
               gint64 ready_at)
{
  gsize sent = 0;
  guint8 seq = 0;
  Frame *frame;

  frame = g_new0 (Frame, 1);
  memcpy (frame->data, &cid, 4);
  frame->data[4] = 0x80 | cmd;
  frame->data[5] = (len >> 8) & 0xff;
  frame->data[6] = len & 0xff;
  sent = MIN (len, INIT_DATA_LEN);
  if (sent > 0)
    memcpy (frame->data + 7, data, sent);
  frame->ready_at = ready_at;
  g_queue_push_tail (&handle->frames, frame);

  while (sent < len)
    {
      gsize n = MIN (len - sent, CONT_DATA_LEN);

      frame = g_new0 (Frame, 1);
      memcpy (frame->data, &cid, 4);
      frame->data[4] = seq++;
      memcpy (frame->data + 5, data + sent, n);
      frame->ready_at = ready_at;
      g_queue_push_tail (&handle->frames, frame);
      sent += n;
    }

  g_cond_broadcast (&handle->key->cond);
}

static void
queue_reply (Handle *handle, guint32 cid, guint8 cmd, const guint8 *data, gsize len)
{
  queue_message (handle, cid, cmd, data, len,
                 g_get_monotonic_time () + REPLY_LATENCY_MS * G_TIME_SPAN_MILLISECOND);
}

static void
queue_error (Handle *handle, guint32 cid, guint8 code)
{
  queue_reply (handle, cid, 0x3f, &code, 1);
}

/* -- U2F (CTAP1) -- */

static void
append_sw (GByteArray *out, guint16 sw)
{
  guint8 be[2] = { sw >> 8, sw & 0xff };

  g_byte_array_append (out, be, 2);
}

static void
u2f_register (KbcSoftKey *self, const guint8 *data, gsize len, GByteArray *reply)
{
  g_autoptr (GByteArray) signed_data = g_byte_array_new ();
  g_autoptr (GBytes) sig = NULL;
  const guint8 *challenge = data;
  const guint8 *application = data + 32;
  Credential *cred;
  guint8 point[65];
  guint8 zero = 0;
  guint8 kh_len = CRED_ID_LEN;
  guint8 reserved = 0x05;

  if (len != 64)
    {
      append_sw (reply, SW_WRONG_LENGTH);
      return;
    }

  wait_begin (self, g_get_monotonic_time ());
  if (!self->plugged)
    return;
  if (!touch_available (self, g_get_monotonic_time ()))
    {
      append_sw (reply, SW_CONDITIONS_NOT_SATISFIED);
      return;
    }
  touch_consume (self);

  cred = credential_new (self, application);
  ec_public_point (cred->key, point);

  /* FIDO U2F Raw Message Formats §4.3 */
  g_byte_array_append (signed_data, &zero, 1);
  g_byte_array_append (signed_data, application, 32);
  g_byte_array_append (signed_data, challenge, 32);
  g_byte_array_append (signed_data, cred->id, CRED_ID_LEN);
  g_byte_array_append (signed_data, point, 65);
  sig = ec_sign (self->attestation_key, signed_data->data, signed_data->len);

  g_byte_array_append (reply, &reserved, 1);
  g_byte_array_append (reply, point, 65);
  g_byte_array_append (reply, &kh_len, 1);
  g_byte_array_append (reply, cred->id, CRED_ID_LEN);
  g_byte_array_append (reply, g_bytes_get_data (self->attestation_cert, NULL),
                       (guint) g_bytes_get_size (self->attestation_cert));
  g_byte_array_append (reply, g_bytes_get_data (sig, NULL), (guint) g_bytes_get_size (sig));
  append_sw (reply, SW_NO_ERROR);
}

static void
u2f_authenticate (KbcSoftKey *self,
                  guint8 control,
                  const guint8 *data,
                  gsize len,
                  GByteArray *reply)
{
  g_autoptr (GByteArray) signed_data = g_byte_array_new ();
  g_autoptr (GBytes) sig = NULL;
  const guint8 *challenge = data;
  const guint8 *application = data + 32;
  Credential *cred;
  guint8 flags;

  if (len < 65 || len != 65 + (gsize) data[64])
    {
      append_sw (reply, SW_WRONG_LENGTH);
      return;
    }

  cred = credential_find (self, data + 65, data[64], application);
  if (cred == NULL)
    {
      append_sw (reply, SW_WRONG_DATA);
      return;
    }

  if (control == U2F_AUTH_CHECK)
    {
      append_sw (reply, SW_CONDITIONS_NOT_SATISFIED);
      return;
    }
  if (control != U2F_AUTH_ENFORCE && control != U2F_AUTH_NO_UP)
    {
      append_sw (reply, SW_WRONG_DATA);
      return;
    }

  flags = 0;
  if (control == U2F_AUTH_ENFORCE && self->up_flag)
    {
      wait_begin (self, g_get_monotonic_time ());
      if (!self->plugged)
        return;
      if (!touch_available (self, g_get_monotonic_time ()))
        {
          append_sw (reply, SW_CONDITIONS_NOT_SATISFIED);
          return;
        }
      touch_consume (self);
      flags = CTAP_AUTHDATA_USER_PRESENT;
    }

  self->counter++;

  g_byte_array_append (signed_data, application, 32);
  g_byte_array_append (signed_data, &flags, 1);
  append_be32 (signed_data, self->counter);
  g_byte_array_append (signed_data, challenge, 32);
  sig = ec_sign (cred->key, signed_data->data, signed_data->len);

  g_byte_array_append (reply, &flags, 1);
  append_be32 (reply, self->counter);
  g_byte_array_append (reply, g_bytes_get_data (sig, NULL), (guint) g_bytes_get_size (sig));
  append_sw (reply, SW_NO_ERROR);
}

/* An ISO 7816-4 APDU, short or extended length. */
static void
u2f_dispatch (KbcSoftKey *self, const guint8 *apdu, gsize len, GByteArray *reply)
{
  const guint8 *data;
  gsize data_len;

  if (len < 4)
    {
      append_sw (reply, SW_WRONG_LENGTH);
      return;
    }
  if (apdu[0] != 0)
    {
      append_sw (reply, SW_CLA_NOT_SUPPORTED);
      return;
    }

  if (len == 4)
    {
      data = apdu + 4;
      data_len = 0;
    }
  else if (apdu[4] == 0 && len >= 7)
    {
      data_len = ((gsize) apdu[5] << 8) | apdu[6];
      data = apdu + 7;
      if (7 + data_len > len)
        {
          append_sw (reply, SW_WRONG_LENGTH);
          return;
        }
    }
  else
    {
      data_len = apdu[4];
      data = apdu + 5;
      if (5 + data_len > len)
        {
          append_sw (reply, SW_WRONG_LENGTH);
          return;
        }
    }

  switch (apdu[1])
    {
      case U2F_REGISTER:
        u2f_register (self, data, data_len, reply);
        break;
      case U2F_AUTHENTICATE:
        u2f_authenticate (self, apdu[2], data, data_len, reply);
        break;
      case U2F_VERSION:
        g_byte_array_append (reply, (const guint8 *) "U2F_V2", 6);
        append_sw (reply, SW_NO_ERROR);
        break;
      default:
        append_sw (reply, SW_INS_NOT_SUPPORTED);
        break;
    }
}

/* -- CTAP2 -- */

static int
ctap2_get_info (KbcSoftKey *self, GByteArray *reply)
{
  cbor_item_t *map = cbor_new_definite_map (6);
  cbor_item_t *versions = cbor_new_definite_array (2);
  cbor_item_t *options = cbor_new_definite_map (4);
  cbor_item_t *protocols = cbor_new_definite_array (1);

  cbor_array_push (versions, cbor_move (cbor_build_string ("U2F_V2")));
  cbor_array_push (versions, cbor_move (cbor_build_string ("FIDO_2_0")));
  map_add (options, cbor_build_string ("rk"), cbor_build_bool (false));
  map_add (options, cbor_build_string ("up"), cbor_build_bool (true));
  map_add (options, cbor_build_string ("plat"), cbor_build_bool (false));
  map_add (options, cbor_build_string ("clientPin"), cbor_build_bool (self->has_pin));
  cbor_array_push (protocols, cbor_move (cbor_build_uint8 (1)));

  map_add (map, build_int (1), versions);
  map_add (map, build_int (2), cbor_new_definite_array (0));
  map_add (map, build_int (3), cbor_build_bytestring ((const guint8 *) KBC_SOFT_KEY_AAGUID, 16));
  map_add (map, build_int (4), options);
  map_add (map, build_int (5), build_int (1200));
  map_add (map, build_int (6), protocols);

  append_item (reply, map);
  cbor_decref (&map);

  return FIDO_OK;
}

/* Checks pinAuth (key 8 of makeCredential, 6 of getAssertion). Returns
 * FIDO_OK with *@verified set, or a CTAP2 status. */
static int
check_pin_auth (KbcSoftKey *self,
                cbor_item_t *pin_auth,
                cbor_item_t *protocol,
                const guint8 *cdh,
                gboolean required,
                gboolean touched,
                gboolean *verified)
{
  const guint8 *auth;
  gsize auth_len;
  guint8 mac[32];
  gint64 version;

  *verified = FALSE;

  if (pin_auth == NULL)
    return required && self->has_pin ? FIDO_ERR_PIN_REQUIRED : FIDO_OK;

  if (!item_get_bytes (pin_auth, &auth, &auth_len))
    return FIDO_ERR_CBOR_UNEXPECTED_TYPE;

  /* An empty pinAuth asks for a touch to pick this key (CTAP 2.0 §5.5.8). */
  if (auth_len == 0)
    {
      if (!touched)
        return STATUS_NEED_TOUCH;
      return self->has_pin ? FIDO_ERR_PIN_INVALID : FIDO_ERR_PIN_NOT_SET;
    }

  if (protocol == NULL || !item_get_int (protocol, &version))
    return FIDO_ERR_MISSING_PARAMETER;
  if (version != 1)
    return FIDO_ERR_PIN_AUTH_INVALID;
  if (!self->has_pin)
    return FIDO_ERR_PIN_NOT_SET;

  hmac_sha256 (self->pin_token, sizeof self->pin_token, cdh, 32, mac);
  if (auth_len != 16 || CRYPTO_memcmp (mac, auth, 16) != 0)
    return FIDO_ERR_PIN_AUTH_INVALID;

  *verified = TRUE;
  return FIDO_OK;
}

static int
ctap2_make_credential (KbcSoftKey *self, cbor_item_t *params, gboolean touched, GByteArray *reply)
{
  g_autoptr (GByteArray) auth_data = g_byte_array_new ();
  g_autoptr (GByteArray) signed_data = g_byte_array_new ();
  g_autoptr (GBytes) sig = NULL;
  g_autofree char *rp_id = NULL;
  cbor_item_t *item;
  cbor_item_t *map;
  cbor_item_t *att_stmt;
  cbor_item_t *cose;
  const guint8 *cdh;
  gsize cdh_len;
  guint8 rp_id_hash[32];
  gboolean es256 = FALSE;
  gboolean excluded = FALSE;
  gboolean verified;
  Credential *cred;
  EVP_PKEY *signer;
  guint8 flags;
  guint8 id_len[2];
  int status;

  if (!item_get_bytes (map_get_int (params, 1), &cdh, &cdh_len) || cdh_len != 32 ||
      map_get_int (params, 2) == NULL || map_get_int (params, 3) == NULL ||
      map_get_int (params, 4) == NULL)
    return FIDO_ERR_MISSING_PARAMETER;

  rp_id = item_dup_string (map_get_str (map_get_int (params, 2), "id"));
  if (rp_id == NULL)
    return FIDO_ERR_MISSING_PARAMETER;
  SHA256 ((const guint8 *) rp_id, strlen (rp_id), rp_id_hash);

  item = map_get_int (params, 4);
  if (!cbor_isa_array (item))
    return FIDO_ERR_CBOR_UNEXPECTED_TYPE;
  for (size_t i = 0; i < cbor_array_size (item); i++)
    {
      cbor_item_t *param = cbor_array_handle (item)[i];
      gint64 alg;

      if (item_get_int (map_get_str (param, "alg"), &alg) && alg == -7)
        es256 = TRUE;
    }
  if (!es256)
    return FIDO_ERR_UNSUPPORTED_ALGORITHM;

  item = map_get_int (params, 7);
  if (map_get_bool (item, "rk", FALSE) != FALSE)
    return FIDO_ERR_UNSUPPORTED_OPTION;
  if (map_get_bool (item, "uv", FALSE) != FALSE)
    return FIDO_ERR_INVALID_OPTION;

  status = check_pin_auth (self, map_get_int (params, 8), map_get_int (params, 9), cdh, TRUE,
                           touched, &verified);
  if (status != FIDO_OK)
    return status;

  item = map_get_int (params, 5);
  if (item != NULL && cbor_isa_array (item))
    for (size_t i = 0; i < cbor_array_size (item); i++)
      {
        const guint8 *id;
        gsize id_len_;

        if (item_get_bytes (map_get_str (cbor_array_handle (item)[i], "id"), &id, &id_len_) &&
            credential_find (self, id, id_len_, rp_id_hash) != NULL)
          excluded = TRUE;
      }

  /* CTAP 2.1 keys want a touch before they say a credential is excluded. */
  if (!touched && self->up_flag)
    return STATUS_NEED_TOUCH;
  if (excluded)
    return FIDO_ERR_CREDENTIAL_EXCLUDED;

  cred = credential_new (self, rp_id_hash);
  self->counter++;

  flags = CTAP_AUTHDATA_ATT_CRED;
  if (self->up_flag)
    flags |= CTAP_AUTHDATA_USER_PRESENT;
  if (verified)
    flags |= CTAP_AUTHDATA_USER_VERIFIED;

  g_byte_array_append (auth_data, rp_id_hash, 32);
  g_byte_array_append (auth_data, &flags, 1);
  append_be32 (auth_data, self->counter);
  g_byte_array_append (auth_data, (const guint8 *) KBC_SOFT_KEY_AAGUID, 16);
  id_len[0] = 0;
  id_len[1] = CRED_ID_LEN;
  g_byte_array_append (auth_data, id_len, 2);
  g_byte_array_append (auth_data, cred->id, CRED_ID_LEN);
  cose = cose_key_new (cred->key, -7);
  append_item (auth_data, cose);
  cbor_decref (&cose);

  g_byte_array_append (signed_data, auth_data->data, auth_data->len);
  g_byte_array_append (signed_data, cdh, 32);
  signer = self->attestation == KBC_SOFT_KEY_ATTESTATION_X5C ? self->attestation_key : cred->key;
  sig = ec_sign (signer, signed_data->data, signed_data->len);

  att_stmt = cbor_new_definite_map (self->attestation == KBC_SOFT_KEY_ATTESTATION_X5C ? 3 : 2);
  map_add (att_stmt, cbor_build_string ("alg"), build_int (-7));
  map_add (att_stmt, cbor_build_string ("sig"),
           cbor_build_bytestring (g_bytes_get_data (sig, NULL), g_bytes_get_size (sig)));
  if (self->attestation == KBC_SOFT_KEY_ATTESTATION_X5C)
    {
      cbor_item_t *x5c = cbor_new_definite_array (1);

      cbor_array_push (
          x5c, cbor_move (cbor_build_bytestring (g_bytes_get_data (self->attestation_cert, NULL),
                                                 g_bytes_get_size (self->attestation_cert))));
      map_add (att_stmt, cbor_build_string ("x5c"), x5c);
    }

  map = cbor_new_definite_map (3);
  map_add (map, build_int (1), cbor_build_string ("packed"));
  map_add (map, build_int (2), cbor_build_bytestring (auth_data->data, auth_data->len));
  map_add (map, build_int (3), att_stmt);
  append_item (reply, map);
  cbor_decref (&map);

  return FIDO_OK;
}

static int
ctap2_get_assertion (KbcSoftKey *self, cbor_item_t *params, gboolean touched, GByteArray *reply)
{
  g_autoptr (GByteArray) auth_data = g_byte_array_new ();
  g_autoptr (GBytes) sig = NULL;
  g_autofree char *rp_id = NULL;
  cbor_item_t *item;
  cbor_item_t *map;
  cbor_item_t *descriptor;
  const guint8 *cdh;
  gsize cdh_len;
  guint8 rp_id_hash[32];
  Credential *cred = NULL;
  gboolean verified;
  gboolean up;
  guint8 flags;
  int status;

  rp_id = item_dup_string (map_get_int (params, 1));
  if (rp_id == NULL || !item_get_bytes (map_get_int (params, 2), &cdh, &cdh_len) || cdh_len != 32)
    return FIDO_ERR_MISSING_PARAMETER;
  SHA256 ((const guint8 *) rp_id, strlen (rp_id), rp_id_hash);

  item = map_get_int (params, 5);
  if (map_get_bool (item, "uv", FALSE) != FALSE)
    return FIDO_ERR_INVALID_OPTION;
  up = map_get_bool (item, "up", TRUE);
  if (up < 0)
    return FIDO_ERR_CBOR_UNEXPECTED_TYPE;

  status = check_pin_auth (self, map_get_int (params, 6), map_get_int (params, 7), cdh, FALSE,
                           touched, &verified);
  if (status != FIDO_OK)
    return status;

  /* No resident keys: only the allow list can name a credential. */
  item = map_get_int (params, 3);
  if (item != NULL && cbor_isa_array (item))
    for (size_t i = 0; i < cbor_array_size (item) && cred == NULL; i++)
      {
        const guint8 *id;
        gsize id_len;

        if (item_get_bytes (map_get_str (cbor_array_handle (item)[i], "id"), &id, &id_len))
          cred = credential_find (self, id, id_len, rp_id_hash);
      }
  if (cred == NULL)
    return FIDO_ERR_NO_CREDENTIALS;

  up = up && self->up_flag;
  if (up && !touched)
    return STATUS_NEED_TOUCH;

  self->counter++;
  flags = (up ? CTAP_AUTHDATA_USER_PRESENT : 0) | (verified ? CTAP_AUTHDATA_USER_VERIFIED : 0);
  g_byte_array_append (auth_data, rp_id_hash, 32);
  g_byte_array_append (auth_data, &flags, 1);
  append_be32 (auth_data, self->counter);

  {
    g_autoptr (GByteArray) signed_data = g_byte_array_new ();

    g_byte_array_append (signed_data, auth_data->data, auth_data->len);
    g_byte_array_append (signed_data, cdh, 32);
    sig = ec_sign (cred->key, signed_data->data, signed_data->len);
  }

  descriptor = cbor_new_definite_map (2);
  map_add (descriptor, cbor_build_string ("id"), cbor_build_bytestring (cred->id, CRED_ID_LEN));
  map_add (descriptor, cbor_build_string ("type"), cbor_build_string ("public-key"));

  map = cbor_new_definite_map (3);
  map_add (map, build_int (1), descriptor);
  map_add (map, build_int (2), cbor_build_bytestring (auth_data->data, auth_data->len));
  map_add (map, build_int (3),
           cbor_build_bytestring (g_bytes_get_data (sig, NULL), g_bytes_get_size (sig)));
  append_item (reply, map);
  cbor_decref (&map);

  return FIDO_OK;
}

/* The platform's key agreement key (a COSE_Key) and the shared secret. */
static int
pin_shared_secret (KbcSoftKey *self, cbor_item_t *cose, guint8 shared[32])
{
  const guint8 *x;
  const guint8 *y;
  gsize x_len;
  gsize y_len;
  EVP_PKEY *peer;
  gboolean ok;

  if (cose == NULL)
    return FIDO_ERR_MISSING_PARAMETER;
  if (!item_get_bytes (map_get_int (cose, -2), &x, &x_len) || x_len != 32 ||
      !item_get_bytes (map_get_int (cose, -3), &y, &y_len) || y_len != 32)
    return FIDO_ERR_INVALID_PARAMETER;

  peer = ec_from_xy (x, y);
  if (peer == NULL)
    return FIDO_ERR_INVALID_PARAMETER;
  ok = ecdh_shared_secret (self->agreement_key, peer, shared);
  EVP_PKEY_free (peer);

  return ok ? FIDO_OK : FIDO_ERR_INVALID_PARAMETER;
}

static int
ctap2_client_pin (KbcSoftKey *self, cbor_item_t *params, GByteArray *reply)
{
  cbor_item_t *map;
  guint8 shared[32];
  gint64 protocol;
  gint64 sub;
  int status;

  if (!item_get_int (map_get_int (params, 1), &protocol) ||
      !item_get_int (map_get_int (params, 2), &sub))
    return FIDO_ERR_MISSING_PARAMETER;
  if (protocol != 1)
    return FIDO_ERR_INVALID_PARAMETER;

  switch (sub)
    {
      case 1: /* getRetries */
        map = cbor_new_definite_map (1);
        map_add (map, build_int (3), build_int (self->pin_retries));
        append_item (reply, map);
        cbor_decref (&map);
        return FIDO_OK;

      case 2: /* getKeyAgreement */
        map = cbor_new_definite_map (1);
        map_add (map, build_int (1), cose_key_new (self->agreement_key, -25));
        append_item (reply, map);
        cbor_decref (&map);
        return FIDO_OK;

      case 3: /* setPIN */
        {
          const guint8 *enc;
          const guint8 *auth;
          gsize enc_len;
          gsize auth_len;
          guint8 mac[32];
          guint8 plain[256];
          gsize pin_len;

          if (self->has_pin)
            return FIDO_ERR_PIN_AUTH_INVALID;
          if ((status = pin_shared_secret (self, map_get_int (params, 3), shared)) != FIDO_OK)
            return status;
          if (!item_get_bytes (map_get_int (params, 5), &enc, &enc_len) ||
              !item_get_bytes (map_get_int (params, 4), &auth, &auth_len))
            return FIDO_ERR_MISSING_PARAMETER;
          hmac_sha256 (shared, 32, enc, enc_len, mac);
          if (auth_len != 16 || CRYPTO_memcmp (mac, auth, 16) != 0)
            return FIDO_ERR_PIN_AUTH_INVALID;
          if (enc_len < 64 || enc_len > sizeof plain ||
              !aes_cbc (FALSE, shared, enc, enc_len, plain))
            return FIDO_ERR_PIN_POLICY_VIOLATION;
          pin_len = strnlen ((const char *) plain, enc_len);
          if (pin_len < 4 || pin_len > 63)
            return FIDO_ERR_PIN_POLICY_VIOLATION;
          SHA256 (plain, pin_len, mac);
          memcpy (self->pin_hash, mac, sizeof self->pin_hash);
          self->has_pin = TRUE;
          self->pin_retries = PIN_MAX_RETRIES;
          OPENSSL_cleanse (plain, sizeof plain);
          return FIDO_OK;
        }

      case 5: /* getPINToken */
        {
          const guint8 *enc;
          gsize enc_len;
          guint8 pin_hash[16];
          guint8 token_enc[32];

          if (!self->has_pin)
            return FIDO_ERR_PIN_NOT_SET;
          if (self->pin_retries <= 0)
            return FIDO_ERR_PIN_BLOCKED;
          if ((status = pin_shared_secret (self, map_get_int (params, 3), shared)) != FIDO_OK)
            return status;
          if (!item_get_bytes (map_get_int (params, 6), &enc, &enc_len))
            return FIDO_ERR_MISSING_PARAMETER;
          if (enc_len != 16 || !aes_cbc (FALSE, shared, enc, 16, pin_hash))
            return FIDO_ERR_PIN_INVALID;

          self->pin_retries--;
          if (CRYPTO_memcmp (pin_hash, self->pin_hash, 16) != 0)
            {
              /* A new key agreement key after every wrong PIN (CTAP 2.0 §5.5.5). */
              EVP_PKEY_free (self->agreement_key);
              self->agreement_key = ec_generate ();
              return self->pin_retries <= 0 ? FIDO_ERR_PIN_BLOCKED : FIDO_ERR_PIN_INVALID;
            }
          self->pin_retries = PIN_MAX_RETRIES;

          aes_cbc (TRUE, shared, self->pin_token, sizeof self->pin_token, token_enc);
          map = cbor_new_definite_map (1);
          map_add (map, build_int (2), cbor_build_bytestring (token_enc, sizeof token_enc));
          append_item (reply, map);
          cbor_decref (&map);
          return FIDO_OK;
        }

      default:
        return CTAP2_ERR_INVALID_SUBCOMMAND;
    }
}

/* Runs one CTAP2 command; the reply gets the CBOR body on success. */
static int
ctap2_run (KbcSoftKey *self, const guint8 *request, gsize len, gboolean touched, GByteArray *body)
{
  struct cbor_load_result result;
  cbor_item_t *params = NULL;
  int status;

  if (len == 0)
    return FIDO_ERR_INVALID_LENGTH;

  if (len > 1)
    {
      params = cbor_load (request + 1, len - 1, &result);
      if (params == NULL)
        return FIDO_ERR_INVALID_CBOR;
      if (!cbor_isa_map (params))
        {
          cbor_decref (&params);
          return FIDO_ERR_CBOR_UNEXPECTED_TYPE;
        }
    }

  switch (request[0])
    {
      case CTAP_CBOR_GETINFO:
        status = ctap2_get_info (self, body);
        break;
      case CTAP_CBOR_MAKECRED:
        status = params != NULL ? ctap2_make_credential (self, params, touched, body)
                                : FIDO_ERR_MISSING_PARAMETER;
        break;
      case CTAP_CBOR_ASSERT:
        status = params != NULL ? ctap2_get_assertion (self, params, touched, body)
                                : FIDO_ERR_MISSING_PARAMETER;
        break;
      case CTAP_CBOR_CLIENT_PIN:
        status =
            params != NULL ? ctap2_client_pin (self, params, body) : FIDO_ERR_MISSING_PARAMETER;
        break;
      default:
        status = FIDO_ERR_INVALID_COMMAND;
        break;
    }

  if (params != NULL)
    cbor_decref (&params);

  return status;
}

static void
queue_ctap2_reply (Handle *handle, guint32 cid, int status, const guint8 *body, gsize len)
{
  g_autoptr (GByteArray) reply = g_byte_array_new ();
  guint8 status_byte = (guint8) status;

  g_byte_array_append (reply, &status_byte, 1);
  if (status == FIDO_OK && len > 0)
    g_byte_array_append (reply, body, (guint) len);
  queue_reply (handle, cid, CTAP_CMD_CBOR, reply->data, reply->len);
}

/* Settles the pending request if the user acted. Called with the mutex held. */
static void
pending_update (KbcSoftKey *self, gint64 now)
{
  Pending *pending = self->pending;

  if (pending == NULL)
    return;

  if (pending->cancelled)
    {
      queue_ctap2_reply (pending->handle, pending->cid, FIDO_ERR_KEEPALIVE_CANCEL, NULL, 0);
    }
  else if (touch_available (self, now))
    {
      g_autoptr (GByteArray) body = g_byte_array_new ();
      gsize len;
      const guint8 *request = g_bytes_get_data (pending->request, &len);
      int status;

      touch_consume (self);
      status = ctap2_run (self, request, len, TRUE, body);
      queue_ctap2_reply (pending->handle, pending->cid, status, body->data, body->len);
    }
  else if (now >= pending->deadline)
    {
      touch_consume (self);
      queue_ctap2_reply (pending->handle, pending->cid, FIDO_ERR_USER_ACTION_TIMEOUT, NULL, 0);
    }
  else
    {
      if (now >= pending->next_keepalive)
        {
          guint8 status = KEEPALIVE_UPNEEDED;

          queue_message (pending->handle, pending->cid, CTAP_KEEPALIVE, &status, 1, now);
          pending->next_keepalive = now + KEEPALIVE_MS * G_TIME_SPAN_MILLISECOND;
        }
      return;
    }

  g_clear_pointer (&self->pending, pending_free);
}

/* When the pending request may next change on its own. */
static gint64
pending_next_event (KbcSoftKey *self)
{
  Pending *pending = self->pending;
  gint64 next;

  if (pending == NULL)
    return G_MAXINT64;

  next = MIN (pending->deadline, pending->next_keepalive);
  if (self->touch == KBC_SOFT_KEY_TOUCH_DELAYED && self->wait_start != 0)
    next = MIN (next, self->wait_start + self->touch_delay_ms * G_TIME_SPAN_MILLISECOND);

  return next;
}

static void
handle_cbor (Handle *handle, guint32 cid, const guint8 *request, gsize len)
{
  KbcSoftKey *self = handle->key;
  g_autoptr (GByteArray) body = g_byte_array_new ();
  int status;

  status = ctap2_run (self, request, len, FALSE, body);
  if (status != STATUS_NEED_TOUCH)
    {
      queue_ctap2_reply (handle, cid, status, body->data, body->len);
      return;
    }

  self->pending = g_new0 (Pending, 1);
  self->pending->handle = handle;
  self->pending->cid = cid;
  self->pending->request = g_bytes_new (request, len);
  self->pending->deadline = g_get_monotonic_time () + self->up_timeout_ms * G_TIME_SPAN_MILLISECOND;
  self->pending->next_keepalive = g_get_monotonic_time ();
  wait_begin (self, g_get_monotonic_time ());
  if (self->plugged)
    pending_update (self, g_get_monotonic_time ());
}

static void
handle_message (Handle *handle)
{
  KbcSoftKey *self = handle->key;
  const guint8 *data = handle->message->data;
  gsize len = handle->message->len;
  guint32 cid = handle->cid;

  switch (handle->cmd)
    {
      case CTAP_CMD_PING:
        queue_reply (handle, cid, CTAP_CMD_PING, data, len);
        break;

      case CTAP_CMD_WINK:
        queue_reply (handle, cid, CTAP_CMD_WINK, NULL, 0);
        break;

      case CTAP_CMD_MSG:
        {
          g_autoptr (GByteArray) reply = g_byte_array_new ();

          u2f_dispatch (self, data, len, reply);
          if (self->plugged)
            queue_reply (handle, cid, CTAP_CMD_MSG, reply->data, reply->len);
          break;
        }

      case CTAP_CMD_CBOR:
        if (self->kind != KBC_SOFT_KEY_FIDO2)
          queue_error (handle, cid, HID_ERR_INVALID_CMD);
        else
          handle_cbor (handle, cid, data, len);
        break;

      default:
        queue_error (handle, cid, HID_ERR_INVALID_CMD);
        break;
    }
}

static void
handle_init (Handle *handle, guint32 cid, const guint8 *nonce, gsize len)
{
  KbcSoftKey *self = handle->key;
  guint8 reply[17];
  guint32 new_cid;

  if (len != 8)
    {
      queue_error (handle, cid, HID_ERR_INVALID_LEN);
      return;
    }

  /* INIT on a channel resynchronises it; on broadcast it allocates one. */
  new_cid = cid;
  if (cid == CTAP_CID_BROADCAST)
    {
      guint32 n = ++self->next_cid;

      memcpy (&new_cid, &n, 4);
    }
  if (self->pending != NULL && self->pending->handle == handle)
    g_clear_pointer (&self->pending, pending_free);

  memcpy (reply, nonce, 8);
  memcpy (reply + 8, &new_cid, 4);
  reply[12] = 2; /* CTAPHID protocol version */
  reply[13] = 1; /* device version 1.0.0 */
  reply[14] = 0;
  reply[15] = 0;
  reply[16] = self->kind == KBC_SOFT_KEY_FIDO2 ? FIDO_CAP_CBOR : 0;
  queue_reply (handle, cid, CTAP_CMD_INIT, reply, sizeof reply);
}

/* One 64-byte frame from the host. Called with the mutex held. */
static void
handle_frame (Handle *handle, const guint8 *frame)
{
  KbcSoftKey *self = handle->key;
  guint32 cid;

  memcpy (&cid, frame, 4);

  if (frame[4] & 0x80)
    {
      guint8 cmd = frame[4] & 0x7f;
      gsize len = ((gsize) frame[5] << 8) | frame[6];

      if (cmd == CTAP_CMD_CANCEL)
        {
          if (self->pending != NULL && self->pending->cid == cid)
            {
              self->pending->cancelled = TRUE;
              g_cond_broadcast (&self->cond);
            }
          return;
        }

      if (cmd == CTAP_CMD_INIT)
        {
          handle->assembling = FALSE;
          handle_init (handle, cid, frame + 7, len);
          return;
        }

      if (cid == CTAP_CID_BROADCAST || cid == 0)
        {
          queue_error (handle, cid, 0x0b);
          return;
        }
      if (self->pending != NULL)
        {
          queue_error (handle, cid, HID_ERR_BUSY);
          return;
        }
      if (len > MAX_MESSAGE_LEN)
        {
          queue_error (handle, cid, HID_ERR_INVALID_LEN);
          return;
        }

      /* A new request drops what the host left unread. */
      g_queue_clear_full (&handle->frames, g_free);
      handle->assembling = TRUE;
      handle->cid = cid;
      handle->cmd = cmd;
      handle->expected = len;
      handle->next_seq = 0;
      g_byte_array_set_size (handle->message, 0);
      g_byte_array_append (handle->message, frame + 7, (guint) MIN (len, INIT_DATA_LEN));
    }
  else
    {
      if (!handle->assembling || cid != handle->cid)
        return;
      if (frame[4] != handle->next_seq)
        {
          handle->assembling = FALSE;
          queue_error (handle, cid, HID_ERR_INVALID_SEQ);
          return;
        }
      handle->next_seq++;
      g_byte_array_append (handle->message, frame + 5,
                           (guint) MIN (handle->expected - handle->message->len, CONT_DATA_LEN));
    }

  if (handle->assembling && handle->message->len >= handle->expected)
    {
      handle->assembling = FALSE;
      handle_message (handle);
    }
}

/* -- the io functions libfido2 calls -- */

static void *
soft_key_io_open (const char *path)
{
  KbcSoftKey *key = registry_lookup (path);
  Handle *handle;

  if (key == NULL)
    return NULL;

  g_mutex_lock (&key->mutex);
  if (!key->plugged)
    {
      g_mutex_unlock (&key->mutex);
      key_release (key);
      return NULL;
    }
  handle = g_new0 (Handle, 1);
  handle->key = key;
  handle->generation = key->generation;
  g_queue_init (&handle->frames);
  handle->message = g_byte_array_new ();
  g_mutex_unlock (&key->mutex);

  return handle;
}

static void
soft_key_io_close (void *ptr)
{
  Handle *handle = ptr;
  KbcSoftKey *key = handle->key;

  g_mutex_lock (&key->mutex);
  if (key->pending != NULL && key->pending->handle == handle)
    g_clear_pointer (&key->pending, pending_free);
  g_mutex_unlock (&key->mutex);

  g_queue_clear_full (&handle->frames, g_free);
  g_byte_array_unref (handle->message);
  g_free (handle);
  key_release (key);
}

static gboolean
handle_alive (Handle *handle)
{
  return handle->key->plugged && handle->generation == handle->key->generation;
}

static int
soft_key_io_read (void *ptr, unsigned char *buf, size_t len, int ms)
{
  Handle *handle = ptr;
  KbcSoftKey *key = handle->key;
  gint64 deadline = ms < 0 ? G_MAXINT64 : g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  int n = -1;

  if (len < FRAME_LEN)
    return -1;

  g_mutex_lock (&key->mutex);
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wake;
      Frame *frame;

      if (!handle_alive (handle))
        break;

      if (key->pending != NULL && key->pending->handle == handle)
        pending_update (key, now);

      frame = g_queue_peek_head (&handle->frames);
      if (frame != NULL && frame->ready_at <= now)
        {
          g_queue_pop_head (&handle->frames);
          memcpy (buf, frame->data, FRAME_LEN);
          g_free (frame);
          n = FRAME_LEN;
          break;
        }

      if (now >= deadline)
        break;

      wake = deadline;
      if (frame != NULL)
        wake = MIN (wake, frame->ready_at);
      if (key->pending != NULL && key->pending->handle == handle)
        wake = MIN (wake, pending_next_event (key));
      g_cond_wait_until (&key->cond, &key->mutex, wake);
    }
  g_mutex_unlock (&key->mutex);

  return n;
}

static int
soft_key_io_write (void *ptr, const unsigned char *buf, size_t len)
{
  Handle *handle = ptr;
  KbcSoftKey *key = handle->key;
  int n = -1;

  /* A report id, then one frame. */
  if (len != FRAME_LEN + 1 || buf[0] != 0)
    return -1;

  g_mutex_lock (&key->mutex);
  if (handle_alive (handle))
    {
      handle_frame (handle, buf + 1);
      n = handle_alive (handle) ? (int) len : -1;
    }
  g_mutex_unlock (&key->mutex);

  return n;
}

static const fido_dev_io_t soft_key_io = {
  soft_key_io_open,
  soft_key_io_close,
  soft_key_io_read,
  soft_key_io_write,
};

const fido_dev_io_t *
kbc_soft_key_get_io (void)
{
  return &soft_key_io;
}

size_t
kbc_soft_key_manifest (fido_dev_info_t *devlist, size_t first, size_t ilen)
{
  size_t n = 0;

  G_LOCK (registry);
  for (guint i = 0; registry != NULL && i < registry->len && first + n < ilen; i++)
    {
      KbcSoftKey *key = g_ptr_array_index (registry, i);
      gboolean plugged;

      g_mutex_lock (&key->mutex);
      plugged = key->plugged;
      g_mutex_unlock (&key->mutex);

      if (plugged &&
          fido_dev_info_set (devlist, first + n, key->path, "KBC Account Tests",
                             key->kind == KBC_SOFT_KEY_FIDO2 ? "Soft FIDO2 Key" : "Soft U2F Key",
                             &soft_key_io, NULL) == FIDO_OK)
        n++;
    }
  G_UNLOCK (registry);

  return n;
}

const fido_dev_io_t *
kbc_soft_key_io_for_path (const char *path)
{
  KbcSoftKey *key = registry_lookup (path);

  if (key == NULL)
    return NULL;
  key_release (key);
  return &soft_key_io;
}

static const KbcFidoDeviceProvider soft_key_provider = {
  kbc_soft_key_manifest,
  kbc_soft_key_io_for_path,
};

void
kbc_soft_key_install_provider (void)
{
  kbc_fido_set_device_provider (&soft_key_provider);
}
