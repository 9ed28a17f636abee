/* test-soft-key.c: libfido2 against the software security key, with no app code between
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fido.h>
#include <fido/es256.h>
#include <openssl/sha.h>
#include <string.h>

#include "kbc-soft-key.h"
#include "kbc-test-utils.h"

#define RP_ID "localhost"

static void
fill_cdh (guint8 cdh[32], guint8 seed)
{
  /* Any 32 bytes do; libfido2 takes the hash as given. */
  memset (cdh, seed, 32);
}

/* Opens @key the way KbcFido opens a device a provider listed. */
static fido_dev_t *
open_key (KbcSoftKey *key)
{
  fido_dev_t *dev = fido_dev_new ();

  g_assert_nonnull (dev);
  g_assert_cmpint (fido_dev_set_io_functions (dev, kbc_soft_key_get_io ()), ==, FIDO_OK);
  g_assert_cmpint (fido_dev_open (dev, kbc_soft_key_get_path (key)), ==, FIDO_OK);

  return dev;
}

static void
close_key (fido_dev_t **dev)
{
  fido_dev_close (*dev);
  fido_dev_free (dev);
}

static fido_cred_t *
cred_new (guint8 seed)
{
  fido_cred_t *cred = fido_cred_new ();
  const guint8 user_id[] = { 1, 2, 3, 4 };
  guint8 cdh[32];

  fill_cdh (cdh, seed);
  g_assert_cmpint (fido_cred_set_type (cred, COSE_ES256), ==, FIDO_OK);
  g_assert_cmpint (fido_cred_set_clientdata_hash (cred, cdh, sizeof cdh), ==, FIDO_OK);
  g_assert_cmpint (fido_cred_set_rp (cred, RP_ID, "Keboola"), ==, FIDO_OK);
  g_assert_cmpint (fido_cred_set_user (cred, user_id, sizeof user_id, "a@example.com", "A", NULL),
                   ==, FIDO_OK);

  return cred;
}

static int
make_cred (KbcSoftKey *key, fido_cred_t *cred, const char *pin, int timeout_ms)
{
  fido_dev_t *dev = open_key (key);
  int r;

  fido_dev_set_timeout (dev, timeout_ms);
  r = fido_dev_make_cred (dev, cred, pin);
  close_key (&dev);

  return r;
}

static fido_assert_t *
assert_new (const fido_cred_t *cred, guint8 seed)
{
  fido_assert_t *assert = fido_assert_new ();
  guint8 cdh[32];

  fill_cdh (cdh, seed);
  g_assert_cmpint (fido_assert_set_clientdata_hash (assert, cdh, sizeof cdh), ==, FIDO_OK);
  g_assert_cmpint (fido_assert_set_rp (assert, RP_ID), ==, FIDO_OK);
  g_assert_cmpint (
      fido_assert_allow_cred (assert, fido_cred_id_ptr (cred), fido_cred_id_len (cred)), ==,
      FIDO_OK);

  return assert;
}

static int
get_assert (KbcSoftKey *key, fido_assert_t *assert, int timeout_ms)
{
  fido_dev_t *dev = open_key (key);
  int r;

  fido_dev_set_timeout (dev, timeout_ms);
  r = fido_dev_get_assert (dev, assert, NULL);
  close_key (&dev);

  return r;
}

static void
assert_verifies (const fido_cred_t *cred, fido_assert_t *assert)
{
  es256_pk_t *pk = es256_pk_new ();

  g_assert_cmpint (es256_pk_from_ptr (pk, fido_cred_pubkey_ptr (cred), fido_cred_pubkey_len (cred)),
                   ==, FIDO_OK);
  g_assert_cmpint (fido_assert_set_up (assert, FIDO_OPT_TRUE), ==, FIDO_OK);
  g_assert_cmpint (fido_assert_verify (assert, 0, COSE_ES256, pk), ==, FIDO_OK);
  es256_pk_free (&pk);
}

