/* kbc-mfa.c: the account's multi-factor authentication and security keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-mfa.h"

#include "kbc-error.h"
#include "kbc-json.h"
#include "kbc-totp.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define MFA_PATH           "/manage/current-user/mfa"
#define DEVICES_PATH       MFA_PATH "/devices"
#define REGISTRATIONS_PATH MFA_PATH "/u2f/registrations"
/* The server keeps a registration's challenge for five minutes; stop
 * reusing it a little earlier. */
#define PENDING_KEY_LIFETIME_US (280 * G_USEC_PER_SEC)

typedef struct
{
  char *name;
  char *registration_id;
  JsonNode *options; /* PublicKeyCredentialCreationOptionsJSON */
  gint64 deadline;   /* monotonic */
} PendingKey;

struct _KbcMfa
{
  KbcResource parent_instance;

  KbcAccount *account; /* weak: the account owns this */
  GListStore *keys;
  PendingKey *pending_key;

  gboolean enabled;
  gboolean totp_enabled;
  int recovery_codes_remaining;
};

G_DEFINE_FINAL_TYPE (KbcMfa, kbc_mfa, KBC_TYPE_RESOURCE)
G_DEFINE_BOXED_TYPE (KbcTotpEnrolment,
                     kbc_totp_enrolment,
                     kbc_totp_enrolment_copy,
                     kbc_totp_enrolment_free)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_ENABLED,
  PROP_TOTP_ENABLED,
  PROP_RECOVERY_CODES_REMAINING,
  PROP_KEYS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What GET …/mfa said, parsed off the main loop. */
typedef struct
{
  gboolean enabled;
  gboolean totp_enabled;
  int recovery_codes_remaining;
  GPtrArray *keys; /* KbcSecurityKey */
} State;

static void
state_free (gpointer data)
{
  State *state = data;

  g_clear_pointer (&state->keys, g_ptr_array_unref);
  g_free (state);
}

static void
pending_key_free (PendingKey *pending)
{
  if (pending == NULL)
    return;
  g_free (pending->name);
  g_free (pending->registration_id);
  g_clear_pointer (&pending->options, json_node_unref);
  g_free (pending);
}

KbcTotpEnrolment *
kbc_totp_enrolment_copy (const KbcTotpEnrolment *enrolment)
{
  KbcTotpEnrolment *copy = g_new0 (KbcTotpEnrolment, 1);

  copy->secret = g_strdup (enrolment->secret);
  copy->uri = g_strdup (enrolment->uri);
  return copy;
}

void
kbc_totp_enrolment_free (KbcTotpEnrolment *enrolment)
{
  if (enrolment == NULL)
    return;
  if (enrolment->secret != NULL)
    explicit_bzero (enrolment->secret, strlen (enrolment->secret));
  if (enrolment->uri != NULL)
    explicit_bzero (enrolment->uri, strlen (enrolment->uri));
  g_free (enrolment->secret);
  g_free (enrolment->uri);
  g_free (enrolment);
}

/* ---- state ---- */

static void
set_boolean (KbcMfa *self, gboolean *field, gboolean value, int prop)
{
  value = !!value;
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_remaining (KbcMfa *self, int remaining)
{
  if (self->recovery_codes_remaining == remaining)
    return;

  self->recovery_codes_remaining = remaining;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERY_CODES_REMAINING]);
}

/* After a factor came or went: MFA is on while any is left, and the
 * recovery codes die with the last one (as the server does). */
static void
update_enabled (KbcMfa *self)
{
  gboolean enabled = self->totp_enabled || g_list_model_get_n_items (G_LIST_MODEL (self->keys)) > 0;

  set_boolean (self, &self->enabled, enabled, PROP_ENABLED);
  if (!enabled)
    set_remaining (self, 0);
}

/* A change of ours reached the server. */
static void
begin_change (KbcMfa *self)
{
  kbc_resource_changed (KBC_RESOURCE (self));
  g_object_freeze_notify (G_OBJECT (self));
}

static void
end_change (KbcMfa *self)
{
  g_object_thaw_notify (G_OBJECT (self));
}

