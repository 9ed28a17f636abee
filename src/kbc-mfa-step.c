/* kbc-mfa-step.c: the multi-factor step of signing in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-mfa-step.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kbc-code-entry.h"
#include "kbc-error.h"
#include "kbc-key-prompt.h"

/* The server's error code for a wrong TOTP or recovery code (401 at sign-in). */
#define WRONG_CODE "invalidAuthenticationCode"

typedef enum
{
  METHOD_KEY,
  METHOD_TOTP,
  METHOD_RECOVERY,
} Method;

/* The server's names of the methods, and the pages of the stack. */
static const char *const method_names[] = { "u2f", "totp", "recovery" };

struct _KbcMfaStep
{
  GtkWidget parent_instance;

  /* Template children */
  GtkStack *stack;
  KbcKeyPrompt *key_prompt;
  GtkLabel *key_label;
  GtkRevealer *pin_revealer;
  GtkPasswordEntry *pin_entry;
  KbcCodeEntry *code_entry;
  GtkEntry *recovery_entry;
  GtkLabel *error_label;
  GtkWidget *verify_button;
  GtkLabel *verify_label;
  GtkWidget *cancel_key_button;
  GtkWidget *spinner;
  GtkWidget *key_link;
  GtkWidget *totp_link;
  GtkWidget *recovery_link;
  GtkButton *back_button;

  /* Owned */
  KbcSession *session;
  GCancellable *cancellable;
  guint unlock_source; /* every second while locked */
  gint64 unlock_at;    /* monotonic, while locked */

  Method method;
  gboolean busy;
  gboolean key_waiting; /* the key is asked for a touch */
  gboolean need_pin;    /* the key has a PIN: ask for it before trying again */
  gboolean autostart;   /* ask the key as soon as the step is shown */
  gboolean locked;      /* rate-limited until unlock_source fires */
  gboolean expired;     /* the login ticket is gone: only going back helps */
};

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  N_PROPS
};

enum
{
  SIGNAL_SIGNED_IN,
  SIGNAL_BACK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KbcMfaStep, kbc_mfa_step, GTK_TYPE_WIDGET)

static void start_key (KbcMfaStep *self);

static gboolean
has_method (KbcMfaStep *self, Method method)
{
  const char *const *methods =
      self->session != NULL ? kbc_session_get_mfa_methods (self->session) : NULL;

  /* The session lists "u2f" only with the server's options to sign. */
  if (method == METHOD_KEY)
    return methods != NULL && g_strv_contains (methods, method_names[METHOD_KEY]);

  /* Before the server said otherwise, both kinds of code are worth a try. */
  if (methods == NULL)
    return TRUE;

  return g_strv_contains (methods, method_names[method]);
}

static const char *
current_code (KbcMfaStep *self)
{
  const char *text;

  switch (self->method)
    {
      case METHOD_KEY:
        return NULL;

      case METHOD_TOTP:
        return kbc_code_entry_get_code (self->code_entry);

      case METHOD_RECOVERY:
      default:
        text = gtk_editable_get_text (GTK_EDITABLE (self->recovery_entry));
        return text != NULL && *text != '\0' ? text : NULL;
    }
}

static gboolean
can_verify (KbcMfaStep *self)
{
  if (self->busy || self->locked || self->expired || self->session == NULL)
    return FALSE;

  if (self->method == METHOD_KEY)
    return !self->need_pin || gtk_editable_get_text (GTK_EDITABLE (self->pin_entry))[0] != '\0';

  return current_code (self) != NULL;
}

