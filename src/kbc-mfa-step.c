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

/* The server's error code for a wrong TOTP or recovery code (401 at sign-in). */
#define WRONG_CODE "invalidAuthenticationCode"

struct _KbcMfaStep
{
  GtkWidget parent_instance;

  /* Template children */
  GtkStack *stack;
  KbcCodeEntry *code_entry;
  GtkEntry *recovery_entry;
  GtkLabel *error_label;
  GtkWidget *verify_button;
  GtkWidget *spinner;
  GtkButton *switch_button;
  GtkButton *back_button;

  /* Owned */
  KbcAccount *account;
  GCancellable *cancellable;
  guint unlock_source;

  gboolean busy;
  gboolean recovery;
  gboolean locked;  /* rate-limited until unlock_source fires */
  gboolean expired; /* the login ticket is gone: only going back helps */
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
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

static gboolean
has_method (KbcMfaStep *self, const char *method)
{
  const char *const *methods =
      self->account != NULL ? kbc_account_get_mfa_methods (self->account) : NULL;

  /* Before the server said otherwise, both kinds of code are worth a try. */
  if (methods == NULL)
    return TRUE;

  return g_strv_contains (methods, method);
}

static const char *
current_code (KbcMfaStep *self)
{
  const char *text;

  if (!self->recovery)
    return kbc_code_entry_get_code (self->code_entry);

  text = gtk_editable_get_text (GTK_EDITABLE (self->recovery_entry));
  return text != NULL && *text != '\0' ? text : NULL;
}

static void
update_actions (KbcMfaStep *self)
{
  gboolean usable = !self->busy && !self->locked && !self->expired;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa-step.verify",
                                 usable && current_code (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa-step.switch-method",
                                 !self->busy && !self->expired && has_method (self, "totp") &&
                                     has_method (self, "recovery"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mfa-step.back", !self->busy);

  gtk_widget_set_visible (GTK_WIDGET (self->switch_button),
                          has_method (self, "totp") && has_method (self, "recovery"));
  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus of
   * a focused entry made insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (self->code_entry), usable);
  gtk_editable_set_editable (GTK_EDITABLE (self->recovery_entry), usable);
  gtk_widget_set_visible (self->spinner, self->busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), self->busy);

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
show_error (KbcMfaStep *self, const char *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL && self->recovery)
    gtk_widget_add_css_class (GTK_WIDGET (self->recovery_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->recovery_entry), "error");
}

static void
show_method (KbcMfaStep *self, gboolean recovery)
{
  self->recovery = recovery;
  gtk_stack_set_visible_child_name (self->stack, recovery ? "recovery" : "totp");
  gtk_button_set_label (self->switch_button, recovery ? _ ("Use your authenticator app instead")
                                                      : _ ("Use a recovery code instead"));
  show_error (self, NULL);
  update_actions (self);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (recovery ? GTK_WIDGET (self->recovery_entry)
                                    : GTK_WIDGET (self->code_entry));
}

/* The attempts the login ticket has left, -1 when unknown.
 *
 * The server sends them as "remainingAttempts" in its error JSON, which
 * KbcApiError does not carry yet; until it does, this reads a count from the
 * server's message ("… 3 attempts left") when there is one. */
static int
attempts_left (const GError *error)
{
  const char *text = kbc_api_error_get_server_message (error);
  g_autoptr (GRegex) regex = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *number = NULL;
  guint64 n = 0;

  if (text == NULL)
    return -1;

  regex =
      g_regex_new ("([0-9]+) (?:more )?attempts? (?:left|remaining)", G_REGEX_CASELESS, 0, NULL);
  if (!g_regex_match (regex, text, 0, &match))
    return -1;

  number = g_match_info_fetch (match, 1);
  if (!g_ascii_string_to_unsigned (number, 10, 0, G_MAXINT, &n, NULL))
    return -1;

  return (int) n;
}

static gboolean
unlock_cb (gpointer user_data)
{
  KbcMfaStep *self = user_data;

  self->unlock_source = 0;
  self->locked = FALSE;
  show_error (self, NULL);
  update_actions (self);

  return G_SOURCE_REMOVE;
}

static void
on_login_mfa_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcMfaStep *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  int left;