static gpointer
kbc_mfa_parse (KbcResource *resource, JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  JsonArray *devices = kbc_json_get_array (object, "devices");
  State *state;

  if (object == NULL)
    {
      g_propagate_error (error, kbc_api_error_new_invalid_response ());
      return NULL;
    }

  state = g_new0 (State, 1);
  state->enabled = kbc_json_get_boolean (object, "enabled", FALSE);
  state->totp_enabled =
      kbc_json_get_boolean (kbc_json_get_object (object, "totp"), "enabled", FALSE);
  state->recovery_codes_remaining =
      (int) CLAMP (kbc_json_get_int (object, "recoveryCodesRemaining", 0), 0, G_MAXINT);
  state->keys = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; devices != NULL && i < json_array_get_length (devices); i++)
    {
      g_autoptr (GError) local_error = NULL;
      KbcSecurityKey *key =
          kbc_security_key_new_from_json (json_array_get_element (devices, i), &local_error);

      /* One odd device does not hide the others. */
      if (key == NULL)
        continue;
      g_ptr_array_add (state->keys, key);
    }

  return state;
}

static void
kbc_mfa_apply (KbcResource *resource, gpointer parsed)
{
  KbcMfa *self = KBC_MFA (resource);
  State *state = parsed;

  set_boolean (self, &self->enabled, state->enabled, PROP_ENABLED);
  set_boolean (self, &self->totp_enabled, state->totp_enabled, PROP_TOTP_ENABLED);
  set_remaining (self, state->recovery_codes_remaining);
  g_list_store_splice (self->keys, 0, g_list_model_get_n_items (G_LIST_MODEL (self->keys)),
                       state->keys->pdata, state->keys->len);
}

/* ---- GObject ---- */

static void
kbc_mfa_dispose (GObject *object)
{
  KbcMfa *self = KBC_MFA (object);

  g_clear_weak_pointer (&self->account);
  g_clear_pointer (&self->pending_key, pending_key_free);

  G_OBJECT_CLASS (kbc_mfa_parent_class)->dispose (object);
}

static void
kbc_mfa_finalize (GObject *object)
{
  KbcMfa *self = KBC_MFA (object);

  g_clear_object (&self->keys);

  G_OBJECT_CLASS (kbc_mfa_parent_class)->finalize (object);
}

