/* kbc-tokens-page.c: the Access Tokens page: personal tokens and sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-tokens-page.h"

#include <glib/gi18n.h>

#include "kbc-closures.h"
#include "kbc-new-token-dialog.h"
#include "kbc-session-row.h"
#include "kbc-toast.h"
#include "kbc-token-row.h"
#include "kbc-tokens.h"
#include "kbc-web-notice.h"

/* The page is one GtkListView, so that only the tokens in view have rows:
 * a GtkListBox made, measured and drew a row for every token (1,000 took
 * 10 s to appear, and scrolling them ~40 ms a frame; bench-lists). Its
 * items are the group's header, the personal tokens, and everything below
 * them, each of the two a widget of the template that the factory puts in
 * whichever row shows it.
 *
 * GTK 4.8's GtkListView keeps up to 200 rows around what it shows, and
 * makes them at once when its model grows; the tokens reach it in steps of
 * this many, one step an idle, as on the notifications page. */
#define ROWS_PER_STEP    25
#define ROWS_KEPT_BY_GTK 200

#define HEADER "header"
#define FOOTER "footer"

struct _KbcTokensPage
{
  GtkWidget parent_instance;

  /* Template children */
  GtkWidget *tokens_group; /* the header item */
  GtkWidget *footer;       /* the item below the tokens */
  GtkWidget *new_button;
  GtkWidget *sign_out_others_button;
  GtkWidget *sessions_group;
  GtkListView *tokens_list;
  GtkListBox *tokens_empty_list;
  GtkListBox *sessions_list;
  GtkWidget *tokens_placeholder;
  GtkWidget *sessions_placeholder;
  GListModel *personal_model;
  GListModel *sessions_model;
  KbcWebNotice *web_notice;

  /* The first personal tokens, growing to all of them */
  GtkSliceListModel *personal_slice;
  guint grow_source;
  /* The header, the tokens, the footer: the list view's items */
  GtkFlattenListModel *items;

  /* Owned */
  KbcAccount *account;
  KbcTokens *tokens;
  GCancellable *cancellable;
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_TOKENS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcTokensPage, kbc_tokens_page, GTK_TYPE_WIDGET)

static GtkWindow *
get_parent_window (KbcTokensPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static char *
describe_no_tokens (gpointer self, gboolean loaded)
{
  return g_strdup (loaded ? _ ("No personal tokens") : _ ("Loading…"));
}

static char *
describe_no_sessions (gpointer self, gboolean loaded)
{
  return g_strdup (loaded ? _ ("No sessions") : _ ("Loading…"));
}

static GtkWidget *
create_session_row (gpointer item, gpointer user_data)
{
  return kbc_session_row_new (item);
}

/* In place of the tokens while there are none. */
static void
update_empty (KbcTokensPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->tokens_empty_list),
                          kbc_resource_get_offered (KBC_RESOURCE (self->tokens)) &&
                              g_list_model_get_n_items (self->personal_model) == 0);
}

/* What the page offers follows the list: a server that keeps tokens in its
 * web page gets the notice, and Sign Out Other Sessions needs others. */
static void
update (KbcTokensPage *self)
{
  KbcResource *resource = KBC_RESOURCE (self->tokens);
  gboolean offered = kbc_resource_get_offered (resource);
  gboolean loaded = kbc_resource_get_loaded (resource);
  gboolean others = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (self->sessions_model); i++)
    {
      g_autoptr (KbcToken) token = g_list_model_get_item (self->sessions_model, i);

      others = others || !kbc_token_get_is_current (token);
    }

  gtk_widget_set_visible (self->tokens_group, offered);
  update_empty (self);
  gtk_widget_set_visible (self->sessions_group, offered);
  gtk_widget_set_visible (GTK_WIDGET (self->web_notice), !offered);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.create", offered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.delete", loaded);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sessions.revoke", loaded);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sessions.sign-out-others", loaded && others);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.reload",
                                 !kbc_resource_get_loading (resource));
}

/* ---- confirmations ---- */

typedef void (*Confirmed) (KbcTokensPage *self, KbcToken *token);

typedef struct
{
  KbcTokensPage *page;
  KbcToken *token; /* NULL for Sign Out Other Sessions */
  Confirmed confirmed;
} Confirmation;

static void
confirmation_free (Confirmation *confirmation)
{
  g_clear_object (&confirmation->page);
  g_clear_object (&confirmation->token);
  g_free (confirmation);
}

static void
on_confirmation_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Confirmation *confirmation = user_data;

  if (g_strcmp0 (response, "confirm") == 0)
    confirmation->confirmed (confirmation->page, confirmation->token);
}

