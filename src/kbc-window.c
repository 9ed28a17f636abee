/* kbc-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-window.h"

#include <glib/gi18n.h>

#include "kbc-a11y.h"
#include "kbc-account-page.h"
#include "kbc-invitations-page.h"
#include "kbc-notifications-button.h"
#include "kbc-notifications-page.h"
#include "kbc-notifications.h"
#include "kbc-organizations-page.h"
#include "kbc-project-page.h"
#include "kbc-promo-codes-page.h"
#include "kbc-restoring-page.h"
#include "kbc-startup-mark.h"
#include "kbc-tokens-page.h"

/* How often the notifications are asked for (with If-None-Match: a 304
 * when nothing changed), besides whenever the window gets the focus. */
#define NOTIFICATIONS_POLL_SECONDS 60

struct _KbcWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkStack *view_stack;
  AdwStatusPage *busy_page;
  GtkSpinner *busy_spinner;
  AdwBin *sign_in_bin;
  AdwLeaflet *leaflet;
  GtkListBox *sidebar;
  AdwWindowTitle *page_title;
  GtkMenuButton *account_button;
  AdwAvatar *account_avatar;
  GtkWidget *account_header;
  AdwAvatar *account_header_avatar;
  GtkLabel *account_name_label;
  GtkLabel *account_email_label;
  GtkStack *page_stack;
  KbcNotificationsButton *notifications_button;
  GtkWidget *sidebar_back_button;
  GtkWidget *project_back_button;

  /* Owned references */
  GSettings *settings;
  KbcSession *session;
  KbcSignInPage *sign_in_page;
  KbcAccount *account;             /* the account the pages are built for */
  GSignalGroup *session_signals;   /* on the session */
  GBindingGroup *account_bindings; /* from the session's account to the header */
  KbcNotifications *notifications; /* the account's, polled while it is shown */
  guint poll_source;
  KbcProjectPage *project_page; /* in page_stack, not in the sidebar */
  guint build_source;           /* the pages not shown yet, when idle */
  guint cached_source;          /* the cached profile, if the check takes long */
  char *project_opener;         /* the page that showed the project */

  gboolean use_local;
  /* --stack, owned by the application */
  const char *stack_id;
  const char *stack_url;
  gboolean local_offered;
};

G_DEFINE_FINAL_TYPE (KbcWindow, kbc_window, ADW_TYPE_APPLICATION_WINDOW)

typedef GtkWidget *(*KbcPageNew) (KbcAccount *account);

/* The account's pages, in sidebar order. A page with a "count" property
 * (guint) shows it in its sidebar row. */
static const struct
{
  const char *name;
  const char *title;
  const char *icon_name;
  KbcPageNew new_page;
} pages[] = {
  { "account", N_ ("Account & Security"), "security-high-symbolic", kbc_account_page_new },
  { "tokens", N_ ("Access Tokens"), "dialog-password-symbolic", kbc_tokens_page_new },
  { "notifications", N_ ("Notifications"), "kbc-bell-symbolic", kbc_notifications_page_new },
  { "invitations", N_ ("Invitations"), "mail-unread-symbolic", kbc_invitations_page_new },
  { "organizations", N_ ("Organizations"), "system-users-symbolic", kbc_organizations_page_new },
  { "promo-codes", N_ ("Promo Codes"), "starred-symbolic", kbc_promo_codes_page_new },
};

#define PROJECT_PAGE "project"

/* A page's count in its sidebar row: shown when not 0, and said. */
static void
update_count (GtkWidget *row, GParamSpec *pspec, GObject *page)
{
  GtkLabel *count_label = g_object_get_data (G_OBJECT (row), "count-label");
  const char *title = g_object_get_data (G_OBJECT (row), "title");
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;
  guint count = 0;

  g_object_get (page, "count", &count, NULL);
  text = g_strdup_printf ("%u", count);
  gtk_label_set_text (count_label, text);
  gtk_widget_set_visible (GTK_WIDGET (count_label), count > 0);
  if (count > 0)
    /* Translators: a sidebar entry and how many items wait there, e.g. "Invitations, 2 pending". */
    accessible =
        g_strdup_printf (ngettext ("%s, %u pending", "%s, %u pending", count), title, count);
  kbc_a11y_set_row_label (row, accessible != NULL ? accessible : title);
}

