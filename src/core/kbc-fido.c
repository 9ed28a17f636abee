/* kbc-fido.c: USB security keys (U2F and FIDO2) through libfido2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every libfido2 call runs in a worker thread. An operation opens every key
 * it finds and runs the request on all of them at once, one thread per key,
 * because libfido2 cannot wait on several devices; the first key that
 * answers (which is the one the user touched) wins, and the others are
 * cancelled. FIDO2 keys are cancelled with fido_dev_cancel(); U2F keys cannot
 * be, so they run in short slices and stop between two.
 */
#include "config.h"

#include "kbc-fido.h"

#include "kbc-webauthn.h"

#include <cbor.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEVICES     16
#define OPEN_TIMEOUT_MS 3000
/* A U2F request is retried in slices this long so that it can stop. */
#define U2F_SLICE_MS 400
/* How often the coordinator looks at the cancellable and re-sends CANCEL. */
#define TICK_MS 100

/* -- errors -- */

typedef struct
{
  int pin_retries;
} KbcFidoErrorPrivate;

static void
kbc_fido_error_private_init (KbcFidoErrorPrivate *priv)
{
  priv->pin_retries = -1;
}

static void
kbc_fido_error_private_copy (const KbcFidoErrorPrivate *src, KbcFidoErrorPrivate *dest)
{
  dest->pin_retries = src->pin_retries;
}

static void
kbc_fido_error_private_clear (KbcFidoErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (KbcFidoError, kbc_fido_error)

int
kbc_fido_error_get_pin_retries (const GError *error)
{
  if (error == NULL || error->domain != KBC_FIDO_ERROR)
    return -1;

  return kbc_fido_error_get_private (error)->pin_retries;
}

static GError *
fido_error_new (KbcFidoError code, int pin_retries)
{
  const char *message;
  GError *error;

  switch (code)
    {
      case KBC_FIDO_ERROR_NO_DEVICE:
        message = _ ("No security key found. Plug in your key and try again.");
        break;
      case KBC_FIDO_ERROR_PERMISSION_DENIED:
        message = _ (
            "A security key is plugged in, but you are not allowed to use it. Install the udev rules "
            "that come with libfido2 (the libfido2-1 package provides 70-u2f.rules) or join the "
            "plugdev group, then unplug the key and plug it back in.");
        break;
      case KBC_FIDO_ERROR_TIMED_OUT:
        message = _ ("The security key was not touched in time.");
        break;
      case KBC_FIDO_ERROR_PIN_REQUIRED:
        message = _ ("Enter the PIN of your security key.");
        break;
      case KBC_FIDO_ERROR_PIN_INVALID:
        message = NULL;
        break;
      case KBC_FIDO_ERROR_PIN_BLOCKED:
        message = _ (
            "The PIN of this security key is blocked after too many wrong tries. Reset the key to use it "
            "again.");
        break;
      case KBC_FIDO_ERROR_PIN_AUTH_BLOCKED:
        message = _ (
            "Too many wrong PINs in a row. Unplug the security key, plug it back in and try again.");
        break;
      case KBC_FIDO_ERROR_ALREADY_REGISTERED:
        message = _ ("This security key is already registered for your account.");
        break;
      case KBC_FIDO_ERROR_NOT_REGISTERED:
        message = _ ("This security key is not registered for your account.");
        break;
      case KBC_FIDO_ERROR_UNPLUGGED:
        message = _ ("The security key was unplugged.");
        break;
      case KBC_FIDO_ERROR_INVALID_OPTIONS:
        message = _ ("The server asked for a security key in a way this app does not understand.");
        break;
      case KBC_FIDO_ERROR_UNSUPPORTED:
        message = _ ("This security key cannot make the kind of key the server asks for.");
        break;
      case KBC_FIDO_ERROR_FAILED:
      default:
        message = _ (
            "The security key did not answer as expected. Unplug it, plug it back in and try again.");
        break;
    }

  if (code == KBC_FIDO_ERROR_PIN_INVALID && pin_retries >= 0)
    error = g_error_new (KBC_FIDO_ERROR, code,
                         /* Translators: %d is how many PIN tries are left before the
                          * security key locks itself. */
                         g_dngettext (GETTEXT_PACKAGE, "Wrong PIN. %d try left.",
                                      "Wrong PIN. %d tries left.", (gulong) pin_retries),
                         pin_retries);
  else if (code == KBC_FIDO_ERROR_PIN_INVALID)
    error = g_error_new_literal (KBC_FIDO_ERROR, code, _ ("Wrong PIN."));
  else
    error = g_error_new_literal (KBC_FIDO_ERROR, code, message);

  kbc_fido_error_get_private (error)->pin_retries = pin_retries;

  return error;
}

/* -- devices -- */

G_LOCK_DEFINE_STATIC (provider);
static const KbcFidoDeviceProvider *device_provider;

void
kbc_fido_set_device_provider (const KbcFidoDeviceProvider *provider)
{
  G_LOCK (provider);
  device_provider = provider;
  G_UNLOCK (provider);
}

static const KbcFidoDeviceProvider *
get_provider (void)
{
  const KbcFidoDeviceProvider *provider;

  G_LOCK (provider);
  provider = device_provider;
  G_UNLOCK (provider);

  return provider;
}

struct _KbcFidoDeviceInfo
{
  gatomicrefcount ref_count;
  char *path;
  char *manufacturer;
  char *product;
  const fido_dev_io_t *io; /* a provider's device, or NULL for the platform's HID */
  gboolean fido2;
  gboolean has_pin;
  int pin_retries;
};

G_DEFINE_BOXED_TYPE (KbcFidoDeviceInfo,
                     kbc_fido_device_info,
                     kbc_fido_device_info_ref,
                     kbc_fido_device_info_unref)

KbcFidoDeviceInfo *
kbc_fido_device_info_ref (KbcFidoDeviceInfo *info)
{
  g_atomic_ref_count_inc (&info->ref_count);
  return info;
}

void
kbc_fido_device_info_unref (KbcFidoDeviceInfo *info)
{
  if (!g_atomic_ref_count_dec (&info->ref_count))
    return;

  g_free (info->path);
  g_free (info->manufacturer);
  g_free (info->product);
  g_free (info);
}

const char *
kbc_fido_device_info_get_path (KbcFidoDeviceInfo *info)
{
  return info->path;
}

const char *
kbc_fido_device_info_get_manufacturer (KbcFidoDeviceInfo *info)
{
  return info->manufacturer;
}

const char *
kbc_fido_device_info_get_product (KbcFidoDeviceInfo *info)
{
  return info->product;
}

gboolean
kbc_fido_device_info_is_fido2 (KbcFidoDeviceInfo *info)
{
  return info->fido2;
}

gboolean
kbc_fido_device_info_has_pin (KbcFidoDeviceInfo *info)
{
  return info->has_pin;
}

int
kbc_fido_device_info_get_pin_retries (KbcFidoDeviceInfo *info)
{
  return info->pin_retries;
}

static gpointer
init_libfido2 (gpointer data)
{
  fido_init (0);
  return NULL;
}

static void
ensure_libfido2 (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_libfido2, NULL);
}