/* An AdwMessageDialog: Cancel (the default) or @confirm_label, destructive. */
static void
confirm (KbcTokensPage *self,
         const char *heading,
         const char *body,
         const char *confirm_label,
         KbcToken *token,
         Confirmed confirmed)
{
  Confirmation *confirmation = g_new0 (Confirmation, 1);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "confirm",
                                    confirm_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  confirmation->page = g_object_ref (self);
  confirmation->token = token != NULL ? g_object_ref (token) : NULL;
  confirmation->confirmed = confirmed;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_confirmation_response), confirmation,
                         (GClosureNotify) confirmation_free, G_CONNECT_DEFAULT);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- deleting a token, revoking a session ---- */

/* Whose answer it is; the page is not kept alive for it: its dispose
 * cancels, and a cancelled call touches nothing. */
typedef struct
{
  KbcTokensPage *page;
  gboolean session;
} Deleting;

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Deleting *deleting = user_data;
  g_autoptr (GError) error = NULL;

  if (!kbc_tokens_delete_finish (KBC_TOKENS (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        kbc_widget_add_toast (GTK_WIDGET (deleting->page), error->message);
      return;
    }

  kbc_widget_add_toast (GTK_WIDGET (deleting->page),
                        deleting->session ? _ ("Session revoked") : _ ("Token deleted"));
}

static void
delete_confirmed (KbcTokensPage *self, KbcToken *token)
{
  Deleting *deleting = g_new0 (Deleting, 1);

  deleting->page = self;
  deleting->session = kbc_token_get_is_session_token (token);
  kbc_tokens_delete_async (self->tokens, token, self->cancellable, on_deleted, deleting);
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcTokensPage *self = KBC_TOKENS_PAGE (widget);
  KbcToken *token = kbc_tokens_find (self->tokens, g_variant_get_int64 (parameter));
  g_autofree char *body = NULL;

  if (token == NULL || kbc_token_get_is_session_token (token))
    return;

  body = g_strdup_printf (
      /* Translators: %s is the name of a personal token. */
      _ ("Anything that uses “%s” will no longer be able to reach your account. This cannot be "
         "undone."),
      kbc_token_get_description (token));
  confirm (self, _ ("Delete Token?"), body, _ ("_Delete"), token, delete_confirmed);
}

static void
revoke_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcTokensPage *self = KBC_TOKENS_PAGE (widget);
  KbcToken *token = kbc_tokens_find (self->tokens, g_variant_get_int64 (parameter));
  const char *name;
  g_autofree char *body = NULL;

  /* This device signs out from the account menu. */
  if (token == NULL || !kbc_token_get_is_session_token (token) || kbc_token_get_is_current (token))
    return;

  name = kbc_token_get_client_name (token);
  if (name == NULL || *name == '\0')
    name = _ ("Unknown app");
  body = g_strdup_printf (
      /* Translators: %s is the name of the app of a session ("KBC Account/1.0 (laptop)"). */
      _ ("“%s” will be signed out of your account and will have to sign in again."), name);
  confirm (self, _ ("Revoke Session?"), body, _ ("_Revoke"), token, delete_confirmed);
}

/* ---- signing out the other sessions ---- */

static void
on_signed_out_others (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcTokensPage *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  int n;

  n = kbc_tokens_sign_out_others_finish (KBC_TOKENS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (n < 0)
    kbc_widget_add_toast (GTK_WIDGET (self), error->message);
  else
    {
      message = g_strdup_printf (
          /* Translators: %d is a number of sessions. */
          ngettext ("%d session signed out", "%d sessions signed out", n), n);
      kbc_widget_add_toast (GTK_WIDGET (self), message);
    }
}

static void
sign_out_others_confirmed (KbcTokensPage *self, KbcToken *token)
{
  kbc_tokens_sign_out_others_async (self->tokens, self->cancellable, on_signed_out_others, self);
}

static void
sign_out_others_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  confirm (KBC_TOKENS_PAGE (widget), _ ("Sign Out Other Sessions?"),
           _ ("Every other session will be signed out of your account. This device stays "
              "signed in. Personal tokens are not affected."),
           _ ("_Sign Out"), NULL, sign_out_others_confirmed);
}

/* ---- creating a token ---- */

static void
create_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcTokensPage *self = KBC_TOKENS_PAGE (widget);
  KbcNewTokenDialog *dialog = kbc_new_token_dialog_new (get_parent_window (self), self->tokens);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  kbc_resource_refresh (KBC_RESOURCE (KBC_TOKENS_PAGE (widget)->tokens));
}

/* ---- the list, in steps ---- */