static GtkWidget *
create_sidebar_row (const char *name, const char *title, const char *icon_name)
{
  GtkWidget *row, *box, *image, *label;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  image = gtk_image_new_from_icon_name (icon_name);
  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);

  row = gtk_list_box_row_new ();
  gtk_widget_set_name (row, name);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "box", box);
  kbc_a11y_set_row_label (row, title);

  return row;
}

/* A page with a "count" shows it in its sidebar row from when it is built. */
static void
connect_count (GtkWidget *row, const char *title, GtkWidget *page)
{
  GtkWidget *count;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "count") == NULL)
    return;

  count = gtk_label_new (NULL);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (g_object_get_data (G_OBJECT (row), "box")), count);
  g_object_set_data (G_OBJECT (row), "count-label", count);
  g_object_set_data_full (G_OBJECT (row), "title", g_strdup (title), g_free);
  g_signal_connect_object (page, "notify::count", G_CALLBACK (update_count), row,
                           G_CONNECT_SWAPPED);
  update_count (row, NULL, G_OBJECT (page));
}

/* ---- notifications ---- */

static void
arrived_cb (KbcWindow *self, GPtrArray *items)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  /* In front of the user, the badge says it. */
  if (gtk_window_is_active (GTK_WINDOW (self)) || !KBC_IS_APPLICATION (app))
    return;

  kbc_application_notify_arrived (KBC_APPLICATION (app), items);
}

static gboolean
poll_timeout_cb (gpointer user_data)
{
  kbc_window_poll_notifications (KBC_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
is_active_cb (KbcWindow *self)
{
  if (gtk_window_is_active (GTK_WINDOW (self)))
    kbc_window_poll_notifications (self);
}

static void
start_notifications (KbcWindow *self, KbcAccount *account)
{
  self->notifications = g_object_ref (kbc_account_get_notifications (account));
  g_signal_connect_object (self->notifications, "arrived", G_CALLBACK (arrived_cb), self,
                           G_CONNECT_SWAPPED);
  kbc_notifications_button_set_notifications (self->notifications_button, self->notifications);
  kbc_resource_ensure_loaded (KBC_RESOURCE (self->notifications));
  self->poll_source = g_timeout_add_seconds (NOTIFICATIONS_POLL_SECONDS, poll_timeout_cb, self);
}

static void
stop_notifications (KbcWindow *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->notifications != NULL)
    g_signal_handlers_disconnect_by_data (self->notifications, self);
  g_clear_object (&self->notifications);
  if (self->notifications_button != NULL)
    kbc_notifications_button_set_notifications (self->notifications_button, NULL);
}

static void
clear_pages (KbcWindow *self)
{
  GtkListBoxRow *row;
  GtkWidget *child;

  stop_notifications (self);
  g_clear_handle_id (&self->build_source, g_source_remove);

  while ((row = gtk_list_box_get_row_at_index (self->sidebar, 0)) != NULL)
    gtk_list_box_remove (self->sidebar, GTK_WIDGET (row));

  /* Removing a page disposes it, which cancels its work in flight. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->page_stack))) != NULL)
    gtk_stack_remove (self->page_stack, child);
  self->project_page = NULL;
  g_clear_pointer (&self->project_opener, g_free);

  g_clear_object (&self->account);
}

/* The title, and which back button the content's header shows: to the
 * sidebar when folded, or from a project to the page that opened it. */
static void
update_header (KbcWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->page_stack);
  gboolean project = g_strcmp0 (name, PROJECT_PAGE) == 0;
  GtkWidget *child = gtk_stack_get_visible_child (self->page_stack);

  gtk_widget_set_visible (self->project_back_button, project);
  gtk_widget_set_visible (self->sidebar_back_button,
                          !project && adw_leaflet_get_folded (self->leaflet));
  if (project)
    adw_window_title_set_title (self->page_title, kbc_project_page_get_title (self->project_page));
  else if (child != NULL)
    adw_window_title_set_title (
        self->page_title, gtk_stack_page_get_title (gtk_stack_get_page (self->page_stack, child)));
}

static GtkListBoxRow *
find_row (KbcWindow *self, const char *name)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->sidebar, i)) != NULL; i++)
    if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (row)), name) == 0)
      return row;
  return NULL;
}

