/* kbc-invitations-page.c: the Invitations page: pending invitations, and the user's access requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-invitations-page.h"

#include <glib/gi18n.h>

#include "kbc-a11y.h"
#include "kbc-auth-methods.h"
#include "kbc-closures.h"
#include "kbc-invitations.h"
#include "kbc-organizations.h"
#include "kbc-time.h"
#include "kbc-toast.h"

#define N_KINDS 3

struct _KbcInvitationsPage
{
  GtkWidget parent_instance;

  /* Template children */
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *error_page;
  GtkWidget *invitations_group;
  GtkListBox *invitations_list;
  GtkWidget *requests_group;
  GtkListBox *requests_list;

  /* Owned */
  KbcAccount *account;
  KbcInvitations *invitations[N_KINDS];
  KbcJoinRequests *join_requests;
  KbcAuthMethods *auth_methods;
  GListModel *all_invitations; /* the three lists, flattened */
  GCancellable *cancellable;
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcInvitationsPage, kbc_invitations_page, GTK_TYPE_WIDGET)

/* ---- rows ---- */

static char *
describe_kind (KbcInvitation *invitation)
{
  switch (kbc_invitation_get_kind (invitation))
    {
      case KBC_INVITATION_PROJECT:
        if (kbc_invitation_get_role (invitation) != NULL)
          /* Translators: what an invitation is into, and the role it gives, e.g. "Project · Guest". */
          return g_strdup_printf (_ ("Project · %s"), kbc_project_role_get_title (
                                                          kbc_invitation_get_role (invitation)));
        return g_strdup (_ ("Project"));
      case KBC_INVITATION_ORGANIZATION:
        return g_strdup (_ ("Organization"));
      case KBC_INVITATION_MAINTAINER:
        return g_strdup (_ ("Maintainer"));
      default:
        g_return_val_if_reached (NULL);
    }
}

static char *
describe_sender (KbcInvitation *invitation, GDateTime *now)
{
  const char *name = kbc_invitation_get_creator_name (invitation);
  const char *email = kbc_invitation_get_creator_email (invitation);
  GDateTime *created = kbc_invitation_get_created (invitation);
  g_autofree char *when = created != NULL ? kbc_time_format_relative (created, now) : NULL;
  g_autofree char *who = NULL;

  if (name != NULL && email != NULL)
    /* Translators: who invited: a name and an email address. */
    who = g_strdup_printf (_ ("%s (%s)"), name, email);
  else
    who = g_strdup (name != NULL ? name : email);

  if (who != NULL && when != NULL)
    /* Translators: who sent an invitation, and when ("5 minutes ago"). */
    return g_strdup_printf (_ ("From %s · %s"), who, when);
  if (who != NULL)
    /* Translators: who sent an invitation. */
    return g_strdup_printf (_ ("From %s"), who);
  return g_steal_pointer (&when);
}

static char *
describe_expiry (GDateTime *expires, GDateTime *now)
{
  GTimeSpan left;
  int days;

  if (expires == NULL)
    return NULL;

  left = g_date_time_difference (expires, now);
  if (left <= 0)
    return g_strdup (_ ("Expired"));
  days = (int) (left / G_TIME_SPAN_DAY);
  if (days < 1)
    return g_strdup (_ ("Expires today"));
  /* Translators: %d is a number of days. */
  return g_strdup_printf (ngettext ("Expires in %d day", "Expires in %d days", days), days);
}

static GtkWidget *
add_label (GtkWidget *box, const char *text, const char *css_class)
{
  GtkWidget *label;

  if (text == NULL || *text == '\0')
    return NULL;

  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

static GtkWidget *
add_button (GtkWidget *box,
            const char *label,
            const char *accessible_label,
            const char *action,
            GVariant *target,
            const char *css_class)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  kbc_a11y_set_button_label (button, accessible_label);
  if (css_class != NULL)
    gtk_widget_add_css_class (button, css_class);
  gtk_box_append (GTK_BOX (box), button);
  return button;
}

static GtkWidget *
new_row_box (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  return box;
}

static GtkWidget *
new_row (GtkWidget *box, const char *accessible_label)
{
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  kbc_a11y_set_row_label (row, accessible_label);
  return row;
}

static gboolean
can_decline (KbcInvitationsPage *self, KbcInvitationKind kind)
{
  return kbc_invitations_can_decline (self->invitations[kind],
                                      kbc_auth_methods_get_password (self->auth_methods));
}