static void
test_manifest (void)
{
  g_autoptr (KbcSoftKey) fido2 = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) u2f = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  fido_dev_info_t *devlist = fido_dev_info_new (8);
  size_t n;

  /* What fido_dev_info_manifest() found (nothing here) plus the soft keys. */
  g_assert_cmpint (fido_dev_info_manifest (devlist, 8, &n), ==, FIDO_OK);
  n += kbc_soft_key_manifest (devlist, n, 8);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (fido_dev_info_path (fido_dev_info_ptr (devlist, 0)), ==,
                   kbc_soft_key_get_path (fido2));
  g_assert_cmpstr (fido_dev_info_product_string (fido_dev_info_ptr (devlist, 0)), ==,
                   "Soft FIDO2 Key");
  g_assert_cmpstr (fido_dev_info_manufacturer_string (fido_dev_info_ptr (devlist, 1)), ==,
                   "KBC Account Tests");
  g_assert_cmpstr (fido_dev_info_product_string (fido_dev_info_ptr (devlist, 1)), ==,
                   "Soft U2F Key");
  g_assert_true (kbc_soft_key_io_for_path (kbc_soft_key_get_path (u2f)) == kbc_soft_key_get_io ());
  g_assert_null (kbc_soft_key_io_for_path ("/dev/hidraw0"));

  /* An unplugged key is not listed and cannot be opened. */
  kbc_soft_key_unplug (u2f);
  g_assert_cmpuint (kbc_soft_key_manifest (devlist, 0, 8), ==, 1);
  {
    fido_dev_t *dev = fido_dev_new ();

    fido_dev_set_io_functions (dev, kbc_soft_key_get_io ());
    g_assert_cmpint (fido_dev_open (dev, kbc_soft_key_get_path (u2f)), !=, FIDO_OK);
    fido_dev_free (&dev);
  }
  kbc_soft_key_plug (u2f);
  g_assert_cmpuint (kbc_soft_key_manifest (devlist, 0, 8), ==, 2);

  /* The list honours its length. */
  g_assert_cmpuint (kbc_soft_key_manifest (devlist, 7, 8), ==, 1);

  fido_dev_info_free (&devlist, 8);
}

static void
test_get_info (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  fido_dev_t *dev = open_key (key);
  fido_cbor_info_t *info = fido_cbor_info_new ();
  char **versions;
  gboolean fido_2_0 = FALSE;

  g_assert_true (fido_dev_is_fido2 (dev));
  g_assert_true (fido_dev_supports_pin (dev));
  g_assert_false (fido_dev_has_pin (dev));
  g_assert_cmpuint (fido_dev_protocol (dev), ==, 2);

  g_assert_cmpint (fido_dev_get_cbor_info (dev, info), ==, FIDO_OK);
  versions = fido_cbor_info_versions_ptr (info);
  for (size_t i = 0; i < fido_cbor_info_versions_len (info); i++)
    if (g_strcmp0 (versions[i], "FIDO_2_0") == 0)
      fido_2_0 = TRUE;
  g_assert_true (fido_2_0);
  g_assert_cmpmem (fido_cbor_info_aaguid_ptr (info), fido_cbor_info_aaguid_len (info),
                   KBC_SOFT_KEY_AAGUID, 16);
  g_assert_cmpuint (fido_cbor_info_maxmsgsiz (info), ==, 1200);
  g_assert_cmpuint (fido_cbor_info_protocols_len (info), ==, 1);
  g_assert_cmpuint (fido_cbor_info_protocols_ptr (info)[0], ==, 1);

  fido_cbor_info_free (&info);
  close_key (&dev);
}