static void
kbc_mfa_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcMfa *self = KBC_MFA (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      case PROP_ENABLED:
        g_value_set_boolean (value, self->enabled);
        break;
      case PROP_TOTP_ENABLED:
        g_value_set_boolean (value, self->totp_enabled);
        break;
      case PROP_RECOVERY_CODES_REMAINING:
        g_value_set_int (value, self->recovery_codes_remaining);
        break;
      case PROP_KEYS:
        g_value_set_object (value, self->keys);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_mfa_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcMfa *self = KBC_MFA (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_set_weak_pointer (&self->account, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_mfa_class_init (KbcMfaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  KbcResourceClass *resource_class = KBC_RESOURCE_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = kbc_mfa_dispose;
  object_class->finalize = kbc_mfa_finalize;
  object_class->get_property = kbc_mfa_get_property;
  object_class->set_property = kbc_mfa_set_property;

  resource_class->path = MFA_PATH;
  resource_class->parse = kbc_mfa_parse;
  resource_class->apply = kbc_mfa_apply;
  resource_class->free_parsed = state_free;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, FALSE, ro);
  properties[PROP_TOTP_ENABLED] = g_param_spec_boolean ("totp-enabled", NULL, NULL, FALSE, ro);
  properties[PROP_RECOVERY_CODES_REMAINING] =
      g_param_spec_int ("recovery-codes-remaining", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_KEYS] = g_param_spec_object ("keys", NULL, NULL, G_TYPE_LIST_MODEL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbc_mfa_init (KbcMfa *self)
{
  self->keys = g_list_store_new (KBC_TYPE_SECURITY_KEY);
}

KbcMfa *
kbc_mfa_new (KbcAccount *account)
{
  KbcMfa *self;

  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  self = g_object_new (KBC_TYPE_MFA, "account", account, "client", kbc_account_get_client (account),
                       NULL);
  self->enabled = kbc_account_get_verified_mfa_enabled (account);
  return self;
}

KbcAccount *
kbc_mfa_get_account (KbcMfa *self)
{
  g_return_val_if_fail (KBC_IS_MFA (self), NULL);

  return self->account;
}

gboolean
kbc_mfa_get_enabled (KbcMfa *self)
{
  g_return_val_if_fail (KBC_IS_MFA (self), FALSE);

  return self->enabled;
}

gboolean
kbc_mfa_get_totp_enabled (KbcMfa *self)
{
  g_return_val_if_fail (KBC_IS_MFA (self), FALSE);

  return self->totp_enabled;
}

int
kbc_mfa_get_recovery_codes_remaining (KbcMfa *self)
{
  g_return_val_if_fail (KBC_IS_MFA (self), 0);

  return self->recovery_codes_remaining;
}

GListModel *
kbc_mfa_get_keys (KbcMfa *self)
{
  g_return_val_if_fail (KBC_IS_MFA (self), NULL);

  return G_LIST_MODEL (self->keys);
}

static gboolean
find_key_position (KbcMfa *self, gint64 id, guint *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (KbcSecurityKey) key = g_list_model_get_item (G_LIST_MODEL (self->keys), i);

      if (kbc_security_key_get_id (key) == id)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

KbcSecurityKey *
kbc_mfa_find_key (KbcMfa *self, gint64 id)
{
  KbcSecurityKey *key;
  guint position;

  g_return_val_if_fail (KBC_IS_MFA (self), NULL);

  if (!find_key_position (self, id, &position))
    return NULL;

  /* Not a new reference: the store keeps one. */
  key = g_list_model_get_item (G_LIST_MODEL (self->keys), position);
  g_object_unref (key);
  return key;
}

void
kbc_mfa_update_from_verify (KbcMfa *self, gboolean enabled)
{
  g_return_if_fail (KBC_IS_MFA (self));

  if (!kbc_resource_get_loaded (KBC_RESOURCE (self)))
    {
      set_boolean (self, &self->enabled, enabled, PROP_ENABLED);
      return;
    }

  /* Changed elsewhere (another device, the web): read the details again. */
  if (!!enabled != self->enabled)
    kbc_resource_refresh (KBC_RESOURCE (self));
}

/* ---- calls ---- */

typedef void (*CallDone) (KbcMfa *self, GTask *task, JsonNode *node);

/* Sends @method @path with @body for @task; a failure returns the error
 * (with the one wording of a wrong current password), a success goes to
 * @done, which returns the task. */
static void on_call_response (GObject *source, GAsyncResult *result, gpointer user_data);

/* The answers that say the server's state differs from ours: read it again
 * so the object shows the truth, and keep the error for the caller. */
static void
refresh_if_state_differs (KbcMfa *self, const GError *error)
{
  const char *code = kbc_api_error_get_code (error);

  if (g_strcmp0 (code, "mfaTotpAlreadyEnabled") == 0 ||
      g_strcmp0 (code, "mfaTotpNotPending") == 0 || g_strcmp0 (code, "mfaNotEnabled") == 0 ||
      g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND))
    kbc_resource_refresh (KBC_RESOURCE (self));
}

/* Words for the refusals that mean something was done elsewhere. */
static void
reword_state_error (GError *error)
{
  if (g_strcmp0 (kbc_api_error_get_code (error), "mfaTotpAlreadyEnabled") == 0)
    {
      g_free (error->message);
      error->message = g_strdup (_ ("An authenticator app is already set up for this account. "
                                    "Reconfigure it to move it to another device."));
    }
}

/* A name the server refused (too long, taken…) says why in the user's
 * language where the app knows the server's text. */
static void
reword_name (GError *error)
{
  const char *field = kbc_api_error_get_field_message (error, "name");
  g_autofree char *translated = NULL;

  if (field == NULL || !g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST))
    return;

  translated = kbc_api_error_translate_server_text (field);
  g_free (error->message);
  error->message = translated != NULL ? g_steal_pointer (&translated) : g_strdup (field);
}

static void
call (KbcMfa *self,
      GTask *task,
      const char *method,
      const char *path,
      JsonNode *body,
      CallDone done)
{
  g_object_set_data (G_OBJECT (task), "kbc-mfa-done", done);
  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (self)), method, path, body,
                            g_task_get_cancellable (task), on_call_response, task);
}

static void
on_call_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcMfa *self = g_task_get_source_object (task);
  CallDone done = g_object_get_data (G_OBJECT (task), "kbc-mfa-done");

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      if (!kbc_api_error_reword_current_password (error))
        reword_name (error);
      reword_state_error (error);
      refresh_if_state_differs (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  done (self, g_steal_pointer (&task), node);
}

static GTask *
new_task (KbcMfa *self,
          gpointer source_tag,
          GCancellable *cancellable,
          GAsyncReadyCallback callback,
          gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static gpointer
propagate (KbcMfa *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
propagate_boolean (KbcMfa *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* TOTP enrolment. */

/* The secret as text and in the link must be one key an authenticator can
 * use. */
static KbcTotpEnrolment *
check_enrolment (JsonNode *node, GError **error)
{
  JsonObject *object = kbc_json_object (node);
  const char *secret_text = kbc_json_get_string (object, "secret");
  const char *uri_text = kbc_json_get_string (object, "otpauthUri");
  g_autoptr (KbcTotpUri) uri = NULL;
  g_autofree guint8 *secret = NULL;
  KbcTotpEnrolment *enrolment;
  gsize secret_len = 0;

  if (secret_text == NULL || uri_text == NULL)
    {
      g_set_error_literal (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE,
                           _ ("The server did not send a setup key."));
      return NULL;
    }

  uri = kbc_totp_uri_parse (uri_text, error);
  if (uri == NULL)
    return NULL;
  secret = kbc_totp_base32_decode (secret_text, &secret_len, error);
  if (secret == NULL)
    return NULL;
  if (secret_len != uri->secret_len || memcmp (secret, uri->secret, secret_len) != 0)
    {
      explicit_bzero (secret, secret_len);
      g_set_error_literal (error, KBC_API_ERROR, KBC_API_ERROR_INVALID_RESPONSE,
                           _ ("The server sent a setup key that does not match its QR code."));
      return NULL;
    }

  enrolment = g_new0 (KbcTotpEnrolment, 1);
  enrolment->secret = kbc_totp_base32_encode (secret, secret_len);
  enrolment->uri = g_strdup (uri_text);
  explicit_bzero (secret, secret_len);
  return enrolment;
}

static void
on_enrolled (KbcMfa *self, GTask *task, JsonNode *node)
{
  g_autoptr (GTask) owned = task;
  g_autoptr (GError) error = NULL;
  KbcTotpEnrolment *enrolment = check_enrolment (node, &error);

  if (enrolment == NULL)
    {
      g_debug ("The TOTP enrolment is not usable: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, enrolment, (GDestroyNotify) kbc_totp_enrolment_free);
}

typedef struct
{
  char *password;
} Enrol;

static void
enrol_free (gpointer data)
{
  Enrol *enrol = data;

  if (enrol->password != NULL)
    explicit_bzero (enrol->password, strlen (enrol->password));
  g_free (enrol->password);
  g_free (enrol);
}

static void
post_enrolment (KbcMfa *self, GTask *task)
{
  Enrol *enrol = g_task_get_task_data (task);
  g_autoptr (JsonNode) body = kbc_json_build_object ("currentPassword", enrol->password, NULL);

  call (self, task, "POST", MFA_PATH "/totp", body, on_enrolled);
}

static void
on_old_totp_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  KbcMfa *self = g_task_get_source_object (task);

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  /* Not found: there was no app left to remove, which is what we wanted. */
  if (node == NULL && !g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_NOT_FOUND))
    {
      kbc_api_error_reword_current_password (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  begin_change (self);
  set_boolean (self, &self->totp_enabled, FALSE, PROP_TOTP_ENABLED);
  update_enabled (self);
  end_change (self);

  post_enrolment (self, g_steal_pointer (&task));
}

void
kbc_mfa_enrol_totp_async (KbcMfa *self,
                          const char *current_password,
                          gboolean reconfigure,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;
  Enrol *enrol;

  g_return_if_fail (KBC_IS_MFA (self));
  g_return_if_fail (current_password != NULL);

  task = new_task (self, kbc_mfa_enrol_totp_async, cancellable, callback, user_data);
  enrol = g_new0 (Enrol, 1);
  enrol->password = g_strdup (current_password);
  g_task_set_task_data (task, enrol, enrol_free);

  if (!reconfigure)
    {
      post_enrolment (self, g_steal_pointer (&task));
      return;
    }

  body = kbc_json_build_object ("currentPassword", current_password, NULL);
  /* The app is an item: a 404 from Keboola says there is none (NOT_FOUND). */
  kbc_client_request_item_async (kbc_resource_get_client (KBC_RESOURCE (self)), "DELETE",
                                 MFA_PATH "/totp", body, cancellable, on_old_totp_deleted,
                                 g_steal_pointer (&task));
}

KbcTotpEnrolment *
kbc_mfa_enrol_totp_finish (KbcMfa *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_MFA (self), NULL);

  return propagate (self, result, kbc_mfa_enrol_totp_async, error);
}

/* Activation and recovery codes. */

static void
return_codes (GTask *task, JsonNode *node)
{
  GStrv codes = kbc_json_get_strv (kbc_json_object (node), "recoveryCodes");

  if (codes == NULL)
    codes = g_new0 (char *, 1);
  g_task_return_pointer (task, codes, (GDestroyNotify) g_strfreev);
}

static void
on_activated (KbcMfa *self, GTask *task, JsonNode *node)
{
  g_autoptr (GTask) owned = task;
  g_auto (GStrv) codes = kbc_json_get_strv (kbc_json_object (node), "recoveryCodes");

  begin_change (self);
  set_boolean (self, &self->totp_enabled, TRUE, PROP_TOTP_ENABLED);
  update_enabled (self);
  if (codes != NULL)
    set_remaining (self, (int) g_strv_length (codes));
  end_change (self);

  return_codes (task, node);
}

void
kbc_mfa_activate_totp_async (KbcMfa *self,
                             const char *code,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_MFA (self));
  g_return_if_fail (code != NULL);

  task = new_task (self, kbc_mfa_activate_totp_async, cancellable, callback, user_data);
  body = kbc_json_build_object ("code", code, NULL);
  call (self, task, "POST", MFA_PATH "/totp/activate", body, on_activated);
}

GStrv
kbc_mfa_activate_totp_finish (KbcMfa *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_MFA (self), NULL);

  return propagate (self, result, kbc_mfa_activate_totp_async, error);
}

static void
on_regenerated (KbcMfa *self, GTask *task, JsonNode *node)
{
  g_autoptr (GTask) owned = task;
  g_auto (GStrv) codes = kbc_json_get_strv (kbc_json_object (node), "recoveryCodes");

  begin_change (self);
  if (codes != NULL)
    set_remaining (self, (int) g_strv_length (codes));
  end_change (self);

  return_codes (task, node);
}

void
kbc_mfa_regenerate_recovery_codes_async (KbcMfa *self,
                                         const char *current_password,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_MFA (self));
  g_return_if_fail (current_password != NULL);

  task = new_task (self, kbc_mfa_regenerate_recovery_codes_async, cancellable, callback, user_data);
  body = kbc_json_build_object ("currentPassword", current_password, NULL);
  call (self, task, "POST", MFA_PATH "/recovery-codes", body, on_regenerated);
}

GStrv
kbc_mfa_regenerate_recovery_codes_finish (KbcMfa *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_MFA (self), NULL);

  return propagate (self, result, kbc_mfa_regenerate_recovery_codes_async, error);
}

/* Disabling. */

static void
on_disabled (KbcMfa *self, GTask *task, JsonNode *node)
{
  g_autoptr (GTask) owned = task;

  begin_change (self);
  set_boolean (self, &self->totp_enabled, FALSE, PROP_TOTP_ENABLED);
  g_list_store_remove_all (self->keys);
  g_clear_pointer (&self->pending_key, pending_key_free);
  update_enabled (self);
  end_change (self);

  g_task_return_boolean (task, TRUE);
}

void
kbc_mfa_disable_async (KbcMfa *self,
                       const char *current_password,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_MFA (self));
  g_return_if_fail (current_password != NULL);

  task = new_task (self, kbc_mfa_disable_async, cancellable, callback, user_data);
  body = kbc_json_build_object ("currentPassword", current_password, NULL);
  call (self, task, "DELETE", MFA_PATH, body, on_disabled);
}

