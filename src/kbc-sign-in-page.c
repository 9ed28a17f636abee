/* kbc-sign-in-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-sign-in-page.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kbc-demo.h"
#include "kbc-error.h"
#include "kbc-mfa-step.h"
#include "kbc-stack.h"

struct _KbcSignInPage
{
  GtkWidget parent_instance;

  /* Template children */
  GtkStack *step_stack;
  KbcMfaStep *mfa_step;
  AdwComboRow *stack_row;
  GtkStringList *stack_model;
  AdwEntryRow *custom_url_row;
  AdwPreferencesGroup *demo_group;
  AdwActionRow *demo_row;
  GtkWidget *method_box;
  AdwPreferencesGroup *token_group;
  AdwPasswordEntryRow *token_row;
  AdwActionRow *web_row;
  AdwPreferencesGroup *password_group;
  AdwEntryRow *email_row;
  AdwPasswordEntryRow *password_row;
  GtkRevealer *message_revealer;
  GtkLabel *message_label;
  GtkButton *sign_in_button;
  GtkSpinner *spinner;

  /* Owned references */
  KbcSession *session;
  GCancellable *cancellable;
  GCancellable *probe_cancellable;

  /* What the chosen stack offers, and which of it the form shows. */
  KbcSignInMethods methods;
  KbcSignInMethods method;
  gboolean method_chosen; /* by the user, for this stack */
  guint probe_source;

  gboolean busy;
};

G_DEFINE_FINAL_TYPE (KbcSignInPage, kbc_sign_in_page, GTK_TYPE_WIDGET)

/* How long a custom address must stay unchanged before it is asked. */
#define PROBE_DELAY_MS 600

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  PROP_METHOD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const KbcStackInfo *
get_stack (KbcSignInPage *self)
{
  guint n_stacks;
  const KbcStackInfo *stacks = kbc_stack_get_all (&n_stacks);
  guint selected = adw_combo_row_get_selected (self->stack_row);

  return &stacks[MIN (selected, n_stacks - 1)];
}

static gboolean
stack_is (KbcSignInPage *self, const char *id)
{
  return g_strcmp0 (get_stack (self)->id, id) == 0;
}

static gboolean
is_filled (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable))[0] != '\0';
}

static gboolean
uses_password (KbcSignInPage *self)
{
  return self->method == KBC_SIGN_IN_METHOD_PASSWORD;
}

/* Where the user types first: the first empty field of the form shown
 * (the password when the email is filled in). */
static void
focus_first_empty (KbcSignInPage *self)
{
  GtkWidget *target;

  if (!uses_password (self))
    target = GTK_WIDGET (self->token_row);
  else if (!is_filled (self->email_row))
    target = GTK_WIDGET (self->email_row);
  else
    target = GTK_WIDGET (self->password_row);
  gtk_widget_grab_focus (target);
}


static void
update_actions (KbcSignInPage *self)
{
  gboolean filled = uses_password (self)
                        ? is_filled (self->email_row) && is_filled (self->password_row)
                        : is_filled (self->token_row);
  gboolean can_submit = !self->busy && filled &&
                        (!stack_is (self, KBC_STACK_CUSTOM) || is_filled (self->custom_url_row));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.submit", can_submit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.use-demo", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.method", !self->busy);
}