static GtkWidget *
create_invitation_row (gpointer item, gpointer user_data)
{
  KbcInvitationsPage *self = user_data;
  KbcInvitation *invitation = item;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  const char *name = kbc_invitation_get_target_name (invitation);
  const char *reason = kbc_invitation_get_reason (invitation);
  g_autofree char *kind = describe_kind (invitation);
  g_autofree char *sender = describe_sender (invitation, now);
  g_autofree char *expiry = describe_expiry (kbc_invitation_get_expires (invitation), now);
  g_autofree char *quoted = reason != NULL ? g_strdup_printf (_ ("“%s”"), reason) : NULL;
  g_autofree char *row_label = NULL;
  g_autofree char *accept_label = NULL;
  g_autofree char *decline_label = NULL;
  GVariant *target;
  GtkWidget *box, *buttons, *decline, *row;

  if (name == NULL || *name == '\0')
    name = _ ("Unnamed");

  box = new_row_box ();
  add_label (box, name, "heading");
  add_label (box, kind, NULL);
  add_label (box, sender, "dim-label");
  add_label (box, expiry, "dim-label");
  add_label (box, quoted, NULL);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 8);
  target = g_variant_new ("(ix)", (gint32) kbc_invitation_get_kind (invitation),
                          kbc_invitation_get_id (invitation));
  g_variant_ref_sink (target);
  /* Translators: the accessible name of Decline on an invitation; %s is what it is into. */
  decline_label = g_strdup_printf (_ ("Decline the invitation to %s"), name);
  decline =
      add_button (buttons, _ ("_Decline"), decline_label, "invitations.decline", target, NULL);
  gtk_widget_set_visible (decline, can_decline (self, kbc_invitation_get_kind (invitation)));
  /* Translators: the accessible name of Accept on an invitation; %s is what it is into. */
  accept_label = g_strdup_printf (_ ("Accept the invitation to %s"), name);
  add_button (buttons, _ ("_Accept"), accept_label, "invitations.accept", target,
              "suggested-action");
  g_variant_unref (target);
  gtk_box_append (GTK_BOX (box), buttons);

  /* Translators: the accessible name of an invitation's row; %s is what it is into. */
  row_label = g_strdup_printf (_ ("Invitation to %s"), name);
  row = new_row (box, row_label);
  g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (invitation), g_object_unref);
  return row;
}

static GtkWidget *
create_request_row (gpointer item, gpointer user_data)
{
  KbcJoinRequest *request = item;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GDateTime *created = kbc_join_request_get_created (request);
  const char *name = kbc_join_request_get_project_name (request);
  const char *reason = kbc_join_request_get_reason (request);
  g_autofree char *when = created != NULL ? kbc_time_format_relative (created, now) : NULL;
  g_autofree char *sent = NULL;
  g_autofree char *quoted = reason != NULL ? g_strdup_printf (_ ("“%s”"), reason) : NULL;
  g_autofree char *expiry = describe_expiry (kbc_join_request_get_expires (request), now);
  g_autofree char *row_label = NULL;
  g_autofree char *cancel_label = NULL;
  GtkWidget *box, *buttons, *row;

  if (name == NULL || *name == '\0')
    name = _ ("Unnamed");
  if (when != NULL)
    /* Translators: when an access request was sent ("5 minutes ago"). */
    sent = g_strdup_printf (_ ("Sent %s"), when);

  box = new_row_box ();
  add_label (box, name, "heading");
  add_label (box, sent, "dim-label");
  add_label (box, expiry, "dim-label");
  add_label (box, quoted, NULL);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 8);
  /* Translators: the accessible name of Cancel Request; %s is the project. */
  cancel_label = g_strdup_printf (_ ("Cancel the request to join %s"), name);
  add_button (buttons, _ ("_Cancel Request"), cancel_label, "join-requests.cancel",
              g_variant_new_int64 (kbc_join_request_get_id (request)), NULL);
  gtk_box_append (GTK_BOX (box), buttons);

  /* Translators: the accessible name of an access request's row; %s is the project. */
  row_label = g_strdup_printf (_ ("Request to join %s"), name);
  row = new_row (box, row_label);
  g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (request), g_object_unref);
  return row;
}

/* The row showing @item in @list, or NULL. */
static GtkWidget *
find_row (GtkListBox *list, gpointer item)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (g_object_get_data (G_OBJECT (row), "item") == item)
      return GTK_WIDGET (row);
  return NULL;
}