/* The page @name, built the first time it is asked for: start-up builds
 * only the page it shows, the others follow when the main loop is idle
 * (build_next_page_cb), or at once when the user gets there first. */
static GtkWidget *
ensure_page (KbcWindow *self, const char *name)
{
  GtkWidget *page;

  if (self->account == NULL)
    return NULL;
  if ((page = gtk_stack_get_child_by_name (self->page_stack, name)) != NULL)
    return page;

  if (g_strcmp0 (name, PROJECT_PAGE) == 0)
    {
      self->project_page = KBC_PROJECT_PAGE (kbc_project_page_new (self->account));
      gtk_stack_add_named (self->page_stack, GTK_WIDGET (self->project_page), PROJECT_PAGE);
      g_signal_connect_object (self->project_page, "notify::title", G_CALLBACK (update_header),
                               self, G_CONNECT_SWAPPED);
      return GTK_WIDGET (self->project_page);
    }

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_str_equal (pages[i].name, name))
      {
        const char *title = _ (pages[i].title);

        page = pages[i].new_page (self->account);
        gtk_stack_add_titled (self->page_stack, page, name, title);
        connect_count (GTK_WIDGET (find_row (self, name)), title, page);
        return page;
      }

  return NULL;
}

static gboolean
build_next_page_cb (gpointer user_data)
{
  KbcWindow *self = user_data;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (gtk_stack_get_child_by_name (self->page_stack, pages[i].name) == NULL)
      {
        ensure_page (self, pages[i].name);
        return G_SOURCE_CONTINUE;
      }

  ensure_page (self, PROJECT_PAGE);
  self->build_source = 0;
  return G_SOURCE_REMOVE;
}

static void
add_sidebar_rows (KbcWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_list_box_append (
        self->sidebar, create_sidebar_row (pages[i].name, _ (pages[i].title), pages[i].icon_name));
}

static void
build_pages (KbcWindow *self, KbcAccount *account)
{
  clear_pages (self);
  self->account = g_object_ref (account);
  add_sidebar_rows (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->account_email_label), TRUE);

  /* Selecting the first row builds and shows its page, in place of the
   * cached profile. */
  gtk_list_box_select_row (self->sidebar, gtk_list_box_get_row_at_index (self->sidebar, 0));
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  start_notifications (self, account);
  self->build_source = g_idle_add_full (G_PRIORITY_LOW, build_next_page_cb, self, NULL);
}

/* Selects the page @name in the sidebar and shows it, as a click does. */
static GtkWidget *
show_page (KbcWindow *self, const char *name)
{
  GtkListBoxRow *row = find_row (self, name);

  if (row == NULL)
    return NULL;

  gtk_list_box_select_row (self->sidebar, row);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  return gtk_stack_get_child_by_name (self->page_stack, name);
}

static void
show_notifications_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcWindow *self = KBC_WINDOW (widget);

  if (show_page (self, "notifications") != NULL)
    kbc_window_poll_notifications (self);
}

static void
sidebar_row_selected_cb (KbcWindow *self, GtkListBoxRow *row)
{
  const char *name;

  /* No pages while the cached profile is shown. */
  if (row == NULL || self->account == NULL)
    return;

  name = gtk_widget_get_name (GTK_WIDGET (row));
  ensure_page (self, name);
  gtk_stack_set_visible_child_name (self->page_stack, name);
  update_header (self);
}