static void
set_busy (KbcSignInPage *self, gboolean busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;

  gtk_widget_set_sensitive (GTK_WIDGET (self->stack_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->custom_url_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  update_actions (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_message (KbcSignInPage *self, const char *message, gboolean is_error)
{
  if (message == NULL || message[0] == '\0')
    {
      gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
      gtk_label_set_label (self->message_label, "");
      return;
    }

  gtk_label_set_label (self->message_label, message);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
}

static const char *
get_stack_description (const KbcStackInfo *stack)
{
  if (g_strcmp0 (stack->id, KBC_STACK_LOCAL) == 0)
    return _ ("A server with a demo account, on this computer");
  if (g_strcmp0 (stack->id, KBC_STACK_CUSTOM) == 0)
    return _ ("Any stack, by its URL");

  return stack->url;
}

/* The list of stacks shows each one's URL or what it is under its name. */
/* The mark follows the row's choice (its popover's list items do not say
 * which one is chosen). */
static void
stack_item_update_check (GtkListItem *item)
{
  AdwComboRow *stack_row = g_object_get_data (G_OBJECT (item), "kbc-stack-row");
  GtkWidget *child = gtk_list_item_get_child (item);
  gboolean chosen;

  if (stack_row == NULL || child == NULL)
    return;

  chosen = gtk_list_item_get_position (item) == adw_combo_row_get_selected (stack_row);
  gtk_widget_set_opacity (gtk_widget_get_last_child (child), chosen ? 1 : 0);
}

static void
stack_item_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, KbcSignInPage *self)
{
  GtkWidget *row, *box, *title, *subtitle, *check;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  subtitle = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_hexpand (box, TRUE);

  /* The current choice has a check mark, as in AdwComboRow's own list. */
  check = gtk_image_new_from_icon_name ("object-select-symbolic");
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  /* The list says which item is selected; the mark is only its picture. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (row), box);
  gtk_box_append (GTK_BOX (row), check);
  gtk_list_item_set_child (item, row);
  g_object_set_data (G_OBJECT (item), "kbc-stack-row", self->stack_row);
  g_signal_connect_object (self->stack_row, "notify::selected",
                           G_CALLBACK (stack_item_update_check), item, G_CONNECT_SWAPPED);
  g_signal_connect (item, "notify::position", G_CALLBACK (stack_item_update_check), NULL);
}

static void
stack_item_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  GtkWidget *box = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  guint n_stacks;
  const KbcStackInfo *stacks = kbc_stack_get_all (&n_stacks);
  guint position = gtk_list_item_get_position (item);

  if (position >= n_stacks)
    return;

  gtk_label_set_label (GTK_LABEL (title), _ (stacks[position].name));
  gtk_label_set_label (GTK_LABEL (subtitle), get_stack_description (&stacks[position]));
  stack_item_update_check (item);
}

/* ---- how to sign in ---- */

static const char *
method_to_string (KbcSignInMethods method)
{
  return method == KBC_SIGN_IN_METHOD_PASSWORD ? "password" : "token";
}

/* Shows the fields of the chosen way, and the choice when there is one. */
static void
update_method (KbcSignInPage *self)
{
  gboolean both =
      (self->methods & KBC_SIGN_IN_METHOD_PASSWORD) && (self->methods & KBC_SIGN_IN_METHOD_TOKEN);
  gboolean is_local = stack_is (self, KBC_STACK_LOCAL);

  gtk_widget_set_visible (self->method_box, both);
  gtk_widget_set_visible (GTK_WIDGET (self->password_group), uses_password (self));
  gtk_widget_set_visible (GTK_WIDGET (self->token_group), !uses_password (self));
  gtk_widget_set_visible (GTK_WIDGET (self->demo_group), is_local && uses_password (self));

  /* The local server has no web page; its tokens come from its command. */
  gtk_widget_set_visible (GTK_WIDGET (self->web_row), !is_local);
  adw_preferences_group_set_description (
      self->token_group,
      is_local ? _ ("Make a token on this computer with “kbc-account-server token add”.") : NULL);

  update_actions (self);
}

static void
set_method (KbcSignInPage *self, KbcSignInMethods method)
{
  if (self->method == method)
    return;

  self->method = method;
  update_method (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METHOD]);
}

/* What the stack offers: the form follows, keeping the user's choice when
 * it is still offered. A password is the first choice where it is one. */
static void
set_methods (KbcSignInPage *self, KbcSignInMethods methods)
{
  self->methods = methods;
  if (!self->method_chosen || !(self->method & methods))
    set_method (self, (methods & KBC_SIGN_IN_METHOD_PASSWORD) ? KBC_SIGN_IN_METHOD_PASSWORD
                                                              : KBC_SIGN_IN_METHOD_TOKEN);
  update_method (self);
}

static void
probe_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcSignInPage *self = user_data;
  g_autoptr (GError) error = NULL;
  KbcSignInMethods methods;

  methods = kbc_session_probe_finish (KBC_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      /* A token is all that is safe to ask for; the reason helps with a
       * mistyped address. */
      g_debug ("Could not ask the server how to sign in: %s", error->message);
      set_methods (self, KBC_SIGN_IN_METHOD_TOKEN);
      if (!self->busy)
        show_message (self, error->message, TRUE);
      return;
    }

  set_methods (self, methods);
}

/* Asks the chosen stack which ways it offers. */
static void
probe (KbcSignInPage *self)
{
  const KbcStackInfo *stack = get_stack (self);
  g_autofree char *url = NULL;

  g_clear_handle_id (&self->probe_source, g_source_remove);
  g_cancellable_cancel (self->probe_cancellable);
  g_clear_object (&self->probe_cancellable);

  if (stack_is (self, KBC_STACK_CUSTOM))
    {
      url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->custom_url_row))));
      if (url[0] == '\0')
        return;
    }

  /* "This computer" starts its server once it is chosen and shown (asking
   * it starts it), so that signing in does not wait for it. */
  if (stack_is (self, KBC_STACK_LOCAL) && !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  self->probe_cancellable = g_cancellable_new ();
  kbc_session_probe_async (self->session, stack->id, url, self->probe_cancellable, probe_cb, self);
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  KbcSignInPage *self = user_data;

  self->probe_source = 0;
  probe (self);
  return G_SOURCE_REMOVE;
}