gboolean
kbc_mfa_disable_finish (KbcMfa *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_MFA (self), FALSE);

  return propagate_boolean (self, result, kbc_mfa_disable_async, error);
}

/* Security keys: registration. */

static void
on_registration_begun (KbcMfa *self, GTask *task, JsonNode *node)
{
  g_autoptr (GTask) owned = task;
  JsonObject *object = kbc_json_object (node);
  JsonObject *options = kbc_json_get_object (object, "publicKey");
  const char *id_text = kbc_json_get_string (object, "registrationId");
  gint64 id_number = kbc_json_get_int (object, "registrationId", 0);
  PendingKey *pending;

  if (options == NULL || (id_text == NULL && id_number <= 0))
    {
      g_debug ("The registration answer lacks an id or options");
      g_task_return_error (task, kbc_api_error_new_invalid_response ());
      return;
    }

  pending = g_new0 (PendingKey, 1);
  pending->name = g_strdup (g_task_get_task_data (task));
  if (id_text != NULL)
    pending->registration_id = g_uri_escape_string (id_text, NULL, FALSE);
  else
    pending->registration_id = g_strdup_printf ("%" G_GINT64_FORMAT, id_number);
  pending->options = json_node_copy (json_object_get_member (object, "publicKey"));
  pending->deadline = g_get_monotonic_time () + PENDING_KEY_LIFETIME_US;

  g_clear_pointer (&self->pending_key, pending_key_free);
  self->pending_key = pending;

  g_task_return_boolean (task, TRUE);
}