static void
set_row_busy (GtkListBox *list, gpointer item, gboolean busy)
{
  GtkWidget *row = find_row (list, item);

  if (row != NULL)
    gtk_widget_set_sensitive (row, !busy);
}

/* ---- state ---- */

guint
kbc_invitations_page_get_count (KbcInvitationsPage *self)
{
  g_return_val_if_fail (KBC_IS_INVITATIONS_PAGE (self), 0);

  return g_list_model_get_n_items (self->all_invitations);
}

static void
update_state (KbcInvitationsPage *self)
{
  guint n_invitations = g_list_model_get_n_items (self->all_invitations);
  guint n_requests = g_list_model_get_n_items (G_LIST_MODEL (self->join_requests));
  KbcResource *main = KBC_RESOURCE (self->invitations[KBC_INVITATION_PROJECT]);
  gboolean waiting = FALSE;
  const char *visible;

  for (guint i = 0; i < N_KINDS; i++)
    {
      KbcResource *resource = KBC_RESOURCE (self->invitations[i]);

      waiting |= kbc_resource_get_loading (resource) && !kbc_resource_get_loaded (resource);
    }

  gtk_widget_set_visible (self->invitations_group, n_invitations > 0);
  gtk_widget_set_visible (self->requests_group, n_requests > 0);

  if (n_invitations + n_requests > 0)
    visible = "list";
  else if (waiting)
    visible = "loading";
  else if (kbc_resource_get_error (main) != NULL)
    {
      adw_status_page_set_description (self->error_page, kbc_resource_get_error (main)->message);
      visible = "error";
    }
  else
    visible = "empty";

  if (g_str_equal (visible, "loading"))
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, visible);
}

static void
invitations_changed_cb (KbcInvitationsPage *self)
{
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

static void
reload (KbcInvitationsPage *self)
{
  for (guint i = 0; i < N_KINDS; i++)
    kbc_resource_refresh (KBC_RESOURCE (self->invitations[i]));
  kbc_resource_refresh (KBC_RESOURCE (self->join_requests));
  kbc_resource_ensure_loaded (KBC_RESOURCE (self->auth_methods));
}

static void
reload_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  reload (KBC_INVITATIONS_PAGE (widget));
}

/* Decline buttons follow what the server offers. */
static void
update_decline_buttons (KbcInvitationsPage *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->invitations_list, i)) != NULL; i++)
    {
      KbcInvitation *invitation = g_object_get_data (G_OBJECT (row), "item");
      GtkWidget *box = gtk_list_box_row_get_child (row);
      GtkWidget *buttons = gtk_widget_get_last_child (box);

      gtk_widget_set_visible (gtk_widget_get_first_child (buttons),
                              can_decline (self, kbc_invitation_get_kind (invitation)));
    }
}

/* ---- accepting ---- */

static KbcInvitation *
find_invitation (KbcInvitationsPage *self, GVariant *parameter, KbcInvitationKind *kind)
{
  gint32 kind_value;
  gint64 id;
  g_autofree char *key = NULL;

  g_variant_get (parameter, "(ix)", &kind_value, &id);
  if (kind_value < 0 || kind_value >= N_KINDS)
    return NULL;
  *kind = kind_value;
  key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  return kbc_list_resource_find (KBC_LIST_RESOURCE (self->invitations[kind_value]), key);
}

static void
mfa_response_cb (AdwMessageDialog *dialog, const char *response, KbcInvitationsPage *self)
{
  if (g_strcmp0 (response, "security") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "window.show-page", "s", "account");
}

static void
show_mfa_required (KbcInvitationsPage *self, const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _ ("Multi-Factor Authentication Required"), error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Not Now"),
                                    "security", _ ("_Go to Account & Security"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "security",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "security");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (mfa_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  KbcInvitationsPage *self; /* a reference */
  KbcInvitation *invitation;
} Call;

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_object_unref (call->invitation);
  g_free (call);
}

static Call *
call_new (KbcInvitationsPage *self, KbcInvitation *invitation)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->invitation = g_object_ref (invitation);
  return call;
}