static void
update_actions (KbcMfaStep *self)
{
  gboolean usable = !self->busy && !self->locked && !self->expired;
  gboolean is_key = self->method == METHOD_KEY;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa-step.verify", can_verify (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa-step.use-method", !self->expired);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa-step.cancel-key", self->key_waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa-step.back",
                                 !self->busy || self->key_waiting);

  gtk_widget_set_visible (self->key_link, !is_key && has_method (self, METHOD_KEY));
  gtk_widget_set_visible (self->totp_link,
                          self->method != METHOD_TOTP && has_method (self, METHOD_TOTP));
  gtk_widget_set_visible (self->recovery_link,
                          self->method != METHOD_RECOVERY && has_method (self, METHOD_RECOVERY));

  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus of
   * a focused entry made insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (self->code_entry), usable);
  gtk_editable_set_editable (GTK_EDITABLE (self->recovery_entry), usable);
  gtk_editable_set_editable (GTK_EDITABLE (self->pin_entry), usable);
  gtk_revealer_set_reveal_child (self->pin_revealer, is_key && self->need_pin);

  /* While the key waits for a touch, the prompt says what to do and Cancel
   * stops it; afterwards the same button tries again. */
  gtk_widget_set_visible (self->verify_button, !self->key_waiting);
  gtk_widget_set_visible (self->cancel_key_button, self->key_waiting);
  if (is_key)
    gtk_label_set_text_with_mnemonic (self->verify_label,
                                      self->need_pin ? _ ("_Continue") : _ ("_Try Again"));
  else
    gtk_label_set_text_with_mnemonic (self->verify_label, _ ("_Verify"));
  gtk_widget_set_visible (self->spinner, self->busy && !self->key_waiting);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), self->busy && !self->key_waiting);

  /* After expiry the way on is back: make that the obvious button. */
  if (self->expired)
    gtk_widget_add_css_class (GTK_WIDGET (self->back_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->back_button), "suggested-action");
}

static void
set_busy (KbcMfaStep *self, gboolean busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_key_waiting (KbcMfaStep *self, gboolean waiting)
{
  self->key_waiting = waiting;

  if (waiting)
    {
      KbcFido *fido = kbc_session_get_fido (self->session);

      kbc_key_prompt_set_title (self->key_prompt, _ ("Touch your security key"));
      kbc_key_prompt_start (self->key_prompt, (kbc_fido_get_timeout (fido) + 999) / 1000);
      gtk_label_set_text (self->key_label,
                          _ ("If your key has a button or a gold disc, touch it now."));
    }
  else
    {
      kbc_key_prompt_stop (self->key_prompt);
      kbc_key_prompt_set_title (self->key_prompt, _ ("Use your security key"));
      gtk_label_set_text (self->key_label, _ ("Insert the security key you added to your "
                                              "account, then try again and touch it."));
    }

  set_busy (self, waiting);
  update_actions (self);
}

static void
show_error (KbcMfaStep *self, const char *message)
{
  gboolean recovery = self->method == METHOD_RECOVERY;

  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL && recovery)
    gtk_widget_add_css_class (GTK_WIDGET (self->recovery_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->recovery_entry), "error");
}

static GtkWidget *
focus_target (KbcMfaStep *self)
{
  switch (self->method)
    {
      case METHOD_KEY:
        if (self->need_pin)
          return GTK_WIDGET (self->pin_entry);
        return self->key_waiting ? self->cancel_key_button : self->verify_button;

      case METHOD_TOTP:
        return GTK_WIDGET (self->code_entry);

      case METHOD_RECOVERY:
      default:
        return GTK_WIDGET (self->recovery_entry);
    }
}