void
kbc_mfa_begin_key_registration_async (KbcMfa *self,
                                      const char *name,
                                      const char *current_password,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_MFA (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (current_password != NULL);

  task = new_task (self, kbc_mfa_begin_key_registration_async, cancellable, callback, user_data);
  g_task_set_task_data (task, g_strdup (name), g_free);
  body = kbc_json_build_object ("name", name, "currentPassword", current_password, NULL);
  call (self, task, "POST", REGISTRATIONS_PATH, body, on_registration_begun);
}

gboolean
kbc_mfa_begin_key_registration_finish (KbcMfa *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_MFA (self), FALSE);

  return propagate_boolean (self, result, kbc_mfa_begin_key_registration_async, error);
}

const char *
kbc_mfa_get_pending_key_name (KbcMfa *self)
{
  g_return_val_if_fail (KBC_IS_MFA (self), NULL);

  if (self->pending_key == NULL || self->pending_key->deadline <= g_get_monotonic_time ())
    return NULL;

  return self->pending_key->name;
}

typedef struct
{
  PendingKey *pending;
} Registration;

static void
registration_free (gpointer data)
{
  Registration *registration = data;

  pending_key_free (registration->pending);
  g_free (registration);
}

static void
on_key_registered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcSecurityKey) key = NULL;
  KbcMfa *self = g_task_get_source_object (task);
  Registration *registration = g_task_get_task_data (task);
  const char *code;

  node = kbc_client_request_finish (KBC_CLIENT (source), result, &error);
  if (node == NULL)
    {
      code = kbc_api_error_get_code (error);
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_CONFLICT))
        {
          g_free (error->message);
          error->message = g_strdup (_ ("This security key is already registered."));
        }
      else if (g_strcmp0 (code, "u2fChallengeExpired") == 0 ||
               g_strcmp0 (code, "u2fRegistrationNotFound") == 0)
        {
          g_free (error->message);
          error->message = g_strdup (_ ("Adding the security key took too long. Try again."));
        }
      else if (code != NULL && g_str_has_prefix (code, "u2f"))
        {
          g_free (error->message);
          error->message = g_strdup (_ ("The server could not verify the security key."));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  key = kbc_security_key_new_from_json (node, &error);
  if (key == NULL)
    {
      /* The server has the key, but what it said about it is not usable. */
      kbc_resource_refresh (KBC_RESOURCE (self));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  begin_change (self);
  g_list_store_append (self->keys, key);
  update_enabled (self);
  end_change (self);

  g_debug ("Security key “%s” registered", registration->pending->name);
  g_task_return_pointer (task, g_steal_pointer (&key), g_object_unref);
}

static void
on_key_made_credential (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) credential = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  KbcMfa *self = g_task_get_source_object (task);
  Registration *registration = g_task_get_task_data (task);
  GCancellable *cancellable;

  credential = kbc_fido_register_finish (KBC_FIDO (source), result, &error);
  if (credential == NULL)
    {
      /* The server's challenge is still unused: keep it for the next try. */
      g_clear_pointer (&self->pending_key, pending_key_free);
      self->pending_key = g_steal_pointer (&registration->pending);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "credential");
  json_builder_add_value (builder, g_steal_pointer (&credential));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = g_strdup_printf (REGISTRATIONS_PATH "/%s", registration->pending->registration_id);
  cancellable = g_task_get_cancellable (task);
  kbc_client_request_async (kbc_resource_get_client (KBC_RESOURCE (self)), "POST", path, body,
                            cancellable, on_key_registered, g_steal_pointer (&task));
}