static void
open_web_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (widget);
  const KbcStackInfo *stack = get_stack (self);
  g_autofree char *url = NULL;

  if (stack->url != NULL)
    url = g_strdup (stack->url);
  else if (stack_is (self, KBC_STACK_CUSTOM))
    url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->custom_url_row))));

  /* A bare host name, as signing in takes it. */
  if (url != NULL && url[0] != '\0' && strstr (url, "://") == NULL)
    {
      g_autofree char *bare = g_steal_pointer (&url);

      url = g_strconcat ("https://", bare, NULL);
    }

  if (url == NULL || !g_str_has_prefix (url, "https://"))
    {
      show_message (self, _ ("Enter the stack’s https:// address first."), TRUE);
      return;
    }

  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)), url, GDK_CURRENT_TIME);
}

static void
stack_row_selected_cb (KbcSignInPage *self)
{
  const KbcStackInfo *stack = get_stack (self);
  gboolean is_custom = g_strcmp0 (stack->id, KBC_STACK_CUSTOM) == 0;
  gboolean is_local = g_strcmp0 (stack->id, KBC_STACK_LOCAL) == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->custom_url_row), is_custom);
  gtk_widget_remove_css_class (GTK_WIDGET (self->custom_url_row), "error");

  if (!self->busy)
    show_message (self, NULL, FALSE);

  /* Until the server answers: a token, except on this computer's own
   * server, which is known to take passwords (and is asked all the same). */
  self->method_chosen = FALSE;
  set_methods (self, is_local ? KBC_SIGN_IN_METHOD_PASSWORD | KBC_SIGN_IN_METHOD_TOKEN
                              : KBC_SIGN_IN_METHOD_TOKEN);
  probe (self);
}

static void
form_changed_cb (KbcSignInPage *self, GtkEditable *editable)
{
  /* The user acts on the form: an error about what was there is stale. */
  if (!self->busy && gtk_widget_has_css_class (GTK_WIDGET (self->message_label), "error"))
    show_message (self, NULL, FALSE);

  if (editable == GTK_EDITABLE (self->custom_url_row))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->custom_url_row), "error");
      /* Ask the new address once the typing stops. */
      g_clear_handle_id (&self->probe_source, g_source_remove);
      if (stack_is (self, KBC_STACK_CUSTOM))
        self->probe_source = g_timeout_add (PROBE_DELAY_MS, probe_timeout_cb, self);
    }

  update_actions (self);
}