/* What fido_dev_info_manifest() finds, then the provider's devices. */
static GPtrArray *
find_devices (void)
{
  const KbcFidoDeviceProvider *provider = get_provider ();
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_fido_device_info_unref);
  fido_dev_info_t *devlist = fido_dev_info_new (MAX_DEVICES);
  size_t n = 0;
  size_t n_hid;
  int r;

  ensure_libfido2 ();

  if ((r = fido_dev_info_manifest (devlist, MAX_DEVICES, &n)) != FIDO_OK)
    {
      g_debug ("fido_dev_info_manifest: %s", fido_strerr (r));
      n = 0;
    }
  n_hid = n;
  if (provider != NULL && provider->manifest != NULL && n < MAX_DEVICES)
    n += provider->manifest (devlist, n, MAX_DEVICES);

  for (size_t i = 0; i < n; i++)
    {
      const fido_dev_info_t *di = fido_dev_info_ptr (devlist, i);
      KbcFidoDeviceInfo *info = g_new0 (KbcFidoDeviceInfo, 1);

      g_atomic_ref_count_init (&info->ref_count);
      info->path = g_strdup (fido_dev_info_path (di));
      info->manufacturer = g_strdup (fido_dev_info_manufacturer_string (di));
      info->product = g_strdup (fido_dev_info_product_string (di));
      info->pin_retries = -1;
      if (i >= n_hid && provider->io_for_path != NULL)
        info->io = provider->io_for_path (info->path);
      g_ptr_array_add (found, info);
    }

  fido_dev_info_free (&devlist, MAX_DEVICES);

  return found;
}

static gboolean
device_present (KbcFidoDeviceInfo *info)
{
  g_autoptr (GPtrArray) found = NULL;

  if (info->io == NULL)
    return access (info->path, F_OK) == 0;

  found = find_devices ();
  for (guint i = 0; i < found->len; i++)
    if (g_strcmp0 (kbc_fido_device_info_get_path (g_ptr_array_index (found, i)), info->path) == 0)
      return TRUE;

  return FALSE;
}

/* A FIDO HID device (usage page 0xF1D0) in its report descriptor. */
static gboolean
report_descriptor_is_fido (const guint8 *data, gsize len)
{
  for (gsize i = 0; i + 2 < len; i++)
    if (data[i] == 0x06 && data[i + 1] == 0xd0 && data[i + 2] == 0xf1)
      return TRUE;

  return FALSE;
}