void
kbc_mfa_register_key_async (KbcMfa *self,
                            const char *pin,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *rp_id = NULL;
  Registration *registration;
  PendingKey *pending;

  g_return_if_fail (KBC_IS_MFA (self));

  task = new_task (self, kbc_mfa_register_key_async, cancellable, callback, user_data);

  pending = g_steal_pointer (&self->pending_key);
  if (pending == NULL || pending->deadline <= g_get_monotonic_time () || self->account == NULL)
    {
      pending_key_free (pending);
      g_task_return_new_error (task, KBC_API_ERROR, KBC_API_ERROR_FAILED,
                               _ ("Adding the security key took too long. Try again."));
      return;
    }

  /* The task owns the registration until the key has answered. */
  registration = g_new0 (Registration, 1);
  registration->pending = pending;
  g_task_set_task_data (task, registration, registration_free);
  rp_id = kbc_client_dup_rp_id (kbc_resource_get_client (KBC_RESOURCE (self)));
  kbc_fido_register_async (kbc_account_get_fido (self->account), pending->options, rp_id, pin,
                           cancellable, on_key_made_credential, g_steal_pointer (&task));
}

KbcSecurityKey *
kbc_mfa_register_key_finish (KbcMfa *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_MFA (self), NULL);

  return propagate (self, result, kbc_mfa_register_key_async, error);
}