static void
show_project_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcWindow *self = KBC_WINDOW (widget);
  const char *current = gtk_stack_get_visible_child_name (self->page_stack);
  const char *role = NULL;
  gint64 id = 0;

  g_variant_get (parameter, "(x&s)", &id, &role);
  if (id <= 0 || ensure_page (self, PROJECT_PAGE) == NULL)
    return;

  if (g_strcmp0 (current, PROJECT_PAGE) != 0)
    {
      g_free (self->project_opener);
      self->project_opener = g_strdup (current);
    }
  kbc_project_page_load (self->project_page, id, role);
  gtk_list_box_unselect_all (self->sidebar);
  gtk_stack_set_visible_child_name (self->page_stack, PROJECT_PAGE);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  update_header (self);
}

static void
close_project_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcWindow *self = KBC_WINDOW (widget);

  /* Alt+Left means something only on a project's page. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), PROJECT_PAGE) != 0)
    return;
  show_page (self, self->project_opener != NULL ? self->project_opener : pages[0].name);
}

static void
show_page_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  show_page (KBC_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
sidebar_row_activated_cb (KbcWindow *self, GtkListBoxRow *row)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
show_sidebar_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcWindow *self = KBC_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
show_view (KbcWindow *self, const char *name)
{
  gboolean busy = g_str_equal (name, "busy");

  /* The spinner turns whenever its page is shown, and only then. */
  if (busy)
    gtk_spinner_set_spinning (self->busy_spinner, TRUE);
  gtk_stack_set_visible_child_name (self->view_stack, name);
  if (!busy)
    gtk_spinner_set_spinning (self->busy_spinner, FALSE);
}

static void
show_busy (KbcWindow *self, const char *title)
{
  adw_status_page_set_title (self->busy_page, title);
  show_view (self, "busy");
}

#define RESTORING_PAGE "account-cached"

/* While a saved session is verified, once that takes longer than
 * KBC_WINDOW_CACHED_PROFILE_DELAY_MS: the main view, with the
 * profile remembered from the last sign-in in the Account page's place,
 * and nothing that needs the server (the sidebar's pages, Sign Out) until
 * the session is back. */
static gboolean
show_cached_profile (KbcWindow *self)
{
  const char *name = NULL, *email = NULL;
  GtkWidget *page;

  if (!kbc_session_get_cached_profile (self->session, &name, &email, NULL))
    return FALSE;

  clear_pages (self);
  add_sidebar_rows (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar), FALSE);
  gtk_list_box_select_row (self->sidebar, gtk_list_box_get_row_at_index (self->sidebar, 0));

  page = kbc_restoring_page_new (self->session);
  gtk_stack_add_titled (self->page_stack, page, RESTORING_PAGE, _ (pages[0].title));
  gtk_stack_set_visible_child (self->page_stack, page);
  update_header (self);

  /* The account's own bindings fill these once it is there. Without a
   * kept name, the email stands once, in the name's place. */
  if (name == NULL || name[0] == '\0')
    {
      name = email;
      email = NULL;
    }
  adw_avatar_set_text (self->account_avatar, name);
  adw_avatar_set_text (self->account_header_avatar, name);
  gtk_label_set_label (self->account_name_label, name);
  gtk_label_set_label (self->account_email_label, email);
  gtk_widget_set_visible (GTK_WIDGET (self->account_email_label), email != NULL);

  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  show_view (self, "main");
  return TRUE;
}

/* The check takes long: the cached profile meanwhile, or a spinner when
 * there is none. */
static gboolean
cached_profile_timeout_cb (gpointer user_data)
{
  KbcWindow *self = user_data;

  self->cached_source = 0;
  if (!show_cached_profile (self))
    show_busy (self, _ ("Restoring Your Session…"));
  return G_SOURCE_REMOVE;
}

static gboolean
is_starting (KbcWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return KBC_IS_APPLICATION (app) && kbc_application_get_starting (KBC_APPLICATION (app));
}

/* The sign-in form, made the first time it is needed: a start with a
 * saved session never shows it, and making it cost the first frame ~10 ms. */