static void
on_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  KbcInvitationsPage *self = call->self;
  KbcInvitation *invitation = call->invitation;
  const char *name = kbc_invitation_get_target_name (invitation);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!kbc_invitations_accept_finish (KBC_INVITATIONS (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_row_busy (self->invitations_list, invitation, FALSE);
          if (kbc_invitations_error_is_mfa_required (error))
            show_mfa_required (self, error);
          else
            kbc_widget_add_toast (GTK_WIDGET (self), error->message);
        }
      call_free (call);
      return;
    }

  switch (kbc_invitation_get_kind (invitation))
    {
      case KBC_INVITATION_PROJECT:
        /* Translators: %s is the project the user joined. */
        text = g_strdup_printf (_ ("You joined %s"), name);
        kbc_widget_add_toast (GTK_WIDGET (self), text);
        gtk_widget_activate_action (GTK_WIDGET (self), "window.show-project", "(xs)",
                                    kbc_invitation_get_target_id (invitation),
                                    kbc_invitation_get_role (invitation) != NULL
                                        ? kbc_invitation_get_role (invitation)
                                        : "");
        break;
      case KBC_INVITATION_ORGANIZATION:
      case KBC_INVITATION_MAINTAINER:
        /* Translators: %s is the organization or maintainer the user joined. */
        text = g_strdup_printf (_ ("You are now a member of %s"), name);
        kbc_widget_add_toast (GTK_WIDGET (self), text);
        /* The Organizations page shows what the user belongs to. */
        kbc_resource_refresh (KBC_RESOURCE (kbc_account_get_organizations (self->account)));
        kbc_resource_refresh (KBC_RESOURCE (kbc_account_get_maintainers (self->account)));
        break;
      default:
        g_assert_not_reached ();
    }
  call_free (call);
}

static void
accept_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcInvitationsPage *self = KBC_INVITATIONS_PAGE (widget);
  KbcInvitationKind kind;
  KbcInvitation *invitation = find_invitation (self, parameter, &kind);

  if (invitation == NULL)
    return;

  set_row_busy (self->invitations_list, invitation, TRUE);
  kbc_invitations_accept_async (self->invitations[kind], invitation, self->cancellable, on_accepted,
                                call_new (self, invitation));
}

/* ---- declining ---- */

static void
on_declined (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr (GError) error = NULL;

  if (kbc_invitations_decline_finish (KBC_INVITATIONS (source), result, &error))
    kbc_widget_add_toast (GTK_WIDGET (call->self), _ ("Invitation declined"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_row_busy (call->self->invitations_list, call->invitation, FALSE);
      update_decline_buttons (call->self);
      kbc_widget_add_toast (GTK_WIDGET (call->self), error->message);
    }
  call_free (call);
}

static void
decline_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Call *call = user_data;
  KbcInvitationsPage *self = call->self;

  if (g_strcmp0 (response, "decline") != 0)
    return;

  set_row_busy (self->invitations_list, call->invitation, TRUE);
  kbc_invitations_decline_async (self->invitations[kbc_invitation_get_kind (call->invitation)],
                                 call->invitation, self->cancellable, on_declined,
                                 call_new (self, call->invitation));
}

static void
decline_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcInvitationsPage *self = KBC_INVITATIONS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  KbcInvitationKind kind;
  KbcInvitation *invitation = find_invitation (self, parameter, &kind);
  const char *name;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (invitation == NULL)
    return;

  name = kbc_invitation_get_target_name (invitation);
  /* Translators: %s is the project, organization or maintainer. */
  heading = g_strdup_printf (_ ("Decline the Invitation to %s?"), name);
  body = g_strdup (kind == KBC_INVITATION_PROJECT
                       ? _ ("You will not be able to enter the project unless someone invites "
                            "you again.")
                       : _ ("You will not become a member unless someone invites you again."));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "decline",
                                    _ ("_Decline"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decline",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (decline_response_cb),
                         call_new (self, invitation), (GClosureNotify) call_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- access requests ---- */

static void
on_request_cancelled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcInvitationsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (kbc_join_requests_cancel_finish (KBC_JOIN_REQUESTS (source), result, &error))
    kbc_widget_add_toast (GTK_WIDGET (self), _ ("Access request cancelled"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkListBoxRow *row;

      for (int i = 0; (row = gtk_list_box_get_row_at_index (self->requests_list, i)) != NULL; i++)
        gtk_widget_set_sensitive (GTK_WIDGET (row), TRUE);
      kbc_widget_add_toast (GTK_WIDGET (self), error->message);
    }
}

static void
cancel_request_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcInvitationsPage *self = KBC_INVITATIONS_PAGE (widget);
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (parameter));
  KbcJoinRequest *request = kbc_list_resource_find (KBC_LIST_RESOURCE (self->join_requests), key);

  if (request == NULL)
    return;

  set_row_busy (self->requests_list, request, TRUE);
  kbc_join_requests_cancel_async (self->join_requests, request, self->cancellable,
                                  on_request_cancelled, g_object_ref (self));
}

