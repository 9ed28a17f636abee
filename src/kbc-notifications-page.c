/* kbc-notifications-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-notifications-page.h"

#include <glib/gi18n.h>

#include "kbc-notification-row.h"
#include "kbc-toast.h"
#include "kbc-web-notice.h"

/* GTK 4.8's GtkListView keeps up to 200 rows around what it shows, and makes
 * them at once when the model grows: with 10,000 notifications that is 200
 * rows made, bound and measured in one go. The list shows a screenful
 * first (as many as a long list's head: a maximized 1080p window's worth;
 * each row costs the frame ~1.5 ms), then reaches 200 in steps of
 * ROWS_PER_STEP rows, one step an idle, so the window keeps drawing (steps
 * of 25 left frames of ~70 ms, of 10 ~50 ms; docs/performance.md). */
#define FIRST_ROWS       KBC_NOTIFICATIONS_HEAD_SIZE
#define ROWS_PER_STEP    10
#define ROWS_KEPT_BY_GTK 200

struct _KbcNotificationsPage
{
  GtkWidget parent_instance;

  /* Template children */
  GtkStack *stack;
  AdwStatusPage *error_page;
  KbcWebNotice *web_notice;
  GtkLabel *unread_label;
  GtkButton *mark_all_button;
  GtkLabel *status_label;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkStack *content_stack;
  GtkListView *list_view;

  /* Owned references */
  KbcAccount *account;
  KbcNotifications *notifications;
  GtkSliceListModel *slice; /* the newest, growing to all of them */
  GtkSingleSelection *selection;
  guint grow_source;
  GCancellable *cancellable; /* the marking; cancelled on dispose */
  char *pending_item;        /* to show once the list is in */
};

G_DEFINE_FINAL_TYPE (KbcNotificationsPage, kbc_notifications_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
grow_cb (gpointer user_data)
{
  KbcNotificationsPage *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->slice);

  /* Past what GTK keeps, more items make no more rows: all of them. */
  if (size + ROWS_PER_STEP >= ROWS_KEPT_BY_GTK)
    {
      gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
      self->grow_source = 0;
      return G_SOURCE_REMOVE;
    }

  gtk_slice_list_model_set_size (self->slice, size + ROWS_PER_STEP);
  if (size + ROWS_PER_STEP >= g_list_model_get_n_items (G_LIST_MODEL (self->notifications)))
    {
      self->grow_source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
items_changed_cb (KbcNotificationsPage *self)
{
  if (self->grow_source == 0 && gtk_slice_list_model_get_size (self->slice) != G_MAXUINT &&
      gtk_slice_list_model_get_size (self->slice) <
          g_list_model_get_n_items (G_LIST_MODEL (self->notifications)))
    self->grow_source = g_idle_add (grow_cb, self);
}

static void
reveal_item (KbcNotificationsPage *self, const char *id)
{
  guint position;

  if (kbc_notifications_find (self->notifications, id, &position) == NULL)
    return;

  /* Everything in at once: the item may be further down. */
  g_clear_handle_id (&self->grow_source, g_source_remove);
  gtk_slice_list_model_set_size (self->slice, G_MAXUINT);

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

static void
update_state (KbcNotificationsPage *self)
{
  KbcResource *resource = KBC_RESOURCE (self->notifications);
  guint unread = kbc_notifications_get_unread_count (self->notifications);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->notifications));
  const GError *error = kbc_resource_get_error (resource);
  gboolean loaded = kbc_resource_get_loaded (resource);

  if (!kbc_resource_get_offered (resource))
    gtk_stack_set_visible_child_name (self->stack, "web");
  else if (!loaded && error != NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else if (!loaded && n_items == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    {
      /* The newest of a long list come before the rest (KbcResource's
       * head): shown at once. */
      gtk_stack_set_visible_child_name (self->stack, "content");
      gtk_stack_set_visible_child_name (self->content_stack, n_items > 0 ? "list" : "empty");
    }

  /* Counted once the whole list is in. */
  if (!loaded)
    gtk_label_set_label (self->unread_label, _ ("Loading…"));
  else if (unread == 0)
    gtk_label_set_label (self->unread_label, _ ("No unread notifications"));
  else
    {
      g_autofree char *text = g_strdup_printf (
          ngettext ("%u unread notification", "%u unread notifications", unread), unread);

      gtk_label_set_label (self->unread_label, text);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "notifications.mark-all-read", unread > 0);

  /* A poll that failed keeps the list; this says it may be old. */
  if (loaded && error != NULL)
    {
      g_autofree char *text =
          /* Translators: %s says why, e.g. "The server could not be reached." */
          g_strdup_printf (_ ("Could not check for new notifications: %s"), error->message);

      gtk_label_set_label (self->error_label, text);
    }
  gtk_revealer_set_reveal_child (self->error_revealer, loaded && error != NULL);

  /* Once the refresh that show_item() asked for is in. */
  if (loaded && !kbc_resource_get_loading (resource) && self->pending_item != NULL)
    {
      g_autofree char *id = g_steal_pointer (&self->pending_item);

      reveal_item (self, id);
    }
}

/* ---- actions ---- */

static void
marked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KbcNotificationsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == kbc_notifications_mark_read_async)
    ok = kbc_notifications_mark_read_finish (KBC_NOTIFICATIONS (source), result, &error);
  else
    ok = kbc_notifications_mark_all_read_finish (KBC_NOTIFICATIONS (source), result, &error);

  if (ok || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The items are unread again already; the toast says why. */
  kbc_widget_add_toast (GTK_WIDGET (self), error->message);
}

static void
mark_read_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcNotificationsPage *self = KBC_NOTIFICATIONS_PAGE (widget);
  KbcNotification *item =
      kbc_notifications_find (self->notifications, g_variant_get_string (parameter, NULL), NULL);

  if (item == NULL)
    return;

  kbc_notifications_mark_read_async (self->notifications, &item, 1, self->cancellable, marked_cb,
                                     g_object_ref (self));
}

static void
mark_all_read_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcNotificationsPage *self = KBC_NOTIFICATIONS_PAGE (widget);

  kbc_notifications_mark_all_read_async (self->notifications, self->cancellable, marked_cb,
                                         g_object_ref (self));
}