static void
cancel_key (KbcMfaStep *self)
{
  if (!self->key_waiting)
    return;

  /* The callback sees G_IO_ERROR_CANCELLED and leaves the step alone. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_key_waiting (self, FALSE);
}

static void
show_method (KbcMfaStep *self, Method method)
{
  cancel_key (self);

  self->method = method;
  gtk_stack_set_visible_child_name (self->stack, method_names[method]);
  show_error (self, NULL);
  update_actions (self);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  if (method == METHOD_KEY && !self->expired && !self->locked)
    start_key (self);
  gtk_widget_grab_focus (focus_target (self));
}

/* The lock and how long it still lasts, in place of the error. */
static void
show_lock (KbcMfaStep *self)
{
  gint64 left = (self->unlock_at - g_get_monotonic_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  g_autofree char *message = NULL;

  left = MAX (left, 1);
  /* Translators: the code fields are locked; %d:%02d is minutes and seconds. */
  message = g_strdup_printf (_ ("Too many attempts. You can try again in %d:%02d."),
                             (int) (left / 60), (int) (left % 60));
  show_error (self, message);
}

static void
set_locked (KbcMfaStep *self, gboolean locked)
{
  self->locked = locked;
  /* Insensitive while locked, the message saying why and until when. The
   * focus goes first to Back: GTK 4.8 loses track of the focus of a
   * focused entry made insensitive. */
  if (locked && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_entry), !locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recovery_entry), !locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_entry), !locked);
}

static gboolean
unlock_cb (gpointer user_data)
{
  KbcMfaStep *self = user_data;

  if (g_get_monotonic_time () < self->unlock_at)
    {
      show_lock (self);
      return G_SOURCE_CONTINUE;
    }

  self->unlock_source = 0;
  set_locked (self, FALSE);
  show_error (self, NULL);
  update_actions (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (focus_target (self));

  return G_SOURCE_REMOVE;
}

static void
expire (KbcMfaStep *self, const char *message)
{
  self->expired = TRUE;
  show_error (self, message);
  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
}

/* What both kinds of MFA step share: the rate limit and the end of the
 * login ticket. Returns TRUE when @error was one of those. */
static gboolean
handle_ticket_error (KbcMfaStep *self, const GError *error)
{
  if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_TOO_MANY_REQUESTS))
    {
      guint retry_after = kbc_api_error_get_retry_after (error);

      /* Locked, with a countdown; Verify comes back when it is over. */
      show_error (self, error->message);
      if (retry_after > 0)
        {
          self->unlock_at = g_get_monotonic_time () + retry_after * G_USEC_PER_SEC;
          set_locked (self, TRUE);
          show_lock (self);
          g_clear_handle_id (&self->unlock_source, g_source_remove);
          self->unlock_source = g_timeout_add_seconds (1, unlock_cb, self);
        }
      update_actions (self);
      return TRUE;
    }

  if (error->domain == KBC_API_ERROR && kbc_api_error_get_remaining_attempts (error) == 0)
    {
      /* That was the last try: the server dropped the login ticket. */
      expire (self, self->method == METHOD_KEY
                        ? _ ("Too many failed attempts. Enter your email and password again.")
                        : _ ("Too many wrong codes. Enter your email and password again."));
      return TRUE;
    }

  if (g_strcmp0 (kbc_api_error_get_code (error), "loginTicketInvalid") == 0 ||
      (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED) &&
       kbc_api_error_get_fields (error)[0] == NULL) ||
      (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_FAILED) &&
       kbc_api_error_get_status (error) == 0))
    {
      /* The login ticket expired (5 minutes) or died; the session words it. */
      expire (self, error->message);
      return TRUE;
    }

  return FALSE;
}

static char *
with_attempts_left (const char *message, const GError *error)
{
  int left = error->domain == KBC_API_ERROR ? kbc_api_error_get_remaining_attempts (error) : -1;

  if (left <= 0)
    return g_strdup (message);

  /* Translators: the first %s is why the sign-in failed; %d is how many
   * more tries there are. */
  return g_strdup_printf (ngettext ("%s %d attempt left.", "%s %d attempts left.", left), message,
                          left);
}