/* ---- GObject ---- */

static void
kbc_invitations_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kbc_invitations_page_parent_class)->map (widget);

  /* Invitations come from other people: read them whenever the page shows. */
  reload (KBC_INVITATIONS_PAGE (widget));
}

static void
kbc_invitations_page_constructed (GObject *object)
{
  KbcInvitationsPage *self = KBC_INVITATIONS_PAGE (object);
  GListStore *lists = g_list_store_new (G_TYPE_LIST_MODEL);

  G_OBJECT_CLASS (kbc_invitations_page_parent_class)->constructed (object);

  for (guint i = 0; i < N_KINDS; i++)
    {
      self->invitations[i] = g_object_ref (kbc_account_get_invitations (self->account, i));
      g_list_store_append (lists, self->invitations[i]);
      g_signal_connect_object (self->invitations[i], "notify::loading", G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->invitations[i], "notify::error", G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
    }
  self->all_invitations = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (lists)));
  g_signal_connect_object (self->all_invitations, "items-changed",
                           G_CALLBACK (invitations_changed_cb), self, G_CONNECT_SWAPPED);

  self->join_requests = g_object_ref (kbc_account_get_join_requests (self->account));
  g_signal_connect_object (self->join_requests, "items-changed", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);

  self->auth_methods = g_object_ref (kbc_account_get_auth_methods (self->account));
  g_signal_connect_object (self->auth_methods, "notify::password",
                           G_CALLBACK (update_decline_buttons), self, G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->invitations_list, self->all_invitations, create_invitation_row,
                           self, NULL);
  gtk_list_box_bind_model (self->requests_list, G_LIST_MODEL (self->join_requests),
                           create_request_row, self, NULL);

  /* The count shows in the sidebar before the page is ever opened. */
  reload (self);
  update_state (self);
}

static void
kbc_invitations_page_dispose (GObject *object)
{
  KbcInvitationsPage *self = KBC_INVITATIONS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_INVITATIONS_PAGE);
  g_clear_object (&self->all_invitations);
  for (guint i = 0; i < N_KINDS; i++)
    g_clear_object (&self->invitations[i]);
  g_clear_object (&self->join_requests);
  g_clear_object (&self->auth_methods);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_invitations_page_parent_class)->dispose (object);
}

static void
kbc_invitations_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcInvitationsPage *self = KBC_INVITATIONS_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      case PROP_COUNT:
        g_value_set_uint (value, kbc_invitations_page_get_count (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_invitations_page_set_property (GObject *object,
                                   guint prop_id,
                                   const GValue *value,
                                   GParamSpec *pspec)
{
  KbcInvitationsPage *self = KBC_INVITATIONS_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        self->account = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_invitations_page_class_init (KbcInvitationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_invitations_page_constructed;
  object_class->dispose = kbc_invitations_page_dispose;
  object_class->get_property = kbc_invitations_page_get_property;
  object_class->set_property = kbc_invitations_page_set_property;

  widget_class->map = kbc_invitations_page_map;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] =
      g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-invitations-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcInvitationsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KbcInvitationsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcInvitationsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KbcInvitationsPage, invitations_group);
  gtk_widget_class_bind_template_child (widget_class, KbcInvitationsPage, invitations_list);
  gtk_widget_class_bind_template_child (widget_class, KbcInvitationsPage, requests_group);
  gtk_widget_class_bind_template_child (widget_class, KbcInvitationsPage, requests_list);

  gtk_widget_class_install_action (widget_class, "invitations.accept", "(ix)", accept_activated);
  gtk_widget_class_install_action (widget_class, "invitations.decline", "(ix)", decline_activated);
  gtk_widget_class_install_action (widget_class, "invitations.reload", NULL, reload_activated);
  gtk_widget_class_install_action (widget_class, "join-requests.cancel", "x",
                                   cancel_request_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kbc_invitations_page_init (KbcInvitationsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kbc_invitations_page_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_INVITATIONS_PAGE, "account", account, NULL);
}
