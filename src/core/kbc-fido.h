/* kbc-fido.h: USB security keys (U2F and FIDO2) through libfido2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <fido.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_FIDO_ERROR (kbc_fido_error_quark ())

/* Every error KbcFido reports is in this domain, or G_IO_ERROR_CANCELLED.
 * The message is translated and fit to show to the user. */
typedef enum
{
  KBC_FIDO_ERROR_FAILED,             /* the key did something unexpected */
  KBC_FIDO_ERROR_NO_DEVICE,          /* no security key is plugged in */
  KBC_FIDO_ERROR_PERMISSION_DENIED,  /* a key is plugged in but /dev/hidraw* cannot be opened */
  KBC_FIDO_ERROR_TIMED_OUT,          /* nobody touched the key in time */
  KBC_FIDO_ERROR_PIN_REQUIRED,       /* the key has a PIN: ask for it and try again */
  KBC_FIDO_ERROR_PIN_INVALID,        /* wrong PIN; see kbc_fido_error_get_pin_retries() */
  KBC_FIDO_ERROR_PIN_BLOCKED,        /* no tries left: the key must be reset */
  KBC_FIDO_ERROR_PIN_AUTH_BLOCKED,   /* too many wrong PINs in a row: unplug and re-plug */
  KBC_FIDO_ERROR_ALREADY_REGISTERED, /* the key is already registered for this account */
  KBC_FIDO_ERROR_NOT_REGISTERED,     /* the key is not registered for this account */
  KBC_FIDO_ERROR_UNPLUGGED,          /* the key went away during the operation */
  KBC_FIDO_ERROR_INVALID_OPTIONS,    /* the server's options cannot be used */
  KBC_FIDO_ERROR_UNSUPPORTED,        /* the key cannot make an ES256 credential */
} KbcFidoError;

GQuark      kbc_fido_error_quark            (void);
/* PIN tries left for KBC_FIDO_ERROR_PIN_REQUIRED and _PIN_INVALID, else -1. */
int         kbc_fido_error_get_pin_retries  (const GError *error);

/* -- devices that are not HID -- */

/* Extra devices next to what fido_dev_info_manifest() finds, for tests (the
 * software key in tests/) and for transports libfido2 does not enumerate.
 * @manifest fills @devlist from index @first, at most up to @ilen, with
 * fido_dev_info_set(), and returns how many it added; @io_for_path returns
 * the io functions of a path it listed (KbcFido opens such a device with
 * fido_dev_set_io_functions() and fido_dev_open(), so libfido2 does the
 * CTAPHID framing as for /dev/hidraw*), else NULL. Both are called in worker
 * threads. */
typedef struct
{
  size_t               (*manifest)    (fido_dev_info_t *devlist,
                                       size_t           first,
                                       size_t           ilen);
  const fido_dev_io_t *(*io_for_path) (const char      *path);
} KbcFidoDeviceProvider;

/* Process-wide; NULL removes it. @provider must stay valid. */
void        kbc_fido_set_device_provider    (const KbcFidoDeviceProvider *provider);

/* Where KbcFido looks for hidraw nodes of FIDO keys that this user may not
 * open, to tell "no key" from "no permission": the hidraw class directory of
 * sysfs and the device directory (NULL: /sys/class/hidraw and /dev). For
 * tests. */
void        kbc_fido_set_hidraw_paths       (const char *class_dir,
                                             const char *dev_dir);

/* -- a plugged key -- */

#define KBC_TYPE_FIDO_DEVICE_INFO (kbc_fido_device_info_get_type ())
typedef struct _KbcFidoDeviceInfo KbcFidoDeviceInfo;

GType              kbc_fido_device_info_get_type         (void) G_GNUC_CONST;
KbcFidoDeviceInfo *kbc_fido_device_info_ref              (KbcFidoDeviceInfo *info);
void               kbc_fido_device_info_unref            (KbcFidoDeviceInfo *info);
const char        *kbc_fido_device_info_get_path         (KbcFidoDeviceInfo *info);
const char        *kbc_fido_device_info_get_manufacturer (KbcFidoDeviceInfo *info);
const char        *kbc_fido_device_info_get_product      (KbcFidoDeviceInfo *info);
gboolean           kbc_fido_device_info_is_fido2         (KbcFidoDeviceInfo *info);
gboolean           kbc_fido_device_info_has_pin          (KbcFidoDeviceInfo *info);
/* -1 when the key has no PIN or did not say. */
int                kbc_fido_device_info_get_pin_retries  (KbcFidoDeviceInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcFidoDeviceInfo, kbc_fido_device_info_unref)

/* -- the service -- */

#define KBC_FIDO_DEFAULT_TIMEOUT_MS 30000

#define KBC_TYPE_FIDO (kbc_fido_get_type ())
G_DECLARE_FINAL_TYPE (KbcFido, kbc_fido, KBC, FIDO, GObject)

KbcFido    *kbc_fido_new                    (void);

/* How long a key waits for a touch ("timeout", milliseconds; default 30 s). */
guint       kbc_fido_get_timeout            (KbcFido             *self);
void        kbc_fido_set_timeout            (KbcFido             *self,
                                             guint                timeout_ms);

/* The keys plugged in now (KbcFidoDeviceInfo). An empty array when there are
 * none; KBC_FIDO_ERROR_PERMISSION_DENIED when there are keys this user may
 * not open. */
void        kbc_fido_list_devices_async     (KbcFido             *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray  *kbc_fido_list_devices_finish    (KbcFido             *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Registers a key: @options is a PublicKeyCredentialCreationOptionsJSON from
 * the server, @rp_id the relying party the app expects (the stack's host, or
 * "localhost"; the options must name the same one). The result is a
 * RegistrationResponseJSON for the server. @pin is used only for FIDO2 keys
 * that have a PIN; such a key fails with KBC_FIDO_ERROR_PIN_REQUIRED when
 * @pin is NULL. With several keys plugged in, the first one touched wins.
 * Cancelling @cancellable stops the keys (fido_dev_cancel). */
void        kbc_fido_register_async         (KbcFido             *self,
                                             JsonNode            *options,
                                             const char          *rp_id,
                                             const char          *pin,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonNode   *kbc_fido_register_finish        (KbcFido             *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Signs in: @options is a PublicKeyCredentialRequestOptionsJSON; the result
 * an AuthenticationResponseJSON. No PIN is needed (user verification is
 * "discouraged"); a @pin given for a key with a PIN is used. */
void        kbc_fido_authenticate_async     (KbcFido             *self,
                                             JsonNode            *options,
                                             const char          *rp_id,
                                             const char          *pin,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonNode   *kbc_fido_authenticate_finish    (KbcFido             *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* clang-format on */

G_END_DECLS