static void
show_password_step (KbcSignInPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_stack_set_visible_child_name (self->step_stack, "password");
  kbc_mfa_step_set_session (self->mfa_step, NULL);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root), GTK_WIDGET (self->sign_in_button));
}

/* After the password, the session waits for its second factor. The password
 * stays in its field only until the step is done or abandoned. */
static void
show_mfa_step (KbcSignInPage *self)
{
  show_message (self, NULL, FALSE);
  kbc_mfa_step_set_session (self->mfa_step, self->session);
  gtk_stack_set_visible_child_name (self->step_stack, "mfa");
}

/* The session is signed in: the page forgets the password. */
static void
signed_in (KbcSignInPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  show_message (self, NULL, FALSE);
}

/* The code step stays until the page is reset: going back to the password
 * form now would show it on the way to the account. */
static void
mfa_signed_in_cb (KbcSignInPage *self)
{
  signed_in (self);
}

static void
mfa_back_cb (KbcSignInPage *self)
{
  kbc_session_cancel_sign_in (self->session);
  show_password_step (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  gtk_editable_select_region (GTK_EDITABLE (self->password_row), 0, -1);
}

static void
sign_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcSignInPage *self = user_data;
  g_autoptr (GError) error = NULL;
  KbcLoginResult login;

  login = kbc_session_sign_in_finish (KBC_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (error != NULL)
    {
      show_message (self, error->message, TRUE);
      if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_UNAUTHORIZED))
        {
          gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
          gtk_editable_select_region (GTK_EDITABLE (self->password_row), 0, -1);
        }
      else if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL) &&
               stack_is (self, KBC_STACK_CUSTOM))
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->custom_url_row), "error");
          gtk_widget_grab_focus (GTK_WIDGET (self->custom_url_row));
        }
      return;
    }

  if (login == KBC_LOGIN_MFA_REQUIRED)
    {
      show_mfa_step (self);
      return;
    }

  signed_in (self);
}

static void
sign_in_token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcSignInPage *self = user_data;
  g_autoptr (GError) error = NULL;

  kbc_session_sign_in_token_finish (KBC_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (error == NULL)
    {
      signed_in (self);
      return;
    }

  show_message (self, error->message, TRUE);
  if (g_error_matches (error, KBC_API_ERROR, KBC_API_ERROR_INSECURE_URL) &&
      stack_is (self, KBC_STACK_CUSTOM))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->custom_url_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->custom_url_row));
    }
  else if (error->domain == KBC_API_ERROR &&
           (error->code == KBC_API_ERROR_UNAUTHORIZED || error->code == KBC_API_ERROR_BAD_REQUEST))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
      gtk_editable_select_region (GTK_EDITABLE (self->token_row), 0, -1);
    }
}

static void
submit_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (widget);
  g_autofree char *url = NULL;

  if (self->busy)
    return;

  set_busy (self, TRUE);
  show_message (self, NULL, FALSE);

  if (stack_is (self, KBC_STACK_CUSTOM))
    url = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->custom_url_row)));

  if (uses_password (self))
    kbc_session_sign_in_async (self->session, get_stack (self)->id, url,
                               gtk_editable_get_text (GTK_EDITABLE (self->email_row)),
                               gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                               self->cancellable, sign_in_cb, self);
  else
    kbc_session_sign_in_token_async (self->session, get_stack (self)->id, url,
                                     gtk_editable_get_text (GTK_EDITABLE (self->token_row)),
                                     self->cancellable, sign_in_token_cb, self);
}

/* The card offers the seeded password only while it still works. */
static void
update_demo_card (KbcSignInPage *self)
{
  g_autofree char *demo = NULL;
  g_autofree char *markup = NULL;

  if (kbc_session_get_demo_password_works (self->session))
    /* Translators: the demo account's email, then its password, on two lines. */
    demo = g_strdup_printf (_ ("Email: %s\nPassword: %s"), KBC_DEMO_EMAIL, KBC_DEMO_PASSWORD);
  else
    /* Translators: the demo account's email; its password was changed. */
    demo = g_strdup_printf (_ ("Email: %s\nPassword: the one you set"), KBC_DEMO_EMAIL);
  markup = g_markup_escape_text (demo, -1);
  adw_action_row_set_subtitle (self->demo_row, markup);
}