static void
on_login_mfa_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcMfaStep *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean recovery;

  if (kbc_session_sign_in_code_finish (KBC_SESSION (source), result, &error))
    {
      set_busy (self, FALSE);
      g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (handle_ticket_error (self, error))
    return;

  if (g_strcmp0 (kbc_api_error_get_code (error), WRONG_CODE) != 0)
    {
      show_error (self, error->message);
      update_actions (self);
      return;
    }

  recovery = self->method == METHOD_RECOVERY;
  message = with_attempts_left (recovery ? _ ("That recovery code is not valid or has already "
                                              "been used.")
                                         : _ ("That code is not valid. Codes change every 30 "
                                              "seconds — enter the current one."),
                                error);
  if (recovery)
    gtk_editable_set_text (GTK_EDITABLE (self->recovery_entry), "");
  else
    kbc_code_entry_clear (self->code_entry);
  show_error (self, message);
  if (!recovery)
    kbc_code_entry_set_error (self->code_entry, TRUE);
  update_actions (self);
  gtk_widget_grab_focus (focus_target (self));
}

static void
on_login_key_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcMfaStep *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (kbc_session_sign_in_key_finish (KBC_SESSION (source), result, &error))
    {
      set_key_waiting (self, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
      g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0);
      return;
    }
  /* Cancel, another method, Back or a reset: whoever cancelled has already
   * put the step right. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_key_waiting (self, FALSE);
  if (handle_ticket_error (self, error))
    return;

  if (g_error_matches (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_REQUIRED) ||
      g_error_matches (error, KBC_FIDO_ERROR, KBC_FIDO_ERROR_PIN_INVALID))
    {
      self->need_pin = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
      show_error (self, error->message);
      update_actions (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      return;
    }

  /* A key the server refused costs an attempt of the ticket. */
  message = with_attempts_left (error->message, error);
  show_error (self, message);
  update_actions (self);
  gtk_widget_grab_focus (focus_target (self));
}

static void
start_key (KbcMfaStep *self)
{
  g_autofree char *pin = NULL;

  if (self->busy || self->session == NULL || !has_method (self, METHOD_KEY))
    return;

  self->autostart = FALSE;
  if (self->need_pin)
    pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)));

  show_error (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_key_waiting (self, TRUE);
  kbc_session_sign_in_key_async (self->session, pin, self->cancellable, on_login_key_done, self);
  if (pin != NULL)
    explicit_bzero (pin, strlen (pin));
  gtk_widget_grab_focus (self->cancel_key_button);
}

static void
verify_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcMfaStep *self = KBC_MFA_STEP (widget);
  g_autofree char *code = NULL;

  if (!can_verify (self))
    return;

  if (self->method == METHOD_KEY)
    {
      start_key (self);
      return;
    }

  code = g_strdup (current_code (self));

  /* Recovery codes are read off paper: ignore the spaces people type. */
  if (self->method == METHOD_RECOVERY)
    g_strstrip (code);

  show_error (self, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  kbc_session_sign_in_code_async (self->session, method_names[self->method], code,
                                  self->cancellable, on_login_mfa_done, self);
  explicit_bzero (code, strlen (code));
}

static void
use_method_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcMfaStep *self = KBC_MFA_STEP (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
    if (g_str_equal (name, method_names[i]) && has_method (self, (Method) i))
      show_method (self, (Method) i);
}

static void
cancel_key_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcMfaStep *self = KBC_MFA_STEP (widget);

  cancel_key (self);
  gtk_widget_grab_focus (focus_target (self));
}

static void
back_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcMfaStep *self = KBC_MFA_STEP (widget);

  cancel_key (self);
  g_signal_emit (self, signals[SIGNAL_BACK], 0);
}

static void
on_code_complete (KbcMfaStep *self, const char *code)
{
  update_actions (self);
  /* The sixth digit is as good as pressing Verify. */
  if (self->method == METHOD_TOTP)
    gtk_widget_activate_action (GTK_WIDGET (self), "mfa-step.verify", NULL);
}

static void
on_input_changed (KbcMfaStep *self)
{
  update_actions (self);
}

static void
on_map (KbcMfaStep *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root), self->verify_button);

  if (self->method == METHOD_KEY && self->autostart)
    start_key (self);
  gtk_widget_grab_focus (focus_target (self));
}