static gboolean
grow_cb (gpointer user_data)
{
  KbcTokensPage *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->personal_slice);

  /* Past what GTK keeps, more items make no more rows: all of them. */
  if (size + ROWS_PER_STEP >= ROWS_KEPT_BY_GTK)
    {
      gtk_slice_list_model_set_size (self->personal_slice, G_MAXUINT);
      self->grow_source = 0;
      return G_SOURCE_REMOVE;
    }

  gtk_slice_list_model_set_size (self->personal_slice, size + ROWS_PER_STEP);
  if (size + ROWS_PER_STEP >= g_list_model_get_n_items (self->personal_model))
    {
      self->grow_source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
personal_changed_cb (KbcTokensPage *self)
{
  if (self->grow_source == 0 && gtk_slice_list_model_get_size (self->personal_slice) != G_MAXUINT &&
      gtk_slice_list_model_get_size (self->personal_slice) <
          g_list_model_get_n_items (self->personal_model))
    self->grow_source = g_idle_add (grow_cb, self);
}

/* ---- the list view's rows ---- */

/* The tokens look like a boxed list: the first and the last get the
 * rounded corners, by their place in the list. */
static void
style_token_row (KbcTokensPage *self, GtkListItem *list_item)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  guint position = gtk_list_item_get_position (list_item);
  guint n_tokens = g_list_model_get_n_items (G_LIST_MODEL (self->personal_slice));

  if (!KBC_IS_TOKEN_ROW (row) || position == GTK_INVALID_LIST_POSITION)
    return;

  /* The header is item 0. */
  if (position == 1)
    gtk_widget_add_css_class (row, "first");
  else
    gtk_widget_remove_css_class (row, "first");
  if (position == n_tokens)
    gtk_widget_add_css_class (row, "last");
  else
    gtk_widget_remove_css_class (row, "last");
}

/* A row that stays keeps its position when tokens come after it. */
static void
items_changed_cb (KbcTokensPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->tokens_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      GtkListItem *list_item =
          KBC_IS_TOKEN_ROW (row) ? g_object_get_data (G_OBJECT (row), "list-item") : NULL;

      if (list_item != NULL)
        style_token_row (self, list_item);
    }
}

static void
position_changed_cb (GtkListItem *list_item, GParamSpec *pspec, KbcTokensPage *self)
{
  style_token_row (self, list_item);
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *list_item, KbcTokensPage *self)
{
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
  g_signal_connect_object (list_item, "notify::position", G_CALLBACK (position_changed_cb), self,
                           G_CONNECT_DEFAULT);
}

/* The header's or the footer's widget, for its marker item. */
static GtkWidget *
part_of (KbcTokensPage *self, gpointer item)
{
  if (!GTK_IS_STRING_OBJECT (item))
    return NULL;
  return g_str_equal (gtk_string_object_get_string (item), HEADER) ? self->tokens_group
                                                                   : self->footer;
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *list_item, KbcTokensPage *self)
{
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  GtkWidget *part = part_of (self, item);

  if (part != NULL)
    {
      /* One widget: out of a row that still holds it. */
      GtkListItem *holder = g_object_get_data (G_OBJECT (part), "list-item");

      if (holder != NULL && holder != list_item)
        gtk_list_item_set_child (holder, NULL);
      g_object_set_data (G_OBJECT (part), "list-item", list_item);
      gtk_list_item_set_child (list_item, part);
      return;
    }

  if (!KBC_IS_TOKEN_ROW (child))
    {
      child = kbc_token_row_new ();
      g_object_set_data (G_OBJECT (child), "list-item", list_item);
      gtk_list_item_set_child (list_item, child);
    }
  kbc_token_row_set_token (KBC_TOKEN_ROW (child), item);
  style_token_row (self, list_item);
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *list_item, KbcTokensPage *self)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (KBC_IS_TOKEN_ROW (child))
    kbc_token_row_set_token (KBC_TOKEN_ROW (child), NULL);
  else if (child != NULL)
    {
      if (g_object_get_data (G_OBJECT (child), "list-item") == list_item)
        g_object_set_data (G_OBJECT (child), "list-item", NULL);
      gtk_list_item_set_child (list_item, NULL);
    }
}

/* ---- GtkWidget ---- */

/* Read when shown, and again each time: sessions come and go elsewhere. */
static void
kbc_tokens_page_map (GtkWidget *widget)
{
  KbcTokensPage *self = KBC_TOKENS_PAGE (widget);
  KbcResource *resource = KBC_RESOURCE (self->tokens);

  GTK_WIDGET_CLASS (kbc_tokens_page_parent_class)->map (widget);

  if (kbc_resource_get_loaded (resource) && !kbc_resource_get_loading (resource))
    kbc_resource_refresh (resource);
  else
    kbc_resource_ensure_loaded (resource);
}

/* ---- GObject ---- */