static void
use_demo_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->email_row), KBC_DEMO_EMAIL);
  if (kbc_session_get_demo_password_works (self->session))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), KBC_DEMO_PASSWORD);
      gtk_widget_grab_focus (GTK_WIDGET (self->sign_in_button));
    }
  else
    {
      /* Never a password that no longer works: the user types theirs. */
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
}

static void
kbc_sign_in_page_map (GtkWidget *widget)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (kbc_sign_in_page_parent_class)->map (widget);

  /* Enter in any field signs in. */
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->step_stack), "password") == 0)
    gtk_window_set_default_widget (GTK_WINDOW (root), GTK_WIDGET (self->sign_in_button));

  if (stack_is (self, KBC_STACK_LOCAL))
    probe (self);
}

static void
kbc_sign_in_page_unmap (GtkWidget *widget)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (GTK_IS_WINDOW (root) &&
      gtk_window_get_default_widget (GTK_WINDOW (root)) == GTK_WIDGET (self->sign_in_button))
    gtk_window_set_default_widget (GTK_WINDOW (root), NULL);

  GTK_WIDGET_CLASS (kbc_sign_in_page_parent_class)->unmap (widget);
}

static void
kbc_sign_in_page_constructed (GObject *object)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (object);
  g_autofree char *stack_id = NULL;
  g_autofree char *custom_url = NULL;
  g_autofree char *email = NULL;
  g_autoptr (GtkListItemFactory) factory = NULL;
  const KbcStackInfo *stacks;
  GSettings *settings;
  guint n_stacks;

  G_OBJECT_CLASS (kbc_sign_in_page_parent_class)->constructed (object);

  g_assert (KBC_IS_SESSION (self->session));

  stacks = kbc_stack_get_all (&n_stacks);
  for (guint i = 0; i < n_stacks; i++)
    gtk_string_list_append (self->stack_model, _ (stacks[i].name));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (stack_item_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (stack_item_bind_cb), NULL);
  adw_combo_row_set_list_factory (self->stack_row, factory);

  update_demo_card (self);

  settings = kbc_session_get_settings (self->session);
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "changed::demo-password-works",
                               G_CALLBACK (update_demo_card), self, G_CONNECT_SWAPPED);
      stack_id = g_settings_get_string (settings, "last-stack");
      custom_url = g_settings_get_string (settings, "last-custom-url");
      email = g_settings_get_string (settings, "last-email");
      gtk_editable_set_text (GTK_EDITABLE (self->custom_url_row), custom_url);
      gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
    }
  adw_combo_row_set_selected (self->stack_row, kbc_stack_get_index (stack_id));
  stack_row_selected_cb (self);
}

static void
kbc_sign_in_page_dispose (GObject *object)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->probe_cancellable);
  g_clear_object (&self->probe_cancellable);
  g_clear_handle_id (&self->probe_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_SIGN_IN_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (kbc_sign_in_page_parent_class)->dispose (object);
}