static void
test_fido2_packed (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  fido_cred_t *cred = cred_new (1);
  fido_cred_t *self_cred = cred_new (2);
  fido_assert_t *assert;
  guint32 counter;

  /* Packed with an attestation certificate. */
  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_OK);
  g_assert_cmpstr (fido_cred_fmt (cred), ==, "packed");
  g_assert_cmpuint (fido_cred_x5c_len (cred), >, 0);
  g_assert_cmpmem (fido_cred_aaguid_ptr (cred), fido_cred_aaguid_len (cred), KBC_SOFT_KEY_AAGUID,
                   16);
  g_assert_cmpuint (fido_cred_flags (cred) & CTAP_AUTHDATA_USER_PRESENT, !=, 0);
  g_assert_cmpint (fido_cred_verify (cred), ==, FIDO_OK);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 1);

  /* Self attestation: no certificate, signed by the new credential. */
  kbc_soft_key_set_attestation (key, KBC_SOFT_KEY_ATTESTATION_SELF);
  g_assert_cmpint (make_cred (key, self_cred, NULL, -1), ==, FIDO_OK);
  g_assert_cmpstr (fido_cred_fmt (self_cred), ==, "packed");
  g_assert_cmpuint (fido_cred_x5c_len (self_cred), ==, 0);
  g_assert_cmpint (fido_cred_verify_self (self_cred), ==, FIDO_OK);
  g_assert_cmpint (fido_cred_verify (self_cred), !=, FIDO_OK);

  /* An assertion verifies with the public key and moves the counter on. */
  counter = kbc_soft_key_get_counter (key);
  assert = assert_new (cred, 3);
  g_assert_cmpint (get_assert (key, assert, -1), ==, FIDO_OK);
  g_assert_cmpuint (fido_assert_count (assert), ==, 1);
  g_assert_cmpmem (fido_assert_id_ptr (assert, 0), fido_assert_id_len (assert, 0),
                   fido_cred_id_ptr (cred), fido_cred_id_len (cred));
  g_assert_cmpuint (fido_assert_sigcount (assert, 0), ==, counter + 1);
  assert_verifies (cred, assert);
  fido_assert_free (&assert);

  /* The second credential cannot answer for the first one's relying party. */
  assert = assert_new (self_cred, 4);
  g_assert_cmpint (fido_assert_set_rp (assert, "example.com"), ==, FIDO_OK);
  g_assert_cmpint (get_assert (key, assert, -1), ==, FIDO_ERR_NO_CREDENTIALS);
  fido_assert_free (&assert);

  fido_cred_free (&cred);
  fido_cred_free (&self_cred);
}

static void
test_u2f_only (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  fido_dev_t *dev = open_key (key);
  fido_cred_t *cred = cred_new (5);
  fido_cred_t *again = cred_new (6);
  fido_assert_t *assert;

  /* No CBOR capability: libfido2 speaks U2F. */
  g_assert_false (fido_dev_is_fido2 (dev));
  g_assert_false (fido_dev_supports_pin (dev));
  close_key (&dev);

  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_OK);
  g_assert_cmpstr (fido_cred_fmt (cred), ==, "fido-u2f");
  g_assert_cmpuint (fido_cred_x5c_len (cred), >, 0);
  g_assert_cmpint (fido_cred_verify (cred), ==, FIDO_OK);

  assert = assert_new (cred, 7);
  g_assert_cmpint (get_assert (key, assert, -1), ==, FIDO_OK);
  g_assert_cmpuint (fido_assert_sigcount (assert, 0), ==, kbc_soft_key_get_counter (key));
  g_assert_cmpuint (fido_assert_flags (assert, 0) & CTAP_AUTHDATA_USER_PRESENT, !=, 0);
  assert_verifies (cred, assert);
  fido_assert_free (&assert);

  /* Registering the same key again for the relying party is refused. */
  g_assert_cmpint (fido_cred_exclude (again, fido_cred_id_ptr (cred), fido_cred_id_len (cred)), ==,
                   FIDO_OK);
  g_assert_cmpint (make_cred (key, again, NULL, -1), ==, FIDO_ERR_CREDENTIAL_EXCLUDED);

  /* A key handle the key never made. */
  assert = assert_new (cred, 8);
  g_assert_cmpint (fido_assert_set_rp (assert, "example.com"), ==, FIDO_OK);
  g_assert_cmpint (get_assert (key, assert, -1), ==, FIDO_ERR_NO_CREDENTIALS);
  fido_assert_free (&assert);

  fido_cred_free (&cred);
  fido_cred_free (&again);
}

static void
test_fido2_excluded (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  fido_cred_t *cred = cred_new (9);
  fido_cred_t *again = cred_new (10);

  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_OK);
  g_assert_cmpint (fido_cred_exclude (again, fido_cred_id_ptr (cred), fido_cred_id_len (cred)), ==,
                   FIDO_OK);
  g_assert_cmpint (make_cred (key, again, NULL, -1), ==, FIDO_ERR_CREDENTIAL_EXCLUDED);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 1);

  fido_cred_free (&cred);
  fido_cred_free (&again);
}