static void
kbc_tokens_page_constructed (GObject *object)
{
  KbcTokensPage *self = KBC_TOKENS_PAGE (object);
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GListStore) header = NULL;
  g_autoptr (GListStore) footer = NULL;
  g_autoptr (GListStore) sections = NULL;
  g_autoptr (GtkNoSelection) selection = NULL;
  GtkStringObject *marker;

  G_OBJECT_CLASS (kbc_tokens_page_parent_class)->constructed (object);

  g_return_if_fail (KBC_IS_ACCOUNT (self->account));

  self->tokens = g_object_ref (kbc_account_get_tokens (self->account));
  /* The template's bindings and the two filtered models watch it. */
  g_object_notify_by_pspec (object, properties[PROP_TOKENS]);

  kbc_web_notice_set_uri (self->web_notice, kbc_account_get_stack_url (self->account));
  self->personal_slice =
      gtk_slice_list_model_new (g_object_ref (self->personal_model), 0, ROWS_PER_STEP);
  g_signal_connect_object (self->personal_model, "items-changed", G_CALLBACK (personal_changed_cb),
                           self, G_CONNECT_SWAPPED);

  header = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  footer = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  sections = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (header, marker = gtk_string_object_new (HEADER));
  g_object_unref (marker);
  g_list_store_append (footer, marker = gtk_string_object_new (FOOTER));
  g_object_unref (marker);
  g_list_store_append (sections, header);
  g_list_store_append (sections, self->personal_slice);
  g_list_store_append (sections, footer);
  self->items = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&sections)));
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row), self, G_CONNECT_DEFAULT);
  gtk_list_view_set_factory (self->tokens_list, factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->items)));
  gtk_list_view_set_model (self->tokens_list, GTK_SELECTION_MODEL (selection));
  /* After the view's own handler: the rows have their places. */
  g_signal_connect_object (self->items, "items-changed", G_CALLBACK (items_changed_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->sessions_list, self->sessions_model, create_session_row, NULL,
                           NULL);
  gtk_list_box_set_placeholder (self->tokens_empty_list, self->tokens_placeholder);
  gtk_list_box_set_placeholder (self->sessions_list, self->sessions_placeholder);

  g_signal_connect_object (self->tokens, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sessions_model, "items-changed", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->personal_model, "items-changed", G_CALLBACK (update_empty), self,
                           G_CONNECT_SWAPPED);
  update (self);
}

static void
kbc_tokens_page_dispose (GObject *object)
{
  KbcTokensPage *self = KBC_TOKENS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->grow_source, g_source_remove);
  /* Unbinds every row: the header and the footer leave theirs. */
  if (self->tokens_list != NULL)
    gtk_list_view_set_model (self->tokens_list, NULL);
  if (self->sessions_list != NULL)
    gtk_list_box_bind_model (self->sessions_list, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_TOKENS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->items);
  g_clear_object (&self->personal_slice);
  g_clear_object (&self->tokens);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_tokens_page_parent_class)->dispose (object);
}

static void
kbc_tokens_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcTokensPage *self = KBC_TOKENS_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      case PROP_TOKENS:
        g_value_set_object (value, self->tokens);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_tokens_page_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  KbcTokensPage *self = KBC_TOKENS_PAGE (object);

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
kbc_tokens_page_class_init (KbcTokensPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_tokens_page_constructed;
  object_class->dispose = kbc_tokens_page_dispose;
  object_class->get_property = kbc_tokens_page_get_property;
  object_class->set_property = kbc_tokens_page_set_property;

  widget_class->map = kbc_tokens_page_map;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKENS] =
      g_param_spec_object ("tokens", NULL, NULL, KBC_TYPE_TOKENS,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-tokens-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, tokens_group);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, footer);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, sessions_group);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, sign_out_others_button);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, tokens_list);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, tokens_empty_list);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, sessions_list);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, tokens_placeholder);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, sessions_placeholder);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, personal_model);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, sessions_model);
  gtk_widget_class_bind_template_child (widget_class, KbcTokensPage, web_notice);
  gtk_widget_class_bind_template_callback (widget_class, describe_no_tokens);
  gtk_widget_class_bind_template_callback (widget_class, describe_no_sessions);
  kbc_closures_bind_template (widget_class);

  gtk_widget_class_install_action (widget_class, "tokens.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "tokens.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "tokens.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "sessions.revoke", "x", revoke_action);
  gtk_widget_class_install_action (widget_class, "sessions.sign-out-others", NULL,
                                   sign_out_others_action);

  g_type_ensure (KBC_TYPE_TOKENS);
  g_type_ensure (KBC_TYPE_TOKEN);
  g_type_ensure (KBC_TYPE_WEB_NOTICE);
}

static void
kbc_tokens_page_init (KbcTokensPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kbc_tokens_page_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_TOKENS_PAGE, "account", account, NULL);
}