/* Security keys: rename and remove. */

static char *
device_path (KbcSecurityKey *key)
{
  return g_strdup_printf (DEVICES_PATH "/%" G_GINT64_FORMAT, kbc_security_key_get_id (key));
}

static void
on_renamed (KbcMfa *self, GTask *task, JsonNode *node)
{
  g_autoptr (GTask) owned = task;
  KbcSecurityKey *key = g_task_get_task_data (task);
  const char *name = kbc_json_get_string (kbc_json_object (node), "name");

  begin_change (self);
  kbc_security_key_set_name (key,
                             name != NULL ? name : g_object_get_data (G_OBJECT (task), "kbc-name"));
  end_change (self);

  g_task_return_boolean (task, TRUE);
}

void
kbc_mfa_rename_key_async (KbcMfa *self,
                          KbcSecurityKey *key,
                          const char *name,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_MFA (self));
  g_return_if_fail (KBC_IS_SECURITY_KEY (key));
  g_return_if_fail (name != NULL);

  task = new_task (self, kbc_mfa_rename_key_async, cancellable, callback, user_data);
  g_task_set_task_data (task, g_object_ref (key), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "kbc-name", g_strdup (name), g_free);
  path = device_path (key);
  body = kbc_json_build_object ("name", name, NULL);
  call (self, task, "PATCH", path, body, on_renamed);
}

gboolean
kbc_mfa_rename_key_finish (KbcMfa *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_MFA (self), FALSE);

  return propagate_boolean (self, result, kbc_mfa_rename_key_async, error);
}

static void
on_key_removed (KbcMfa *self, GTask *task, JsonNode *node)
{
  g_autoptr (GTask) owned = task;
  KbcSecurityKey *key = g_task_get_task_data (task);
  guint position;

  begin_change (self);
  if (find_key_position (self, kbc_security_key_get_id (key), &position))
    g_list_store_remove (self->keys, position);
  update_enabled (self);
  end_change (self);

  g_task_return_boolean (task, TRUE);
}

void
kbc_mfa_remove_key_async (KbcMfa *self,
                          KbcSecurityKey *key,
                          const char *current_password,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (KBC_IS_MFA (self));
  g_return_if_fail (KBC_IS_SECURITY_KEY (key));
  g_return_if_fail (current_password != NULL);

  task = new_task (self, kbc_mfa_remove_key_async, cancellable, callback, user_data);
  g_task_set_task_data (task, g_object_ref (key), g_object_unref);
  path = device_path (key);
  body = kbc_json_build_object ("currentPassword", current_password, NULL);
  call (self, task, "DELETE", path, body, on_key_removed);
}

gboolean
kbc_mfa_remove_key_finish (KbcMfa *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KBC_IS_MFA (self), FALSE);

  return propagate_boolean (self, result, kbc_mfa_remove_key_async, error);
}
