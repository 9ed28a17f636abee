/* kbc-soft-key.h: a software USB security key that libfido2 talks to over CTAPHID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The key lives in the test process. libfido2 reaches it through
 * fido_dev_set_io_functions(): it writes 65-byte HID reports (a report id,
 * then a 64-byte CTAPHID frame) and reads 64-byte frames, exactly as it does
 * with /dev/hidraw*. Behind the framing the key speaks U2F (CTAP1) and, unless
 * it is U2F-only, CTAP2: getInfo, makeCredential (packed attestation, with an
 * x5c or self), getAssertion and clientPIN (PIN protocol 1), with ES256 keys
 * from OpenSSL and a sign counter.
 *
 * Switches let a test simulate a user who never touches the key, one who pulls
 * it out instead, a key that leaves out the user-present flag, and a cloned key
 * whose counter goes back.
 *
 * A soft key enters a device list with fido_dev_info_set(), like hardware in
 * fido_dev_info_manifest(). It is opened with fido_dev_new(),
 * fido_dev_set_io_functions() and fido_dev_open() rather than
 * fido_dev_open_with_info(): libfido2 1.12's fido_dev_new_with_info() treats
 * the handle of a device without transport functions as a hidraw handle.
 */
#pragma once

#include <fido.h>
#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

typedef struct _KbcSoftKey KbcSoftKey;

typedef enum
{
  KBC_SOFT_KEY_FIDO2,    /* CTAP2 and U2F, like a current key */
  KBC_SOFT_KEY_U2F_ONLY, /* no CBOR capability: libfido2 falls back to U2F */
} KbcSoftKeyKind;

typedef enum
{
  KBC_SOFT_KEY_TOUCH_AUTO,    /* the user touches at once (default) */
  KBC_SOFT_KEY_TOUCH_NEVER,   /* the user never touches */
  KBC_SOFT_KEY_TOUCH_MANUAL,  /* kbc_soft_key_touch() gives one touch */
  KBC_SOFT_KEY_TOUCH_DELAYED, /* a touch comes delay_ms after the key starts waiting */
  KBC_SOFT_KEY_TOUCH_UNPLUG,  /* the user pulls the key out when it starts waiting */
} KbcSoftKeyTouch;

typedef enum
{
  KBC_SOFT_KEY_ATTESTATION_X5C,  /* packed with the key's attestation certificate */
  KBC_SOFT_KEY_ATTESTATION_SELF, /* packed, signed by the new credential, no x5c */
} KbcSoftKeyAttestation;

/* The AAGUID a FIDO2 soft key reports ("kbc-soft-key-v01"). U2F has none. */
#define KBC_SOFT_KEY_AAGUID "kbc-soft-key-v01"

/* A new key, plugged in, with a fresh attestation key and certificate, no PIN
 * and no credentials. Its path is unique in the process. */
KbcSoftKey          *kbc_soft_key_new                        (KbcSoftKeyKind         kind);
/* A second key with the same credentials, attestation key and counter: what a
 * cloning attack yields. The two counters then move on independently. */
KbcSoftKey          *kbc_soft_key_clone                      (KbcSoftKey            *self);
/* When the last of these references goes, the key is gone from the bus at
 * once, even while libfido2 still has it open. */
KbcSoftKey          *kbc_soft_key_ref                        (KbcSoftKey            *self);
void                 kbc_soft_key_unref                      (KbcSoftKey            *self);

const char          *kbc_soft_key_get_path                   (KbcSoftKey            *self);
KbcSoftKeyKind       kbc_soft_key_get_kind                   (KbcSoftKey            *self);
/* The io functions for fido_dev_set_io_functions(); the same for every key,
 * the path chooses the key. */
const fido_dev_io_t *kbc_soft_key_get_io                     (void);

void                 kbc_soft_key_set_touch                  (KbcSoftKey            *self,
                                                              KbcSoftKeyTouch        touch,
                                                              guint                  delay_ms);
/* One touch, for KBC_SOFT_KEY_TOUCH_MANUAL. */
void                 kbc_soft_key_touch                      (KbcSoftKey            *self);
/* How long a CTAP2 request waits for a touch before the key answers
 * CTAP2_ERR_USER_ACTION_TIMEOUT (default 30 s, as real keys do). */
void                 kbc_soft_key_set_user_presence_timeout  (KbcSoftKey            *self,
                                                              guint                  timeout_ms);

void                 kbc_soft_key_set_attestation            (KbcSoftKey            *self,
                                                              KbcSoftKeyAttestation  attestation);
/* When FALSE, the key signs authenticator data without the user-present flag
 * (and does not wait for a touch): a broken or malicious key. */
void                 kbc_soft_key_set_user_present_flag      (KbcSoftKey            *self,
                                                              gboolean               set);

/* Sets the PIN directly (test setup, as if set on another computer) with
 * @retries tries left; NULL removes it. A FIDO2 key only. */
void                 kbc_soft_key_set_pin                    (KbcSoftKey            *self,
                                                              const char            *pin,
                                                              int                    retries);
gboolean             kbc_soft_key_has_pin                    (KbcSoftKey            *self);
int                  kbc_soft_key_get_pin_retries            (KbcSoftKey            *self);

guint32              kbc_soft_key_get_counter                (KbcSoftKey            *self);
void                 kbc_soft_key_set_counter                (KbcSoftKey            *self,
                                                              guint32                counter);
guint                kbc_soft_key_get_n_credentials          (KbcSoftKey            *self);
/* Only those for @rp_id. (libfido2 asks a U2F key for a dummy registration to
 * get a touch, which leaves a throwaway credential for another app id.) */
guint                kbc_soft_key_count_credentials_for      (KbcSoftKey            *self,
                                                              const char            *rp_id);
/* How many requests that need a touch the key has received (CTAP2 requests,
 * or U2F requests that were answered). */
guint                kbc_soft_key_get_n_touch_requests       (KbcSoftKey            *self);

/* Unplugging fails every read and write on open handles and every open; it
 * drops the PIN token. Plugging back in is a power cycle. */
void                 kbc_soft_key_unplug                     (KbcSoftKey            *self);
void                 kbc_soft_key_plug                       (KbcSoftKey            *self);
gboolean             kbc_soft_key_is_plugged                 (KbcSoftKey            *self);

/* Fills @devlist from index @first (up to @ilen entries in all) with the
 * plugged soft keys, as fido_dev_info_manifest() does for hardware (through
 * fido_dev_info_set()); returns how many it added. */
size_t               kbc_soft_key_manifest                   (fido_dev_info_t       *devlist,
                                                              size_t                 first,
                                                              size_t                 ilen);
/* The io functions for a path kbc_soft_key_manifest() listed, else NULL. */
const fido_dev_io_t *kbc_soft_key_io_for_path                (const char            *path);

/* Makes KbcFido's discovery list every plugged soft key next to the hardware
 * it finds (kbc_fido_set_device_provider()). Call once, early in main(). */
void                 kbc_soft_key_install_provider           (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcSoftKey, kbc_soft_key_unref)

/* clang-format on */

G_END_DECLS