G_LOCK_DEFINE_STATIC (hidraw_paths);
static char *hidraw_class_dir;
static char *hidraw_dev_dir;

void
kbc_fido_set_hidraw_paths (const char *class_dir, const char *dev_dir)
{
  G_LOCK (hidraw_paths);
  g_free (hidraw_class_dir);
  g_free (hidraw_dev_dir);
  hidraw_class_dir = g_strdup (class_dir);
  hidraw_dev_dir = g_strdup (dev_dir);
  G_UNLOCK (hidraw_paths);
}

/* libfido2 skips the hidraw nodes it cannot open, so a key without the
 * right udev rules looks like no key at all. Look for one in sysfs, whose
 * report descriptors anyone may read. */
static gboolean
fido_hidraw_permission_denied (void)
{
  g_autofree char *class_dir = NULL;
  g_autofree char *dev_dir = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  G_LOCK (hidraw_paths);
  class_dir = g_strdup (hidraw_class_dir != NULL ? hidraw_class_dir : "/sys/class/hidraw");
  dev_dir = g_strdup (hidraw_dev_dir != NULL ? hidraw_dev_dir : "/dev");
  G_UNLOCK (hidraw_paths);

  dir = g_dir_open (class_dir, 0, NULL);
  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *descriptor_path =
          g_build_filename (class_dir, name, "device", "report_descriptor", NULL);
      g_autofree char *node = g_build_filename (dev_dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (descriptor_path, &contents, &len, NULL) ||
          !report_descriptor_is_fido ((const guint8 *) contents, len))
        continue;

      if (access (node, R_OK | W_OK) < 0 && errno == EACCES)
        {
          g_debug ("%s is a FIDO device this user may not open", node);
          return TRUE;
        }
    }

  return FALSE;
}

static fido_dev_t *
open_device (KbcFidoDeviceInfo *info, gboolean *permission_denied)
{
  fido_dev_t *dev = fido_dev_new ();
  int r;

  if (info->io != NULL && (r = fido_dev_set_io_functions (dev, info->io)) != FIDO_OK)
    {
      g_debug ("fido_dev_set_io_functions %s: %s", info->path, fido_strerr (r));
      fido_dev_free (&dev);
      return NULL;
    }

  fido_dev_set_timeout (dev, OPEN_TIMEOUT_MS);
  if ((r = fido_dev_open (dev, info->path)) != FIDO_OK)
    {
      g_debug ("fido_dev_open %s: %s", info->path, fido_strerr (r));
      if (info->io == NULL && access (info->path, R_OK | W_OK) < 0 && errno == EACCES)
        *permission_denied = TRUE;
      fido_dev_free (&dev);
      return NULL;
    }

  info->fido2 = fido_dev_is_fido2 (dev);
  info->has_pin = fido_dev_has_pin (dev);
  if (info->has_pin)
    {
      int retries = -1;

      if (fido_dev_get_retry_count (dev, &retries) == FIDO_OK)
        info->pin_retries = retries;
    }

  return dev;
}

static void
close_device (fido_dev_t **dev)
{
  if (*dev == NULL)
    return;

  fido_dev_close (*dev);
  fido_dev_free (dev);
}

/* -- the service -- */

struct _KbcFido
{
  GObject parent_instance;

  guint timeout_ms;
};