static void
test_pin (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  fido_dev_t *dev = open_key (key);
  fido_cred_t *cred;
  int retries = -1;

  /* Set the PIN through libfido2 (clientPIN setPIN, PIN protocol 1). */
  g_assert_cmpint (fido_dev_set_pin (dev, "4321", NULL), ==, FIDO_OK);
  close_key (&dev);
  g_assert_true (kbc_soft_key_has_pin (key));

  dev = open_key (key);
  g_assert_true (fido_dev_has_pin (dev));
  g_assert_cmpint (fido_dev_get_retry_count (dev, &retries), ==, FIDO_OK);
  g_assert_cmpint (retries, ==, 8);
  close_key (&dev);

  /* No PIN, a wrong one, then the right one. */
  cred = cred_new (11);
  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_ERR_PIN_REQUIRED);
  g_assert_cmpint (make_cred (key, cred, "1111", -1), ==, FIDO_ERR_PIN_INVALID);
  g_assert_cmpint (kbc_soft_key_get_pin_retries (key), ==, 7);
  g_assert_cmpint (make_cred (key, cred, "4321", -1), ==, FIDO_OK);
  g_assert_cmpuint (fido_cred_flags (cred) & CTAP_AUTHDATA_USER_VERIFIED, !=, 0);
  g_assert_cmpint (fido_cred_verify (cred), ==, FIDO_OK);
  g_assert_cmpint (kbc_soft_key_get_pin_retries (key), ==, 8);
  fido_cred_free (&cred);

  /* The last wrong try blocks the PIN for good. */
  kbc_soft_key_set_pin (key, "4321", 1);
  cred = cred_new (12);
  g_assert_cmpint (make_cred (key, cred, "9999", -1), ==, FIDO_ERR_PIN_BLOCKED);
  g_assert_cmpint (make_cred (key, cred, "4321", -1), ==, FIDO_ERR_PIN_BLOCKED);
  fido_cred_free (&cred);
}

static void
test_no_touch (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) u2f = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  fido_cred_t *cred = cred_new (13);

  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_NEVER, 0);

  /* The host gives up first: its read times out. */
  g_assert_cmpint (make_cred (key, cred, NULL, 300), ==, FIDO_ERR_RX);
  /* The key gives up first, as a real one does after about 30 s. */
  kbc_soft_key_set_user_presence_timeout (key, 300);
  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_ERR_USER_ACTION_TIMEOUT);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 0);

  /* U2F says "conditions not satisfied" until libfido2's time runs out. */
  kbc_soft_key_set_touch (u2f, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  g_assert_cmpint (make_cred (u2f, cred, NULL, 300), !=, FIDO_OK);
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (u2f), ==, 0);

  /* A late touch still works. */
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_DELAYED, 150);
  kbc_soft_key_set_user_presence_timeout (key, 30000);
  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_OK);
  kbc_soft_key_set_touch (u2f, KBC_SOFT_KEY_TOUCH_DELAYED, 150);
  g_assert_cmpint (make_cred (u2f, cred, NULL, 10000), ==, FIDO_OK);

  fido_cred_free (&cred);
}

typedef struct
{
  fido_dev_t *dev;
  fido_cred_t *cred;
  int result;
} MakeCredJob;

static gpointer
make_cred_thread (gpointer data)
{
  MakeCredJob *job = data;

  job->result = fido_dev_make_cred (job->dev, job->cred, NULL);
  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  MakeCredJob job = { 0 };
  GThread *thread;

  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_MANUAL, 0);
  job.dev = open_key (key);
  job.cred = cred_new (14);
  thread = g_thread_new ("make-cred", make_cred_thread, &job);

  /* Wait until the key waits for the touch, then cancel from this thread. */
  KBC_TEST_WAIT_FOR (kbc_soft_key_get_n_touch_requests (key) > 0);
  g_assert_cmpint (fido_dev_cancel (job.dev), ==, FIDO_OK);
  g_thread_join (thread);
  g_assert_cmpint (job.result, ==, FIDO_ERR_KEEPALIVE_CANCEL);

  /* The device is usable again, and a manual touch works. */
  kbc_soft_key_touch (key);
  g_assert_cmpint (fido_dev_make_cred (job.dev, job.cred, NULL), ==, FIDO_OK);

  close_key (&job.dev);
  fido_cred_free (&job.cred);
}