static void
retry_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcNotificationsPage *self = KBC_NOTIFICATIONS_PAGE (widget);

  kbc_resource_refresh (KBC_RESOURCE (self->notifications));
}

/* ---- the list's rows ---- */

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  gtk_list_item_set_child (list_item, kbc_notification_row_new ());
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  kbc_notification_row_set_notification (KBC_NOTIFICATION_ROW (gtk_list_item_get_child (list_item)),
                                         gtk_list_item_get_item (list_item));
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  kbc_notification_row_set_notification (KBC_NOTIFICATION_ROW (gtk_list_item_get_child (list_item)),
                                         NULL);
}

/* ---- GObject ---- */

static void
kbc_notifications_page_constructed (GObject *object)
{
  KbcNotificationsPage *self = KBC_NOTIFICATIONS_PAGE (object);
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autofree char *status = NULL;
  g_autofree char *link = NULL;

  G_OBJECT_CLASS (kbc_notifications_page_parent_class)->constructed (object);

  g_assert (KBC_IS_ACCOUNT (self->account));
  self->notifications = g_object_ref (kbc_account_get_notifications (self->account));

  /* Selection marks the item a desktop notification opened. */
  self->slice =
      gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->notifications)), 0, FIRST_ROWS);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->slice)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  link = g_markup_printf_escaped ("<a href=\"%s\">%s</a>", KBC_STATUS_PAGE_URL,
                                  /* Translators: the link's text in “Platform changes are
                                   * announced in advance on %s.”, in the form that sentence
                                   * needs. */
                                  _ ("Keboola’s status page"));
  /* Translators: %s is a link whose text is "Keboola’s status page". */
  status = g_strdup_printf (_ ("Platform changes are announced in advance on %s."), link);
  gtk_label_set_markup (self->status_label, status);

  kbc_web_notice_set_uri (self->web_notice, kbc_account_get_stack_url (self->account));

  g_signal_connect_object (self->notifications, "notify", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notifications, "items-changed", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notifications, "items-changed", G_CALLBACK (items_changed_cb),
                           self, G_CONNECT_SWAPPED);
  update_state (self);
  items_changed_cb (self);
  kbc_resource_ensure_loaded (KBC_RESOURCE (self->notifications));
}

static void
kbc_notifications_page_dispose (GObject *object)
{
  KbcNotificationsPage *self = KBC_NOTIFICATIONS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->grow_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_NOTIFICATIONS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_object (&self->notifications);
  g_clear_object (&self->account);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kbc_notifications_page_parent_class)->dispose (object);
}

static void
kbc_notifications_page_finalize (GObject *object)
{
  KbcNotificationsPage *self = KBC_NOTIFICATIONS_PAGE (object);

  g_free (self->pending_item);

  G_OBJECT_CLASS (kbc_notifications_page_parent_class)->finalize (object);
}

static void
kbc_notifications_page_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  KbcNotificationsPage *self = KBC_NOTIFICATIONS_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_notifications_page_set_property (GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
  KbcNotificationsPage *self = KBC_NOTIFICATIONS_PAGE (object);

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
kbc_notifications_page_class_init (KbcNotificationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_notifications_page_constructed;
  object_class->dispose = kbc_notifications_page_dispose;
  object_class->finalize = kbc_notifications_page_finalize;
  object_class->get_property = kbc_notifications_page_get_property;
  object_class->set_property = kbc_notifications_page_set_property;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-notifications-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, web_notice);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, unread_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, mark_all_button);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, KbcNotificationsPage, list_view);

  gtk_widget_class_install_action (widget_class, "notifications.mark-read", "s",
                                   mark_read_activated);
  gtk_widget_class_install_action (widget_class, "notifications.mark-all-read", NULL,
                                   mark_all_read_activated);
  gtk_widget_class_install_action (widget_class, "notifications.retry", NULL, retry_activated);

  g_type_ensure (KBC_TYPE_WEB_NOTICE);
}

static void
kbc_notifications_page_init (KbcNotificationsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kbc_notifications_page_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_NOTIFICATIONS_PAGE, "account", account, NULL);
}

KbcNotifications *
kbc_notifications_page_get_notifications (KbcNotificationsPage *self)
{
  g_return_val_if_fail (KBC_IS_NOTIFICATIONS_PAGE (self), NULL);

  return self->notifications;
}

void
kbc_notifications_page_show_item (KbcNotificationsPage *self, const char *id)
{
  g_return_if_fail (KBC_IS_NOTIFICATIONS_PAGE (self));
  g_return_if_fail (id != NULL);

  if (kbc_notifications_find (self->notifications, id, NULL) != NULL)
    {
      reveal_item (self, id);
      return;
    }

  /* Not in the list yet: once the next answer is in. */
  g_free (self->pending_item);
  self->pending_item = g_strdup (id);
  kbc_resource_refresh (KBC_RESOURCE (self->notifications));
}

const char *
kbc_notifications_page_get_state (KbcNotificationsPage *self)
{
  const char *name;

  g_return_val_if_fail (KBC_IS_NOTIFICATIONS_PAGE (self), NULL);

  name = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (name, "content") == 0)
    return gtk_stack_get_visible_child_name (self->content_stack);
  return name;
}