static KbcSignInPage *
ensure_sign_in_page (KbcWindow *self)
{
  if (self->sign_in_page == NULL)
    {
      self->sign_in_page = kbc_sign_in_page_new (self->session);
      adw_bin_set_child (self->sign_in_bin, GTK_WIDGET (self->sign_in_page));
    }
  return self->sign_in_page;
}

/* One view at a time, each only while it is true: "start" (nothing yet)
 * until the first restore knows whether there is a session, "busy" while
 * one is being restored or signed out, then the sign-in form or the
 * account. The view stack has no transition: a cross-fade would show the
 * text of two pages over each other. */
static void
state_changed_cb (KbcWindow *self)
{
  KbcSessionState state = kbc_session_get_state (self->session);

  if (state != KBC_SESSION_STATE_RESTORING)
    g_clear_handle_id (&self->cached_source, g_source_remove);

  switch (state)
    {
      case KBC_SESSION_STATE_RESTORING:
        /* Until then, the view that was there: at start-up, nothing. */
        if (self->cached_source == 0 &&
            gtk_stack_get_child_by_name (self->page_stack, RESTORING_PAGE) == NULL)
          self->cached_source =
              g_timeout_add (KBC_WINDOW_CACHED_PROFILE_DELAY_MS, cached_profile_timeout_cb, self);
        break;

      case KBC_SESSION_STATE_SIGNING_OUT:
        show_busy (self, _ ("Signing Out…"));
        break;

      case KBC_SESSION_STATE_SIGNED_OUT:
      case KBC_SESSION_STATE_EXPIRED:
        /* The keyring is still being asked: no form to flash before the
         * session it may hold. */
        if (is_starting (self))
          break;
        /* Made before the pages go, so no state between is ever seen. */
        ensure_sign_in_page (self);
        clear_pages (self);
        kbc_sign_in_page_reset (self->sign_in_page, kbc_session_get_message (self->session));
        if (self->use_local && !self->local_offered)
          {
            self->local_offered = TRUE;
            kbc_sign_in_page_select_local (self->sign_in_page, TRUE);
          }
        else if (self->stack_id != NULL && !self->local_offered)
          {
            self->local_offered = TRUE;
            kbc_sign_in_page_select_stack (self->sign_in_page, self->stack_id, self->stack_url);
          }
        show_view (self, "sign-in");
        break;

      case KBC_SESSION_STATE_SIGNED_IN:
        if (self->account != kbc_session_get_account (self->session))
          build_pages (self, kbc_session_get_account (self->session));
        show_view (self, "main");
        break;

      default:
        g_assert_not_reached ();
    }
}

/* After construction: GtkWindow:application is not a construct property. */
static void
setup (KbcWindow *self, KbcApplication *app)
{
  self->settings = g_object_ref (kbc_application_get_settings (app));
  self->session = g_object_ref (kbc_application_get_session (app));
  self->use_local = kbc_application_get_use_local (app);
  self->stack_id = kbc_application_get_stack (app, &self->stack_url);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_object_bind_property (self->session, "account", self->account_bindings, "source",
                          G_BINDING_SYNC_CREATE);
  g_signal_group_set_target (self->session_signals, self->session);
  g_signal_connect_object (app, "notify::starting", G_CALLBACK (state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  state_changed_cb (self);
  kbc_startup_mark_next_frame (GTK_WIDGET (self), "first-frame");
}

static gboolean
kbc_window_close_request (GtkWindow *window)
{
  KbcWindow *self = KBC_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (kbc_window_parent_class)->close_request (window);
}

static void
kbc_window_dispose (GObject *object)
{
  KbcWindow *self = KBC_WINDOW (object);

  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  if (self->account_bindings != NULL)
    g_binding_group_set_source (self->account_bindings, NULL);
  g_clear_handle_id (&self->cached_source, g_source_remove);
  clear_pages (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_WINDOW);

  self->sign_in_page = NULL;
  g_clear_object (&self->account);
  g_free (self->project_opener);
  self->project_opener = NULL;
  g_clear_object (&self->session_signals);
  g_clear_object (&self->account_bindings);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kbc_window_parent_class)->dispose (object);
}

static void
kbc_window_class_init (KbcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kbc_window_dispose;

  window_class->close_request = kbc_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/kbc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, busy_page);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, sign_in_bin);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, page_title);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, account_avatar);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, account_header);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, account_header_avatar);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, account_name_label);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, account_email_label);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, page_stack);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);

  gtk_widget_class_bind_template_child (widget_class, KbcWindow, notifications_button);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, sidebar_back_button);
  gtk_widget_class_bind_template_child (widget_class, KbcWindow, project_back_button);
  gtk_widget_class_install_action (widget_class, "window.show-project", "(xs)",
                                   show_project_activated);
  gtk_widget_class_install_action (widget_class, "window.close-project", NULL,
                                   close_project_activated);
  gtk_widget_class_install_action (widget_class, "window.show-page", "s", show_page_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "window.close-project", NULL);
  gtk_widget_class_install_action (widget_class, "sidebar.show", NULL, show_sidebar_activated);
  gtk_widget_class_install_action (widget_class, "sidebar.show-notifications", NULL,
                                   show_notifications_activated);

  g_type_ensure (KBC_TYPE_SIGN_IN_PAGE);
  g_type_ensure (KBC_TYPE_NOTIFICATIONS_BUTTON);
}