static void
test_unplug (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) u2f = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  fido_cred_t *cred = cred_new (15);
  int r;

  /* The user pulls the key out while it waits for the touch. */
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_UNPLUG, 0);
  r = make_cred (key, cred, NULL, -1);
  g_assert_true (r == FIDO_ERR_RX || r == FIDO_ERR_TX);
  g_assert_false (kbc_soft_key_is_plugged (key));

  kbc_soft_key_set_touch (u2f, KBC_SOFT_KEY_TOUCH_UNPLUG, 0);
  r = make_cred (u2f, cred, NULL, -1);
  g_assert_true (r == FIDO_ERR_RX || r == FIDO_ERR_TX);
  g_assert_false (kbc_soft_key_is_plugged (u2f));

  /* Plugged back in, it works again. */
  kbc_soft_key_plug (key);
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_AUTO, 0);
  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_OK);

  fido_cred_free (&cred);
}

static void
test_clone (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) clone = NULL;
  fido_cred_t *cred = cred_new (16);
  fido_assert_t *assert;
  guint32 original_count;

  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_OK);
  clone = kbc_soft_key_clone (key);

  assert = assert_new (cred, 17);
  g_assert_cmpint (get_assert (key, assert, -1), ==, FIDO_OK);
  original_count = fido_assert_sigcount (assert, 0);
  fido_assert_free (&assert);

  /* The clone signs for the same credential with a counter that went back. */
  assert = assert_new (cred, 18);
  g_assert_cmpint (get_assert (clone, assert, -1), ==, FIDO_OK);
  assert_verifies (cred, assert);
  g_assert_cmpuint (fido_assert_sigcount (assert, 0), <=, original_count);
  fido_assert_free (&assert);

  fido_cred_free (&cred);
}

static void
test_no_user_present_flag (void)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  fido_cred_t *cred = cred_new (19);
  fido_assert_t *assert;
  es256_pk_t *pk = es256_pk_new ();

  kbc_soft_key_set_user_present_flag (key, FALSE);
  g_assert_cmpint (make_cred (key, cred, NULL, -1), ==, FIDO_OK);
  g_assert_cmpuint (fido_cred_flags (cred) & CTAP_AUTHDATA_USER_PRESENT, ==, 0);
  /* libfido2's own check refuses a credential made without presence. */
  g_assert_cmpint (fido_cred_verify (cred), ==, FIDO_ERR_INVALID_PARAM);

  assert = assert_new (cred, 20);
  g_assert_cmpint (get_assert (key, assert, -1), ==, FIDO_OK);
  g_assert_cmpuint (fido_assert_flags (assert, 0) & CTAP_AUTHDATA_USER_PRESENT, ==, 0);
  g_assert_cmpint (es256_pk_from_ptr (pk, fido_cred_pubkey_ptr (cred), fido_cred_pubkey_len (cred)),
                   ==, FIDO_OK);
  g_assert_cmpint (fido_assert_set_up (assert, FIDO_OPT_TRUE), ==, FIDO_OK);
  g_assert_cmpint (fido_assert_verify (assert, 0, COSE_ES256, pk), ==, FIDO_ERR_INVALID_PARAM);

  es256_pk_free (&pk);
  fido_assert_free (&assert);
  fido_cred_free (&cred);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  fido_init (0);

  g_test_add_func ("/kbc/soft-key/manifest", test_manifest);
  g_test_add_func ("/kbc/soft-key/get-info", test_get_info);
  g_test_add_func ("/kbc/soft-key/fido2-packed", test_fido2_packed);
  g_test_add_func ("/kbc/soft-key/u2f-only", test_u2f_only);
  g_test_add_func ("/kbc/soft-key/fido2-excluded", test_fido2_excluded);
  g_test_add_func ("/kbc/soft-key/pin", test_pin);
  g_test_add_func ("/kbc/soft-key/no-touch", test_no_touch);
  g_test_add_func ("/kbc/soft-key/cancel", test_cancel);
  g_test_add_func ("/kbc/soft-key/unplug", test_unplug);
  g_test_add_func ("/kbc/soft-key/clone", test_clone);
  g_test_add_func ("/kbc/soft-key/no-user-present-flag", test_no_user_present_flag);

  return g_test_run ();
}