static void
on_unmap (KbcMfaStep *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  cancel_key (self);
  if (GTK_IS_WINDOW (root) &&
      gtk_window_get_default_widget (GTK_WINDOW (root)) == self->verify_button)
    gtk_window_set_default_widget (GTK_WINDOW (root), NULL);
}

static void
kbc_mfa_step_dispose (GObject *object)
{
  KbcMfaStep *self = KBC_MFA_STEP (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->unlock_source, g_source_remove);
  g_clear_object (&self->session);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_MFA_STEP);
  /* The template's root child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kbc_mfa_step_parent_class)->dispose (object);
}

static void
kbc_mfa_step_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcMfaStep *self = KBC_MFA_STEP (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, self->busy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_mfa_step_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KbcMfaStep *self = KBC_MFA_STEP (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        kbc_mfa_step_set_session (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_mfa_step_class_init (KbcMfaStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbc_mfa_step_dispose;
  object_class->get_property = kbc_mfa_step_get_property;
  object_class->set_property = kbc_mfa_step_set_property;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, KBC_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/kbc-mfa-step.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, stack);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, key_prompt);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, key_label);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, pin_revealer);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, code_entry);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, recovery_entry);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, error_label);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, verify_button);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, verify_label);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, cancel_key_button);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, key_link);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, totp_link);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, recovery_link);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, back_button);
  gtk_widget_class_bind_template_callback (widget_class, on_code_complete);
  gtk_widget_class_bind_template_callback (widget_class, on_input_changed);

  gtk_widget_class_install_action (widget_class, "mfa-step.verify", NULL, verify_action);
  gtk_widget_class_install_action (widget_class, "mfa-step.use-method", "s", use_method_action);
  gtk_widget_class_install_action (widget_class, "mfa-step.cancel-key", NULL, cancel_key_action);
  gtk_widget_class_install_action (widget_class, "mfa-step.back", NULL, back_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  g_type_ensure (KBC_TYPE_CODE_ENTRY);
  g_type_ensure (KBC_TYPE_KEY_PROMPT);
}

static void
kbc_mfa_step_init (KbcMfaStep *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_unmap), NULL);
  update_actions (self);
}

GtkWidget *
kbc_mfa_step_new (void)
{
  return g_object_new (KBC_TYPE_MFA_STEP, NULL);
}

KbcSession *
kbc_mfa_step_get_session (KbcMfaStep *self)
{
  g_return_val_if_fail (KBC_IS_MFA_STEP (self), NULL);

  return self->session;
}

void
kbc_mfa_step_set_session (KbcMfaStep *self, KbcSession *session)
{
  g_return_if_fail (KBC_IS_MFA_STEP (self));
  g_return_if_fail (session == NULL || KBC_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  kbc_mfa_step_reset (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
kbc_mfa_step_get_busy (KbcMfaStep *self)
{
  g_return_val_if_fail (KBC_IS_MFA_STEP (self), FALSE);

  return self->busy;
}

void
kbc_mfa_step_reset (KbcMfaStep *self)
{
  Method method;

  g_return_if_fail (KBC_IS_MFA_STEP (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->unlock_source, g_source_remove);
  set_locked (self, FALSE);
  self->expired = FALSE;
  self->busy = FALSE;
  self->key_waiting = FALSE;
  self->need_pin = FALSE;
  kbc_key_prompt_stop (self->key_prompt);

  kbc_code_entry_clear (self->code_entry);
  gtk_editable_set_text (GTK_EDITABLE (self->recovery_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");

  /* A security key first, as it is the strongest and the quickest; then the
   * app; an account with only recovery codes left goes straight there. */
  if (has_method (self, METHOD_KEY))
    method = METHOD_KEY;
  else if (has_method (self, METHOD_TOTP))
    method = METHOD_TOTP;
  else
    method = METHOD_RECOVERY;
  self->autostart = method == METHOD_KEY;
  set_key_waiting (self, FALSE);
  show_method (self, method);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}