static void
kbc_sign_in_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;

      case PROP_BUSY:
        g_value_set_boolean (value, self->busy);
        break;

      case PROP_METHOD:
        g_value_set_string (value, method_to_string (self->method));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_sign_in_page_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  KbcSignInPage *self = KBC_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        self->session = g_value_dup_object (value);
        break;

      case PROP_METHOD:
        /* The user's choice, through the sign-in.method action. */
        self->method_chosen = TRUE;
        set_method (self, g_strcmp0 (g_value_get_string (value), "password") == 0
                              ? KBC_SIGN_IN_METHOD_PASSWORD
                              : KBC_SIGN_IN_METHOD_TOKEN);
        focus_first_empty (self);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_sign_in_page_class_init (KbcSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_sign_in_page_constructed;
  object_class->dispose = kbc_sign_in_page_dispose;
  object_class->get_property = kbc_sign_in_page_get_property;
  object_class->set_property = kbc_sign_in_page_set_property;

  widget_class->map = kbc_sign_in_page_map;
  widget_class->unmap = kbc_sign_in_page_unmap;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, KBC_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* "password" or "token": the way the form signs in. */
  properties[PROP_METHOD] =
      g_param_spec_string ("method", NULL, NULL, "token",
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, step_stack);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, mfa_step);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, stack_row);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, stack_model);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, custom_url_row);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, demo_group);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, demo_row);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, method_box);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, token_group);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, token_row);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, web_row);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, password_group);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, KbcSignInPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, stack_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mfa_signed_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, mfa_back_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, submit_activated);
  gtk_widget_class_install_action (widget_class, "sign-in.use-demo", NULL, use_demo_activated);
  gtk_widget_class_install_action (widget_class, "sign-in.open-web", NULL, open_web_activated);
  gtk_widget_class_install_property_action (widget_class, "sign-in.method", "method");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (KBC_TYPE_MFA_STEP);
}

static void
kbc_sign_in_page_init (KbcSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->method = KBC_SIGN_IN_METHOD_TOKEN;
  self->methods = KBC_SIGN_IN_METHOD_TOKEN;
  update_actions (self);
}

KbcSignInPage *
kbc_sign_in_page_new (KbcSession *session)
{
  g_return_val_if_fail (KBC_IS_SESSION (session), NULL);

  return g_object_new (KBC_TYPE_SIGN_IN_PAGE, "session", session, NULL);
}

gboolean
kbc_sign_in_page_get_busy (KbcSignInPage *self)
{
  g_return_val_if_fail (KBC_IS_SIGN_IN_PAGE (self), FALSE);

  return self->busy;
}

void
kbc_sign_in_page_reset (KbcSignInPage *self, const char *message)
{
  g_autofree char *email = NULL;
  GSettings *settings;

  g_return_if_fail (KBC_IS_SIGN_IN_PAGE (self));

  /* A sign-in in flight belongs to the session that just ended. */
  if (self->busy)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      set_busy (self, FALSE);
    }
  show_password_step (self);

  settings = kbc_session_get_settings (self->session);
  email = settings != NULL ? g_settings_get_string (settings, "last-email") : g_strdup ("");
  if (email[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  show_message (self, message, FALSE);
  focus_first_empty (self);
}

void
kbc_sign_in_page_select_local (KbcSignInPage *self, gboolean fill_in_demo)
{
  g_return_if_fail (KBC_IS_SIGN_IN_PAGE (self));

  adw_combo_row_set_selected (self->stack_row, kbc_stack_get_index (KBC_STACK_LOCAL));

  if (fill_in_demo && !is_filled (self->email_row))
    gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.use-demo", NULL);
}

void
kbc_sign_in_page_set_custom_url (KbcSignInPage *self, const char *url)
{
  g_return_if_fail (KBC_IS_SIGN_IN_PAGE (self));

  kbc_sign_in_page_select_stack (self, KBC_STACK_CUSTOM, url);
}

void
kbc_sign_in_page_select_stack (KbcSignInPage *self, const char *stack_id, const char *url)
{
  g_return_if_fail (KBC_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (stack_id != NULL);

  /* The address first: choosing the stack asks it at once. */
  if (g_strcmp0 (stack_id, KBC_STACK_CUSTOM) == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->custom_url_row), url != NULL ? url : "");
  if (adw_combo_row_get_selected (self->stack_row) != kbc_stack_get_index (stack_id))
    adw_combo_row_set_selected (self->stack_row, kbc_stack_get_index (stack_id));
  else
    probe (self);
}

KbcSignInMethods
kbc_sign_in_page_get_methods (KbcSignInPage *self)
{
  g_return_val_if_fail (KBC_IS_SIGN_IN_PAGE (self), 0);

  return self->methods;
}

const char *
kbc_sign_in_page_get_message (KbcSignInPage *self)
{
  g_return_val_if_fail (KBC_IS_SIGN_IN_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->message_revealer))
    return NULL;

  return gtk_label_get_label (self->message_label);
}