  if (kbc_account_login_mfa_finish (KBC_ACCOUNT (source), result, &error))
    {
      set_busy (self, FALSE);
      g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_TOO_MANY_REQUESTS))
    {
      guint retry_after = kbc_api_error_get_retry_after (error);

      /* The message says how long; Verify comes back when that is over. */
      show_error (self, error->message);
      if (retry_after > 0)
        {
          self->locked = TRUE;
          g_clear_handle_id (&self->unlock_source, g_source_remove);
          self->unlock_source = g_timeout_add_seconds (retry_after, unlock_cb, self);
        }
      update_actions (self);
      return;
    }

  if (g_strcmp0 (kbc_api_error_get_code (error), WRONG_CODE) == 0)
    {
      const char *wrong = self->recovery
                              ? _ ("That recovery code is not valid or has already been used.")
                              : _ ("That code is not valid. Codes change every 30 seconds — enter "
                                   "the current one.");

      left = attempts_left (error);
      if (left == 0)
        {
          /* That was the last try: the server dropped the login ticket. */
          self->expired = TRUE;
          show_error (self, _ ("Too many wrong codes. Enter your email and password again."));
          update_actions (self);
          gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
          return;
        }
      if (left > 0)
        {
          g_autofree char *attempts = NULL;

          /* Translators: %d is how many more codes may be tried. */
          attempts =
              g_strdup_printf (ngettext ("%d attempt left.", "%d attempts left.", left), left);
          message = g_strdup_printf ("%s %s", wrong, attempts);
        }
      else
        {
          message = g_strdup (wrong);
        }

      if (self->recovery)
        gtk_editable_set_text (GTK_EDITABLE (self->recovery_entry), "");
      else
        kbc_code_entry_clear (self->code_entry);
      show_error (self, message);
      if (!self->recovery)
        kbc_code_entry_set_error (self->code_entry, TRUE);
      update_actions (self);
      gtk_widget_grab_focus (self->recovery ? GTK_WIDGET (self->recovery_entry)
                                            : GTK_WIDGET (self->code_entry));
      return;
    }

  if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED) ||
      (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_FAILED) &&
       kbc_api_error_get_status (error) == 0))
    {
      /* The login ticket expired (5 minutes) or died after too many wrong
       * codes ("loginTicketInvalid"); the account words it. */
      self->expired = TRUE;
      show_error (self, error->message);
      update_actions (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
      return;
    }

  show_error (self, error->message);
  update_actions (self);
}

static void
verify_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcMfaStep *self = KBC_MFA_STEP (widget);
  g_autofree char *code = NULL;

  if (self->busy || self->locked || self->expired || self->account == NULL)
    return;

  code = g_strdup (current_code (self));
  if (code == NULL)
    return;

  /* Recovery codes are read off paper: ignore the spaces people type. */
  if (self->recovery)
    g_strstrip (code);

  show_error (self, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  kbc_account_login_mfa_async (self->account, self->recovery ? "recovery" : "totp", code,
                               self->cancellable, on_login_mfa_done, self);
  explicit_bzero (code, strlen (code));
}

static void
switch_method_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcMfaStep *self = KBC_MFA_STEP (widget);

  show_method (self, !self->recovery);
}

static void
back_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcMfaStep *self = KBC_MFA_STEP (widget);

  g_signal_emit (self, signals[SIGNAL_BACK], 0);
}

static void
on_code_complete (KbcMfaStep *self, const char *code)
{
  update_actions (self);
  /* The sixth digit is as good as pressing Verify. */
  if (!self->recovery)
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
  gtk_widget_grab_focus (self->recovery ? GTK_WIDGET (self->recovery_entry)
                                        : GTK_WIDGET (self->code_entry));
}

static void
kbc_mfa_step_dispose (GObject *object)
{
  KbcMfaStep *self = KBC_MFA_STEP (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->unlock_source, g_source_remove);
  g_clear_object (&self->account);

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
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
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
      case PROP_ACCOUNT:
        kbc_mfa_step_set_account (self, g_value_get_object (value));
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

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
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
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, code_entry);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, recovery_entry);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, error_label);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, verify_button);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, switch_button);
  gtk_widget_class_bind_template_child (widget_class, KbcMfaStep, back_button);
  gtk_widget_class_bind_template_callback (widget_class, on_code_complete);
  gtk_widget_class_bind_template_callback (widget_class, on_input_changed);

  gtk_widget_class_install_action (widget_class, "mfa-step.verify", NULL, verify_action);
  gtk_widget_class_install_action (widget_class, "mfa-step.switch-method", NULL,
                                   switch_method_action);
  gtk_widget_class_install_action (widget_class, "mfa-step.back", NULL, back_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  g_type_ensure (KBC_TYPE_CODE_ENTRY);
}

static void
kbc_mfa_step_init (KbcMfaStep *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  update_actions (self);
}

GtkWidget *
kbc_mfa_step_new (void)
{
  return g_object_new (KBC_TYPE_MFA_STEP, NULL);
}

KbcAccount *
kbc_mfa_step_get_account (KbcMfaStep *self)
{
  g_return_val_if_fail (KBC_IS_MFA_STEP (self), NULL);

  return self->account;
}

void
kbc_mfa_step_set_account (KbcMfaStep *self, KbcAccount *account)
{
  g_return_if_fail (KBC_IS_MFA_STEP (self));
  g_return_if_fail (account == NULL || KBC_IS_ACCOUNT (account));

  if (!g_set_object (&self->account, account))
    return;

  kbc_mfa_step_reset (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
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
  g_return_if_fail (KBC_IS_MFA_STEP (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->unlock_source, g_source_remove);
  self->locked = FALSE;
  self->expired = FALSE;
  self->busy = FALSE;

  kbc_code_entry_clear (self->code_entry);
  gtk_editable_set_text (GTK_EDITABLE (self->recovery_entry), "");
  /* An account with only recovery codes left (no app) goes straight there. */
  show_method (self, !has_method (self, "totp") && has_method (self, "recovery"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}