G_DEFINE_FINAL_TYPE (KbcFido, kbc_fido, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbc_fido_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcFido *self = KBC_FIDO (object);

  switch (prop_id)
    {
      case PROP_TIMEOUT:
        g_value_set_uint (value, self->timeout_ms);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_fido_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcFido *self = KBC_FIDO (object);

  switch (prop_id)
    {
      case PROP_TIMEOUT:
        kbc_fido_set_timeout (self, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_fido_class_init (KbcFidoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = kbc_fido_get_property;
  object_class->set_property = kbc_fido_set_property;

  properties[PROP_TIMEOUT] =
      g_param_spec_uint ("timeout", NULL, NULL, 100, 600000, KBC_FIDO_DEFAULT_TIMEOUT_MS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_fido_init (KbcFido *self)
{
  self->timeout_ms = KBC_FIDO_DEFAULT_TIMEOUT_MS;
}

KbcFido *
kbc_fido_new (void)
{
  return g_object_new (KBC_TYPE_FIDO, NULL);
}

guint
kbc_fido_get_timeout (KbcFido *self)
{
  g_return_val_if_fail (KBC_IS_FIDO (self), 0);

  return self->timeout_ms;
}

void
kbc_fido_set_timeout (KbcFido *self, guint timeout_ms)
{
  g_return_if_fail (KBC_IS_FIDO (self));

  timeout_ms = CLAMP (timeout_ms, 100, 600000);
  if (self->timeout_ms == timeout_ms)
    return;

  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/* -- listing -- */

static void
list_devices_thread (GTask *task,
                     gpointer source_object,
                     gpointer task_data,
                     GCancellable *cancellable)
{
  g_autoptr (GPtrArray) found = find_devices ();
  g_autoptr (GPtrArray) usable =
      g_ptr_array_new_with_free_func ((GDestroyNotify) kbc_fido_device_info_unref);
  gboolean permission_denied = FALSE;

  for (guint i = 0; i < found->len; i++)
    {
      KbcFidoDeviceInfo *info = g_ptr_array_index (found, i);
      fido_dev_t *dev = open_device (info, &permission_denied);

      if (dev != NULL)
        g_ptr_array_add (usable, kbc_fido_device_info_ref (info));
      close_device (&dev);
    }

  if (usable->len == 0 && (permission_denied || fido_hidraw_permission_denied ()))
    g_task_return_error (task, fido_error_new (KBC_FIDO_ERROR_PERMISSION_DENIED, -1));
  else
    g_task_return_pointer (task, g_steal_pointer (&usable), (GDestroyNotify) g_ptr_array_unref);
}

void
kbc_fido_list_devices_async (KbcFido *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KBC_IS_FIDO (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_fido_list_devices_async);
  g_task_run_in_thread (task, list_devices_thread);
}

GPtrArray *
kbc_fido_list_devices_finish (KbcFido *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- register and authenticate -- */

typedef struct _Operation Operation;

/* One key in an operation, with its own thread. */
typedef struct
{
  Operation *op;
  KbcFidoDeviceInfo *info;
  fido_dev_t *dev;
  fido_cred_t *cred;
  fido_assert_t *assert;
  const char *pin; /* op->pin when this key uses it */
  GThread *thread;
  int stop; /* atomic: a U2F key stops between slices */
  /* Under op->mutex: */
  gboolean done;
  gboolean examined;
  int result;
  int pin_retries;
  gint64 elapsed_us;
} Slot;

struct _Operation
{
  KbcWebauthnCeremony ceremony;
  KbcWebauthnCreationOptions *create;
  KbcWebauthnRequestOptions *request;
  char *rp_id;
  char *pin;
  char *client_data;
  guint8 client_data_hash[32];
  guint timeout_ms;

  GMutex mutex;
  GCond cond;
  GPtrArray *slots;
};

/* A result of our own for a U2F key whose time ran out between slices. */
#define RESULT_TIMED_OUT (-1000)

static void
slot_free (Slot *slot)
{
  close_device (&slot->dev);
  fido_cred_free (&slot->cred);
  fido_assert_free (&slot->assert);
  g_clear_pointer (&slot->info, kbc_fido_device_info_unref);
  g_free (slot);
}

static void
operation_free (Operation *op)
{
  g_clear_pointer (&op->slots, g_ptr_array_unref);
  kbc_webauthn_creation_options_free (op->create);
  kbc_webauthn_request_options_free (op->request);
  g_free (op->rp_id);
  if (op->pin != NULL)
    {
      memset (op->pin, 0, strlen (op->pin));
      g_free (op->pin);
    }
  g_free (op->client_data);
  g_mutex_clear (&op->mutex);
  g_cond_clear (&op->cond);
  g_free (op);
}

static gboolean
slot_prepare (Slot *slot)
{
  Operation *op = slot->op;

  if (op->ceremony == KBC_WEBAUTHN_CREATE)
    {
      KbcWebauthnCreationOptions *options = op->create;
      fido_cred_t *cred = fido_cred_new ();
      gsize user_id_len;
      const guint8 *user_id = g_bytes_get_data (options->user_id, &user_id_len);

      slot->cred = cred;
      if (fido_cred_set_type (cred, COSE_ES256) != FIDO_OK ||
          fido_cred_set_clientdata_hash (cred, op->client_data_hash, 32) != FIDO_OK ||
          fido_cred_set_rp (cred, op->rp_id, options->rp_name) != FIDO_OK ||
          fido_cred_set_user (cred, user_id, user_id_len, options->user_name,
                              options->user_display_name, NULL) != FIDO_OK)
        return FALSE;

      for (guint i = 0; i < options->exclude_credentials->len; i++)
        {
          gsize len;
          const guint8 *id =
              g_bytes_get_data (g_ptr_array_index (options->exclude_credentials, i), &len);

          if (fido_cred_exclude (cred, id, len) != FIDO_OK)
            return FALSE;
        }
    }
  else
    {
      KbcWebauthnRequestOptions *options = op->request;
      fido_assert_t *assert = fido_assert_new ();

      slot->assert = assert;
      if (fido_assert_set_clientdata_hash (assert, op->client_data_hash, 32) != FIDO_OK ||
          fido_assert_set_rp (assert, op->rp_id) != FIDO_OK)
        return FALSE;

      for (guint i = 0; i < options->allow_credentials->len; i++)
        {
          gsize len;
          const guint8 *id =
              g_bytes_get_data (g_ptr_array_index (options->allow_credentials, i), &len);

          if (fido_assert_allow_cred (assert, id, len) != FIDO_OK)
            return FALSE;
        }
    }

  return TRUE;
}

static int
slot_run_once (Slot *slot)
{
  if (slot->cred != NULL)
    return fido_dev_make_cred (slot->dev, slot->cred, slot->pin);

  return fido_dev_get_assert (slot->dev, slot->assert, slot->pin);
}

static gpointer
slot_thread (gpointer data)
{
  Slot *slot = data;
  Operation *op = slot->op;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + op->timeout_ms * G_TIME_SPAN_MILLISECOND;
  int retries = -1;
  int r;

  if (slot->info->fido2)
    {
      fido_dev_set_timeout (slot->dev, (int) op->timeout_ms);
      r = slot_run_once (slot);
    }
  else
    {
      for (;;)
        {
          gint64 remaining = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;

          if (g_atomic_int_get (&slot->stop))
            {
              r = FIDO_ERR_KEEPALIVE_CANCEL;
              break;
            }
          if (remaining <= 0)
            {
              r = RESULT_TIMED_OUT;
              break;
            }

          fido_dev_set_timeout (slot->dev, (int) MIN (remaining, U2F_SLICE_MS));
          r = slot_run_once (slot);
          /* The end of a slice looks like a read that timed out. */
          if ((r == FIDO_ERR_RX || r == FIDO_ERR_TX) && device_present (slot->info))
            continue;
          break;
        }
    }

  if (r == FIDO_ERR_PIN_INVALID && fido_dev_get_retry_count (slot->dev, &retries) != FIDO_OK)
    retries = -1;

  g_mutex_lock (&op->mutex);
  slot->result = r;
  slot->pin_retries = retries;
  slot->elapsed_us = g_get_monotonic_time () - start;
  slot->done = TRUE;
  g_cond_broadcast (&op->cond);
  g_mutex_unlock (&op->mutex);

  return NULL;
}

/* Results after which the other keys need not be waited for. */
static gboolean
result_is_decisive (int result)
{
  switch (result)
    {
      case FIDO_OK:
      case FIDO_ERR_CREDENTIAL_EXCLUDED:
      case FIDO_ERR_PIN_INVALID:
      case FIDO_ERR_PIN_BLOCKED:
      case FIDO_ERR_PIN_AUTH_BLOCKED:
      case FIDO_ERR_PIN_REQUIRED:
        return TRUE;
      default:
        return FALSE;
    }
}

static KbcFidoError
slot_error_code (Slot *slot)
{
  Operation *op = slot->op;

  switch (slot->result)
    {
      case FIDO_ERR_CREDENTIAL_EXCLUDED:
        return KBC_FIDO_ERROR_ALREADY_REGISTERED;
      case FIDO_ERR_NO_CREDENTIALS:
        return KBC_FIDO_ERROR_NOT_REGISTERED;
      case FIDO_ERR_PIN_INVALID:
        return KBC_FIDO_ERROR_PIN_INVALID;
      case FIDO_ERR_PIN_BLOCKED:
        return KBC_FIDO_ERROR_PIN_BLOCKED;
      case FIDO_ERR_PIN_AUTH_BLOCKED:
        return KBC_FIDO_ERROR_PIN_AUTH_BLOCKED;
      case FIDO_ERR_PIN_REQUIRED:
        return KBC_FIDO_ERROR_PIN_REQUIRED;
      case FIDO_ERR_USER_ACTION_TIMEOUT:
      case FIDO_ERR_ACTION_TIMEOUT:
      case RESULT_TIMED_OUT:
        return KBC_FIDO_ERROR_TIMED_OUT;
      case FIDO_ERR_UNSUPPORTED_ALGORITHM:
      case FIDO_ERR_UNSUPPORTED_OPTION:
      case FIDO_ERR_INVALID_OPTION:
        return KBC_FIDO_ERROR_UNSUPPORTED;
      case FIDO_ERR_RX:
      case FIDO_ERR_TX:
        /* Either the key went away or libfido2's time ran out. */
        if (!device_present (slot->info))
          return KBC_FIDO_ERROR_UNPLUGGED;
        if (slot->elapsed_us + 250 * G_TIME_SPAN_MILLISECOND >=
            op->timeout_ms * G_TIME_SPAN_MILLISECOND)
          return KBC_FIDO_ERROR_TIMED_OUT;
        return KBC_FIDO_ERROR_FAILED;
      default:
        return KBC_FIDO_ERROR_FAILED;
    }
}

/* Which error to report when every key failed: the most telling one. */
static int
error_rank (KbcFidoError code)
{
  switch (code)
    {
      case KBC_FIDO_ERROR_ALREADY_REGISTERED:
        return 9;
      case KBC_FIDO_ERROR_PIN_INVALID:
      case KBC_FIDO_ERROR_PIN_BLOCKED:
      case KBC_FIDO_ERROR_PIN_AUTH_BLOCKED:
      case KBC_FIDO_ERROR_PIN_REQUIRED:
        return 8;
      case KBC_FIDO_ERROR_NOT_REGISTERED:
        return 7;
      case KBC_FIDO_ERROR_UNSUPPORTED:
        return 6;
      case KBC_FIDO_ERROR_TIMED_OUT:
        return 5;
      case KBC_FIDO_ERROR_UNPLUGGED:
        return 4;
      default:
        return 0;
    }
}

static GBytes *
bytes_or_null (const unsigned char *ptr, size_t len)
{
  return ptr != NULL && len > 0 ? g_bytes_new (ptr, len) : NULL;
}

static JsonNode *
registration_response (Operation *op, fido_cred_t *cred, GError **error)
{
  g_autoptr (GBytes) id = bytes_or_null (fido_cred_id_ptr (cred), fido_cred_id_len (cred));
  g_autoptr (GBytes) auth_data =
      bytes_or_null (fido_cred_authdata_raw_ptr (cred), fido_cred_authdata_raw_len (cred));
  g_autoptr (GBytes) sig = bytes_or_null (fido_cred_sig_ptr (cred), fido_cred_sig_len (cred));
  g_autoptr (GBytes) x5c = bytes_or_null (fido_cred_x5c_ptr (cred), fido_cred_x5c_len (cred));
  g_autoptr (GBytes) attestation = NULL;
  const char *fmt = fido_cred_fmt (cred);

  if (id == NULL || auth_data == NULL || sig == NULL || fmt == NULL)
    {
      g_debug ("The key made an incomplete credential (fmt %s)", fmt);
      g_propagate_error (error, fido_error_new (KBC_FIDO_ERROR_FAILED, -1));
      return NULL;
    }

  attestation = kbc_webauthn_attestation_object_new (fmt, auth_data, sig, x5c);
  return kbc_webauthn_registration_response_new (id, op->client_data, attestation, auth_data);
}

/* libfido2 1.12 gives the authenticator data only as a CBOR byte string. */
static GBytes *
assert_auth_data (fido_assert_t *assert)
{
  struct cbor_load_result result;
  cbor_item_t *item;
  GBytes *bytes = NULL;

  if (fido_assert_authdata_ptr (assert, 0) == NULL)
    return NULL;

  item = cbor_load (fido_assert_authdata_ptr (assert, 0), fido_assert_authdata_len (assert, 0),
                    &result);
  if (item == NULL)
    return NULL;
  if (cbor_isa_bytestring (item) && cbor_bytestring_is_definite (item))
    bytes = g_bytes_new (cbor_bytestring_handle (item), cbor_bytestring_length (item));
  cbor_decref (&item);

  return bytes;
}

static JsonNode *
authentication_response (Operation *op, fido_assert_t *assert, GError **error)
{
  g_autoptr (GBytes) id = NULL;
  g_autoptr (GBytes) auth_data = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) user = NULL;

  if (fido_assert_count (assert) < 1)
    {
      g_propagate_error (error, fido_error_new (KBC_FIDO_ERROR_FAILED, -1));
      return NULL;
    }

  id = bytes_or_null (fido_assert_id_ptr (assert, 0), fido_assert_id_len (assert, 0));
  /* A key may leave the credential out when the allow list had only one. */
  if (id == NULL && op->request->allow_credentials->len == 1)
    id = g_bytes_ref (g_ptr_array_index (op->request->allow_credentials, 0));
  auth_data = assert_auth_data (assert);
  sig = bytes_or_null (fido_assert_sig_ptr (assert, 0), fido_assert_sig_len (assert, 0));
  user = bytes_or_null (fido_assert_user_id_ptr (assert, 0), fido_assert_user_id_len (assert, 0));

  if (id == NULL || auth_data == NULL || sig == NULL)
    {
      g_debug ("The key made an incomplete assertion");
      g_propagate_error (error, fido_error_new (KBC_FIDO_ERROR_FAILED, -1));
      return NULL;
    }

  return kbc_webauthn_authentication_response_new (id, op->client_data, auth_data, sig, user);
}

static void
cancelled_cb (GCancellable *cancellable, Operation *op)
{
  g_mutex_lock (&op->mutex);
  g_cond_broadcast (&op->cond);
  g_mutex_unlock (&op->mutex);
}

/* Waits for the keys; returns the winning slot, or NULL. Called with the
 * mutex held. */
static Slot *
wait_for_keys (Operation *op, GCancellable *cancellable)
{
  Slot *winner = NULL;

  for (;;)
    {
      gboolean all_done = TRUE;
      gboolean stopping;

      for (guint i = 0; i < op->slots->len; i++)
        {
          Slot *slot = g_ptr_array_index (op->slots, i);

          if (!slot->done)
            {
              all_done = FALSE;
              continue;
            }
          if (!slot->examined)
            {
              slot->examined = TRUE;
              g_debug ("%s answered: %s", slot->info->path, fido_strerr (slot->result));
              if (winner == NULL && result_is_decisive (slot->result))
                winner = slot;
            }
        }

      if (all_done)
        break;

      /* Stop the others, and keep telling them: a CANCEL that arrives
       * before the request is lost. */
      stopping = winner != NULL || g_cancellable_is_cancelled (cancellable);
      if (stopping)
        for (guint i = 0; i < op->slots->len; i++)
          {
            Slot *slot = g_ptr_array_index (op->slots, i);

            if (slot->done)
              continue;
            g_atomic_int_set (&slot->stop, TRUE);
            if (slot->info->fido2)
              fido_dev_cancel (slot->dev);
          }

      g_cond_wait_until (&op->cond, &op->mutex,
                         g_get_monotonic_time () + TICK_MS * G_TIME_SPAN_MILLISECOND);
    }

  return winner;
}

static void
operation_thread (GTask *task,
                  gpointer source_object,
                  gpointer task_data,
                  GCancellable *cancellable)
{
  Operation *op = task_data;
  g_autoptr (GPtrArray) found = find_devices ();
  g_autoptr (GError) error = NULL;
  gboolean permission_denied = FALSE;
  Slot *pin_needed = NULL;
  Slot *winner;
  gulong handler = 0;
  JsonNode *response;

  op->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_free);

  for (guint i = 0; i < found->len; i++)
    {
      KbcFidoDeviceInfo *info = g_ptr_array_index (found, i);
      fido_dev_t *dev = open_device (info, &permission_denied);
      Slot *slot;

      if (dev == NULL)
        continue;

      slot = g_new0 (Slot, 1);
      slot->op = op;
      slot->info = kbc_fido_device_info_ref (info);
      slot->dev = dev;
      g_ptr_array_add (op->slots, slot);

      /* A PIN only for a FIDO2 key that has one: U2F has no PIN at all. */
      if (info->fido2 && info->has_pin)
        {
          if (op->pin != NULL)
            slot->pin = op->pin;
          else if (op->ceremony == KBC_WEBAUTHN_CREATE && pin_needed == NULL)
            pin_needed = slot;
        }
    }

  if (op->slots->len == 0)
    {
      if (permission_denied || fido_hidraw_permission_denied ())
        g_task_return_error (task, fido_error_new (KBC_FIDO_ERROR_PERMISSION_DENIED, -1));
      else
        g_task_return_error (task, fido_error_new (KBC_FIDO_ERROR_NO_DEVICE, -1));
      return;
    }

  if (pin_needed != NULL)
    {
      int retries = pin_needed->info->pin_retries;

      g_task_return_error (task, fido_error_new (retries == 0 ? KBC_FIDO_ERROR_PIN_BLOCKED
                                                              : KBC_FIDO_ERROR_PIN_REQUIRED,
                                                 retries));
      return;
    }

  for (guint i = 0; i < op->slots->len; i++)
    if (!slot_prepare (g_ptr_array_index (op->slots, i)))
      {
        g_task_return_error (task, fido_error_new (KBC_FIDO_ERROR_INVALID_OPTIONS, -1));
        return;
      }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), op, NULL);

  g_mutex_lock (&op->mutex);
  for (guint i = 0; i < op->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (op->slots, i);

      slot->thread = g_thread_new ("kbc-fido-key", slot_thread, slot);
    }
  winner = wait_for_keys (op, cancellable);
  g_mutex_unlock (&op->mutex);

  for (guint i = 0; i < op->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (op->slots, i);

      g_thread_join (g_steal_pointer (&slot->thread));
    }
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (winner != NULL && winner->result == FIDO_OK)
    {
      if (op->ceremony == KBC_WEBAUTHN_CREATE)
        response = registration_response (op, winner->cred, &error);
      else
        response = authentication_response (op, winner->assert, &error);

      if (response != NULL)
        g_task_return_pointer (task, response, (GDestroyNotify) json_node_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (winner == NULL)
    {
      int best_rank = -1;

      for (guint i = 0; i < op->slots->len; i++)
        {
          Slot *slot = g_ptr_array_index (op->slots, i);
          int rank = error_rank (slot_error_code (slot));

          if (rank > best_rank)
            {
              best_rank = rank;
              winner = slot;
            }
        }
    }

  g_task_return_error (task, fido_error_new (slot_error_code (winner), winner->pin_retries));
}

static Operation *
operation_new (KbcFido *self, KbcWebauthnCeremony ceremony, const char *rp_id, const char *pin)
{
  Operation *op = g_new0 (Operation, 1);

  op->ceremony = ceremony;
  op->rp_id = g_strdup (rp_id);
  op->pin = g_strdup (pin);
  op->timeout_ms = self->timeout_ms;
  g_mutex_init (&op->mutex);
  g_cond_init (&op->cond);

  return op;
}

/* The relying party the options name must be the one the app expects. */
static gboolean
operation_set_rp_id (Operation *op, const char *options_rp_id, GError **error)
{
  if (options_rp_id != NULL && op->rp_id != NULL && g_strcmp0 (options_rp_id, op->rp_id) != 0)
    {
      g_debug ("The server asked for relying party %s, expected %s", options_rp_id, op->rp_id);
      g_propagate_error (error, fido_error_new (KBC_FIDO_ERROR_INVALID_OPTIONS, -1));
      return FALSE;
    }
  if (op->rp_id == NULL)
    op->rp_id = g_strdup (options_rp_id);
  if (op->rp_id == NULL || *op->rp_id == '\0')
    {
      g_propagate_error (error, fido_error_new (KBC_FIDO_ERROR_INVALID_OPTIONS, -1));
      return FALSE;
    }

  return TRUE;
}

static void
operation_set_client_data (Operation *op, GBytes *challenge)
{
  g_autofree char *origin = kbc_webauthn_origin_for_rp_id (op->rp_id);

  op->client_data = kbc_webauthn_client_data_new (op->ceremony, challenge, origin);
  kbc_webauthn_sha256 (op->client_data, strlen (op->client_data), op->client_data_hash);
}

static void
options_error (GTask *task, GError *parse_error)
{
  g_debug ("Unusable security key options: %s", parse_error->message);
  g_task_return_error (task, fido_error_new (KBC_FIDO_ERROR_INVALID_OPTIONS, -1));
}

void
kbc_fido_register_async (KbcFido *self,
                         JsonNode *options,
                         const char *rp_id,
                         const char *pin,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Operation *op;
  gboolean es256 = FALSE;

  g_return_if_fail (KBC_IS_FIDO (self));
  g_return_if_fail (options != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_fido_register_async);

  op = operation_new (self, KBC_WEBAUTHN_CREATE, rp_id, pin);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);

  op->create = kbc_webauthn_creation_options_parse (options, &error);
  if (op->create == NULL)
    {
      options_error (task, error);
      return;
    }
  if (!operation_set_rp_id (op, op->create->rp_id, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < op->create->algorithms->len; i++)
    if (g_array_index (op->create->algorithms, gint64, i) == KBC_WEBAUTHN_COSE_ES256)
      es256 = TRUE;
  if (!es256)
    {
      g_task_return_error (task, fido_error_new (KBC_FIDO_ERROR_UNSUPPORTED, -1));
      return;
    }

  operation_set_client_data (op, op->create->challenge);
  g_task_run_in_thread (task, operation_thread);
}

JsonNode *
kbc_fido_register_finish (KbcFido *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_fido_register_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kbc_fido_authenticate_async (KbcFido *self,
                             JsonNode *options,
                             const char *rp_id,
                             const char *pin,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Operation *op;

  g_return_if_fail (KBC_IS_FIDO (self));
  g_return_if_fail (options != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbc_fido_authenticate_async);

  op = operation_new (self, KBC_WEBAUTHN_GET, rp_id, pin);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);

  op->request = kbc_webauthn_request_options_parse (options, &error);
  if (op->request == NULL)
    {
      options_error (task, error);
      return;
    }
  if (!operation_set_rp_id (op, op->request->rp_id, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Keys keep no credentials of their own here: the server must name them. */
  if (op->request->allow_credentials->len == 0)
    {
      g_debug ("The server's request options allow no credential");
      g_task_return_error (task, fido_error_new (KBC_FIDO_ERROR_INVALID_OPTIONS, -1));
      return;
    }

  operation_set_client_data (op, op->request->challenge);
  g_task_run_in_thread (task, operation_thread);
}

JsonNode *
kbc_fido_authenticate_finish (KbcFido *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbc_fido_authenticate_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