static void
kbc_window_init (KbcWindow *self)
{
  GtkPopover *popover;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* What the window shows follows the session: its state picks the view,
   * its account fills the account menu. */
  self->session_signals = g_signal_group_new (KBC_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::state",
                                 G_CALLBACK (state_changed_cb), self, G_CONNECT_SWAPPED);
  self->account_bindings = g_binding_group_new ();
  g_binding_group_bind (self->account_bindings, "user-name", self->account_avatar, "text",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->account_bindings, "user-name", self->account_header_avatar, "text",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->account_bindings, "user-name", self->account_name_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->account_bindings, "user-email", self->account_email_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (update_header), self,
                           G_CONNECT_SWAPPED);
  /* Back to the window: the notifications may have changed meanwhile. */
  g_signal_connect (self, "notify::is-active", G_CALLBACK (is_active_cb), NULL);

  popover = gtk_menu_button_get_popover (self->account_button);
  gtk_popover_menu_add_child (GTK_POPOVER_MENU (popover), self->account_header, "account-header");
}

KbcWindow *
kbc_window_new (KbcApplication *application)
{
  KbcWindow *self;

  g_return_val_if_fail (KBC_IS_APPLICATION (application), NULL);

  self = g_object_new (KBC_TYPE_WINDOW, "application", application, NULL);
  setup (self, application);

  return self;
}

void
kbc_window_add_toast (KbcWindow *self, AdwToast *toast)
{
  g_return_if_fail (KBC_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

KbcSignInPage *
kbc_window_get_sign_in_page (KbcWindow *self)
{
  g_return_val_if_fail (KBC_IS_WINDOW (self), NULL);

  return self->sign_in_page;
}

const char *
kbc_window_get_view (KbcWindow *self)
{
  g_return_val_if_fail (KBC_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->view_stack);
}

GtkWidget *
kbc_window_get_page (KbcWindow *self, const char *name)
{
  g_return_val_if_fail (KBC_IS_WINDOW (self), NULL);

  return ensure_page (self, name);
}

void
kbc_window_poll_notifications (KbcWindow *self)
{
  g_return_if_fail (KBC_IS_WINDOW (self));

  /* A server without notifications is not asked every minute. */
  if (self->notifications != NULL && kbc_resource_get_offered (KBC_RESOURCE (self->notifications)))
    kbc_resource_refresh (KBC_RESOURCE (self->notifications));
}

void
kbc_window_show_notification (KbcWindow *self, const char *id)
{
  GtkWidget *page;

  g_return_if_fail (KBC_IS_WINDOW (self));
  g_return_if_fail (id != NULL);

  page = show_page (self, "notifications");
  if (page != NULL)
    kbc_notifications_page_show_item (KBC_NOTIFICATIONS_PAGE (page), id);
}
